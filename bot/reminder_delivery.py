"""Sending the reminders that fell due, exactly once, when several bot processes share the database.

Each process runs the same round (``deliver_due``) now and then. A round reads the due reminders
and, for each, first *claims* it (``claimed_at``, taken only while nobody holds it): only the
process whose claim changed the row sends it. How the send ends decides what happens next:

- it went through: ``sent``;
- it may have reached Telegram (a timeout or broken connection after the request went out):
  ``maybe_sent``, never sent again. A reminder twice is worse than one lost to a rare network
  fault, and Telegram gives no way to ask whether a message arrived;
- nothing can have reached Telegram (``NotSent``: refused before the request, a flood limit, a
  connection never made, or a failure before any request): the claim is released and a later
  round tries again, until ``GIVE_UP_AFTER``;
- the user blocked the bot: the user is marked blocked and all their pending reminders stop;
- the process is stopped while sending: released if no request had gone out, else ``maybe_sent``;
- the process dies (kill -9) after claiming: its claim runs out after ``CLAIM_LEASE``, and another
  round takes the reminder again.

"Has a request gone out?" is answered by the network layer: it calls ``request_started()`` just
before it writes a request, and the round reads ``REQUEST_STARTED`` after the send. Nothing here
knows Telegram: the adapter hands in ``send``, the terminal chat its own. A round needs only the
storage and the reminder message (``bot.flows.reminders.due_message``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.flows.reminders import due_message
from bot.outbound import REQUEST_STARTED
from bot.reminder_schedule import Clock
from bot.replies import Screen
from bot.storage import Storage
from bot.storage.repository import CLAIM_LEASE, DROPPED, MAYBE_SENT, SENT, DueReminder

logger = logging.getLogger(__name__)

Send = Callable[[int, Screen], Awaitable[bool]]
"""Shows a screen to a user; ``False`` when the user cannot be reached for good (blocked the bot)."""


class NotSent(Exception):  # noqa: N818 - reads as the outcome it reports
    """A send that certainly did not reach the user (refused, or failed before the request)."""


CONCURRENT_SENDS = 32
"""Reminders being sent at once by one round (a little over Telegram's 30 a second)."""
DELIVERY_INTERVAL = 60.0
"""Seconds between rounds: a reminder due at 10:00 goes out within a minute."""
GIVE_UP_AFTER = timedelta(days=3)
"""A reminder still failing this long after it fell due is no longer about that update: dropped."""
KEEP_SENT = timedelta(days=30)
"""Sent reminders are deleted after this long (kept a while, so ``/export`` shows what was sent)."""


@dataclass
class Delivery:
    """What one round did, for the log, the metrics and the tests."""

    sent: int = 0
    maybe_sent: int = 0  # may have reached Telegram: recorded, never repeated
    unreachable: int = 0  # the user blocked the bot: their reminders stop
    taken: int = 0  # claimed first by another process (or round)
    failed: int = 0  # certainly not sent: released for a later round
    dropped: int = 0  # its action left the catalogue, or it kept failing for too long

    def __bool__(self) -> bool:
        return any((self.sent, self.maybe_sent, self.unreachable, self.taken, self.failed, self.dropped))


async def deliver_due(
    storage: Storage,
    send: Send,
    now: datetime,
    *,
    user_id: int | None = None,
    lease: timedelta = CLAIM_LEASE,
    concurrency: int = CONCURRENT_SENDS,
) -> Delivery:
    """Send every reminder due by ``now`` (of one user, or of every Telegram user) at most once.

    Up to ``concurrency`` sends are under way at once: with one message per chat per second,
    sending one after the other would give a user with five reminders five seconds of everyone's
    round; the rate limiter spaces the sends, not this loop.
    """
    delivery = Delivery()
    gate = asyncio.Semaphore(concurrency)

    async def one(due: DueReminder) -> None:
        async with gate:
            await _deliver_one(storage, send, now, due, lease, delivery)

    await asyncio.gather(*(one(due) for due in await storage.due_reminders(now, user_id=user_id, lease=lease)))
    await storage.prune_reminders(now - KEEP_SENT)
    return delivery


async def _deliver_one(
    storage: Storage, send: Send, now: datetime, due: DueReminder, lease: timedelta, delivery: Delivery
) -> None:
    """Claim one reminder, send it, and record how that ended (see the module docstring)."""
    if not await storage.claim_reminder(due.id, now, lease=lease):
        delivery.taken += 1
        return
    REQUEST_STARTED.set(False)  # this task's own context: concurrent sends do not see each other's mark
    try:
        screen = await due_message(storage, due.user_id, due.action_id)
        if screen is None:
            logger.warning(
                "reminder %s: action %s left the catalogue, or user %s is gone", due.id, due.action_id, due.user_id
            )
            await storage.finish_reminder(due.id, now, DROPPED, now)
            delivery.dropped += 1
            return
        reached = await send(due.user_id, screen)
    except asyncio.CancelledError:
        # Stopped mid-send: give the claim back unless a request may already have gone out.
        went_out = REQUEST_STARTED.get()
        if went_out:
            await asyncio.shield(storage.finish_reminder(due.id, now, MAYBE_SENT, now))
        else:
            await asyncio.shield(storage.release_reminder(due.id, now))
        logger.info("reminder %s %s at shutdown", due.id, "may have been sent" if went_out else "released")
        raise
    except Exception as exc:  # noqa: BLE001 - one reminder's failure must not stop the others
        # Only the class name: an HTTP error's text can carry the request URL, and with it the token.
        if REQUEST_STARTED.get() and not isinstance(exc, NotSent):
            logger.warning(
                "reminder %s for user %s may have been sent (%s): recorded, not repeated",
                due.id,
                due.user_id,
                type(exc).__name__,
            )
            await storage.finish_reminder(due.id, now, MAYBE_SENT, now)
            delivery.maybe_sent += 1
            return
        if now - due.due_at >= GIVE_UP_AFTER:
            logger.warning(
                "reminder %s for user %s dropped after failing since %s (%s)",
                due.id,
                due.user_id,
                due.due_at.isoformat(),
                type(exc).__name__,
            )
            await storage.finish_reminder(due.id, now, DROPPED, now)
            delivery.dropped += 1
            return
        logger.warning(
            "reminder %s for user %s not sent (%s); next round tries again", due.id, due.user_id, type(exc).__name__
        )
        await storage.release_reminder(due.id, now)
        delivery.failed += 1
        return
    if reached:
        await storage.finish_reminder(due.id, now, SENT, now)
        delivery.sent += 1
    else:
        stopped = await storage.mark_blocked(due.user_id, now)
        logger.info("reminder %s: user %s blocked the bot; %d reminder(s) stopped", due.id, due.user_id, stopped)
        delivery.unreachable += 1


async def run_delivery(
    storage: Storage,
    clock: Clock,
    send: Send,
    every: float = DELIVERY_INTERVAL,
    on_round: Callable[[Delivery], None] | None = None,
) -> None:
    """Deliver due reminders every ``every`` seconds until cancelled (the bot's background task)."""
    while True:
        try:
            delivery = await deliver_due(storage, send, clock())
            if delivery:
                logger.info("reminders: %s", delivery)
            if on_round is not None:
                on_round(delivery)
        except Exception:  # noqa: BLE001 - a failed round (say, the database restarting) must not end the loop
            logger.warning("a reminder round failed; the next starts in %.0f s", every, exc_info=True)
        await asyncio.sleep(every)
