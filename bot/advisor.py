"""The bot's front door, shared by the Telegram adapter and the terminal chat.

An ``Advisor`` holds what lives as long as the process (storage, scorecard, clock, channel)
and turns each user action into a ``Session`` for the flow that answers it: a command and a
tapped button go through the registry (``bot.commands``), typed text and other messages to
the questionnaire. The behaviour itself is in ``bot/flows/``, one module per feature.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace

from bot import commands
from bot.flows import bill, guide, questionnaire
from bot.flows.session import Channel, Session, Who
from bot.parked_files import ParkedFiles
from bot.reminder_schedule import Clock
from bot.replies import Notice, Reply
from bot.screens import notice
from bot.storage import Storage
from bot.storage.tables import utcnow
from bot.storage.unit import UserUnit
from scoring.card import Scorecard, load_scorecard
from scoring.i18n import Lang, language_of
from templates import without_buttons

__all__ = ["Advisor", "Who"]


class Advisor:
    """Entry points for every kind of user action; each opens a session and runs one flow."""

    def __init__(
        self, storage: Storage, card: Scorecard | None = None, channel: Channel = "telegram", clock: Clock = utcnow
    ) -> None:
        self.storage = storage
        self.card = card or load_scorecard()
        self.clock = clock  # when reminders fall due and are delivered
        self.channel = channel
        self.parked = ParkedFiles()  # ZIPs waiting for their password, in this process only

    async def language(self, who: Who) -> Lang:
        """The user's language; the first contact creates the user with the client's one."""
        return language_of(await self.storage.ensure_user(who.id, language_of(who.language_code)))

    async def unit(self, who: Who) -> UserUnit:
        """The storage as this update sees it (the user is created on first contact).

        A ``UserUnit``: the user's language, dialog and answers are read here in one round trip,
        and every flow of this update reads them from there, not again. Used as ``async with``:
        the update's writes are committed when its replies are ready, before they are sent.
        """
        return await UserUnit.load(self.storage, who.id, language_of(who.language_code))

    def session(self, unit: UserUnit, who: Who) -> Session:
        """The session a flow answers ``who`` in."""
        return Session(unit, self.card, self.clock, self.channel, who.id, language_of(unit.language), self.parked)

    def texts(self) -> AbstractContextManager[None]:
        """How replies are worded for this channel: the terminal chat has no buttons to tap."""
        return nullcontext() if self.channel == "telegram" else without_buttons()

    async def command(self, who: Who, name: str | None, arguments: str = "") -> list[Reply]:
        """A ``/command``, by name, with what followed it; one the bot does not have points to ``/help``."""
        with self.texts():
            async with await self.unit(who) as unit:
                session = replace(self.session(unit, who), arguments=arguments.strip())
                return await commands.run_command(session, name)

    async def tap(self, who: Who, data: object) -> list[Reply]:
        """A tapped inline button. The data is checked, never trusted.

        Buttons exist only on messages sent to a known user; a tap from someone the bot does not
        know (their data was deleted with ``/forget`` since) is answered and creates nothing.
        """
        with self.texts():
            found = await UserUnit.find(self.storage, who.id)  # the same one read ``unit`` makes
            if found is None:
                return [Notice(notice(language_of(who.language_code), "no_user"))]
            async with found as unit:
                return await commands.press(self.session(unit, who), data)

    async def text(self, who: Who, text: str) -> list[Reply]:
        """Typed text: the password of a ZIP that waits for it, an answer, a free question, or the help."""
        with self.texts():
            async with await self.unit(who) as unit:
                session = self.session(unit, who)
                replies = await bill.password(session, text)
                return replies if replies is not None else await commands.typed(session, text)

    async def bill_file(self, who: Who, size: int | None, fetch: bill.Fetch) -> list[Reply]:
        """A file sent in (an Alipay bill, we hope): ``size`` as stated, ``fetch`` downloads it once allowed."""
        with self.texts():
            async with await self.unit(who) as unit:
                await unit.commit()  # a first contact's user row: no transaction stays open over the download
                return await bill.received(self.session(unit, who), size, fetch)

    async def unsupported(self, who: Who) -> list[Reply]:
        """A sticker, photo or voice message: no answer, the open question (if any) again."""
        with self.texts():
            async with await self.unit(who) as unit:
                return await questionnaire.unsupported(self.session(unit, who))

    async def error(self, who: Who) -> list[Reply]:
        """What the user sees when handling an update failed."""
        with self.texts():
            async with await self.unit(who) as unit:
                return await guide.failed(self.session(unit, who))

    async def question_shown(self, who: Who, nonce: str, message_id: int) -> None:
        """Remember the message a question was shown in (its buttons go once answered)."""
        await self.storage.question_shown(who.id, nonce, message_id)

    async def set_language(self, who: Who, lang: Lang) -> None:
        """Use ``lang`` from now on (the terminal chat's ``--lang``)."""
        await self.language(who)
        await self.storage.set_language(who.id, lang)
