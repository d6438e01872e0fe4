"""Callback data of inline buttons: compact to write, strict to read.

Telegram gives a button at most 64 bytes and hands back whatever a client sends, so nothing
read here is trusted. Each kind of button is one class below: its one-letter ``PREFIX`` and the
exact ``PATTERN`` of what follows the colon are declared there and nowhere else, ``data()``
writes it and ``read`` checks every index against the data it points into. Anything that is
not exactly what one of these classes writes is ``ForgedData``. Answer buttons also carry the
nonce of the question they were made for, which is how the dialog engine tells a button of an
old message (stale) from the current one.

Which flow a tapped button runs is the registry's business (``bot.commands.BUTTONS``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar

from advice.feasibility import RECORD_ACTIONS
from scoring.i18n import LANGUAGES, Lang, is_language
from scoring.questions import QUESTION_BY_ID, QUESTIONS

MAX_BYTES = 64
QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)


class ForgedData(ValueError):
    """Callback data that no button of this bot carries."""


@dataclass(frozen=True)
class Bounds:
    """What decoded data may point at: the actions' button numbers, the commands a button may run."""

    actions: Collection[int]
    commands: Collection[str]


@dataclass(frozen=True)
class AnswerTap:
    """An answer button: question, index of the answer on its scale, nonce of the asking."""

    PREFIX: ClassVar[str] = "a"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"([0-9]{1,3}):([0-9]{1,3}):([A-Za-z0-9_-]{6})")

    question_id: str
    index: int
    nonce: str

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{QUESTION_IDS.index(self.question_id)}:{self.index}:{self.nonce}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> AnswerTap:
        """The tap the checked data stands for."""
        question = _question(match.group(1))
        index = int(match.group(2))
        if index >= len(QUESTION_BY_ID[question].levels):
            raise ForgedData("answer index out of range")
        return cls(question, index, match.group(3))


@dataclass(frozen=True)
class ChangeAnswerTap:
    """A profile button: ask this question again so its answer can be changed."""

    PREFIX: ClassVar[str] = "p"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"([0-9]{1,3})")

    question_id: str

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{QUESTION_IDS.index(self.question_id)}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> ChangeAnswerTap:
        """The tap the checked data stands for."""
        return cls(_question(match.group(1)))


@dataclass(frozen=True)
class LanguageTap:
    """A language button."""

    PREFIX: ClassVar[str] = "l"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile("|".join(LANGUAGES))

    language: Lang

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{self.language}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> LanguageTap:
        """The tap the checked data stands for."""
        code = match.group(0)
        if not is_language(code):  # pragma: no cover - the pattern admits only our languages
            raise ForgedData("unknown language")
        return cls(code)


@dataclass(frozen=True)
class ForgetTap:
    """The ``/forget`` confirmation: delete everything, or keep it."""

    PREFIX: ClassVar[str] = "f"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"[yn]")

    confirmed: bool

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{'y' if self.confirmed else 'n'}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> ForgetTap:
        """The tap the checked data stands for."""
        return cls(match.group(0) == "y")


@dataclass(frozen=True)
class CommandTap:
    """A button that does what a command does (only the commands the registry lets a button run)."""

    PREFIX: ClassVar[str] = "c"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"[a-z]{1,12}")

    command: str

    def data(self) -> str:
        """The button's callback data."""
        if not self.PATTERN.fullmatch(self.command):
            raise ValueError(self.command)
        return _checked(f"{self.PREFIX}:{self.command}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> CommandTap:
        """The tap the checked data stands for."""
        if match.group(0) not in bounds.commands:
            raise ForgedData("no button runs this command")
        return cls(match.group(0))


@dataclass(frozen=True)
class StepsTap:
    """Show (or hide) the how-to steps of one ranked action."""

    PREFIX: ClassVar[str] = "s"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"([0-9]{1,3}):([01])")

    action_code: int
    open: bool

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{self.action_code}:{int(self.open)}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> StepsTap:
        """The tap the checked data stands for."""
        return cls(_action(match.group(1), bounds), match.group(2) == "1")


@dataclass(frozen=True)
class WhatIfTap:
    """The set of actions picked in ``/whatif``, as their button numbers (``bot.flows.advice.ACTION_CODE``).

    The data is the whole selection the tap leads to (a base-36 bit mask), not a toggle.
    """

    PREFIX: ClassVar[str] = "w"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"[0-9a-z]{1,20}")

    picked: frozenset[int]

    def data(self) -> str:
        """The button's callback data."""
        mask = sum(1 << i for i in self.picked)
        return _checked(f"{self.PREFIX}:{_base36(mask)}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> WhatIfTap:
        """The tap the checked data stands for."""
        mask = int(match.group(0), 36)
        picked = frozenset(i for i in range(mask.bit_length()) if mask >> i & 1)
        if not picked <= set(bounds.actions):
            raise ForgedData("what-if selection of an action no button numbers")
        return cls(picked)


@dataclass(frozen=True)
class RecordTap:
    """An action's "done: record it" (its how-to, its reminder): record every answer it changes at once.

    The answers change exactly as the promise counted them (``bot.progress.recorded_answers``), as
    the goal's "done" tap changes them, so no path records less than the score it showed.
    """

    PREFIX: ClassVar[str] = "d"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"([0-9]{1,3})")

    action_code: int

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{self.action_code}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> RecordTap:
        """The tap the checked data stands for."""
        return cls(_action(match.group(1), bounds))


@dataclass(frozen=True)
class ReminderTap:
    """Set (``on``) or cancel a reminder for one action, from its steps or from ``/reminders``.

    The wanted state is in the data, not a toggle: a button tapped twice, or on an old
    message, asks for the same thing again and changes nothing more. The list only cancels.
    """

    PREFIX: ClassVar[str] = "r"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"([0-9]{1,3}):([01x])")

    action_code: int
    on: bool
    listed: bool = False

    def __post_init__(self) -> None:
        if self.on and self.listed:
            raise ValueError("the reminder list only cancels")

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{self.action_code}:{'x' if self.listed else int(self.on)}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> ReminderTap:
        """The tap the checked data stands for."""
        return cls(_action(match.group(1), bounds), match.group(2) == "1", match.group(2) == "x")


@dataclass(frozen=True)
class OwnedTap:
    """Whether the user has a record-if-true item (a vehicle...), asked under ``/advice`` or changed in ``/profile``.

    The answer is in the data (not a toggle), so a tap repeated says the same again.
    ``in_profile`` tells which screen to show afterwards.
    """

    PREFIX: ClassVar[str] = "o"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"([0-9]{1,3}):([yn])([ap])")

    question_id: str
    owned: bool
    in_profile: bool = False

    def data(self) -> str:
        """The button's callback data."""
        answer, where = "y" if self.owned else "n", "p" if self.in_profile else "a"
        return _checked(f"{self.PREFIX}:{QUESTION_IDS.index(self.question_id)}:{answer}{where}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> OwnedTap:
        """The tap the checked data stands for (only a record-if-true question)."""
        question = _question(match.group(1))
        if question not in RECORD_ACTIONS:
            raise ForgedData("not a record-if-true item")
        return cls(question, match.group(2) == "y", match.group(3) == "p")


@dataclass(frozen=True)
class CheckinTap:
    """An answer to the monthly check-in: type the score, skip this month, or stop check-ins."""

    PREFIX: ClassVar[str] = "k"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"[tsx]")
    CHOICES: ClassVar[dict[str, str]] = {"t": "type", "s": "skip", "x": "stop"}

    choice: str

    def data(self) -> str:
        """The button's callback data."""
        code = next(code for code, name in self.CHOICES.items() if name == self.choice)
        return _checked(f"{self.PREFIX}:{code}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> CheckinTap:
        """The tap the checked data stands for."""
        return cls(cls.CHOICES[match.group(0)])


@dataclass(frozen=True)
class GoalTap:
    """A goal button: a planned action done (its button number), or remove the goal (``None``)."""

    PREFIX: ClassVar[str] = "g"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"d([0-9]{1,3})|x")

    action_code: int | None

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{'x' if self.action_code is None else f'd{self.action_code}'}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> GoalTap:
        """The tap the checked data stands for."""
        return cls(None if match.group(1) is None else _action(match.group(1), bounds))


@dataclass(frozen=True)
class ScheduleTap:
    """Pause, resume or stop one reminder or check-in, or add a default one (``/remind``).

    The wanted state is in the data, so a tap repeated (or on an old message) asks for the
    same again and changes nothing more.
    """

    PREFIX: ClassVar[str] = "m"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"([prsa])([cghk])([0-9]{1,2})")
    OPS: ClassVar[dict[str, str]] = {"p": "pause", "r": "resume", "s": "stop", "a": "add"}
    KINDS: ClassVar[dict[str, str]] = {"c": "checkin", "g": "goal", "h": "huabei", "k": "card"}

    op: str
    kind: str
    number: int = 0

    def data(self) -> str:
        """The button's callback data."""
        op = next(code for code, name in self.OPS.items() if name == self.op)
        kind = next(code for code, name in self.KINDS.items() if name == self.kind)
        return _checked(f"{self.PREFIX}:{op}{kind}{self.number}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> ScheduleTap:
        """The tap the checked data stands for."""
        op, kind = cls.OPS[match.group(1)], cls.KINDS[match.group(2)]
        if op == "add" and kind not in ("huabei", "checkin"):
            raise ForgedData("only Huabei and the check-in are added by a button")
        return cls(op, kind, int(match.group(3)))


@dataclass(frozen=True)
class BillTap:
    """Use the answers a bill showed (``confirm``), or drop the import; bound to the import by its nonce.

    The import (its row id) and its nonce are in the data; the flow checks both against the
    database, so a tap on an old or forged message changes nothing.
    """

    PREFIX: ClassVar[str] = "b"
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"([0-9]{1,15}):([A-Za-z0-9_-]{6}):([yn])")

    import_id: int
    nonce: str
    confirm: bool

    def data(self) -> str:
        """The button's callback data."""
        return _checked(f"{self.PREFIX}:{self.import_id}:{self.nonce}:{'y' if self.confirm else 'n'}")

    @classmethod
    def read(cls, match: re.Match[str], bounds: Bounds) -> BillTap:
        """The tap the checked data stands for."""
        return cls(int(match.group(1)), match.group(2), match.group(3) == "y")


Tap = (
    AnswerTap
    | ChangeAnswerTap
    | LanguageTap
    | ForgetTap
    | CommandTap
    | StepsTap
    | WhatIfTap
    | ReminderTap
    | RecordTap
    | CheckinTap
    | GoalTap
    | ScheduleTap
    | OwnedTap
    | BillTap
)
TAP_KINDS: tuple[type[Tap], ...] = (
    AnswerTap,
    ChangeAnswerTap,
    LanguageTap,
    ForgetTap,
    CommandTap,
    StepsTap,
    WhatIfTap,
    ReminderTap,
    RecordTap,
    OwnedTap,
    CheckinTap,
    GoalTap,
    ScheduleTap,
    BillTap,
)
"""Every kind of button; a new kind is a class above and a line here (and its flow in the registry)."""
KIND_BY_PREFIX: dict[str, type[Tap]] = {kind.PREFIX: kind for kind in TAP_KINDS}


def decode(data: object, bounds: Bounds) -> Tap:
    """Read callback data; anything but data our own buttons carry raises ``ForgedData``."""
    if not isinstance(data, str) or not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        raise ForgedData("not callback data of ours")
    prefix, colon, rest = data.partition(":")
    kind = KIND_BY_PREFIX.get(prefix)
    match = kind.PATTERN.fullmatch(rest) if kind is not None and colon else None
    if kind is None or match is None:
        raise ForgedData("not callback data of ours")
    return kind.read(match, bounds)


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


def _question(index_text: str) -> str:
    index = int(index_text)
    if index >= len(QUESTION_IDS):
        raise ForgedData("question index out of range")
    return QUESTION_IDS[index]


def _action(code_text: str, bounds: Bounds) -> int:
    code = int(code_text)
    if code not in bounds.actions:
        raise ForgedData("no action has this button number")
    return code
