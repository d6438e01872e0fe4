"""ZIPs waiting for their password: one per user, bounded in count, gone after the wait."""

from datetime import UTC, datetime, timedelta

from bot.parked_files import ParkedFiles


def test_parked_files_are_bounded_and_expire():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    parked = ParkedFiles(max_files=2, keep_for=timedelta(minutes=10))
    for user in (1, 2, 3):
        parked.park(user, user * 10, b"zip", now)
    assert len(parked) == 2 and parked.get(1, 10, now) is None  # the oldest made room
    assert parked.get(3, 30, now) is not None and parked.get(3, 31, now) is None  # another import's bytes: no
    assert parked.get(2, 20, now + timedelta(minutes=11)) is None and len(parked) == 0
