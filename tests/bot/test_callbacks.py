"""Callback data: every button of ours reads back to what it meant; nothing else reads at all."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advice import ACTIONS
from bot.callbacks import (
    TAP_KINDS,
    AnswerTap,
    Bounds,
    ChangeAnswerTap,
    CommandTap,
    ForgedData,
    ForgetTap,
    GoalTap,
    LanguageTap,
    OwnedTap,
    RecordTap,
    ReminderTap,
    StepsTap,
    WhatIfTap,
    decode,
)
from bot.commands import BUTTON_BOUNDS
from bot.flows.advice import ACTION_BY_CODE, ACTION_CODE
from scoring.questions import QUESTIONS

CODES = sorted(ACTION_BY_CODE)
LAST = CODES[-1]
BOUNDS = BUTTON_BOUNDS


def test_every_answer_button_round_trips_within_64_bytes():
    for question in QUESTIONS:
        for index in range(len(question.levels)):
            data = AnswerTap(question.id, index, "Ab-_9z").data()
            assert len(data.encode()) <= 64
            assert decode(data, BOUNDS) == AnswerTap(question.id, index, "Ab-_9z")


def test_the_other_buttons_round_trip():
    everything = frozenset(CODES)
    taps = [
        ChangeAnswerTap(QUESTIONS[-1].id),
        LanguageTap("zh"),
        ForgetTap(True),
        ForgetTap(False),
        CommandTap("advice"),
        StepsTap(LAST, True),
        WhatIfTap(everything),
        WhatIfTap(frozenset()),
        ReminderTap(LAST, True),
        ReminderTap(0, False),
        ReminderTap(3, False, listed=True),
        OwnedTap("vehicle", True),
        OwnedTap("property", False, in_profile=True),
        RecordTap(0),
        RecordTap(LAST),
    ]
    for tap in taps:
        assert decode(tap.data(), BOUNDS) == tap
    assert len(WhatIfTap(everything).data().encode()) <= 64
    with pytest.raises(ValueError):
        ReminderTap(3, True, listed=True)  # the list only cancels


def test_every_kind_of_button_has_its_own_prefix():
    prefixes = [kind.PREFIX for kind in TAP_KINDS]
    assert len(prefixes) == len(set(prefixes)) and all(len(p) == 1 for p in prefixes)


def test_a_command_button_reads_only_for_a_command_a_button_may_run():
    assert decode("c:advice", Bounds(CODES, frozenset({"advice"}))) == CommandTap("advice")
    with pytest.raises(ForgedData):
        decode("c:advice", Bounds(CODES, frozenset({"score"})))


@pytest.mark.parametrize(
    "data",
    [
        None,
        17,
        b"a:0:0:abcdef",
        "",
        "a",
        "a:0:0",
        "a:0:0:abcde",
        "a:0:0:abcdefg",
        "a:0:5:abcdef",
        "a:27:0:abcdef",
        "a:0:0:abc$ef",
        "a:-1:0:abcdef",
        "a:０:0:abcdef",
        "a:٠:0:abcdef",
        " a:0:0:abcdef",
        "a:0:0:abcdef\n",
        "p:27",
        "p:x",
        "l:fr",
        "l:ZH",
        "f:yes",
        "c:forget",
        "c:",
        f"s:{LAST + 1}:1",
        StepsTap(22, True).data(),  # 22: a retired action's number
        GoalTap(22).data(),
        WhatIfTap(frozenset({0, 22})).data(),
        "s:0:2",
        "w:" + "z" * 20,
        "w:",
        "w:A",
        "x" * 65,
        "é" * 40,
        f"r:{LAST + 1}:1",
        ReminderTap(22, False).data(),
        "r:0:2",
        "r:0:1x",
        "r:0",
        "r::x",
        "r:0:X",
        "o:0:ya",  # account_age is no record-if-true item
        "o:17:y",
        "o:17:xa",
        "o:99:ya",
        f"d:{LAST + 1}",
        RecordTap(22).data(),  # a retired action's number
        "d:",
        "d:1:1",
        "d:x",
    ],
)
def test_forged_data_is_rejected(data):
    with pytest.raises(ForgedData):
        decode(data, BOUNDS)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_string_crashes_the_decoder(data):
    try:
        tap = decode(data, BOUNDS)
    except ForgedData:
        return
    # Whatever decodes must re-encode to itself: the decoder accepts only what we write.
    assert decode(tap.data(), BOUNDS) == tap


def test_every_action_has_its_own_button_number_and_a_retired_number_stays_retired():
    assert sorted(ACTION_CODE) == sorted(a.id for a in ACTIONS)
    assert len(set(ACTION_CODE.values())) == len(ACTION_CODE)
    # 22 was "make friends with good credit": an old button of it must never act on another action.
    assert 22 not in ACTION_BY_CODE
    # Numbers given before it keep their actions (buttons already in chats carry them).
    assert ACTION_CODE["repay_overdue"] == 0 and ACTION_CODE["friend_interaction"] == 23
