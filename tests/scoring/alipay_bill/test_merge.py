"""A bill never raises a late or overdue repayment answer the person reported."""

import pytest

from scoring.alipay_bill.merge import Kept, merge, only_confirms_or_lowers
from scoring.questions import LATE_REPAYMENTS, QUESTION_BY_ID


def test_an_on_time_bill_keeps_a_reported_overdue_and_says_so():
    """QA: "Overdue right now" became "Always on time" after an import, and the safety gate went."""
    taken, kept = merge(
        {"huabei": "overdue_now", "card_repayment": "sometimes_late"},
        {
            "huabei": "on_time",
            "card_repayment": "always_on_time",
            "shopping": "tmall",
        },
    )
    assert taken == {"shopping": "tmall"}
    assert kept == (
        Kept("huabei", "overdue_now", "on_time"),
        Kept("card_repayment", "sometimes_late", "always_on_time"),
    )


@pytest.mark.parametrize("question_id", sorted(LATE_REPAYMENTS))
def test_every_late_answer_can_be_confirmed_or_lowered_never_raised(question_id):
    levels = QUESTION_BY_ID[question_id].levels
    for reported in LATE_REPAYMENTS[question_id]:
        assert only_confirms_or_lowers(question_id, reported)
        for derived in levels:
            taken, kept = merge({question_id: reported}, {question_id: derived})
            if levels.index(derived) > levels.index(reported):
                assert taken == {} and kept == (Kept(question_id, reported, derived),)
            else:
                assert taken == {question_id: derived} and kept == ()


def test_answers_that_record_nothing_late_take_the_bill():
    # "not used" is no late record: repayments in the bill prove Huabei is used and repaid
    assert merge({"huabei": "none"}, {"huabei": "on_time"}) == ({"huabei": "on_time"}, ())
    assert merge({"shopping": "other"}, {"shopping": "tmall"}) == ({"shopping": "tmall"}, ())
    assert merge({}, {"huabei": "late_once"}) == ({"huabei": "late_once"}, ())
    assert not only_confirms_or_lowers("huabei", "on_time") and not only_confirms_or_lowers("huabei", "none")
