"""When a reminder falls due: the next Sesame recompute a user can still act before.

Sesame recomputes the score monthly, on the 6th (``advice.catalogue.TIMINGS``), so the useful
moment to look at ``/score`` again is the morning of the next 6th in China. A 6th less than a
day away is skipped: a reminder set on the evening of the 5th would arrive before anything the
user does could count. This module is that rule and nothing else; the clock is injected, so
the tests can stand on any day of any year.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
"""Returns the current moment, timezone-aware."""

SESAME_TIMEZONE = ZoneInfo("Asia/Shanghai")
RECOMPUTE_DAY = 6
REMIND_AT_HOUR = 10
MIN_LEAD = timedelta(days=1)
"""A recompute closer than this is too soon to act on; the one after it is used."""


def next_recompute(now: datetime) -> datetime:
    """The first 6th of a month, 10:00 China time, at least ``MIN_LEAD`` after ``now`` (in UTC)."""
    if now.tzinfo is None:
        raise ValueError("next_recompute needs a timezone-aware moment")
    local = now.astimezone(SESAME_TIMEZONE)
    year, month = local.year, local.month
    while True:
        due = datetime(year, month, RECOMPUTE_DAY, REMIND_AT_HOUR, tzinfo=SESAME_TIMEZONE)
        if due - now >= MIN_LEAD:
            return due.astimezone(UTC)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def due_view(due: datetime) -> dict[str, Any]:
    """An aware due moment in China time, as the date parts the ``_due.txt.j2`` templates format."""
    local = due.astimezone(SESAME_TIMEZONE)
    return {"year": local.year, "month": local.month, "day": local.day, "hour": local.hour, "minute": local.minute}
