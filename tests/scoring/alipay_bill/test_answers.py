"""Known answers from every scenario, in every layout and every quirk real files have."""

import pytest

from scoring.alipay_bill import read_bill
from scoring.alipay_bill.answers import Finding, findings
from scoring.alipay_bill.features import Features
from scoring.questions import QUESTION_BY_ID, QUESTIONS, parse_answers

from . import exports as e

CASES = [(s, layout, q) for s in e.SCENARIOS for layout in e.LAYOUTS for q in e.QUIRKS]


@pytest.mark.parametrize(("scenario", "layout", "quirk"), CASES, ids=["-".join(c) for c in CASES])
def test_every_scenario_gives_its_known_answers_in_every_layout_and_quirk(scenario, layout, quirk):
    s = e.SCENARIOS[scenario]()
    result = read_bill(e.render(s, layout, e.QUIRKS[quirk]), today=s.today)
    assert result.layout == layout
    expected = s.expected_for(layout)
    assert {q: result.answers.get(q) for q in expected} == expected


@pytest.mark.parametrize("scenario", e.SCENARIOS)
def test_derived_answers_are_valid_questionnaire_answers(scenario):
    result = read_bill(e.render(e.SCENARIOS[scenario](), "app_2023"))
    assert parse_answers(dict(result.answers)) == result.answers
    assert [f.question_id for f in result.findings] == [q.id for q in QUESTIONS]


def test_exclusions_are_what_keeps_the_busy_month_under_5000():
    """The closed trade, the refunded purchase and Yu'e Bao moves would each push spending over 5,000."""
    result = read_bill(e.render(e.active(), "app_2023"))
    x = result.features
    assert x.spend_yuan / x.months < 5000
    assert (x.spend_yuan + 50_000) / x.months > 5000  # the closed trade, if it were counted
    assert x.count("closed") == 1 and x.count("refund") == 2


def test_every_open_question_says_why_and_every_answer_has_evidence():
    for make in e.SCENARIOS.values():
        for finding in read_bill(e.render(make(), "app_2021")).findings:
            if finding.value is None:
                assert finding.reason, finding
            else:
                assert finding.evidence and not finding.reason, finding


def test_evidence_is_counts_only():
    result = read_bill(e.render(e.active(), "app_2023"))
    for finding in result.findings:
        assert all(isinstance(v, int) and not isinstance(v, bool) for v in finding.evidence.values()), finding


def _features(**kinds: int) -> Features:
    from datetime import date

    x = Features(first=date(2023, 1, 1), last=date(2023, 12, 31))
    x.kinds.update(kinds)
    return x


def _by_id(x: Features) -> dict[str, Finding]:
    return {f.question_id: f for f in findings(x)}


def test_no_card_repaid_claims_no_card_answer_at_all():
    found = _by_id(_features())
    assert found["card_repayment"].value is None and found["credit_cards"].value is None
    assert found["card_bills"].value is None


def test_card_repayments_never_claim_no_cards():
    x = _features(card_repay=12)
    x.cards_repaid = 2
    found = _by_id(x)
    assert found["card_repayment"].value == "always_on_time"
    assert found["credit_cards"].value is None  # two repaid through Alipay: others may exist


def test_six_cards_repaid_prove_six_or_more():
    x = _features(card_repay=30)
    x.cards_repaid = 6
    assert _by_id(x)["credit_cards"].value == "six_plus"


def test_a_failed_huabei_repayment_leaves_huabei_open_and_a_late_one_answers_it():
    assert _by_id(_features(huabei_repay=11, huabei_failed=1))["huabei"].value is None
    x = _features(huabei_repay=11, huabei_late=1)
    x.months_with = {"huabei_late": 1}
    assert _by_id(x)["huabei"].value == "late_once"


def test_paying_with_huabei_is_not_a_repayment():
    x = _features()
    x.huabei_use = 40
    found = _by_id(x)["huabei"]
    assert found.value is None and found.reason == "use_without_repayment"


def test_large_wealth_only_from_net_money_moved_in():
    x = _features(wealth_in=3)
    x.wealth_net_yuan = 150_000
    assert _by_id(x)["wealth"].value == "large"
    x.wealth_net_yuan = 90_000
    assert _by_id(x)["wealth"].value is None


def test_a_short_file_proves_no_absence():
    from datetime import date

    x = Features(first=date(2023, 1, 1), last=date(2023, 2, 10))
    found = _by_id(x)
    for question in ("living_bills", "charity", "friend_interaction", "huabei"):
        assert found[question].value is None and found[question].reason == "too_short", question


def test_living_bills_zero_and_no_bill_address_come_together():
    found = _by_id(_features())
    assert found["living_bills"].value == 0 and found["bill_address"].value == "no_bills"
    found = _by_id(_features(water=3))
    assert found["living_bills"].value == 1 and found["bill_address"].value is None


def test_the_answer_values_exist_in_the_questionnaire():
    for make in e.SCENARIOS.values():
        for question_id, value in read_bill(e.render(make(), "pc_web")).answers.items():
            assert value in QUESTION_BY_ID[question_id].levels
