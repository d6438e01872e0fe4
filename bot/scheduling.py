"""When check-ins and repayment reminders fall due: pure calendar arithmetic, clock injected.

* The monthly check-in asks for the real score on the 7th (Sesame recomputes on the 6th).
* A repayment reminder falls on a day of the month (Huabei's repayment day is the 9th; each
  credit card has its own), at a time of day, in the user's time zone (any IANA zone; China's
  by default).
* A goal's check-in comes every two weeks from the day the goal was set.

Calendars have corners, handled here once: a day the month does not have (the 31st in April,
the 30th in February) falls on the month's last day; a time of day a daylight-saving change
skips (02:30 on a spring-forward night) moves forward by the gap, and one it repeats is the
first of the two. Every moment returned is timezone-aware UTC, the way the database keeps them.

A bot process that was down over a reminder's time must not send every missed occurrence when
it comes back: ``catch_up`` says which single occurrence (the latest, if still fresh enough) to
send and when the next one falls due.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"
CHECKIN_DAY = 7
"""The check-in's day: Sesame recomputes on the 6th, so the new score is there on the 7th."""
HUABEI_DAY = 9
"""Huabei's repayment day (the default; Alipay lets some users pick another)."""
DEFAULT_TIME = time(10, 0)
GOAL_CHECKIN_DAYS = 14
CHECKIN_MAX_LATE = timedelta(days=20)
"""A check-in still makes sense most of the month: the score it asks about stays until the next 6th."""
REPAYMENT_MAX_LATE = timedelta(hours=12)
"""A repayment reminder more than half a day late is about a day already gone: skipped, not sent."""

_TIME = re.compile(r"^\s*(\d{1,2})\s*[:：.]\s*(\d{2})\s*$|^\s*(\d{1,2})\s*(?:点|h)?\s*$", re.IGNORECASE)


class ScheduleError(ValueError):
    """A time zone, day or time of day that cannot be used; ``what`` says which."""

    def __init__(self, what: str, message: str) -> None:
        super().__init__(message)
        self.what = what


def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name`` (``Europe/Berlin``); ``ScheduleError`` for anything else."""
    cleaned = name.strip()
    if not cleaned or ".." in cleaned or cleaned.startswith("/"):
        raise ScheduleError("timezone", f"{name!r} is not an IANA time zone")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError("timezone", f"{name!r} is not an IANA time zone") from exc


def parse_day(text: str) -> int:
    """A day of the month, 1-31 (a later day than a month has falls on its last day)."""
    cleaned = text.strip().removesuffix("日").removesuffix("号").strip()
    if not cleaned.isdigit() or not 1 <= int(cleaned) <= 31:
        raise ScheduleError("day", f"{text!r} is not a day of the month (1-31)")
    return int(cleaned)


def parse_time(text: str) -> time:
    """A time of day: ``9:30``, ``21:00``, ``9`` (on the hour), ``9点``; ``ScheduleError`` otherwise."""
    match = _TIME.match(text)
    if match is None:
        raise ScheduleError("time", f"{text!r} is not a time of day (HH:MM)")
    hour = int(match.group(1) or match.group(3))
    minute = int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ScheduleError("time", f"{text!r} is not a time of day (HH:MM)")
    return time(hour, minute)


def _aware_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("scheduling needs timezone-aware moments")
    return moment.astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    """The day ``moment`` (timezone-aware) falls on in ``timezone``: the user's own "today".

    Anything that counts days or months back from today for a user (the bill import's last 12
    months) counts from this date, not UTC's: just after midnight in Shanghai it is still
    yesterday in UTC.
    """
    return _aware_utc(moment).astimezone(zone(timezone)).date()


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``tz``, in UTC.

    A skipped wall time moves forward by the gap; a repeated one is the first of the two.
    """
    # fold=0 means: in a gap, the offset before the change (so the wall time lands after the gap
    # once normalised); in a repeated hour, the first of the two.
    return datetime.combine(day, at, tzinfo=tz).replace(fold=0).astimezone(UTC)


def monthly_date(year: int, month: int, day: int) -> date:
    """``day`` of the month, or the month's last day when it has fewer (31 -> 30 April, 28/29 February)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


@dataclass(frozen=True)
class Monthly:
    """Something due every month on ``day`` at ``at`` in the zone ``timezone``."""

    day: int
    at: time = DEFAULT_TIME
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31:
            raise ScheduleError("day", f"{self.day} is not a day of the month (1-31)")
        zone(self.timezone)

    def occurrence(self, year: int, month: int) -> datetime:
        """The occurrence in that month, in UTC."""
        return local_moment(monthly_date(year, month, self.day), self.at, zone(self.timezone))

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after ``moment``."""
        local = _aware_utc(moment).astimezone(zone(self.timezone))
        year, month = _previous_month(local.year, local.month)  # a zone change may put it a month back
        while True:
            due = self.occurrence(year, month)
            if due > moment:
                return due
            year, month = _next_month(year, month)

    def latest_at_or_before(self, moment: datetime) -> datetime:
        """The last occurrence at or before ``moment``."""
        local = _aware_utc(moment).astimezone(zone(self.timezone))
        year, month = _next_month(local.year, local.month)
        while True:
            due = self.occurrence(year, month)
            if due <= moment:
                return due
            year, month = _previous_month(year, month)


@dataclass(frozen=True)
class Every:
    """Something due every ``days`` days at ``at`` local time, counting from the local date of ``start``."""

    start: datetime
    days: int = GOAL_CHECKIN_DAYS
    at: time = DEFAULT_TIME
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("an interval is at least one day")
        _aware_utc(self.start)
        zone(self.timezone)

    def _first_day(self) -> date:
        return _aware_utc(self.start).astimezone(zone(self.timezone)).date()

    def occurrence(self, n: int) -> datetime:
        """The ``n``-th occurrence (the first is ``days`` after the start), in UTC."""
        return local_moment(self._first_day() + timedelta(days=self.days * n), self.at, zone(self.timezone))

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after ``moment``."""
        elapsed = (_aware_utc(moment).astimezone(zone(self.timezone)).date() - self._first_day()).days
        n = max(1, elapsed // self.days)
        while self.occurrence(n) <= moment:
            n += 1
        while n > 1 and self.occurrence(n - 1) > moment:
            n -= 1
        return self.occurrence(n)

    def latest_at_or_before(self, moment: datetime) -> datetime | None:
        """The last occurrence at or before ``moment``, ``None`` before the first."""
        elapsed = (_aware_utc(moment).astimezone(zone(self.timezone)).date() - self._first_day()).days
        n = elapsed // self.days + 1
        while n >= 1 and self.occurrence(n) > moment:
            n -= 1
        return None if n < 1 else self.occurrence(n)


def next_checkin(now: datetime, timezone: str = DEFAULT_TIMEZONE, at: time = DEFAULT_TIME) -> datetime:
    """The next monthly check-in: the 7th at ``at`` in the user's zone, strictly after ``now``."""
    return Monthly(CHECKIN_DAY, at, timezone).next_after(now)


@dataclass(frozen=True)
class CatchUp:
    """What a delivery round does with an occurrence that fell due: send it or not, and what comes next."""

    send: datetime | None
    """The occurrence to send now (the latest one due), or ``None`` when there is none fresh enough."""
    skipped: int
    """Earlier occurrences missed while no process ran: never sent (no burst of stale reminders)."""
    next_due: datetime
    """The next occurrence strictly after now."""


def catch_up(schedule: Monthly | Every, due: datetime, now: datetime, max_late: timedelta) -> CatchUp:
    """Given the occurrence ``due`` that a round finds due (``due <= now``), what to send.

    A process down for weeks finds one row due long ago; what it sends is at most the latest
    occurrence (if ``now`` is within ``max_late`` of it), and the schedule moves past ``now``.
    """
    due, now = _aware_utc(due), _aware_utc(now)
    if due > now:
        return CatchUp(None, 0, due)
    latest = schedule.latest_at_or_before(now)
    if latest is None or latest < due:  # the row was due between occurrences (the schedule changed)
        latest = due
    skipped = 0
    moment = due
    while moment < latest:
        skipped += 1
        moment = schedule.next_after(moment)
    fresh = now - latest <= max_late
    return CatchUp(latest if fresh else None, skipped + (0 if fresh else 1), schedule.next_after(now))
