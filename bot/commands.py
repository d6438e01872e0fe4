"""The registry: every command and every kind of button, and the flow each one runs.

This is the one list the rest reads. The Telegram adapter registers a ``CommandHandler`` per
entry and publishes ``setMyCommands`` from it; ``/help`` lists it; the terminal chat runs
commands through it; one callback handler decodes every button and dispatches it through
``BUTTONS``. A command's description lives in ``templates/<lang>/bot_commands.txt.j2``.

Adding a command: one ``Command`` line below, its flow function (``bot/flows/``), and its
description in both languages. Adding a kind of button: its class in ``bot.callbacks`` and
one line in ``BUTTONS``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.answer_matching import may_answer
from bot.callbacks import (
    AnswerTap,
    BillTap,
    Bounds,
    ChangeAnswerTap,
    CheckinTap,
    CommandTap,
    ForgedData,
    ForgetTap,
    GoalTap,
    LanguageTap,
    OwnedTap,
    RecordTap,
    ReminderTap,
    ScheduleTap,
    StepsTap,
    Tap,
    WhatIfTap,
    decode,
)
from bot.flows import (
    account,
    advice,
    bill,
    guide,
    profile,
    progress,
    questionnaire,
    record_items,
    reminders,
    score,
    whatif,
)
from bot.flows.session import Session
from bot.intents import dont_know, intent_of
from bot.replies import Reply
from bot.screens import command_description, question_screen
from scoring.i18n import Lang

CommandFlow = Callable[[Session], Awaitable[list[Reply]]]
"""A flow a command runs: the session in, the replies out."""
ButtonFlow = Callable[[Session, Any], Awaitable[list[Reply]]]
"""A flow a button runs: the session and the decoded tap (of the kind it is registered for) in."""


@dataclass(frozen=True)
class Command:
    """One ``/command``: its name, the flow it runs, and whether a button may run it too."""

    name: str
    run: CommandFlow
    button: bool = False

    def description(self, lang: Lang) -> str:
        """What it does, in a few words (``setMyCommands`` and ``/help``)."""
        return command_description(lang, self.name)


async def _help(session: Session) -> list[Reply]:
    """``/help`` lists this very registry, so it is handed the list here."""
    return await guide.show(session, descriptions(session.lang))


COMMANDS: tuple[Command, ...] = (
    Command("start", questionnaire.start, button=True),
    Command("score", score.show, button=True),
    Command("advice", advice.show, button=True),
    Command("whatif", whatif.show, button=True),
    Command("more", advice.tell_more),
    Command("reminders", reminders.show),
    Command("profile", profile.show, button=True),
    Command("full", questionnaire.full, button=True),
    Command("import", bill.explain),
    Command("back", questionnaire.back),
    Command("skip", questionnaire.skip),
    Command("cancel", questionnaire.cancel),
    Command("myscore", progress.myscore),
    Command("goal", progress.goal),
    Command("history", progress.history, button=True),
    Command("remind", progress.remind),
    Command("timezone", progress.timezone),
    Command("language", account.choose_language),
    Command("export", account.export),
    Command("forget", account.forget),
    Command("help", _help, button=True),
)
"""Every command, in the order the command menu and ``/help`` show them."""
COMMAND_BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}
BUTTON_BOUNDS = Bounds(
    actions=frozenset(advice.ACTION_BY_CODE), commands=frozenset(c.name for c in COMMANDS if c.button)
)
"""What button data may point at: the catalogue's actions (by their button numbers), the commands a button may run."""


async def _command_tapped(session: Session, tap: CommandTap) -> list[Reply]:
    """A button that does what a command does (the buttons under a score, in a reminder)."""
    return await COMMAND_BY_NAME[tap.command].run(session)


BUTTONS: dict[type[Tap], ButtonFlow] = {
    AnswerTap: questionnaire.answer_tapped,
    ChangeAnswerTap: profile.change_answer,
    LanguageTap: account.language_picked,
    ForgetTap: account.forget_confirmed,
    CommandTap: _command_tapped,
    StepsTap: advice.steps_tapped,
    WhatIfTap: whatif.toggled,
    ReminderTap: reminders.tapped,
    RecordTap: advice.record_tapped,
    OwnedTap: record_items.tapped,
    CheckinTap: progress.checkin_tapped,
    GoalTap: progress.goal_tapped,
    ScheduleTap: progress.schedule_tapped,
    BillTap: bill.tapped,
}
"""Each kind of button (``bot.callbacks.TAP_KINDS``) and the flow it runs; a test checks none is missing."""


def descriptions(lang: Lang) -> list[tuple[str, str]]:
    """Every command with its description in ``lang``."""
    return [(c.name, c.description(lang)) for c in COMMANDS]


def command_name(text: str) -> str | None:
    """The command a message starts with (``/Score@SesameBot now`` -> ``score``), ``None`` for other text.

    Telegram's ``CommandHandler`` reads commands the same way: case does not matter, a bot
    username after ``@`` is dropped, and ``/`` alone is a command with no name.
    """
    if not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if text[1:].strip() else ""
    return word.split("@")[0].lower()


async def run_command(session: Session, name: str | None) -> list[Reply]:
    """Run the command ``name``; a command the bot does not have (or ``None``) points to ``/help``."""
    command = None if name is None else COMMAND_BY_NAME.get(name)
    if command is None:
        return await guide.unknown_command(session)
    return await command.run(session)


async def typed(session: Session, text: str) -> list[Reply]:
    """Typed text: an answer to the open question, a real score, else a free question (``bot.intents``), else the help.

    With no question open, a bare number is a real score only when it can be one or a check-in
    asked for it (``bot.flows.progress.typed_number``); any other gets the help.

    A free question asked while a question is open is answered, and the open question follows
    again, so the questionnaire carries on where it was; text that could be an answer is always
    taken as one first. "I don't know" (``bot.intents.dont_know``) there is ``/skip``.
    """
    ask = await session.engine.current(session.user_id)
    intent = intent_of(text)
    if ask is None:
        reported = await progress.typed_number(session, text)  # a real score, as the check-in asks
        if reported is not None:
            return reported
        if intent is None:
            number = progress.bare_number(text)  # a stray number: the help says where a score goes
            return await guide.show(session, descriptions(session.lang), puzzled=True, number=number)
        return await run_command(session, intent)
    answer = may_answer(ask.question, text)
    if not answer and dont_know(text):  # "I don't know", where no answer says it: /skip
        return await questionnaire.not_known(session)
    if intent is None or answer:
        return await questionnaire.typed(session, text)
    return [*await run_command(session, intent), question_screen(ask, session.lang)]


async def press(session: Session, data: object) -> list[Reply]:
    """A tapped inline button: its data is checked, never trusted, then its flow runs."""
    try:
        tap = decode(data, BUTTON_BOUNDS)
    except ForgedData:
        return await questionnaire.forged(session)
    return await BUTTONS[type(tap)](session, tap)
