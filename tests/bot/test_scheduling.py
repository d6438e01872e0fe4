"""Scheduling with a frozen clock: the 7th, month ends, time zones, daylight saving, catching up."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling import (
    CHECKIN_MAX_LATE,
    HUABEI_DAY,
    REPAYMENT_MAX_LATE,
    Every,
    Monthly,
    ScheduleError,
    catch_up,
    local_date,
    local_moment,
    next_checkin,
    parse_day,
    parse_time,
    zone,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def at(tz, *parts):
    return datetime(*parts, tzinfo=tz)


def local(moment, tz):
    return moment.astimezone(tz).replace(tzinfo=None)


# ---- the monthly check-in -------------------------------------------------------------
def test_the_checkin_is_the_7th_at_ten_china_time_in_utc():
    due = next_checkin(at(SHANGHAI, 2026, 3, 2, 12))
    assert due == at(UTC, 2026, 3, 7, 2) and due.tzinfo is UTC


def test_on_the_6th_the_checkin_is_the_next_day_and_on_the_7th_after_ten_next_month():
    assert local(next_checkin(at(SHANGHAI, 2026, 3, 6, 23, 59)), SHANGHAI) == datetime(2026, 3, 7, 10)
    assert local(next_checkin(at(SHANGHAI, 2026, 3, 7, 9, 59)), SHANGHAI) == datetime(2026, 3, 7, 10)
    assert local(next_checkin(at(SHANGHAI, 2026, 3, 7, 10)), SHANGHAI) == datetime(2026, 4, 7, 10)


def test_the_checkin_rolls_over_the_year():
    assert local(next_checkin(at(SHANGHAI, 2026, 12, 20)), SHANGHAI) == datetime(2027, 1, 7, 10)


def test_the_checkin_follows_the_users_zone_and_time():
    due = next_checkin(at(UTC, 2026, 3, 1), "Europe/Berlin", time(19, 30))
    assert local(due, BERLIN) == datetime(2026, 3, 7, 19, 30)
    assert due == at(UTC, 2026, 3, 7, 18, 30)


# ---- month ends ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "day", "expected"),
    [
        ((2026, 4, 1), 31, (2026, 4, 30)),  # the 31st in a 30-day month
        ((2026, 2, 1), 31, (2026, 2, 28)),  # February
        ((2028, 2, 1), 30, (2028, 2, 29)),  # a leap February
        ((2026, 2, 1), 29, (2026, 2, 28)),
        ((2026, 2, 28, 11), 31, (2026, 3, 31)),  # after this month's (clamped) day: next month's real 31st
        ((2026, 1, 31, 11), 31, (2026, 2, 28)),
    ],
)
def test_a_day_the_month_lacks_falls_on_its_last_day(now, day, expected):
    due = Monthly(day).next_after(at(SHANGHAI, *now))
    assert local(due, SHANGHAI) == datetime(*expected, 10)


def test_huabei_defaults_to_the_9th():
    due = Monthly(HUABEI_DAY).next_after(at(SHANGHAI, 2026, 5, 9, 10, 1))
    assert local(due, SHANGHAI) == datetime(2026, 6, 9, 10)


# ---- time zones and daylight saving ----------------------------------------------------
def test_a_reminder_keeps_its_wall_time_across_a_dst_change():
    schedule = Monthly(9, time(9, 0), "America/New_York")
    march = schedule.next_after(at(UTC, 2026, 3, 1))  # 9 March 2026: after the 8 March change (EDT)
    february = schedule.next_after(at(UTC, 2026, 2, 1))  # EST
    assert local(march, NEW_YORK) == datetime(2026, 3, 9, 9) and march == at(UTC, 2026, 3, 9, 13)
    assert local(february, NEW_YORK) == datetime(2026, 2, 9, 9) and february == at(UTC, 2026, 2, 9, 14)


def test_a_wall_time_skipped_by_spring_forward_moves_forward_by_the_gap():
    # 8 March 2026, New York: 02:00 -> 03:00, so 02:30 does not exist.
    due = Monthly(8, time(2, 30), "America/New_York").next_after(at(UTC, 2026, 3, 1))
    assert local(due, NEW_YORK) == datetime(2026, 3, 8, 3, 30)
    assert due == at(UTC, 2026, 3, 8, 7, 30)


def test_a_wall_time_repeated_by_fall_back_is_the_first_of_the_two():
    # 25 October 2026, Berlin: 03:00 CEST -> 02:00 CET, so 02:30 happens twice.
    due = local_moment(datetime(2026, 10, 25).date(), time(2, 30), BERLIN)
    assert due == at(UTC, 2026, 10, 25, 0, 30)  # 02:30 CEST (UTC+2), not 02:30 CET


def test_a_zone_far_from_china_gets_its_own_7th():
    # Honolulu is 18 hours behind Shanghai: its 7th at 10:00 is the 8th in China.
    due = next_checkin(at(UTC, 2026, 3, 1), "Pacific/Honolulu")
    assert due == at(UTC, 2026, 3, 7, 20)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "   ", "../etc/passwd", "/etc/localtime", "UTC+8"])
def test_an_unknown_zone_is_refused(name):
    with pytest.raises(ScheduleError) as raised:
        zone(name)
    assert raised.value.what == "timezone"


def test_known_zones_are_accepted():
    assert zone(" Europe/Berlin ") == BERLIN and zone("UTC").key == "UTC"


# ---- parsing what a user types ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [("9:30", time(9, 30)), ("21:00", time(21)), ("9", time(9)), ("9点", time(9)), ("07：45", time(7, 45))],
)
def test_times_of_day(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:60", "noon", "", "-1", "9:5"])
def test_bad_times_are_refused(text):
    with pytest.raises(ScheduleError):
        parse_time(text)


def test_days_of_the_month():
    assert parse_day("9") == 9 and parse_day("31号") == 31 and parse_day(" 1日 ") == 1
    for bad in ("0", "32", "ninth", "", "-3"):
        with pytest.raises(ScheduleError):
            parse_day(bad)
    with pytest.raises(ScheduleError):
        Monthly(0)


# ---- every two weeks ------------------------------------------------------------------
def test_goal_checkins_every_two_weeks_from_the_day_the_goal_was_set():
    schedule = Every(at(SHANGHAI, 2026, 3, 2, 21))
    first = schedule.next_after(at(SHANGHAI, 2026, 3, 2, 21))
    assert local(first, SHANGHAI) == datetime(2026, 3, 16, 10)
    assert local(schedule.next_after(first), SHANGHAI) == datetime(2026, 3, 30, 10)
    assert schedule.latest_at_or_before(at(SHANGHAI, 2026, 3, 10)) is None
    assert local(schedule.latest_at_or_before(at(SHANGHAI, 2026, 4, 1)), SHANGHAI) == datetime(2026, 3, 30, 10)


def test_every_two_weeks_keeps_the_wall_time_across_dst():
    schedule = Every(at(BERLIN, 2026, 3, 20, 8), at=time(8), timezone="Europe/Berlin")
    first = schedule.next_after(at(BERLIN, 2026, 3, 21))
    assert local(first, BERLIN) == datetime(2026, 4, 3, 8)  # CEST now: 06:00 UTC
    assert first == at(UTC, 2026, 4, 3, 6)


# ---- a process down over a reminder's time --------------------------------------------
def test_on_time_it_sends_the_occurrence_and_moves_to_next_month():
    schedule = Monthly(9)
    due = at(SHANGHAI, 2026, 5, 9, 10).astimezone(UTC)
    result = catch_up(schedule, due, due + timedelta(seconds=40), REPAYMENT_MAX_LATE)
    assert result.send == due and result.skipped == 0
    assert local(result.next_due, SHANGHAI) == datetime(2026, 6, 9, 10)


def test_down_for_three_months_it_sends_once_not_a_burst():
    schedule = Monthly(9)
    due = at(SHANGHAI, 2026, 2, 9, 10).astimezone(UTC)
    back = at(SHANGHAI, 2026, 5, 9, 10, 5)  # back five minutes after May's occurrence
    result = catch_up(schedule, due, back, REPAYMENT_MAX_LATE)
    assert local(result.send, SHANGHAI) == datetime(2026, 5, 9, 10)  # only the latest
    assert result.skipped == 3  # February, March, April: never sent
    assert local(result.next_due, SHANGHAI) == datetime(2026, 6, 9, 10)


def test_a_stale_repayment_reminder_is_not_sent_but_the_next_is_scheduled():
    schedule = Monthly(9)
    due = at(SHANGHAI, 2026, 5, 9, 10).astimezone(UTC)
    back = at(SHANGHAI, 2026, 5, 12, 8)  # three days late: the repayment day has gone
    result = catch_up(schedule, due, back, REPAYMENT_MAX_LATE)
    assert result.send is None and result.skipped == 1
    assert local(result.next_due, SHANGHAI) == datetime(2026, 6, 9, 10)


def test_a_late_checkin_is_still_sent_within_the_month():
    schedule = Monthly(7)
    due = at(SHANGHAI, 2026, 5, 7, 10).astimezone(UTC)
    result = catch_up(schedule, due, at(SHANGHAI, 2026, 5, 15, 9), CHECKIN_MAX_LATE)
    assert result.send == due and local(result.next_due, SHANGHAI) == datetime(2026, 6, 7, 10)


def test_not_due_yet_sends_nothing():
    due = at(UTC, 2026, 5, 9, 2)
    result = catch_up(Monthly(9), due, due - timedelta(minutes=1), REPAYMENT_MAX_LATE)
    assert result.send is None and result.next_due == due


def test_catching_up_twice_never_sends_the_same_occurrence_again():
    schedule = Monthly(9)
    first = catch_up(schedule, at(UTC, 2026, 2, 9, 2), at(UTC, 2026, 5, 9, 2, 1), REPAYMENT_MAX_LATE)
    again = catch_up(schedule, first.next_due, at(UTC, 2026, 5, 9, 2, 2), REPAYMENT_MAX_LATE)
    assert again.send is None and again.next_due == first.next_due


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        Monthly(9).next_after(datetime(2026, 5, 1))


def test_the_local_date_is_the_users_own_day_on_either_side_of_utc_midnight():
    assert local_date(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), "Asia/Shanghai") == date(2026, 12, 1)
    assert local_date(datetime(2026, 11, 30, 15, 59, tzinfo=UTC), "Asia/Shanghai") == date(2026, 11, 30)
    assert local_date(datetime(2026, 12, 1, 3, 0, tzinfo=UTC), "America/New_York") == date(2026, 11, 30)
    with pytest.raises(ValueError):
        local_date(datetime(2026, 12, 1, 3, 0), "Asia/Shanghai")  # a naive moment is refused
