"""Derived answers obey the answer structure (``scoring.structure``), whatever the rows showed."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.alipay_bill import features as k
from scoring.alipay_bill import read_bill
from scoring.alipay_bill.answers import derived_answers, findings
from scoring.alipay_bill.features import Features
from scoring.structure import check, complete

from . import exports as e

KINDS = (*k.BILL_KINDS, k.TMALL, k.TAOBAO, k.OTHER_ONLINE, k.CHARITY, k.INSURANCE, k.FRIENDS)
KINDS += (k.HUABEI_REPAY, k.HUABEI_FAILED, k.HUABEI_LATE, k.CARD_REPAY, k.CARD_FAILED, k.WEALTH_IN)


@st.composite
def features(draw):
    first = date(2023, 1, 1)
    x = Features(
        first=first,
        last=first + timedelta(days=draw(st.integers(0, 800))),
        shows_method=draw(st.booleans()),
    )
    for kind in KINDS:
        x.kinds[kind] = draw(st.integers(0, 40))
    x.spend_yuan = draw(st.floats(0, 1e7))
    x.spend_rows = x.count(*k.SPENDING)
    x.wealth_net_yuan = draw(st.floats(-1e6, 1e6))
    x.huabei_use = draw(st.integers(0, 50))
    x.mybank = draw(st.integers(0, 3))
    x.cards_repaid = draw(st.integers(0, 8)) if x.count(k.CARD_REPAY, k.CARD_FAILED) else 0
    x.months_with = {kind: min(x.kinds[kind], draw(st.integers(0, 27))) for kind in (k.CHARITY, k.FRIENDS)}
    x.months_with[k.HUABEI_LATE] = min(x.kinds[k.HUABEI_LATE], draw(st.integers(0, 3)))
    return x


@settings(max_examples=300, deadline=None)
@given(features())
def test_whatever_the_rows_show_the_answers_are_consistent_and_complete(x):
    answers = derived_answers(findings(x))
    check(answers)
    assert complete(answers) == answers  # nothing the answers imply is left unsaid


def test_every_scenario_in_every_layout_passes_the_structure_check():
    for make in e.SCENARIOS.values():
        for layout in e.LAYOUTS:
            answers = read_bill(e.render(make(), layout)).answers
            check(answers)
            assert complete(answers) == answers
