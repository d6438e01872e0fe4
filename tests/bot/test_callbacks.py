"""Callback data: every button of ours reads back to what it meant; nothing else reads at all."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advice import ACTIONS
from bot import callbacks
from bot.callbacks import (
    AnswerTap,
    CommandTap,
    EditTap,
    ForgedData,
    ForgetTap,
    LanguageTap,
    ReminderTap,
    StepsTap,
    WhatIfTap,
    decode,
)
from scoring.questions import QUESTIONS

N = len(ACTIONS)


def test_every_answer_button_round_trips_within_64_bytes():
    for question in QUESTIONS:
        for index in range(len(question.levels)):
            data = callbacks.answer(question.id, index, "Ab-_9z")
            assert len(data.encode()) <= 64
            assert decode(data, N) == AnswerTap(question.id, index, "Ab-_9z")


def test_the_other_buttons_round_trip():
    assert decode(callbacks.edit(QUESTIONS[-1].id), N) == EditTap(QUESTIONS[-1].id)
    assert decode(callbacks.language("zh"), N) == LanguageTap("zh")
    assert decode(callbacks.forget(True), N) == ForgetTap(True)
    assert decode(callbacks.forget(False), N) == ForgetTap(False)
    assert decode(callbacks.command("advice"), N) == CommandTap("advice")
    assert decode(callbacks.steps(N - 1, True), N) == StepsTap(N - 1, True)
    everything = frozenset(range(N))
    assert decode(callbacks.what_if(everything), N) == WhatIfTap(everything)
    assert decode(callbacks.what_if(frozenset()), N) == WhatIfTap(frozenset())
    assert len(callbacks.what_if(everything).encode()) <= 64
    assert decode(callbacks.reminder(N - 1, True), N) == ReminderTap(N - 1, True)
    assert decode(callbacks.reminder(0, False), N) == ReminderTap(0, False)
    assert decode(callbacks.reminder(3, False, listed=True), N) == ReminderTap(3, False, listed=True)
    with pytest.raises(ValueError):
        callbacks.reminder(3, True, listed=True)  # the list only cancels


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
        f"s:{N}:1",
        "s:0:2",
        "w:" + "z" * 20,
        "w:",
        "w:A",
        "x" * 65,
        "é" * 40,
        f"r:{N}:1",
        "r:0:2",
        "r:0:1x",
        "r:0",
        "r::x",
        "r:0:X",
    ],
)
def test_forged_data_is_rejected(data):
    with pytest.raises(ForgedData):
        decode(data, N)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_string_crashes_the_decoder(data):
    try:
        tap = decode(data, N)
    except ForgedData:
        return
    # Whatever decodes must re-encode to itself: the decoder accepts only what we write.
    encoded = {
        AnswerTap: lambda t: callbacks.answer(t.question_id, t.index, t.nonce),
        EditTap: lambda t: callbacks.edit(t.question_id),
        LanguageTap: lambda t: callbacks.language(t.language),
        ForgetTap: lambda t: callbacks.forget(t.confirmed),
        CommandTap: lambda t: callbacks.command(t.command),
        StepsTap: lambda t: callbacks.steps(t.action_index, t.open),
        WhatIfTap: lambda t: callbacks.what_if(t.picked),
        ReminderTap: lambda t: callbacks.reminder(t.action_index, t.on, t.listed),
    }[type(tap)](tap)
    assert decode(encoded, N) == tap
