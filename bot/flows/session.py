"""The small context every flow works with: who asks, in which language, and with what.

A ``Session`` is made per update by the ``Advisor`` (``bot.advisor``) from the long-lived
parts (storage, scorecard, clock, channel) and the user. Flows read everything they need from
it, so a flow module imports no other module's state and any flow can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from bot.dialog import DialogEngine
from bot.parked_files import ParkedFiles
from bot.reminder_schedule import Clock
from bot.storage import Storage
from scoring.card import Scorecard
from scoring.i18n import Lang

Channel = Literal["telegram", "chat"]
"""Where the conversation happens; the terminal chat marks the answers it stores as its own."""


@dataclass(frozen=True)
class Who:
    """The user behind an update: an id, and the client's language for a first contact."""

    id: int
    language_code: str | None = None


@dataclass(frozen=True)
class Session:
    """One user's turn: the user, their language, and the storage, scorecard and clock to answer with."""

    storage: Storage
    card: Scorecard
    clock: Clock
    channel: Channel
    user_id: int
    lang: Lang
    parked: ParkedFiles
    """ZIPs waiting for their password: the advisor's, shared by every session of the process."""
    arguments: str = ""
    """What followed the command's name (``/myscore 712`` -> ``712``); empty for anything else."""

    @property
    def engine(self) -> DialogEngine:
        """The questionnaire engine on this session's storage (it keeps no state of its own)."""
        return DialogEngine(self.storage)

    async def has_seen_an_estimate(self) -> bool:
        """Whether a score was shown before (a snapshot is kept): then the disclaimer comes in its short form.

        Derived from what is stored anyway, so nothing new is kept about the user.
        """
        return await self.storage.has_snapshot(self.user_id)

    def source(self, how: Literal["button", "typed"]) -> str:
        """How an answer came, as stored with it: the terminal chat marks every answer ``chat``."""
        return how if self.channel == "telegram" else "chat"

    def speaking(self, lang: Lang) -> Session:
        """The same session in another language (after the user switched)."""
        return replace(self, lang=lang)
