"""The one place stored timestamps become aware UTC (``utc``) and ISO text (``iso``), for every storage module."""

from datetime import UTC, datetime, timedelta, timezone

from bot.storage.tables import iso, utc

SHANGHAI = timezone(timedelta(hours=8))


def test_a_naive_timestamp_is_read_as_the_utc_it_was_written_in():
    assert utc(datetime(2026, 3, 1, 9, 30)) == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert utc(datetime(2026, 3, 1, 9, 30)).tzinfo is UTC


def test_an_aware_timestamp_is_the_same_moment_in_utc():
    moved = utc(datetime(2026, 3, 1, 1, 30, tzinfo=SHANGHAI))
    assert moved.tzinfo is UTC and (moved.day, moved.hour) == (28, 17)  # the day before, in UTC


def test_iso_writes_utc_and_keeps_none():
    assert iso(None) is None
    assert iso(datetime(2026, 3, 1, 9, 30)) == "2026-03-01T09:30:00+00:00"
    assert iso(datetime(2026, 3, 1, 1, 30, tzinfo=SHANGHAI)) == "2026-02-28T17:30:00+00:00"
