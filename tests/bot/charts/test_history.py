import warnings
from datetime import UTC, datetime, timedelta

import pytest

from bot.charts.history import (
    HEIGHT_PX,
    WIDTH_PX,
    Estimate,
    HistoryChart,
    Report,
    _y_limits,
    date_ticks,
    history_png,
)

from .pictures import assert_png, pixels

T0 = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)


def estimates(*days_scores, width=50):
    return [Estimate(T0 + timedelta(days=d), s, s - width, s + width) for d, s in days_scores]


def reports(*days_scores):
    return [Report(T0 + timedelta(days=d), s) for d, s in days_scores]


CASES = {
    "one point": (estimates((0, 652)), []),
    "two on one day": (
        [Estimate(T0, 596, 470, 720), Estimate(T0 + timedelta(hours=2), 539, 480, 600)],
        [],
    ),
    "many months": (
        estimates((0, 596), (20, 561), (80, 612), (160, 655), (280, 702), (330, 715)),
        reports((33, 575), (95, 640), (310, 730)),
    ),
    "no reports": (estimates((0, 620), (14, 633), (35, 641)), []),
    "reports only": ([], reports((0, 702), (31, 708), (61, 715))),
}


def render_strict(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return history_png(*args, **kwargs)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", CASES)
def test_every_case_is_a_phone_width_png(lang, case):
    points, reported = CASES[case]
    data = render_strict(points, lang, reports=reported)
    assert_png(data, (WIDTH_PX, HEIGHT_PX))
    assert 20_000 < len(data) < 400_000


def test_estimates_are_blue_and_reports_orange():
    points, reported = CASES["many months"]
    rgb = pixels(history_png(points, "en", reports=reported))
    blue = ((rgb[..., 2] > 0.85) & (rgb[..., 0] < 0.3)).mean()
    orange = ((rgb[..., 0] > 0.85) & (rgb[..., 2] < 0.2)).mean()
    assert blue > 0.001 and orange > 0.0005
    rgb = pixels(history_png(points, "en"))
    assert ((rgb[..., 0] > 0.85) & (rgb[..., 2] < 0.2)).mean() == 0  # no reports: no orange


def test_nothing_to_draw_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        history_png([], "en")


@pytest.mark.parametrize(
    "bad",
    [
        estimates((0, 652), width=-10),
        [Estimate(T0, 960, 940, 980)],
        [Estimate(T0, 652, 700, 720)],
    ],
)
def test_an_estimate_outside_its_range_or_the_scale_is_refused(bad):
    with pytest.raises(ValueError):
        history_png(bad, "en")


def test_a_reported_score_outside_the_scale_is_refused():
    with pytest.raises(ValueError, match="350-950"):
        history_png([], "zh", reports=reports((0, 1000)))


@pytest.mark.parametrize(
    ("lang", "start", "end", "expected"),
    [
        ("zh", datetime(2026, 3, 2), datetime(2026, 3, 8), ["2026年3月2日", "3月4日", "3月6日", "3月8日"]),
        ("en", datetime(2026, 3, 2), datetime(2026, 3, 8), ["2 Mar 2026", "4 Mar", "6 Mar", "8 Mar"]),
        ("zh", datetime(2026, 2, 10), datetime(2027, 2, 1), ["2026年4月", "7月", "10月", "2027年1月"]),
        ("en", datetime(2026, 2, 10), datetime(2027, 2, 1), ["Apr 2026", "Jul", "Oct", "Jan 2027"]),
        (
            "en",
            datetime(2026, 11, 20),
            datetime(2027, 1, 10),
            ["20 Nov 2026", "1 Dec", "12 Dec", "23 Dec", "3 Jan 2027"],
        ),
    ],
)
def test_date_ticks_are_written_per_language_with_the_year_where_it_changes(lang, start, end, expected):
    assert [text for _, text in date_ticks(start, end, lang)] == expected


def test_ticks_stay_few_over_years():
    ticks = date_ticks(datetime(2024, 1, 1), datetime(2027, 6, 1), "en")
    assert 2 <= len(ticks) <= 6 and ticks[0][1].endswith("2024")


def test_the_next_band_boundary_is_always_in_sight():
    low, high = _y_limits([380, 470])
    assert low >= 350 and high > 550  # "Fair" starts at 550
    low, high = _y_limits([702, 715])
    assert high - low >= 160 and high <= 950


def test_the_history_chart_is_keyed_by_what_it_shows():
    points, reported = CASES["many months"]
    chart = HistoryChart("zh", tuple(points), tuple(reported))
    assert chart == HistoryChart("zh", tuple(points), tuple(reported))
    assert chart != HistoryChart("en", tuple(points), tuple(reported))
    assert chart != HistoryChart("zh", tuple(points), tuple(reported[:-1]))
    assert_png(chart.render(), (WIDTH_PX, HEIGHT_PX))


def test_points_are_dated_in_the_users_zone_like_the_history_text():
    from zoneinfo import ZoneInfo

    # 17:00 UTC on 27 Nov is 01:00 on 28 Nov in Shanghai: /history says 2026-11-28, so must the chart.
    late = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    shanghai = history_png([Estimate(late, 640, 600, 680)], "en", zone=ZoneInfo("Asia/Shanghai"))
    assert shanghai == history_png([Estimate(late + timedelta(hours=8), 640, 600, 680)], "en")
    assert shanghai != history_png([Estimate(late, 640, 600, 680)], "en")
    chart = HistoryChart("en", (Estimate(late, 640, 600, 680),), (), "Asia/Shanghai")
    assert chart != HistoryChart("en", (Estimate(late, 640, 600, 680),), (), "UTC")
    assert chart.render() == shanghai
