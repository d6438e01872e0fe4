"""When an action reminder falls due: 10:00 in the user's zone on the next 6th they can still act before.

Sesame recomputes the score monthly, on the 6th in China (``advice.catalogue.TIMINGS``), so the
useful moment to look at ``/score`` again is the morning of the next 6th. The rule:

    10:00 on the 6th of a month in the user's time zone (``/timezone``; China's by default),
    the first such moment at least ``MIN_LEAD`` from now.

A 6th less than a day away is skipped: a reminder set on the evening of the 5th would arrive
before anything the user does could count. The 6th is the user's own 6th, not China's: in
every zone in use (UTC-12 to UTC+14) 10:00 on the local 6th falls between 04:00 on the 6th and
06:00 on the 7th China time, so it never comes before the recompute day has begun in China,
and a user east of China (Tokyo) is not pushed to the 7th. In Asia/Shanghai it is 10:00 China
time on the 6th, as it was before zones counted. Reminders already stored keep their ``due_at``.

This module is that rule and its display, nothing else; the clock is injected, so the tests can
stand on any day of any year.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.scheduling import DEFAULT_TIMEZONE, local_moment, zone

Clock = Callable[[], datetime]
"""Returns the current moment, timezone-aware."""

RECOMPUTE_DAY = 6
REMIND_AT = time(10, 0)
MIN_LEAD = timedelta(days=1)
"""A recompute closer than this is too soon to act on; the one after it is used."""


def next_recompute(now: datetime, timezone: str) -> datetime:
    """10:00 on the first 6th in ``timezone`` at least ``MIN_LEAD`` after ``now``, in UTC."""
    if now.tzinfo is None:
        raise ValueError("next_recompute needs a timezone-aware moment")
    tz = zone(timezone)
    local = now.astimezone(tz)
    year, month = local.year, local.month
    while True:
        due = local_moment(date(year, month, RECOMPUTE_DAY), REMIND_AT, tz)
        if due - now >= MIN_LEAD:
            return due
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def due_view(due: datetime, timezone: str) -> dict[str, Any]:
    """An aware due moment in the user's zone, as the parts the ``_due.txt.j2`` templates format.

    ``china`` tells the templates to say "China time" (北京时间) rather than the zone's IANA name.
    """
    local = due.astimezone(zone(timezone))
    parts = {"year": local.year, "month": local.month, "day": local.day, "hour": local.hour, "minute": local.minute}
    return {**parts, "zone": timezone, "china": timezone == DEFAULT_TIMEZONE}
