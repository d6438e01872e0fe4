"""Feasible, safe recourse: answer classes, record-if-true items, safety gates, the answer structure."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advice import ACTIONS, plan, rank, simulate
from advice.catalogue import Change, get_action
from advice.feasibility import (
    ANSWER_CLASSES,
    GATED,
    GATES,
    NOTHING_TO_DO,
    RECORD_ACTIONS,
    RULED_OUT,
    STOPPED,
    active_gates,
    feasible_changes,
    nothing_to_do_note,
    record_items,
)
from advice.presentation import action_view, plan_view, steps_text
from scoring.card import load_scorecard
from scoring.questions import LATE_REPAYMENTS, QUESTION_BY_ID, QUESTIONS
from scoring.structure import check, contradictions
from templates import render

from .profiles import average_with, random_profile, random_profiles

CARD = load_scorecard()
PROFILES = random_profiles(300, seed=21)


def adds_credit(change: Change) -> bool:
    """New credit, read from the answers alone (not from the catalogue's own flags).

    Opening Huabei is new credit; repaying the Huabei one already uses (from a late record to
    "always on time") is not.
    """
    return (
        (change.question_id == "credit_cards" and change.before in ("none", "one_two"))
        or (change.question_id == "card_repayment" and change.before == "no_cards")
        or (change.question_id == "huabei" and change.before == "none")
        or (change.question_id == "loans" and change.after == "on_time")
    )


def every_change_advised(profile, owned=None):
    """Every change any advice output makes for a profile: ranked, combined, and plans."""
    advice = rank(CARD, profile, owned=owned)
    changes = [c for r in advice.actions for c in r.changes]
    if advice.combined:
        changes += advice.combined.changes
    for target in (600, 700, 950):
        goal = plan(CARD, profile, target, owned=owned)
        changes += [c for r in goal.actions for c in r.changes]
    return advice, changes


# ---- answer classes --------------------------------------------------------------------------
def test_every_question_has_a_class():
    assert set(ANSWER_CLASSES) == {q.id for q in QUESTIONS}
    assert set(ANSWER_CLASSES.values()) == {"act", "record", "fact"}
    assert {"account_age", "income", "phone_years"} <= {q for q, c in ANSWER_CLASSES.items() if c == "fact"}
    assert {"property", "vehicle", "provident_fund", "education", "work_info", "third_party_data"} == {
        q for q, c in ANSWER_CLASSES.items() if c == "record"
    }


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.id)
def test_the_catalogue_obeys_the_classes(action):
    for change in action.changes:
        kind = ANSWER_CLASSES[change.question_id]
        # never a fact, not even one that changes by waiting (QA 1: stable_phone promised a number's age)
        assert kind != "fact", (action.id, change.question_id)
        assert (kind == "record") == action.record, (action.id, change.question_id)
    if action.record:
        assert len(action.questions) == 1 and RECORD_ACTIONS[action.questions[0]] == action.id


def test_facts_are_never_advised():
    for profile in PROFILES:
        _, changes = every_change_advised(profile)
        for change in changes:
            assert ANSWER_CLASSES[change.question_id] != "fact", (change, profile)


# ---- record-if-true items ----------------------------------------------------------------------
STUDENT = {
    "account_age": "1to3",
    "huabei": "none",
    "loans": "none",
    "credit_cards": "none",
    "shopping": "taobao",
    "wealth": "none",
    "income": "none",
    "provident_fund": False,
    "property": False,
    "vehicle": False,
    "education": False,
    "work_info": False,
    "third_party_data": False,
    "phone_consistent": True,
}


def test_record_items_are_listed_apart_and_counted_nowhere_until_owned():
    advice = rank(CARD, STUDENT)
    record_ids = set(RECORD_ACTIONS.values()) - {"add_provident_fund"}  # no income rules it out (below)
    assert {r.id for r in advice.if_you_have} == record_ids
    assert not {r.id for r in advice.actions} & record_ids
    assert not {c.question_id for c in advice.combined.changes} & set(RECORD_ACTIONS)
    for action_id in record_ids:
        projection = simulate(CARD, STUDENT, [action_id])
        assert projection.score == advice.before.score and projection.changes == ()
        assert projection.stopped == ((action_id, "not_owned"),)
    goal = plan(CARD, STUDENT, 950)
    assert not set(goal.action_ids) & record_ids
    # each item carries the points it would add if true: what owning it then counts
    for offer in advice.if_you_have:
        question_id = offer.changes[0].question_id
        owned = rank(CARD, STUDENT, owned={question_id: True})
        counted = next(r for r in owned.actions if r.id == offer.id)
        assert counted.points == pytest.approx(offer.points) and counted.gain == offer.gain
        assert counted.score_after == offer.score_after
        assert offer.id not in {r.id for r in owned.if_you_have}


@pytest.mark.parametrize("owned", [None, {"provident_fund": True}], ids=["not said", "said yes"])
def test_no_income_rules_a_provident_fund_out_of_every_piece_of_advice(owned):
    """QA 12: a provident fund comes with a job; a person with no income is not asked or advised about one."""
    advice = rank(CARD, STUDENT, owned=owned)
    assert "add_provident_fund" not in {r.id for r in (*advice.actions, *advice.if_you_have)}
    assert "add_provident_fund" not in {a.id for a in record_items(STUDENT, owned)}
    (fund,) = [n for n in advice.nothing_to_do if n.question_id == "provident_fund"]
    assert fund.stopped == "ruled_out"
    assert simulate(CARD, STUDENT, ["add_provident_fund"], owned).stopped == (("add_provident_fund", "ruled_out"),)
    assert "add_provident_fund" not in plan(CARD, STUDENT, 950, owned=owned).action_ids
    for lang in ("zh", "en"):
        assert nothing_to_do_note("provident_fund", False, "ruled_out", lang) == RULED_OUT["provident_fund"].note(lang)
    # Any income at all, and it is the record-if-true item it always was.
    for income in ("unstable", "stable", "high_stable"):
        employed = {**STUDENT, "income": income}
        assert "add_provident_fund" in {r.id for r in rank(CARD, employed).if_you_have}
        assert "add_provident_fund" in {r.id for r in rank(CARD, employed, owned={"provident_fund": True}).actions}


def test_i_dont_have_it_retires_the_item():
    advice = rank(CARD, STUDENT, owned={"vehicle": False, "property": True})
    assert "add_vehicle" not in {r.id for r in (*advice.actions, *advice.if_you_have)}
    assert "add_property" in {r.id for r in advice.actions}
    (vehicle,) = [n for n in advice.nothing_to_do if n.question_id == "vehicle"]
    assert vehicle.stopped == "retired"
    assert simulate(CARD, STUDENT, ["add_vehicle"], owned={"vehicle": False}).stopped == (("add_vehicle", "retired"),)
    # owned items count in the combined plan and the planner like any other action
    goal = plan(CARD, STUDENT, 950, owned={"property": True})
    assert "add_property" in goal.action_ids


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_how_to_claims_the_estimate_counts_what_you_may_not_have(lang):
    for action in ACTIONS:
        text = steps_text(action_view(action, lang), lang)
        assert "as if you did" not in text and "按你都添加来计算" not in text


# ---- safety gates: one table, one test ------------------------------------------------------------
GATE_CASES = [
    # (answers forced on random profiles, gates expected, an action that must come first)
    ({"huabei": "overdue_now"}, {"overdue_now"}, "repay_overdue"),
    ({"loans": "overdue_now"}, {"overdue_now"}, "repay_overdue"),
    ({"card_repayment": "often_late"}, {"late_record"}, None),
    ({"card_repayment": "sometimes_late", "income": "stable"}, {"late_record"}, None),
    ({"huabei": "late_once", "income": "high_stable"}, {"late_record"}, None),
    ({"huabei": "late_often"}, {"late_record"}, None),
    ({"loans": "late", "income": "stable"}, {"late_record"}, None),
    ({"income": "none"}, {"no_income"}, None),
    ({"income": "unstable"}, {"no_income"}, None),
    ({"credit_cards": "six_plus"}, {"too_many_cards"}, None),
    (
        {"huabei": "overdue_now", "income": "none", "credit_cards": "none"},
        {"overdue_now", "no_income"},
        "repay_overdue",
    ),
]


@pytest.mark.parametrize(("forced", "gates", "first"), GATE_CASES, ids=[str(c[0]) for c in GATE_CASES])
def test_safety_gates(forced, gates, first):
    rng = random.Random(str(forced))
    checked = 0
    for _ in range(60):
        profile = random_profile(rng, answered=0.9)
        for question_id, value in forced.items():
            profile = {k: v for k, v in profile.items() if not contradictions({k: v, question_id: value})}
            profile[question_id] = value
        check(profile)
        assert gates <= {g.id for g in active_gates(profile)}
        advice, changes = every_change_advised(profile, owned={q: True for q in RECORD_ACTIONS})
        assert not [c for c in changes if adds_credit(c)], profile
        if first and advice.actions:
            assert advice.actions[0].id == first
            for target in (600, 950):
                assert plan(CARD, profile, target).action_ids[0] == first
        assert {g["id"] for g in plan_view(advice, "en")["gates"]} >= gates
        checked += 1
    assert checked == 60


def test_without_a_gate_new_credit_is_still_advised_where_it_helps():
    """The gates are what stops new credit (the test above could not fail otherwise)."""
    profile = average_with(credit_cards="none", income="high_stable", huabei="none")
    assert not active_gates(profile)
    _, changes = every_change_advised(profile)
    assert [c for c in changes if adds_credit(c)]


def test_more_than_five_cards_get_the_warning_and_cut_never_open_more():
    profile = average_with(credit_cards="six_plus", income="high_stable")
    advice = rank(CARD, profile)
    cards = next(r for r in advice.actions if r.id == "credit_cards_3_5")
    assert cards.changes == (Change("credit_cards", "six_plus", "three_five"),)
    for lang, cut, apply in (("en", "cancel", "apply"), ("zh", "注销", "申请")):
        view = plan_view(advice, lang)
        assert any("3-5" in g["text"] for g in view["gates"])
        text = steps_text(action_view(cards, lang), lang)
        assert cut in text and apply not in text.lower()


def test_no_cards_never_hears_repay_your_cards_on_time():
    no_cards = [p for p in PROFILES if p.get("credit_cards") == "none" or p.get("card_repayment") == "no_cards"]
    assert len(no_cards) > 50
    for profile in no_cards:
        advice, changes = every_change_advised(profile)
        assert "card_on_time" not in {r.id for r in advice.actions}
        assert not [c for c in changes if c.question_id == "card_repayment" and c.before != "no_cards"]


def test_every_gate_has_texts_in_both_languages():
    for gate in GATES:
        assert gate.text("zh") and gate.text("en") and gate.text("zh") != gate.text("en")
        for question_id, values in gate.when:
            assert set(values) <= set(QUESTION_BY_ID[question_id].levels)


# ---- the answer structure ------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), answered=st.floats(0.3, 1.0))
def test_every_counterfactual_profile_satisfies_the_answer_structure(seed, answered):
    profile = random_profile(random.Random(seed), answered)
    check(profile)
    everything = dict(profile)
    for action in ACTIONS:
        # the raw changes (no gate, every record item owned): the widest any engine could make
        changes = action.changes_for(profile)
        after = {**profile, **{c.question_id: c.after for c in changes}}
        assert not contradictions(after), (action.id, profile)
        everything.update({c.question_id: c.after for c in action.changes_for(everything)})
        assert not contradictions(everything), (action.id, profile)
    owned = {q: True for q in RECORD_ACTIONS}
    for action in ACTIONS:  # the feasible changes are some of those raw ones, so consistent too
        assert set(feasible_changes(action, profile, owned)) <= set(action.changes_for(profile))


# ---- reasons with no action behind them ------------------------------------------------------------
def test_every_costly_answer_has_an_action_or_says_nothing_is_to_be_done():
    for profile in PROFILES:
        advice = rank(CARD, profile)
        covered = {c.question_id for r in (*advice.actions, *advice.if_you_have) for c in r.changes}
        listed = {n.question_id for n in advice.nothing_to_do}
        assert not covered & listed
        for question in QUESTIONS:
            value = profile.get(question.id)
            if value is None:
                continue
            lost = max(CARD.points(question.id, v) for v in question.levels) - CARD.points(question.id, value)
            if round(lost) >= 1:
                assert question.id in covered | listed, (question.id, value)
        for lang in ("zh", "en"):
            for item in plan_view(advice, lang)["nothing_to_do"]:
                assert item["note"]


def test_every_answer_no_action_can_change_has_its_own_note():
    """A costly answer outside every action's reach is explained in its own words, not generically."""
    reachable = {(c.question_id, v) for a in ACTIONS for c in a.changes for v in c.from_values}
    for question in QUESTIONS:
        best = max(CARD.points(question.id, v) for v in question.levels)
        for value in question.levels:
            costly = round(best - CARD.points(question.id, value)) >= 1
            if costly and (question.id, value) not in reachable:
                assert f"{question.id}={value}" in NOTHING_TO_DO or question.id in NOTHING_TO_DO, (question.id, value)


def test_a_late_record_or_an_untold_income_stops_new_credit_and_asks_for_the_income_first():
    """QA: cards sometimes late and no income told once got "apply for a credit card until you hold 3"."""
    half = {"huabei": "on_time", "credit_cards": "one_two", "card_repayment": "sometimes_late"}
    advice, changes = every_change_advised(half)
    assert {g.id for g in advice.gates} == {"late_record", "income_unknown"}
    assert not [c for c in changes if adds_credit(c)]
    assert advice.tell_me_more[0].question_id == "income"
    assert "card_on_time" in [a.id for a in advice.actions]  # repaying on time is still advised
    whatif = simulate(CARD, {**half, "credit_cards": "none", "card_repayment": "no_cards"}, ["first_card"])
    assert whatif.changes == () and whatif.stopped == (("first_card", "gated"),)
    # the income told, the late record alone still stops it; on time and told, new credit is advised
    for income in ("stable", "high_stable"):
        assert {g.id for g in rank(CARD, {**half, "income": income}).gates} == {"late_record"}
    clean = {**half, "credit_cards": "none", "card_repayment": "no_cards", "income": "high_stable"}
    assert not active_gates(clean)
    assert "first_card" in [a.id for a in rank(CARD, clean).actions]


@pytest.mark.parametrize("seed", range(3))
def test_with_the_income_open_every_engine_holds_back_new_credit(seed):
    rng = random.Random(seed)
    for _ in range(40):
        profile = random_profile(rng, answered=0.9)
        profile.pop("income", None)
        advice, changes = every_change_advised(profile, owned={q: True for q in RECORD_ACTIONS})
        assert "income_unknown" in {g.id for g in advice.gates}
        assert not [c for c in changes if adds_credit(c)], profile
        assert advice.tell_me_more[0].question_id == "income"


# ---- Huabei: repaying what one uses is not new credit; opening it is ----------------------------
def huabei_profile(huabei, **extra):
    """A middling, fully answered profile with this Huabei answer and ``extra`` (``None``: unanswered)."""
    base = {"huabei": huabei, "loans": "on_time", "card_repayment": "always_on_time", "income": "stable"}
    profile = average_with(**{**base, **{k: v for k, v in extra.items() if v is not None}})
    return {k: v for k, v in profile.items() if k not in extra or extra[k] is not None}


USER_GATES = [  # answers beside a late Huabei record, and the gate they add
    ({}, "late_record"),
    ({"loans": "overdue_now"}, "overdue_now"),
    ({"income": None}, "income_unknown"),
    ({"income": "unstable"}, "no_income"),
    ({"credit_cards": "six_plus"}, "too_many_cards"),
]


@pytest.mark.parametrize("late", ["late_once", "late_often"])
@pytest.mark.parametrize(("extra", "gate"), USER_GATES, ids=[g for _, g in USER_GATES])
def test_a_huabei_user_with_a_late_record_is_told_to_repay_it_on_time_and_never_to_open_credit(late, extra, gate):
    profile = huabei_profile(late, **extra)
    assert {"late_record", gate} <= {g.id for g in active_gates(profile)}
    owned = {q: True for q in RECORD_ACTIONS}
    advice, changes = every_change_advised(profile, owned)
    assert not [c for c in changes if adds_credit(c)], profile
    repay = next(a for a in advice.actions if a.id == "huabei_on_time")
    assert repay.changes == (Change("huabei", late, "on_time"),)
    # what-if and the planner ask the same rule, so they see the same change with the same points
    whatif = simulate(CARD, profile, ["huabei_on_time"], owned)
    assert whatif.stopped == () and whatif.changes == repay.changes and whatif.score == repay.score_after
    assert "huabei_on_time" in plan(CARD, profile, 950, owned).action_ids
    assert "huabei" not in {n.question_id for n in advice.nothing_to_do}
    for lang, opening in (("en", "Open Huabei"), ("zh", "开通花呗")):
        text = steps_text(action_view(repay, lang), lang)
        assert opening not in text and ("on time" in text or "按时还款" in text)


NON_USER_GATES = [  # no Huabei means no Huabei record: the late record is on loans or cards
    ({"loans": "late"}, "late_record"),
    ({"card_repayment": "sometimes_late"}, "late_record"),
    ({"loans": "overdue_now"}, "overdue_now"),
    ({"card_repayment": "often_late", "income": None}, "income_unknown"),
    ({"loans": "late", "income": "none"}, "no_income"),
]


@pytest.mark.parametrize(("extra", "gate"), NON_USER_GATES, ids=[str(e) for e, _ in NON_USER_GATES])
def test_someone_without_huabei_and_with_a_late_record_gets_no_huabei_action(extra, gate):
    profile = huabei_profile("none", **extra)
    assert gate in {g.id for g in active_gates(profile)}
    owned = {q: True for q in RECORD_ACTIONS}
    advice, changes = every_change_advised(profile, owned)
    assert "huabei_on_time" not in {a.id for a in advice.actions}
    assert not [c for c in changes if c.question_id == "huabei"]
    assert "huabei_on_time" not in plan(CARD, profile, 950, owned).action_ids
    whatif = simulate(CARD, profile, ["huabei_on_time"], owned)
    assert whatif.changes == () and whatif.stopped == (("huabei_on_time", "gated"),)


def test_without_a_gate_someone_without_huabei_is_told_to_open_it():
    profile = huabei_profile("none", income="high_stable")
    assert not active_gates(profile)
    opening = next(a for a in rank(CARD, profile).actions if a.id == "huabei_on_time")
    assert opening.changes == (Change("huabei", "none", "on_time"),)
    assert "Open Huabei" in steps_text(action_view(opening, "en"), "en")


# ---- QA 4: one screen, one story about cards ----------------------------------------------------
NO_CARD = {
    "credit_cards": "none",
    "card_repayment": "no_cards",
    "card_bills": "none",
    "loans": "none",
    "huabei": "on_time",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_card_and_stable_income_gets_one_card_and_a_screen_that_agrees(lang):
    """QA: "apply ... until you hold 3" sat beside "no need to get a card for it" and "never borrow"."""
    advice = rank(CARD, average_with(**NO_CARD, income="stable"))
    assert not advice.gates
    ids = [a.id for a in advice.actions]
    assert "first_card" in ids and "credit_cards_3_5" not in ids
    first = next(a for a in advice.actions if a.id == "first_card")
    # one card, and with it a repayment record: never three, never a card without its record
    assert set(first.changes) == {
        Change("credit_cards", "none", "one_two"),
        Change("card_repayment", "no_cards", "always_on_time"),
    }
    view = plan_view(advice, lang)
    screen = steps_text(action_view(first, lang), lang) + "".join(i["note"] for i in view["nothing_to_do"])
    for contradiction in ("until you hold 3", "直到有3张", "no need to get a card", "不需要为此办卡"):
        assert contradiction not in screen
    assert ("One card is enough" if lang == "en" else "一张就够了") in screen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_or_two_cards_are_not_pushed_to_three(lang):
    advice = rank(
        CARD,
        average_with(credit_cards="one_two", card_repayment="always_on_time", huabei="on_time", income="high_stable"),
    )
    assert not advice.gates
    assert not {"credit_cards_3_5", "first_card"} & {a.id for a in advice.actions}
    notes = {i["question_id"]: i["note"] for i in plan_view(advice, lang)["nothing_to_do"]}
    if "credit_cards" in notes:
        assert notes["credit_cards"] == NOTHING_TO_DO["credit_cards=one_two"][lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_card_under_a_gate_says_why_for_cards_and_their_repayment(lang):
    advice = rank(CARD, average_with(**NO_CARD, income="unstable"))
    view = plan_view(advice, lang)
    notes = {i["question_id"]: i["note"] for i in view["nothing_to_do"]}
    assert notes["credit_cards"] == GATED["credit_cards"][lang]
    if "card_repayment" in notes:
        assert notes["card_repayment"] == GATED["card_repayment"][lang]
    assert view["held_back"]
    heading = render(lang, "cli_advise.txt.j2", **view)
    assert ("以下几项暂时没有可做的" if lang == "zh" else "Nothing to do about these for now") in heading


# ---- QA 6: a late record's reason is the record's own -------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "late",
    [(q, v) for q, values in LATE_REPAYMENTS.items() for v in values],
)
def test_every_late_record_gets_the_fades_with_time_reason_or_an_action(lang, late):
    question_id, value = late
    profile = average_with(**{question_id: value}, income="stable")
    if question_id == "card_repayment":
        profile = average_with(credit_cards="one_two", card_repayment=value, income="stable")
    advice = rank(CARD, profile)
    assert {"late_record", "overdue_now"} & {g.id for g in advice.gates}
    covered = {c.question_id for a in advice.actions for c in a.changes}
    for item in plan_view(advice, lang)["nothing_to_do"]:
        assert item["note"] != STOPPED["gated"][lang]
        if item["question_id"] == question_id:
            assert question_id not in covered
            assert "淡去" in item["note"] or "fades with time" in item["note"]
    # the note itself never blames safety for a late record, whatever the caller says stopped it
    note = nothing_to_do_note(question_id, value, "gated", lang)
    assert note != STOPPED["gated"][lang]


def test_a_heading_says_for_now_only_when_a_gate_holds_something_back():
    calm = plan_view(rank(CARD, average_with(credit_cards="one_two", income="high_stable")), "zh")
    assert not calm["held_back"]
    assert "以下几项不必刻意去改变" in render("zh", "cli_advise.txt.j2", **calm)


# ---- QA 8: no advice to record a guess or to take on what one does not have -----------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_friends_credit_unknown_is_never_recorded_as_good_only_found_out(lang):
    """QA: "Make friends with good credit" ranked #1 for "I don't know" and recorded "Mostly good"."""
    profile = average_with(friends_credit="unknown", huabei="on_time", income="stable")
    advice = rank(CARD, profile)
    assert not any("friends_credit" in a.action.questions for a in advice.actions)
    notes = {i["question_id"]: i["note"] for i in plan_view(advice, lang)["nothing_to_do"]}
    assert notes["friends_credit"] == NOTHING_TO_DO["friends_credit=unknown"][lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("known", ["low", "mixed"])
def test_friends_credit_is_a_fact_about_other_people_never_advised(lang, known):
    """A low or mixed circle once got "Make friends with good credit", and its "done" recorded "Mostly good".

    Friends' credit is other people's: the user cannot change it, and choosing friends for a score
    is not advice to follow, so it is a fact like income. "Mostly good" is recorded only when the
    user says it is true (``/profile``); no action, what-if or goal plan moves it.
    """
    profile = average_with(friends_credit=known, huabei="on_time", income="stable")
    assert ANSWER_CLASSES["friends_credit"] == "fact"
    advice = rank(CARD, profile)
    assert all(c.question_id != "friends_credit" for a in advice.actions for c in a.changes)
    assert all(c.question_id != "friends_credit" for a in ACTIONS for c in a.changes)
    goal = plan(CARD, profile, 950)
    assert all(c.question_id != "friends_credit" for a in goal.actions for c in a.changes)
    notes = {i["question_id"]: i["note"] for i in plan_view(advice, lang)["nothing_to_do"]}
    assert notes["friends_credit"] == NOTHING_TO_DO["friends_credit"][lang]  # "not yours to change"
    # Keeping in touch with the friends one has is still advised: that is the user's to do.
    assert "friend_interaction" in [a.id for a in rank(CARD, {**profile, "friend_interaction": "never"}).actions]


@pytest.mark.parametrize("kinds", range(7))
def test_living_bills_count_one_more_bill_never_a_new_service(kinds):
    """QA: "change from 4 to 6" meant taking on a broadband or landline bill."""
    profile = average_with(living_bills=kinds, bill_address="matches" if kinds else "no_bills")
    changes = {c.question_id: (c.before, c.after) for c in feasible_changes(get_action("living_bills"), profile)}
    if kinds == 6:
        assert "living_bills" not in changes
    else:
        assert changes["living_bills"] == (kinds, kinds + 1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_living_bills_steps_ask_only_for_bills_one_already_has(lang):
    ranked = next(
        a for a in rank(CARD, average_with(living_bills=4, bill_address="matches")).actions if a.id == "living_bills"
    )
    text = steps_text(action_view(ranked, lang), lang)
    assert ("Do not take on a new service" if lang == "en" else "不要为了分数新办业务") in text
    assert "Add every bill you have" not in text and "都添加进来：" not in text


def test_no_action_pushes_a_count_past_one_step():
    """A number a person may not have more of (kinds of bills) moves one step at most."""
    for action in ACTIONS:
        for change in action.changes:
            if QUESTION_BY_ID[change.question_id].kind == "number":
                assert all(change.to == v + 1 for v in change.from_values if isinstance(v, int)), action.id
