"""Callback data of inline buttons: compact to write, strict to read.

Telegram gives a button at most 64 bytes and hands back whatever a client sends, so nothing
read here is trusted: each kind of button has one exact pattern, every index is checked
against the data it points into, and anything else is ``ForgedData``. Answer buttons also
carry the nonce of the question they were made for, which is how the dialog engine tells a
button of an old message (stale) from the current one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.questions import QUESTION_BY_ID, QUESTIONS

MAX_BYTES = 64
QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
COMMANDS: tuple[str, ...] = ("start", "score", "advice", "whatif", "profile", "full", "help")
"""Commands a button may run (the buttons under a score, for instance)."""
LANGUAGES: tuple[str, ...] = ("zh", "en")


class ForgedData(ValueError):
    """Callback data that no button of this bot carries."""


@dataclass(frozen=True)
class AnswerTap:
    """An answer button: question, index of the answer on its scale, nonce of the asking."""

    question_id: str
    index: int
    nonce: str


@dataclass(frozen=True)
class EditTap:
    """A profile button: change the answer to this question."""

    question_id: str


@dataclass(frozen=True)
class LanguageTap:
    """A language button."""

    language: str


@dataclass(frozen=True)
class ForgetTap:
    """The ``/forget`` confirmation: delete everything, or keep it."""

    confirmed: bool


@dataclass(frozen=True)
class CommandTap:
    """A button that does what a command does."""

    command: str


@dataclass(frozen=True)
class StepsTap:
    """Show (or hide) the how-to steps of one ranked action."""

    action_index: int
    open: bool


@dataclass(frozen=True)
class WhatIfTap:
    """The set of actions picked in ``/whatif``, as indexes into the action catalogue."""

    picked: frozenset[int]


@dataclass(frozen=True)
class ReminderTap:
    """Set (``on``) or cancel a reminder for one action, from its steps or from ``/reminders``.

    The wanted state is in the data, not a toggle: a button tapped twice, or on an old
    message, asks for the same thing again and changes nothing more.
    """

    action_index: int
    on: bool
    listed: bool = False


Tap = AnswerTap | EditTap | LanguageTap | ForgetTap | CommandTap | StepsTap | WhatIfTap | ReminderTap

_ANSWER = re.compile(r"a:([0-9]{1,3}):([0-9]{1,3}):([A-Za-z0-9_-]{6})")
_EDIT = re.compile(r"p:([0-9]{1,3})")
_LANGUAGE = re.compile(r"l:(zh|en)")
_FORGET = re.compile(r"f:([yn])")
_COMMAND = re.compile(r"c:([a-z]{1,12})")
_STEPS = re.compile(r"s:([0-9]{1,3}):([01])")
_WHATIF = re.compile(r"w:([0-9a-z]{1,20})")
_REMINDER = re.compile(r"r:([0-9]{1,3}):([01x])")


def answer(question_id: str, index: int, nonce: str) -> str:
    """Data of an answer button."""
    return _checked(f"a:{QUESTION_IDS.index(question_id)}:{index}:{nonce}")


def edit(question_id: str) -> str:
    """Data of a profile "change this answer" button."""
    return _checked(f"p:{QUESTION_IDS.index(question_id)}")


def language(lang: str) -> str:
    """Data of a language button."""
    return _checked(f"l:{lang}")


def forget(confirmed: bool) -> str:
    """Data of the two ``/forget`` confirmation buttons."""
    return _checked(f"f:{'y' if confirmed else 'n'}")


def command(name: str) -> str:
    """Data of a button that runs a command."""
    if name not in COMMANDS:
        raise ValueError(name)
    return _checked(f"c:{name}")


def steps(action_index: int, open_: bool) -> str:
    """Data of a button that shows or hides an action's how-to steps."""
    return _checked(f"s:{action_index}:{int(open_)}")


def what_if(picked: frozenset[int]) -> str:
    """Data of a ``/whatif`` toggle: the whole selection it leads to, as a base-36 bit mask."""
    mask = sum(1 << i for i in picked)
    return _checked(f"w:{_base36(mask)}")


def reminder(action_index: int, on: bool, listed: bool = False) -> str:
    """Data of a reminder button: set or cancel on an action's steps, cancel in ``/reminders``."""
    if on and listed:
        raise ValueError("the reminder list only cancels")
    return _checked(f"r:{action_index}:{'x' if listed else int(on)}")


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:  # pragma: no cover - the patterns keep data short
        raise ValueError(f"callback data too long: {data}")
    return data


def decode(data: object, actions: int = 0) -> Tap:
    """Read callback data; anything but data our own buttons carry raises ``ForgedData``.

    ``actions`` is the size of the action catalogue, which bounds steps, what-if and reminder indexes.
    """
    if not isinstance(data, str) or not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        raise ForgedData("not callback data of ours")
    if m := _ANSWER.fullmatch(data):
        question = _question(m.group(1))
        index = int(m.group(2))
        if index >= len(QUESTION_BY_ID[question].levels):
            raise ForgedData("answer index out of range")
        return AnswerTap(question, index, m.group(3))
    if m := _EDIT.fullmatch(data):
        return EditTap(_question(m.group(1)))
    if m := _LANGUAGE.fullmatch(data):
        return LanguageTap(m.group(1))
    if m := _FORGET.fullmatch(data):
        return ForgetTap(m.group(1) == "y")
    if (m := _COMMAND.fullmatch(data)) and m.group(1) in COMMANDS:
        return CommandTap(m.group(1))
    if m := _STEPS.fullmatch(data):
        index = int(m.group(1))
        if index >= actions:
            raise ForgedData("action index out of range")
        return StepsTap(index, m.group(2) == "1")
    if m := _WHATIF.fullmatch(data):
        mask = int(m.group(1), 36)
        if mask >> actions:
            raise ForgedData("what-if selection out of range")
        return WhatIfTap(frozenset(i for i in range(actions) if mask >> i & 1))
    if m := _REMINDER.fullmatch(data):
        index = int(m.group(1))
        if index >= actions:
            raise ForgedData("action index out of range")
        return ReminderTap(index, m.group(2) == "1", m.group(2) == "x")
    raise ForgedData("not callback data of ours")


def _question(index_text: str) -> str:
    index = int(index_text)
    if index >= len(QUESTION_IDS):
        raise ForgedData("question index out of range")
    return QUESTION_IDS[index]
