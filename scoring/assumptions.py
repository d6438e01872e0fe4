"""Every assumption behind the estimate, in one place.

Ant Group's Sesame model and data are private and its weights unpublished. The bot therefore
learns from a synthetic population whose shape is set here. Change a number here, run
``sesame-advisor train``, and the whole product (scores, advice, charts) follows. Nothing
else in the code base may hard-code a weight, a distribution, a band or a scaling constant.

Sources: the two seed texts (dimension weights 35/25/20/15/5, "3-5 cards is best", "bill
address must match the delivery address", ...) and the public facts in ``shared/seeds``.
Where the sources are silent, the figure is our judgement and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Share of the score range each dimension can move (seed text; not published by Ant).
DIMENSION_WEIGHTS: dict[str, float] = {
    "credit_history": 0.35,
    "behaviour": 0.25,
    "capacity": 0.20,
    "identity": 0.15,
    "connections": 0.05,
}

#: Within a dimension, the relative importance of each question (our judgement; sums per
#: dimension are normalised, so only ratios matter). Repayment behaviour dominates credit
#: history because the seed calls it the core of "past performance records".
QUESTION_WEIGHTS: dict[str, float] = {
    "account_age": 7,
    "huabei": 10,
    "loans": 8,
    "credit_cards": 4,
    "card_repayment": 4,
    "card_bills": 2,
    "shopping": 5,
    "monthly_spend": 4,
    "living_bills": 4,
    "bill_address": 2,
    "wealth": 4,
    "insurance": 2,
    "charity": 2,
    "mybank": 2,
    "income": 9,
    "provident_fund": 5,
    "property": 4,
    "vehicle": 2,
    "real_name": 3,
    "education": 2,
    "work_info": 2,
    "phone_years": 2,
    "phone_consistent": 2,
    "addresses": 2,
    "third_party_data": 2,
    "friends_credit": 3,
    "friend_interaction": 2,
}

#: Where each answer sits between the least (0) and most (1) favourable one, in the order of
#: ``scoring.questions``. Unlisted questions are spaced evenly. A current overdue is far worse
#: than a past late payment, so repayment scales are front-loaded.
LEVEL_POSITIONS: dict[str, tuple[float, ...]] = {
    "account_age": (0.0, 0.35, 0.6, 0.85, 1.0),
    "huabei": (0.0, 0.45, 0.7, 0.8, 1.0),
    "loans": (0.0, 0.5, 0.85, 1.0),
    "credit_cards": (0.0, 0.45, 0.8, 1.0),
    "card_repayment": (0.0, 0.4, 0.8, 1.0),
    "living_bills": (0.0, 0.3, 0.5, 0.65, 0.8, 0.9, 1.0),
    "bill_address": (0.0, 0.2, 1.0),
}

#: How often each answer occurs among Alipay users (our judgement, shaped after public
#: surveys: most accounts are 3-10 years old, most users shop on Taobao, few are overdue).
ANSWER_SHARES: dict[str, tuple[float, ...]] = {
    "account_age": (0.07, 0.16, 0.24, 0.35, 0.18),
    "huabei": (0.03, 0.06, 0.11, 0.25, 0.55),
    "loans": (0.03, 0.07, 0.55, 0.35),
    "credit_cards": (0.08, 0.32, 0.38, 0.22),
    "card_repayment": (0.04, 0.10, 0.32, 0.54),
    "card_bills": (0.40, 0.35, 0.25),
    "shopping": (0.08, 0.12, 0.55, 0.25),
    "monthly_spend": (0.18, 0.40, 0.30, 0.12),
    "living_bills": (0.15, 0.12, 0.15, 0.18, 0.17, 0.13, 0.10),
    "bill_address": (0.15, 0.25, 0.60),
    "wealth": (0.25, 0.40, 0.25, 0.10),
    "insurance": (0.55, 0.45),
    "charity": (0.40, 0.45, 0.15),
    "mybank": (0.60, 0.40),
    "income": (0.08, 0.22, 0.52, 0.18),
    "provident_fund": (0.60, 0.40),
    "property": (0.75, 0.25),
    "vehicle": (0.75, 0.25),
    "real_name": (0.05, 0.95),
    "education": (0.60, 0.40),
    "work_info": (0.65, 0.35),
    "phone_years": (0.15, 0.30, 0.55),
    "phone_consistent": (0.35, 0.65),
    "addresses": (0.30, 0.40, 0.30),
    "third_party_data": (0.70, 0.30),
    "friends_credit": (0.30, 0.10, 0.40, 0.20),
    "friend_interaction": (0.20, 0.50, 0.30),
}

#: Which latent trait drives each answer, so answers correlate as in life: "engagement" (how
#: much of one's life runs through Alipay) and "stability" (income, repayment discipline).
LATENT_LOADINGS: dict[str, tuple[float, float]] = {
    "account_age": (0.4, 0.2),
    "huabei": (0.2, 0.5),
    "loans": (0.1, 0.5),
    "credit_cards": (0.2, 0.3),
    "card_repayment": (0.1, 0.5),
    "card_bills": (0.4, 0.2),
    "shopping": (0.5, 0.1),
    "monthly_spend": (0.4, 0.3),
    "living_bills": (0.5, 0.1),
    "bill_address": (0.4, 0.2),
    "wealth": (0.3, 0.5),
    "insurance": (0.4, 0.1),
    "charity": (0.4, 0.1),
    "mybank": (0.4, 0.1),
    "income": (0.1, 0.6),
    "provident_fund": (0.1, 0.5),
    "property": (0.0, 0.5),
    "vehicle": (0.0, 0.4),
    "real_name": (0.3, 0.1),
    "education": (0.3, 0.2),
    "work_info": (0.3, 0.3),
    "phone_years": (0.2, 0.3),
    "phone_consistent": (0.3, 0.2),
    "addresses": (0.1, 0.3),
    "third_party_data": (0.4, 0.1),
    "friends_credit": (0.3, 0.3),
    "friend_interaction": (0.5, 0.0),
}

#: Ant's model sees what a questionnaire cannot (transaction detail, timing, its own data), so
#: two people with the same answers differ. The synthetic default process adds a normal term
#: with this spread (log-odds) to each person, unseen by the questionnaire. Our judgement:
#: 0.1 is about 8 score points, as far as complete profiles landed from the truth (8.4 points
#: RMS) when the model still learned from drawn outcomes. The range *measures* its effect
#: (``scoring.quality``); nothing adds a margin by hand.
UNSEEN_LOG_ODDS_SD: float = 0.1

#: Log-odds of good-vs-bad separating the worst from the best possible profile in the
#: synthetic default process. Sets how sharply the population separates (AUC) and, with the
#: scale below, the score span.
TRUE_LOG_ODDS_SPAN: float = 7.0

#: Log-odds of being good for the worst possible profile (about a 60 % default rate).
WORST_LOG_ODDS: float = -0.4


@dataclass(frozen=True)
class Scale:
    """Points-to-double-odds scaling: score = offset + factor * ln(odds of good)."""

    base_score: float = 600.0
    base_odds: float = 20.0
    pdo: float = 55.0
    minimum: int = 350
    maximum: int = 950


SCALE = Scale()

#: Score bands (public sources), lower bound inclusive, with their names.
BANDS: tuple[tuple[str, int, int, str, str], ...] = (
    ("poor", 350, 550, "较差", "Poor"),
    ("fair", 550, 600, "中等", "Fair"),
    ("good", 600, 650, "良好", "Good"),
    ("very_good", 650, 700, "优秀", "Very good"),
    ("excellent", 700, 950, "极好", "Excellent"),
)

#: How often the shown range must hold the true score. The range is a prediction interval:
#: the spread of the unanswered answers given the answered ones, plus the model's own error,
#: which training measures on a fresh synthetic population (``scoring.quality``). It covers
#: the synthetic truth; how far Ant's real model is from it nobody outside Ant can measure.
RANGE_COVERAGE: float = 0.9

#: Calibration to a user's real score (``scoring.calibration``). Our judgement, not Ant's:
#: how far one person's real score may sit from what their answers explain (Ant sees transaction
#: detail a questionnaire cannot), as the standard deviation of that persistent offset before any
#: report. With a quick check's range (90 % about 160 points wide) one report moves the estimate
#: about 60 % of the way and five consistent reports about 90 %.
CALIBRATION_PRIOR_SD: float = 60.0

#: Points the real score wobbles from month to month without any answer changing (Ant's monthly
#: recompute sees new transactions); the calibrated range never gets narrower than this allows.
CALIBRATION_WOBBLE_SD: float = 10.0

#: A report more than this many standard deviations from what the others say is down-weighted
#: (Huber weights): a mistyped score moves the calibration less than a consistent series does.
CALIBRATION_HUBER_K: float = 2.0

#: Coverage of a range when the estimate does not state its own.
DEFAULT_RANGE_COVERAGE: float = 0.9

#: Training defaults: rows of the synthetic population and the seed that reproduces the
#: packaged model bit for bit.
TRAIN_ROWS: int = 100_000
TRAIN_SEED: int = 20261124


@dataclass(frozen=True)
class BillReading:
    """How an Alipay transaction export (``scoring.alipay_bill``) is turned into answers.

    The export shows what a person paid, not balances, due dates or addresses, so every figure
    here is our judgement of when rows are evidence enough. An absence (no donation, no bill
    payment) only counts once the file covers ``absence_months``: a shorter file cannot tell.
    """

    #: Months a file must cover before "no such rows" becomes an answer (never, none, 0).
    absence_months: float = 6.0
    #: Months a file must cover before monthly spending is estimated from it.
    spend_months: float = 1.0
    #: Donations in at least this share of the months covered read as "regularly".
    charity_regular_share: float = 0.5
    #: Red envelopes and transfers with people per month that read as "often".
    friends_often_per_month: float = 4.0
    #: Online shopping rows per month below which "where do you shop" is not answered.
    shopping_min_per_month: float = 1.0
    #: Net money moved into Yu'e Bao and funds over the file that proves the top wealth band
    #: (a balance is at least what went in; smaller sums leave the band open).
    wealth_large_yuan: float = 100_000.0
    #: Distinct credit cards repaid that prove the "6 or more" answer (fewer leave it open).
    cards_six_plus: int = 6
    #: The window, in calendar months back from the day of the import, of the questions about a
    #: recent period: the repayment records (``scoring.alipay_bill.answers.RECENT``; Huabei's
    #: question says "over the last 12 months"). Only the rows inside it answer them.
    recent_months: int = 12


BILL_READING = BillReading()
