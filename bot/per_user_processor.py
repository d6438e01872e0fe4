"""Updates of different users run concurrently; the updates of one user run one after another.

python-telegram-bot hands every update to the application's update processor as its own task
(in polling and in webhook mode alike) once ``max_concurrent_updates`` is above 1. Run
unordered, two quick taps of one user could overtake each other: the second would find the
question the first had not finished storing yet. So each update first takes its user's lock
(asyncio's lock wakes waiters in arrival order, and the tasks start in the order the updates
arrived), and only then one of ``limit`` running slots. Taking the lock first matters: a user who
taps ten times in a second waits behind their own updates without holding slots other users need.

Locks exist only while a user has an update in flight, so memory does not grow with the number of
users ever seen. Across processes the database's nonce checks keep a conversation consistent.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

ADMITTED_PER_SLOT = 64
"""Updates let in (waiting for their user or a slot) per running slot; beyond that PTB queues them."""


class _UserTurn:
    """One user's lock and how many of their updates hold or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """At most ``limit`` updates run at once, never two of the same user, each user's in arrival order."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the concurrency limit must be at least 1")
        # PTB's own semaphore (taken before ``do_process_update``) only bounds how many updates are let in;
        # the running ones are bounded by ``_slots``, taken after the user's lock.
        super().__init__(max(2, limit * ADMITTED_PER_SLOT))
        self.limit = limit
        self._slots = asyncio.Semaphore(limit)
        self._turns: dict[int, _UserTurn] = {}

    @property
    def users_in_flight(self) -> int:
        """How many users have an update running or waiting (what the lock table holds)."""
        return len(self._turns)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the user's earlier updates, then for a free slot, then run the update."""
        key = _user_key(update)
        try:
            if key is None:  # no user to keep in order (none of the updates the bot asks for)
                async with self._slots:
                    await coroutine
                return
            await self._in_turn(key, coroutine)
        except asyncio.CancelledError:
            # Stopped while waiting (the application shuts down): the update never ran.
            if inspect.iscoroutine(coroutine):
                coroutine.close()
            raise

    async def _in_turn(self, key: int, coroutine: Awaitable[Any]) -> None:
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = _UserTurn()
        turn.users += 1
        try:
            async with turn.lock, self._slots:
                await coroutine
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[key]

    async def initialize(self) -> None:
        """Nothing to set up: the locks come and go with the updates."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _user_key(update: object) -> int | None:
    """Whose turn an update waits for: its user, else its chat."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None
