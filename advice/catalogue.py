"""The action catalogue: every way to raise the score the source texts name, as data.

An action is a set of counterfactual answer changes. Each change names the answers it moves
*from* and the one it moves *to*; every "from" answer sits below the "to" answer on the
question's least-to-most favourable scale, so an action can never make an answer worse. The
ranking scores those changes through the real scorecard, so no gain is ever written here.

Titles, effort names, timings and warnings are short labels in both languages (like question
labels in ``scoring.questions``); the how-to steps are templates (``action_steps.txt.j2``).
``source`` records which seed passage backs an action (``000#5`` = tip 5 of seed text 000).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scoring.i18n import Lang
from scoring.questions import NO_STEADY_INCOME, QUESTION_BY_ID, Answer

Effort = Literal["low", "medium", "high"]

#: Effort levels from least to most; ties in the ranking go to the earlier one.
EFFORTS: tuple[Effort, ...] = ("low", "medium", "high")

#: What an effort level costs in the goal planner (``advice.planner``): a high-effort action
#: weighs as much as four easy ones, so the planner prefers several small steps to one hard one.
EFFORT_WEIGHTS: dict[str, int] = {"low": 1, "medium": 2, "high": 4}

EFFORT_NAMES: dict[str, dict[str, str]] = {
    "low": {"zh": "低", "en": "low"},
    "medium": {"zh": "中等", "en": "medium"},
    "high": {"zh": "较高", "en": "high"},
}

#: When a change shows in the score. Sesame recomputes monthly, on the 6th (since July 2015);
#: repayment and usage records need months to build up.
TIMINGS: dict[str, dict[str, str]] = {
    "next_update": {
        "zh": "下次月度更新（每月6日）",
        "en": "at the next monthly update (on the 6th)",
    },
    "months_1_3": {
        "zh": "坚持1-3个月，按月更新（每月6日）",
        "en": "after 1-3 months of keeping it up (updates on the 6th)",
    },
    "months_3_6": {
        "zh": "需要3-6个月的按时记录",
        "en": "after 3-6 months of on-time records",
    },
    "months_few": {
        "zh": "几个月内（注销或新办的卡需要数月才能体现）",
        "en": "within a few months (closed or new cards take months to show)",
    },
    "one_year": {
        "zh": "下次月度更新；号码用满1年后还会再加分",
        "en": "from the next update; the number's age counts once it is a year old",
    },
}

#: Months until a change has fully shown in the score, per timing id (the planner's "time to
#: effect"; "a few months" is read as three). ``one_year``: what is
#: promised (one number everywhere) shows at the next update; the number's age, a fact never
#: promised, only adds later.
TIMING_MONTHS: dict[str, int] = {
    "next_update": 1,
    "months_1_3": 3,
    "months_3_6": 6,
    "months_few": 3,
    "one_year": 1,
}

#: Cautions the sources give, shown with the actions they concern.
WARNINGS: dict[str, dict[str, str]] = {
    "debt_pressure": {
        "zh": "信用卡超过5张会被视为负债压力，反而影响信用；最多保留3-5张。",
        "en": "More than 5 credit cards reads as debt pressure and hurts your credit: keep 3-5 at most.",
    },
    "bill_address": {
        "zh": "缴费地址必须和收货地址一致，否则缴费对提分没有帮助。",
        "en": "Bills paid for an address other than your delivery address do not help the score.",
    },
    "no_tricks": {
        "zh": "付费「刷分」服务和为刷分而做的转账都没有用：蚂蚁会交叉核验数据。",
        "en": 'Paid "score boosting" services and transfers made only for the score do not work: '
        "Ant cross-checks the data.",
    },
    "true_data": {
        "zh": "只填写真实信息，只添加你确实拥有的项目：蚂蚁会与其他来源交叉核验，伪造的资料没有用。",
        "en": "Add only true information, and only what you really have: Ant cross-checks it with other "
        "sources, so fake data does not work.",
    },
    "credit_report": {
        "zh": "花呗自2021年起已接入央行征信，逾期也会记入你的个人征信报告。",
        "en": "Huabei has reported to the central bank's credit system since 2021: an overdue also "
        "shows in your personal credit report.",
    },
}


@dataclass(frozen=True, slots=True)
class Counterfactual:
    """One answer change: if the answer is one of ``from_values``, it becomes ``to``.

    ``adds_credit`` marks a change that means taking on new credit (a new card, opening Huabei):
    the safety gates (``advice.feasibility.GATES``) drop such changes for people who must not.
    """

    question_id: str
    to: Answer
    from_values: tuple[Answer, ...]
    adds_credit: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """An answer an action actually changes for one profile."""

    question_id: str
    before: Answer
    after: Answer


@dataclass(frozen=True, slots=True)
class Action:
    """One way to raise the score.

    ``blocked_by`` lists answers that make the action impossible (no card, no bill import);
    ``first`` marks an action that outranks every other whenever it gains points (a current
    overdue is reported as such, and every other action is worth less while it stands).
    ``record`` marks something a person can only *record* if it is already true (a property,
    a vehicle...): it counts only once the person says they have it (see ``advice.feasibility``).
    """

    id: str
    zh: str
    en: str
    changes: tuple[Counterfactual, ...]
    effort: Effort
    timing: str
    source: str
    warnings: tuple[str, ...] = ()
    blocked_by: tuple[tuple[str, tuple[Answer, ...]], ...] = ()
    first: bool = False
    record: bool = False

    def title(self, lang: Lang) -> str:
        """The action's title in ``lang``."""
        return self.zh if lang == "zh" else self.en

    @property
    def questions(self) -> tuple[str, ...]:
        """The questions whose answers the action can change (each once)."""
        return tuple(dict.fromkeys(c.question_id for c in self.changes))

    @property
    def adds_credit(self) -> bool:
        """Whether some change of this action means taking on new credit."""
        return any(c.adds_credit for c in self.changes)

    def changes_for(self, answers: dict[str, Answer], new_credit: bool = True) -> tuple[Change, ...]:
        """The answer changes this action makes to ``answers``; empty when it does not apply.

        An unanswered question is never changed: the action would claim points for something
        the user may already do. The ranking asks about such questions ("tell me more")
        instead, and ``whatif`` follows the same rule because both call this method.
        ``new_credit=False`` leaves out the changes that take on new credit (a safety gate).
        """
        for question_id, values in self.blocked_by:
            if question_id in answers and _among(answers[question_id], values):
                return ()
        out = []
        for change in self.changes:
            if change.adds_credit and not new_credit:
                continue
            current = answers.get(change.question_id)
            if current is not None and _among(current, change.from_values):
                out.append(Change(change.question_id, current, change.to))
        return tuple(out)


def _among(value: Answer, values: tuple[Answer, ...]) -> bool:
    """``value in values`` by type as well as value, so the number 0 never matches ``False``."""
    kind = type(value)
    for v in values:  # a plain loop: this runs for every answer an action looks at
        if v == value and type(v) is kind:
            return True
    return False


def _to(question_id: str, to: Answer, *from_values: Answer, adds_credit: bool = False) -> Counterfactual:
    """A change to ``to`` from ``from_values`` (default: every answer below ``to``)."""
    levels = QUESTION_BY_ID[question_id].levels
    if not from_values:
        from_values = levels[: levels.index(to)]
    return Counterfactual(question_id, to, tuple(from_values), adds_credit)


ACTIONS: tuple[Action, ...] = (
    Action(
        "repay_overdue",
        "先还清当前的逾期",
        "Clear any overdue payment first",
        # Repaying ends the overdue, but the late record stays: the answer becomes "late".
        (_to("huabei", "late_once", "overdue_now"), _to("loans", "late", "overdue_now")),
        "medium",
        "next_update",
        "README#credit_report",
        ("credit_report",),
        first=True,
    ),
    Action(
        "huabei_on_time",
        "用好花呗，每期按时还款",
        "Use Huabei and repay it on time",
        # Told apart by today's answer: for someone who uses Huabei already, repaying on time is
        # repayment, advised under every safety gate; for someone who has not opened it, starting
        # is new credit, which the gates stop. A current overdue is cleared first (repay_overdue),
        # so it is not a start point.
        (
            _to("huabei", "on_time", "late_often", "late_once"),
            _to("huabei", "on_time", "none", adds_credit=True),
        ),
        "medium",
        "months_3_6",
        "000#2",
    ),
    Action(
        "card_on_time",
        "通过支付宝按时还信用卡",
        "Repay your credit cards on time through Alipay",
        (_to("card_repayment", "always_on_time", "often_late", "sometimes_late"),),
        "medium",
        "months_3_6",
        "000#5",
        # Only for people who hold a card (a consistent profile says so twice; this is the guard).
        blocked_by=(("credit_cards", ("none",)), ("card_repayment", ("no_cards",))),
    ),
    Action(
        "credit_cards_3_5",
        "信用卡保持3-5张",
        "Hold 3-5 credit cards",
        # Only cutting six or more cards down: the seed's 3-5 is a ceiling, not a reason to open
        # cards. Going from 1-2 to three would be new credit for the score, so it is not advised
        # (``NOTHING_TO_DO["credit_cards=one_two"]`` says so); a first card is ``first_card``.
        (_to("credit_cards", "three_five", "six_plus"),),
        "high",
        "months_few",
        "000#5",
        ("debt_pressure",),
    ),
    Action(
        "first_card",
        "办一张自己会用的信用卡，每月全额还清",
        "Get one credit card you will use, and repay it in full",
        # One card for spending the person already has, not three for the score: new credit, so
        # the gates stop it. A first card also starts a repayment record (the answer structure
        # links the two: no card means no card repayment record).
        (
            _to("credit_cards", "one_two", "none", adds_credit=True),
            _to("card_repayment", "always_on_time", "no_cards", adds_credit=True),
        ),
        "medium",
        "months_few",
        "000#5",
    ),
    Action(
        "import_card_bills",
        "绑定信用卡并导入邮箱账单",
        "Bind your cards and import their e-mail statements",
        (_to("card_bills", "bound_with_bills"),),
        "low",
        "next_update",
        "004#steps",
        blocked_by=(("credit_cards", ("none",)), ("card_repayment", ("no_cards",))),
    ),
    Action(
        "tmall_shopping",
        "在阿里平台购物，优先天猫",
        "Shop on Alibaba platforms, Tmall first",
        (_to("shopping", "tmall"),),
        "low",
        "months_1_3",
        "000#1",
    ),
    Action(
        "living_bills",
        "把你已有的生活账单改用支付宝缴纳",
        "Pay the living bills you already have through Alipay",
        # The catalogue cannot know which bills a person has (few have a landline), so it never
        # counts more than one more kind: the least that doing this means. Taking on a service
        # for the score is not advice; every further bill the person has counts once recorded.
        (
            *(_to("living_bills", kinds + 1, kinds) for kinds in range(6)),
            _to("bill_address", "matches", "no_bills"),
        ),
        "low",
        "months_1_3",
        "000#7",
        ("bill_address",),
    ),
    Action(
        "fix_bill_address",
        "缴费地址与收货地址保持一致",
        "Pay bills for your delivery address",
        (_to("bill_address", "matches", "differs"),),
        "low",
        "next_update",
        "000#7",
        ("bill_address",),
    ),
    Action(
        "wealth_management",
        "把暂时用不到的钱放进余额宝等理财产品",
        "Keep money you can spare in Yu'e Bao or similar",
        # Only from nothing to a little: holding ¥10k+ is not something advice can ask of anyone.
        # Only money the person has: with no or unstable income there is none to spare, and saving
        # for the score is not advice (``NOTHING_TO_DO["wealth"]`` says so, in the same words).
        (_to("wealth", "small", "none"),),
        "low",
        "months_1_3",
        "000#4",
        blocked_by=(("income", NO_STEADY_INCOME),),
    ),
    Action(
        "insurance",
        "买一份便宜的账户安全险",
        "Buy cheap account-security insurance",
        (_to("insurance", True),),
        "low",
        "next_update",
        "000#4",
    ),
    Action(
        "charity",
        "坚持做公益捐款",
        "Donate to charity regularly",
        (_to("charity", "regular"),),
        "low",
        "months_1_3",
        "000#3",
    ),
    Action(
        "mybank",
        "开通网商银行",
        "Open a MYbank account",
        (_to("mybank", True),),
        "low",
        "next_update",
        "000#2",
    ),
    Action(
        "stable_phone",
        "所有地方只用一个手机号，并长期使用",
        "Use one phone number everywhere and keep it",
        # Only what the person can record now: one number everywhere. Keeping it also ages it, but a
        # number's age is a fact (``advice.feasibility``): never promised, only said to count later
        # (the timing ``one_year``).
        (_to("phone_consistent", True),),
        "medium",
        "one_year",
        "000#6",
    ),
    Action(
        "single_address",
        "只保留一个收货地址",
        "Keep a single delivery address",
        (_to("addresses", "one"),),
        "low",
        "next_update",
        "000#6",
    ),
    Action(
        "verify_real_name",
        "完成实名认证",
        "Complete real-name verification",
        (_to("real_name", True),),
        "low",
        "next_update",
        "000#10",
    ),
    # ---- record-if-true items: only ever true facts, added once the person says they have them
    Action(
        "add_provident_fund",
        "授权公积金信息",
        "Authorise your housing provident fund data",
        (_to("provident_fund", True),),
        "low",
        "next_update",
        "000#10",
        ("true_data",),
        record=True,
    ),
    Action(
        "add_property",
        "添加名下房产",
        "Add the property you own",
        (_to("property", True),),
        "medium",
        "next_update",
        "000#10",
        ("true_data",),
        record=True,
    ),
    Action(
        "add_vehicle",
        "添加名下车辆",
        "Add the vehicle you own",
        (_to("vehicle", True),),
        "medium",
        "next_update",
        "000#10",
        ("true_data",),
        record=True,
    ),
    Action(
        "add_education",
        "添加学历信息",
        "Add your education record",
        (_to("education", True),),
        "low",
        "next_update",
        "000#10",
        ("true_data",),
        record=True,
    ),
    Action(
        "add_work_info",
        "添加职业信息或公司邮箱",
        "Add your occupation or company e-mail",
        (_to("work_info", True),),
        "low",
        "next_update",
        "000#10",
        ("true_data",),
        record=True,
    ),
    Action(
        "authorize_third_party",
        "授权第三方平台数据",
        "Authorise third-party data",
        (_to("third_party_data", True),),
        "low",
        "next_update",
        "000#9",
        ("true_data",),
        record=True,
    ),
    Action(
        "friend_interaction",
        "和好友在支付宝上保持互动",
        "Keep in touch with friends in Alipay",
        (_to("friend_interaction", "often"),),
        "low",
        "months_1_3",
        "000#8",
        ("no_tricks",),
    ),
)

ACTION_BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}


class UnknownAction(KeyError):
    """An action id that is not in the catalogue."""

    def __init__(self, action_id: str) -> None:
        self.action_id = action_id
        super().__init__(action_id)

    def __str__(self) -> str:
        return f"unknown action id {self.action_id!r}"


def get_action(action_id: str) -> Action:
    """The action with ``action_id``; raises ``UnknownAction`` otherwise."""
    try:
        return ACTION_BY_ID[action_id]
    except KeyError:
        raise UnknownAction(action_id) from None
