"""What advice may ask of a person, as data: answer classes, record-if-true items, safety gates.

Advice is recourse: it must be something this person *can* do and *should* do. Three tables
decide it, and every engine (ranking, what-if, the goal planner) reads them through
``feasible_changes``:

- ``ANSWER_CLASSES``: every question is either changeable by acting (``act``), something a
  person can only *record* if it is already true (``record``: a property, a vehicle...), or a
  ``fact`` the advice never touches (account age, income, a phone number's age). No action
  changes a fact, not even one that changes by waiting: a promise holds only what the person can
  record now, so the score promised is the score recorded (an action's timing may say a fact
  will count later).
- Record-if-true items (the catalogue's ``record`` actions) count only for the answers a person
  says they have: ``owned`` maps a record question id to ``True`` ("I have it, not added yet")
  or ``False`` ("I don't have it": the item is retired and never offered again). Without an
  entry the item is listed apart ("If you have these, add them") and counted nowhere.
- ``GATES``: answers under which advice must not add new credit (a payment overdue now, any late
  repayment record, no or unstable income, income not told yet, more than five cards). A gated
  action loses its new-credit changes; a gate on an unanswered question also asks it first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from advice.catalogue import ACTIONS, Action, Change
from scoring.questions import LATE_REPAYMENTS, NO_STEADY_INCOME, QUESTIONS, Answer, Lang

AnswerClass = Literal["act", "record", "fact"]

#: Every question's class (a test checks each question has one and the catalogue obeys them).
ANSWER_CLASSES: dict[str, AnswerClass] = {
    "account_age": "fact",
    "huabei": "act",
    "loans": "act",
    "credit_cards": "act",
    "card_repayment": "act",
    "card_bills": "act",
    "shopping": "act",
    # Spending more only to move a score is not advice anyone should follow.
    "monthly_spend": "fact",
    "living_bills": "act",
    "bill_address": "act",
    "wealth": "act",
    "insurance": "act",
    "charity": "act",
    "mybank": "act",
    "income": "fact",
    "provident_fund": "record",
    "property": "record",
    "vehicle": "record",
    "real_name": "act",
    "education": "record",
    "work_info": "record",
    "phone_years": "fact",
    "phone_consistent": "act",
    "addresses": "act",
    "third_party_data": "record",
    # Other people's credit: not the user's to change, and choosing friends for a score is not
    # advice anyone should follow. A better answer is recorded when it is true, never advised.
    "friends_credit": "fact",
    "friend_interaction": "act",
}

#: Record question id -> the record-if-true action that adds it.
RECORD_ACTIONS: dict[str, str] = {a.questions[0]: a.id for a in ACTIONS if a.record}

Owned = Mapping[str, bool]
"""Record question id -> whether the person has it (``True``) or not (``False``, retired)."""


@dataclass(frozen=True, slots=True)
class RuledOut:
    """A record-if-true item another answer rules out in practice: never asked about, offered or advised.

    Not an answer link (``scoring.structure``): nothing is implied or stored, the questionnaire
    still takes any answer, and the model is trained as before. It keeps the advice from asking a
    person who said they have no income whether they pay into a provident fund (QA 12), which
    only a job does.
    """

    question_id: str
    when: tuple[str, tuple[Answer, ...]]
    zh: str
    en: str

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        """Whether the answers rule the item out."""
        question_id, values = self.when
        return question_id in answers and answers[question_id] in values

    def note(self, lang: Lang) -> str:
        """Why there is nothing to do about the item, in ``lang``."""
        return self.zh if lang == "zh" else self.en


RULED_OUT: dict[str, RuledOut] = {
    r.question_id: r
    for r in (
        RuledOut(
            "provident_fund",
            ("income", ("none",)),
            "公积金要有工作才会缴纳；你说暂无收入，这一项现在不适用，不需要做什么。",
            "A provident fund comes with a job, and you said you have no income: there is nothing to do about it "
            "for now.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Gate:
    """A safety rule: no advice adds new credit while it holds.

    It holds when any ``when`` answer is given or any ``unanswered`` question is still open; those
    questions are the ones to ask first. Its text says why it holds and what comes first.
    """

    id: str
    when: tuple[tuple[str, tuple[Answer, ...]], ...]
    zh: str
    en: str
    unanswered: tuple[str, ...] = ()

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        """Whether the answers trigger this gate."""
        for question_id, values in self.when:
            if answers.get(question_id) in values:
                return True
        return any(question_id not in answers for question_id in self.unanswered)

    def text(self, lang: Lang) -> str:
        """Why the gate holds and what must come first, in ``lang``."""
        return self.zh if lang == "zh" else self.en


# Each gate says why it holds and what must come first; that no new credit is advised while any
# holds is said once after them (``templates/*/_no_new_credit.txt.j2``), however many hold.
GATES: tuple[Gate, ...] = (
    Gate(
        "overdue_now",
        (("huabei", ("overdue_now",)), ("loans", ("overdue_now",))),
        "你目前有逾期未还，请先把逾期欠款还清。",
        "You have a payment overdue now: repay it first.",
    ),
    Gate(
        # Any record worse than on time, on cards, Huabei or loans (a current overdue has its own gate).
        "late_record",
        tuple((q, tuple(v for v in late if v != "overdue_now")) for q, late in LATE_REPAYMENTS.items()),
        "你的还款记录里有逾期，请先做到每期按时还款。",
        "Your repayment record shows late payments: get every bill paid on time first.",
    ),
    Gate(
        "no_income",
        (("income", NO_STEADY_INCOME),),
        "你暂时没有稳定收入，欠下还不起的债只会得不偿失，请等收入稳定下来。",
        "You have no steady income yet: a debt you cannot repay would hurt far more than it helps, so wait "
        "until your income is steady.",
    ),
    Gate(
        # New credit is safe only for someone who can repay it: without the income, ask for it first.
        "income_unknown",
        (),
        "你还没有告诉我收入情况，请先回答下面关于收入的问题。",
        "You have not told me your income yet: answer that question first (below).",
        unanswered=("income",),
    ),
    Gate(
        "too_many_cards",
        (("credit_cards", ("six_plus",)),),
        "信用卡超过5张会被视为负债压力，请先把卡减到3-5张。",
        "More than 5 credit cards reads as debt pressure: cut them to 3-5 first.",
    ),
)

GATE_BY_ID: dict[str, Gate] = {g.id: g for g in GATES}


def active_gates(answers: Mapping[str, Answer]) -> tuple[Gate, ...]:
    """The gates these answers trigger, in ``GATES`` order: the one place every engine asks."""
    return tuple(g for g in GATES if g.holds(answers))


def ask_first(gates: tuple[Gate, ...]) -> tuple[str, ...]:
    """The open questions these gates wait for, to lead "tell me more" (each once, in gate order)."""
    return tuple(dict.fromkeys(q for g in gates for q in g.unanswered))


Infeasible = Literal["gated", "not_owned", "retired", "ruled_out"]


def feasible_changes(action: Action, answers: dict[str, Answer], owned: Owned | None = None) -> tuple[Change, ...]:
    """The changes ``action`` may make to ``answers`` once the tables above have had their say."""
    return assess(action, answers, owned, not active_gates(answers))[0]


def assess(
    action: Action, answers: dict[str, Answer], owned: Owned | None, new_credit: bool
) -> tuple[tuple[Change, ...], Infeasible | None]:
    """``(changes, why not)``: the changes allowed and, when a table removed them all, which one.

    The one place the safety gates act, for ``rank``, ``simulate`` and ``plan`` alike: under a gate
    an action keeps only its changes that take on no new credit. Which those are is catalogue
    data, each counterfactual's ``adds_credit``, keyed on today's answer (Huabei "always on
    time" is repayment from a late record, new credit from "not opened").
    ``new_credit`` is ``False`` when a gate holds for these answers (``active_gates``); callers
    that assess many actions for one profile compute it once.
    """
    changes = action.changes_for(answers, new_credit)
    if not changes:
        # "gated" only when the gate took away changes that would otherwise have applied.
        gated = not new_credit and action.adds_credit and action.changes_for(answers)
        return (), "gated" if gated else None
    if action.record:
        rule = RULED_OUT.get(action.questions[0])
        if rule is not None and rule.holds(answers):
            return (), "ruled_out"
        status = (owned or {}).get(action.questions[0])
        if status is not True:
            return (), "retired" if status is False else "not_owned"
    return changes, None


def record_items(answers: dict[str, Answer], owned: Owned | None = None) -> tuple[Action, ...]:
    """Record-if-true items to offer as "if you have these, add them".

    Those answered *not added*, where the person has not yet said whether they have it and no
    other answer rules the item out (``RULED_OUT``).
    """
    owned = owned or {}
    return tuple(
        a
        for a in ACTIONS
        if a.record
        and a.questions[0] not in owned
        and not (a.questions[0] in RULED_OUT and RULED_OUT[a.questions[0]].holds(answers))
        and a.changes_for(answers, new_credit=True)
    )


# ---- reasons with no action behind them ------------------------------------------------------
#: Why nothing is to be done about an answer that costs points, when no action changes it:
#: keyed ``question=value`` for one answer, else by question id.
NOTHING_TO_DO: dict[str, dict[str, str]] = {
    "loans=none": {
        "zh": "没有贷款会少一点分，但不要为了分数去借钱，这一项不需要做什么。",
        "en": "Having no loan costs a little, but never borrow for the score: there is nothing to do.",
    },
    "account_age": {
        "zh": "账户年龄只会随时间增长，继续正常使用即可。",
        "en": "An account only ages with time: keep using it, there is nothing to do.",
    },
    "income": {
        "zh": "收入是实际情况，不必为了分数去改变，这里不给建议。",
        "en": "Income is a fact, not something to change for a score: no advice here.",
    },
    "monthly_spend": {
        "zh": "不要为了提分而多花钱，这里不给建议。",
        "en": "Do not spend more just for the score: no advice here.",
    },
    "phone_years": {
        "zh": "号码的使用年限只会随时间增长，一直用同一个号码即可。",
        "en": "A number only ages with time: keep the one you have.",
    },
    "wealth": {
        # The saving action's steps say the same (``action_steps``): only money you can spare.
        "zh": "余额宝里存得多一些会加分，但只放你暂时用不到的钱；不需要为了分数专门去存钱。",
        "en": "More in Yu'e Bao counts for more, but keep there only money you can spare: do not save "
        "for the score; there is nothing else to do.",
    },
    "loans": {
        "zh": "过去的逾期记录只能随时间淡去。以后每期按时还款就好，不要为了记录再去借钱。",
        "en": "A past late record only fades with time: repay on time from now on, and never borrow "
        "just to build a record.",
    },
    "huabei": {
        "zh": "过去的逾期记录只能随时间淡去。以后每期按时还款就好。",
        "en": "A past late record only fades with time: repay on time from now on.",
    },
    "card_repayment": {
        "zh": "过去的逾期记录只能随时间淡去。以后每期按时还款就好。",
        "en": "A past late record only fades with time: repay on time from now on.",
    },
    "huabei=overdue_now": {
        "zh": "请先还清当前的逾期（见上文）。",
        "en": "Repay what is overdue first (see above).",
    },
    "loans=overdue_now": {
        "zh": "请先还清当前的逾期（见上文）。",
        "en": "Repay what is overdue first (see above).",
    },
    "card_bills": {
        # Only shown without a card (import_card_bills covers everyone who holds one).
        "zh": "没有信用卡就没有账单可以导入；以后有了卡，再绑定并导入账单即可。",
        "en": "Without a credit card there is no statement to import: once you hold one, bind it and "
        "import its statements.",
    },
    "credit_cards=one_two": {
        "zh": "1-2张卡够用就好：真正需要时再办，不要为了分数多办卡。",
        "en": "1-2 cards you use are fine: take another only if you need it, never for the score.",
    },
    "credit_cards": {
        "zh": "现在不建议新办信用卡（见上面的原因）。",
        "en": "A new credit card is not advised for now (see why above).",
    },
    "friends_credit=unknown": {
        "zh": "你说不清楚好友的信用，这一项不能靠猜来提高。以后如果了解到了，再照实更新这个回答。",
        "en": "You do not know your friends' credit, and a guess cannot make it better: if you find out, "
        "update this answer truthfully.",
    },
    "friends_credit": {
        "zh": "好友的信用不由你决定，这里不给建议。",
        "en": "Your friends' credit is not yours to change: no advice here.",
    },
}

#: Why a safety gate holds back the action that would change an answer, per question; the gates'
#: own texts above the list say why. A late record never gets one: it has its own note.
GATED: dict[str, dict[str, str]] = {
    "credit_cards": NOTHING_TO_DO["credit_cards"],
    "card_repayment": {
        "zh": "没有信用卡就没有信用卡还款记录；现在不建议为此办卡（见上面的原因）。",
        "en": "No card means no card repayment record, and a new card is not advised for now (see why above).",
    },
    "huabei": {
        "zh": "开通花呗也算新增借贷，现在不建议（见上面的原因）。",
        "en": "Opening Huabei is new credit too: not advised for now (see why above).",
    },
}

#: The same for answers a safety gate or the person's own "I don't have it" rules out.
STOPPED: dict[str, dict[str, str]] = {
    "gated": {
        "zh": "为稳妥起见，暂时不建议这样做（原因见上文）。",
        "en": "Not advised for now, for safety (see why above).",
    },
    "retired": {
        "zh": "你说过没有这一项。只能添加真实拥有的项目，这里不需要做什么。",
        "en": "You said you do not have it: only true items can be added, so there is nothing to do.",
    },
    "ruled_out": {
        "zh": "按你的其他回答，这一项现在不适用，不需要做什么。",
        "en": "Your other answers rule this out for now: there is nothing to do.",
    },
    "not_owned": {
        "zh": "只有你确实拥有时才添加（见「如果你确实有以下资料，可以补充到芝麻信用」）。",
        "en": 'Add it only if you really have it (see "If you have these, add them").',
    },
    "other": {
        "zh": "提分建议里没有能改变这一项的，这里不需要做什么。",
        "en": "No action in the catalogue changes this answer: there is nothing to do.",
    },
}


def nothing_to_do_note(question_id: str, value: Answer, stopped: str | None, lang: Lang) -> str:
    """Why nothing is to be done about a costly answer.

    A late repayment record always gets its own note (it fades with time: repay on time from now
    on), whatever else holds; else a safety gate's note for the question, else an ownership rule,
    else the question's own note, else the plain statement that no action changes it.
    """
    late = value in LATE_REPAYMENTS.get(question_id, ())
    if stopped == "ruled_out" and question_id in RULED_OUT:
        return RULED_OUT[question_id].note(lang)
    if stopped == "gated" and not late:
        return (GATED.get(question_id) or STOPPED["gated"])[lang]
    if stopped is not None and not late:
        return STOPPED[stopped][lang]
    note = NOTHING_TO_DO.get(f"{question_id}={value}") or NOTHING_TO_DO.get(question_id) or STOPPED["other"]
    return note[lang]


def _check_tables() -> None:
    """Fail at import if a question lacks a class (a test re-checks the catalogue against them)."""
    missing = {q.id for q in QUESTIONS} ^ set(ANSWER_CLASSES)
    if missing:  # pragma: no cover - guarded by tests
        raise ValueError(f"answer classes out of step with the questionnaire: {sorted(missing)}")


_check_tables()
