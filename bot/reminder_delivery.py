"""Sending the reminders that fell due, safely when several bot processes share the database.

Each process runs the same round (``deliver_due``) now and then. A round reads the due,
unsent reminders and, for each, first *claims* it: an ``UPDATE ... SET sent_at`` that only
succeeds while ``sent_at`` is still empty. Only the process whose claim changed the row sends
it, so a reminder goes out at most once however the rounds of several processes interleave.
A failure that may pass (the network, a flood limit) releases the claim for a later round; a
user who blocked the bot cannot be reached again, so that reminder counts as handled.

Nothing here knows Telegram: the adapter hands in ``send``, the terminal chat its own. A round
needs only the storage and the reminder message (``bot.flows.reminders.due_message``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.flows import progress as progress_flows
from bot.flows.reminders import due_message
from bot.progress import fresh, plan_schedules
from bot.reminder_schedule import Clock
from bot.replies import Screen
from bot.storage import Storage

logger = logging.getLogger(__name__)

Send = Callable[[int, Screen], Awaitable[bool]]
"""Shows a screen to a user; ``False`` when the user cannot be reached for good (blocked the bot)."""

DELIVERY_INTERVAL = 60.0
"""Seconds between rounds: a reminder due at 10:00 goes out within a minute."""
GIVE_UP_AFTER = timedelta(days=3)
"""A reminder still failing this long after it fell due is no longer about that update: dropped."""
KEEP_SENT = timedelta(days=30)
"""Sent reminders are deleted after this long (kept a while, so ``/export`` shows what was sent)."""


@dataclass
class Delivery:
    """What one round did, for the log and the tests."""

    sent: int = 0
    unreachable: int = 0  # the user blocked the bot: handled, never retried
    taken: int = 0  # claimed first by another process (or round)
    failed: int = 0  # a passing failure: released for a later round
    dropped: int = 0  # its action left the catalogue, or it kept failing for too long

    def __bool__(self) -> bool:
        return any((self.sent, self.unreachable, self.taken, self.failed, self.dropped))


async def deliver_due(storage: Storage, send: Send, now: datetime, *, user_id: int | None = None) -> Delivery:
    """Send every reminder due by ``now`` (of one user, or of every Telegram user) exactly once."""
    delivery = Delivery()
    # Check-ins and repayment reminders: each running schedule's next occurrence waits as a row.
    await plan_schedules(storage, now, user_id=user_id)
    for due in await storage.due_reminders(now, user_id=user_id):
        if not await storage.claim_reminder(due.id, now):
            delivery.taken += 1
            continue
        try:
            screen = await occurrence_message(storage, due.user_id, due.action_id, due.due_at, now)
            if screen is None:
                logger.warning(
                    "reminder %s: action %s left the catalogue, or user %s is gone", due.id, due.action_id, due.user_id
                )
                delivery.dropped += 1
                continue
            reached = await send(due.user_id, screen)
        except Exception as exc:  # noqa: BLE001 - one reminder's failure must not stop the others
            if now - due.due_at >= GIVE_UP_AFTER:
                logger.warning(
                    "reminder %s for user %s dropped after failing since %s (%s)",
                    due.id,
                    due.user_id,
                    due.due_at.isoformat(),
                    type(exc).__name__,
                )
                delivery.dropped += 1
                continue
            # Only the class name: an HTTP error's text can carry the request URL, and with it the token.
            logger.warning(
                "reminder %s for user %s not sent (%s); next round tries again", due.id, due.user_id, type(exc).__name__
            )
            await storage.release_reminder(due.id, now)
            delivery.failed += 1
            continue
        if reached:
            delivery.sent += 1
        else:
            logger.info("reminder %s: user %s cannot be reached (blocked the bot)", due.id, due.user_id)
            delivery.unreachable += 1
    await storage.prune_reminders(now - KEEP_SENT)
    await plan_schedules(storage, now, user_id=user_id)  # the next occurrence of those just sent
    return delivery


async def occurrence_message(
    storage: Storage, user_id: int, action_id: str, due_at: datetime, now: datetime
) -> Screen | None:
    """What a due row sends: an action's reminder, or a check-in's or repayment day's message.

    ``None`` (the row is dropped) when its reason no longer holds: the action no longer raises
    the user's estimate (say, the overdue was cleared), a schedule was paused or stopped, or
    its occurrence is stale (a repayment day already gone while no process ran).
    """
    if not await fresh(storage, user_id, action_id, due_at, now):
        return None
    screen = await progress_flows.due_message(storage, user_id, action_id)
    if screen is not None:
        return screen
    return await due_message(storage, user_id, action_id)


async def run_delivery(storage: Storage, clock: Clock, send: Send, every: float = DELIVERY_INTERVAL) -> None:
    """Deliver due reminders every ``every`` seconds until cancelled (the bot's background task)."""
    while True:
        try:
            delivery = await deliver_due(storage, send, clock())
            if delivery:
                logger.info("reminders: %s", delivery)
        except Exception:  # noqa: BLE001 - a failed round (say, the database restarting) must not end the loop
            logger.warning("a reminder round failed; the next starts in %.0f s", every, exc_info=True)
        await asyncio.sleep(every)
