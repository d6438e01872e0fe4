"""The questionnaire: the one contract the dialog, the model and the advice share.

Every question is data. Choices are listed from least to most favourable for the score, and
the model is trained to respect that order, so "one step to the right" never costs points.
Prompts and labels live here in both languages so the bot, the CLI and the advice all show
the same words; nothing else in the project spells out a question.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from scoring.i18n import Lang as Lang  # the language type lives in scoring.i18n; kept importable here

Kind = Literal["choice", "bool", "number"]
Answer = str | int | bool

DIMENSIONS: tuple[str, ...] = (
    "credit_history",
    "behaviour",
    "capacity",
    "identity",
    "connections",
)

DIMENSION_NAMES: dict[str, dict[str, str]] = {
    "credit_history": {"zh": "信用历史", "en": "Credit history"},
    "behaviour": {"zh": "行为偏好", "en": "Behaviour"},
    "capacity": {"zh": "履约能力", "en": "Capacity"},
    "identity": {"zh": "身份特质", "en": "Identity"},
    "connections": {"zh": "人脉关系", "en": "Connections"},
}

BOOL_LABELS: dict[bool, dict[str, str]] = {
    False: {"zh": "否", "en": "No"},
    True: {"zh": "是", "en": "Yes"},
}


@dataclass(frozen=True)
class Amount:
    """The quantities a choice's label stands for ("3-5 years", "Under 1 year", "6 or more", "¥500-2,000").

    From ``low`` to ``high``, each bound included unless it is open ("Under 1 year" leaves 1 out,
    "Over 10 years" leaves 10 out). A number typed at the question is read against these
    (``bot.answer_matching``), never against the label's characters: "4" cards is "3-5".
    """

    low: float
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def holds(self, number: float) -> bool:
        """Whether ``number`` is one of the quantities the choice stands for."""
        above = number > self.low if self.low_open else number >= self.low
        below = number < self.high if self.high_open else number <= self.high
        return above and below

    def spans(self, low: float, high: float) -> bool:
        """Whether the typed range ``low``-``high`` is this one ("3 to 5 yrs" is "3-5 years")."""
        return (self.low, self.high) == (low, high)


def _between(low: float, high: float) -> Amount:
    return Amount(low, high)


def _under(high: float) -> Amount:
    return Amount(0, high, high_open=True)


def _over(low: float) -> Amount:
    return Amount(low, low_open=True)


@dataclass(frozen=True)
class Choice:
    """One answer a user can give, with its label in each language (and the amount it stands for, if any)."""

    value: Answer
    zh: str
    en: str
    amount: Amount | None = None

    def label(self, lang: Lang) -> str:
        """The label in ``lang`` (English when the language is unknown)."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Question:
    """One profile question; ``choices`` run from least to most favourable."""

    id: str
    dimension: str
    kind: Kind
    zh: str
    en: str
    choices: tuple[Choice, ...] = ()
    quick: bool = False
    minimum: int = 0
    maximum: int = 0
    help_zh: str = ""
    help_en: str = ""
    #: The order to show choices in, when the natural order differs from the score order
    #: (indexes into ``choices``); empty means the score order.
    display_order: tuple[int, ...] = ()
    #: A short topic label (zh, en) for where the prompt is too long: "收入：稳定（−17 分）".
    topics: tuple[str, str] = ("", "")
    #: The labels of a yes/no question's answers (zh, en), each as (no, yes), when a bare
    #: "否/是" reads awkwardly ("授权过公积金信息吗？" "还没有/已授权"); empty: ``BOOL_LABELS``.
    yes_no: tuple[tuple[str, str], tuple[str, str]] | None = None
    #: Whether the choices' amounts are sums of money (yuan): a number typed there is a sum ("3000", "1万").
    money: bool = False
    levels: tuple[Answer, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.kind == "bool":
            flags = (False, True)
            levels: tuple[Answer, ...] = flags
            zh, en = self.yes_no or (
                (BOOL_LABELS[False]["zh"], BOOL_LABELS[True]["zh"]),
                (BOOL_LABELS[False]["en"], BOOL_LABELS[True]["en"]),
            )
            choices = tuple(Choice(v, zh[v], en[v]) for v in flags)
            object.__setattr__(self, "choices", choices)
        elif self.kind == "number":
            levels = tuple(range(self.minimum, self.maximum + 1))
            object.__setattr__(self, "choices", tuple(Choice(v, str(v), str(v)) for v in levels))
        else:
            levels = tuple(c.value for c in self.choices)
        object.__setattr__(self, "levels", levels)
        if not all(self.topics):
            raise ValueError(f"{self.id}: a short topic label in each language is needed")
        if self.display_order and sorted(self.display_order) != list(range(len(levels))):
            raise ValueError(f"{self.id}: display_order must list every choice index once")

    def display_indexes(self) -> tuple[int, ...]:
        """Choice indexes in the order a person expects to read them (0-1-2 cards before 6+)."""
        return self.display_order or tuple(range(len(self.choices)))

    def prompt(self, lang: Lang) -> str:
        """The question text in ``lang``."""
        return self.zh if lang == "zh" else self.en

    def topic(self, lang: Lang) -> str:
        """The short topic label in ``lang`` ("Income"), where the whole prompt would be too long."""
        return self.topics[0] if lang == "zh" else self.topics[1]

    def help(self, lang: Lang) -> str:
        """A one-line hint shown under the question, if any."""
        return self.help_zh if lang == "zh" else self.help_en

    def label(self, value: Answer, lang: Lang) -> str:
        """The label of an answer value, for showing a stored answer back to the user."""
        return self.choices[self.index(value)].label(lang)

    def index(self, value: Answer) -> int:
        """Position of ``value`` on the least-to-most favourable scale."""
        return self.levels.index(value)

    def parse(self, raw: object) -> Answer:
        """Turn raw input (JSON value, CLI text, button data) into a valid answer.

        Raises ``InvalidAnswer`` with a message naming the question and the value, so callers
        can show one clear line instead of a traceback.
        """
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"true", "yes", "y", "1", "是"}:
                return True
            if text in {"false", "no", "n", "0", "否"}:
                return False
            raise InvalidAnswer(self.id, raw, "expected yes/no (true/false)")
        if self.kind == "number":
            if isinstance(raw, bool):
                raise InvalidAnswer(self.id, raw, f"expected a whole number {self.minimum}-{self.maximum}")
            try:
                number = float(str(raw).strip()) if not isinstance(raw, int | float) else float(raw)
            except (ValueError, OverflowError):  # OverflowError: an integer too large for a float
                raise InvalidAnswer(self.id, raw, f"expected a whole number {self.minimum}-{self.maximum}") from None
            if not number.is_integer() or not self.minimum <= number <= self.maximum:
                raise InvalidAnswer(self.id, raw, f"expected a whole number {self.minimum}-{self.maximum}")
            return int(number)
        if isinstance(raw, str) and raw in self.levels:
            return raw
        allowed = ", ".join(str(v) for v in self.levels)
        raise InvalidAnswer(self.id, raw, f"expected one of {allowed}")


SHOWN_CHARS = 60
"""How much of a bad id or value an error message repeats: enough to spot it, never a whole file."""


def shorten(text: str) -> str:
    """``text`` cut to ``SHOWN_CHARS``, so a megabyte-long id or value still makes a short error line."""
    return text if len(text) <= SHOWN_CHARS else f"{text[: SHOWN_CHARS - 3]}..."


class InvalidAnswer(ValueError):
    """An answer that names an unknown question or a value the question does not allow."""

    def __init__(self, question_id: str, value: object, reason: str) -> None:
        self.question_id = question_id
        self.value = value
        self.reason = reason
        super().__init__(f"{shorten(question_id)}={shorten(repr(value))}: {reason}")


def _c(value: str, zh: str, en: str, amount: Amount | None = None) -> Choice:
    return Choice(value, zh, en, amount)


QUESTIONS: tuple[Question, ...] = (
    # ---- credit history (35 %) -------------------------------------------------------
    Question(
        "account_age",
        "credit_history",
        "choice",
        "你的支付宝/淘宝账户开通多少年了？",
        "How long ago did you open your Alipay/Taobao account?",
        (
            _c("lt1", "不到1年", "Under 1 year", _under(1)),
            _c("1to3", "1-3年", "1-3 years", _between(1, 3)),
            _c("3to5", "3-5年", "3-5 years", _between(3, 5)),
            _c("5to10", "5-10年", "5-10 years", _between(5, 10)),
            _c("gt10", "10年以上", "Over 10 years", _over(10)),
        ),
        quick=True,
        topics=("账户年限", "Account age"),
    ),
    Question(
        "huabei",
        "credit_history",
        "choice",
        "过去12个月花呗还款情况如何？",
        "How did you repay Huabei over the last 12 months?",
        (
            _c("overdue_now", "目前有逾期", "Overdue right now"),
            _c("late_often", "多次逾期", "Late several times"),
            _c("late_once", "逾期过一次", "Late once"),
            _c("none", "没开通/没用过", "Not opened / not used"),
            _c("on_time", "一直按时还款", "Always on time"),
        ),
        quick=True,
        topics=("花呗还款", "Huabei repayment"),
    ),
    Question(
        "loans",
        "credit_history",
        "choice",
        "借呗或其他信用贷款的还款情况如何？",
        "How are your Jiebei or other credit loans repaid?",
        (
            _c("overdue_now", "目前有逾期", "Overdue right now"),
            _c("late", "逾期过", "Have been late"),
            _c("none", "没有贷款", "No loans"),
            _c("on_time", "一直按时还款", "Always on time"),
        ),
        quick=True,
        topics=("贷款还款", "Loan repayment"),
    ),
    Question(
        "credit_cards",
        "credit_history",
        "choice",
        "你有几张信用卡？",
        "How many credit cards do you hold?",
        (
            _c("six_plus", "6张及以上", "6 or more", Amount(6)),
            _c("none", "没有", "None", _between(0, 0)),
            _c("one_two", "1-2张", "1-2", _between(1, 2)),
            _c("three_five", "3-5张", "3-5", _between(3, 5)),
        ),
        quick=True,
        # 3-5 is a ceiling, never a target: no card is opened for the score (``advice.catalogue``).
        help_zh="不必为了分数办卡；有卡的话最多3-5张，超过5张会被视为负债压力。",
        help_en="Never open a card for the score: if you hold cards, 3-5 at most; more than 5 reads as debt pressure.",
        display_order=(1, 2, 3, 0),
        topics=("信用卡数量", "Credit cards"),
    ),
    Question(
        "card_repayment",
        "credit_history",
        "choice",
        "信用卡还款情况如何？",
        "How do you repay your credit cards?",
        (
            _c("often_late", "经常逾期", "Often late"),
            _c("sometimes_late", "偶尔逾期", "Sometimes late"),
            _c("no_cards", "没有信用卡", "I have no cards"),
            _c("always_on_time", "一直按时", "Always on time"),
        ),
        quick=True,
        topics=("信用卡还款", "Card repayment"),
    ),
    Question(
        "card_bills",
        "credit_history",
        "choice",
        "信用卡绑定支付宝并导入账单了吗？",
        "Are your cards bound to Alipay with their statements imported?",
        (
            _c("none", "没有绑定", "Not bound"),
            _c("bound", "已绑定，未导入账单", "Bound, no statements"),
            _c("bound_with_bills", "已绑定并导入邮箱账单", "Bound, e-mail statements imported"),
        ),
        topics=("信用卡账单", "Card statements"),
    ),
    # ---- behaviour (25 %) --------------------------------------------------------------
    Question(
        "shopping",
        "behaviour",
        "choice",
        "你网购主要在哪里？",
        "Where do you mostly shop online?",
        (
            _c("rarely", "很少网购", "I rarely shop online"),
            _c("other", "其他平台", "Other platforms"),
            _c("taobao", "淘宝/闲鱼", "Taobao / Xianyu"),
            _c("tmall", "天猫", "Tmall"),
        ),
        quick=True,
        topics=("网购平台", "Online shopping"),
    ),
    Question(
        "monthly_spend",
        "behaviour",
        "choice",
        "每月通过支付宝消费多少？",
        "How much do you spend through Alipay a month?",
        (
            _c("lt500", "500元以下", "Under ¥500", _under(500)),
            _c("500to2000", "500-2000元", "¥500-2,000", _between(500, 2000)),
            _c("2000to5000", "2000-5000元", "¥2,000-5,000", _between(2000, 5000)),
            _c("gt5000", "5000元以上", "Over ¥5,000", _over(5000)),
        ),
        topics=("每月消费", "Monthly spending"),
        money=True,
    ),
    Question(
        "living_bills",
        "behaviour",
        "number",
        "用支付宝缴几种生活费（水、电、燃气、话费、宽带、固话）？",
        "How many kinds of living bills do you pay through Alipay (water, power, gas, phone, broadband, landline)?",
        minimum=0,
        maximum=6,
        topics=("生活缴费种类", "Kinds of living bills"),
    ),
    Question(
        "bill_address",
        "behaviour",
        "choice",
        "缴费地址和收货地址一致吗？",
        "Is the address on your bills the same as your delivery address?",
        (
            _c("no_bills", "不通过支付宝缴费", "I pay no bills through Alipay"),
            _c("differs", "不一致", "Different"),
            _c("matches", "一致", "The same"),
        ),
        topics=("缴费地址", "Bill address"),
    ),
    Question(
        "wealth",
        "behaviour",
        "choice",
        "余额宝和基金里大约有多少钱？",
        "How much do you keep in Yu'e Bao and funds?",
        (
            _c("none", "没有", "None", _between(0, 0)),
            _c("small", "1万元以下", "Under ¥10k", Amount(0, 10_000, low_open=True, high_open=True)),
            _c("medium", "1-10万元", "¥10k-100k", _between(10_000, 100_000)),
            _c("large", "10万元以上", "Over ¥100k", _over(100_000)),
        ),
        quick=True,
        money=True,
        topics=("余额宝和基金", "Yu'e Bao and funds"),
    ),
    Question(
        "insurance",
        "behaviour",
        "bool",
        "在支付宝买过保险吗（如账户安全险）？",
        "Do you hold insurance bought in Alipay (e.g. account security)?",
        topics=("支付宝保险", "Insurance in Alipay"),
    ),
    Question(
        "charity",
        "behaviour",
        "choice",
        "在支付宝做公益捐款吗？",
        "Do you donate to charity through Alipay?",
        (_c("never", "从不", "Never"), _c("sometimes", "偶尔", "Sometimes"), _c("regular", "经常", "Regularly")),
        topics=("公益捐款", "Charity"),
    ),
    Question(
        "mybank",
        "behaviour",
        "bool",
        "开通网商银行了吗？",
        "Have you opened a MYbank account?",
        topics=("网商银行", "MYbank account"),
    ),
    # ---- capacity (20 %) ---------------------------------------------------------------
    Question(
        "income",
        "capacity",
        "choice",
        "你的收入情况如何？",
        "What is your income like?",
        (
            _c("none", "暂无收入", "No income"),
            _c("unstable", "不稳定", "Irregular"),
            _c("stable", "稳定", "Stable"),
            _c("high_stable", "稳定且较高", "Stable and high"),
        ),
        quick=True,
        topics=("收入", "Income"),
    ),
    Question(
        "provident_fund",
        "capacity",
        "bool",
        "授权过公积金信息吗？",
        "Have you authorised your housing provident fund data?",
        quick=True,
        topics=("公积金", "Provident fund"),
        yes_no=(("还没有", "已授权"), ("Not yet", "Yes, authorised")),
    ),
    Question(
        "property",
        "capacity",
        "bool",
        "你名下的房产已添加到芝麻信用了吗？",
        "Have you added property you own?",
        topics=("房产", "Property"),
    ),
    Question(
        "vehicle",
        "capacity",
        "bool",
        "你名下的车辆已添加到芝麻信用了吗？",
        "Have you added a vehicle you own?",
        topics=("车辆", "Vehicle"),
    ),
    # ---- identity (15 %) ---------------------------------------------------------------
    Question(
        "real_name",
        "identity",
        "bool",
        "完成实名认证了吗？",
        "Is your account real-name verified?",
        topics=("实名认证", "Real-name verification"),
    ),
    Question(
        "education",
        "identity",
        "bool",
        "添加学历信息了吗？",
        "Have you added your education record?",
        topics=("学历", "Education"),
    ),
    Question(
        "work_info",
        "identity",
        "bool",
        "添加了职业信息或公司邮箱吗？",
        "Have you added your occupation or company e-mail?",
        topics=("职业信息", "Occupation"),
    ),
    Question(
        "phone_years",
        "identity",
        "choice",
        "现在的手机号用了多久？",
        "How long have you used your current phone number?",
        (
            _c("lt1", "不到1年", "Under 1 year", _under(1)),
            _c("1to3", "1-3年", "1-3 years", _between(1, 3)),
            _c("gt3", "3年以上", "Over 3 years", _over(3)),
        ),
        topics=("手机号使用时长", "Phone number age"),
    ),
    Question(
        "phone_consistent",
        "identity",
        "bool",
        "支付宝手机号、收货手机号、银行卡预留手机号是同一个吗？",
        "Is one number used for Alipay, deliveries and your bank cards?",
        quick=True,
        topics=("手机号是否一致", "One phone number"),
    ),
    Question(
        "addresses",
        "identity",
        "choice",
        "你保留了几个收货地址？",
        "How many delivery addresses do you keep?",
        (
            _c("more", "4个及以上", "4 or more", Amount(4)),
            _c("two_three", "2-3个", "2-3", _between(2, 3)),
            _c("one", "1个", "Just one", _between(1, 1)),
        ),
        topics=("收货地址数量", "Delivery addresses"),
    ),
    Question(
        "third_party_data",
        "identity",
        "bool",
        "授权过第三方数据吗（车辆、学历、领英、脉脉、钉钉等）？",
        "Have you authorised third-party data (vehicle, education, LinkedIn, Maimai, DingTalk...)?",
        topics=("第三方数据", "Third-party data"),
    ),
    # ---- connections (5 %) ---------------------------------------------------------------
    Question(
        "friends_credit",
        "connections",
        "choice",
        "你的支付宝好友信用大多怎样？",
        "What is the credit of most of your Alipay friends like?",
        (
            _c("unknown", "不清楚", "I don't know"),
            _c("low", "偏低", "Low"),
            _c("mixed", "有高有低", "Mixed"),
            _c("high", "大多较好", "Mostly good"),
        ),
        topics=("好友信用", "Friends' credit"),
    ),
    Question(
        "friend_interaction",
        "connections",
        "choice",
        "和好友在支付宝上互动（聊天、红包、转账）多吗？",
        "How often do you interact with friends in Alipay (chat, red packets, transfers)?",
        (_c("never", "从不", "Never"), _c("sometimes", "偶尔", "Sometimes"), _c("often", "经常", "Often")),
        topics=("好友互动", "Friend interaction"),
    ),
)

QUESTION_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}

#: Per repayment question, the answers that record a repayment made late or still overdue: any
#: degree worse than on time ("not used" and "no loans" record nothing). Two rules read it: the
#: advice's safety gates (no new credit on a late record, ``advice.feasibility``) and the bill
#: import, which never replaces such an answer with a better one (a bill shows no due dates, and
#: an unpaid overdue leaves no row: ``scoring.alipay_bill.merge``).
LATE_REPAYMENTS: dict[str, tuple[Answer, ...]] = {
    "huabei": ("overdue_now", "late_often", "late_once"),
    "loans": ("overdue_now", "late"),
    "card_repayment": ("often_late", "sometimes_late"),
}
#: Income answers that mean no money to spare: the advice's safety gate ``no_income`` (no new
#: credit) and the catalogue's saving action (``wealth_management``: money the person lacks is
#: never advised) read this one table, so the two never disagree about who has no steady income.
NO_STEADY_INCOME: tuple[Answer, ...] = ("none", "unstable")
QUICK_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS if q.quick)


def parse_answers(raw: dict[str, object]) -> dict[str, Answer]:
    """Validate a whole answers mapping; ``None`` means unanswered and is dropped.

    Raises ``InvalidAnswer`` naming the first unknown id or bad value.
    """
    answers: dict[str, Answer] = {}
    for key, value in raw.items():
        question = QUESTION_BY_ID.get(key)
        if question is None:
            raise InvalidAnswer(key, value, "unknown question id")
        if value is None:
            continue
        answers[key] = question.parse(value)
    return answers
