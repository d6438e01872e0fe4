import warnings
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from matplotlib.figure import Figure

from bot.charts.history import (
    HEIGHT_PX,
    VALUE_PX,
    VALUE_WIDTH_PX,
    WIDTH_PX,
    Estimate,
    HistoryChart,
    Report,
    ValueLabel,
    _y_limits,
    date_ticks,
    history_png,
    value_boxes,
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


def calibrated(*days_scores, width=50, shift=25):
    """Estimates shown calibrated (``shift`` above the model's), their calibrated ranges narrower."""
    return [
        Estimate(T0 + timedelta(days=d), s, s - width, s + width, (s + shift, s + shift - 20, s + shift + 20))
        for d, s in days_scores
    ]


CALIBRATED_CASES = {
    "months, calibrated after the first report": (
        estimates((0, 620)) + calibrated((5, 620), (14, 658), (49, 676), (66, 676), shift=12),
        reports((5, 650), (66, 672)),
    ),
    "one day, calibrated below": (
        estimates((0, 705)) + calibrated((0.05, 705), shift=-43),
        reports((0.04, 640)),
    ),
    "calibrated on the scale's edge": (
        [
            Estimate(T0, 915, 880, 950, (935, 918, 950)),
            Estimate(T0 + timedelta(days=30), 920, 890, 950, (941, 926, 950)),
        ],
        reports((29, 950)),
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", CALIBRATED_CASES)
def test_calibrated_estimates_are_a_green_line_of_their_own(lang, case):
    """QA 11: the chart plotted only the model's estimates while every reply led with the calibrated one."""
    points, reported = CALIBRATED_CASES[case]
    rgb = pixels(render_strict(points, lang, reports=reported))
    green = ((rgb[..., 1] > 0.45) & (rgb[..., 0] < 0.3) & (rgb[..., 2] < 0.35)).mean()
    assert green > 0.0005
    model_only = pixels(render_strict([replace(p, calibrated=None) for p in points], lang, reports=reported))
    assert ((model_only[..., 1] > 0.45) & (model_only[..., 0] < 0.3) & (model_only[..., 2] < 0.35)).mean() == 0


def test_a_calibrated_estimate_off_its_range_is_refused():
    with pytest.raises(ValueError, match="calibrated"):
        history_png([Estimate(T0, 640, 600, 680, (700, 710, 720))], "en")


def placed(values, y_range=(560, 760)):
    """Where the numbers of ``values`` go on the history chart's axes."""
    fig = Figure(figsize=(WIDTH_PX / 100, HEIGHT_PX / 100), dpi=100)
    ax = fig.add_axes((0.115, 0.2, 0.72, 0.68))
    ax.set_xlim(0, 70)
    ax.set_ylim(*y_range)
    points = [tuple(ax.transData.transform((v.day, v.score))) for v in values]
    return value_boxes(ax, values), points


@pytest.mark.parametrize(
    "scores",
    [(688, 676, 672), (676, 688, 672), (700, 700, 700), (662, 705, 640), (651, 650, 652)],
    ids=str,
)
def test_numbers_side_by_side_never_cover_each_other_or_a_point(scores):
    """The latest estimate, its calibrated one and a report that day: three numbers at one x."""
    calibrated_score, model, report = scores
    values = [
        ValueLabel(66, model, "blue", calibrated_score < model),
        ValueLabel(66, calibrated_score, "green", calibrated_score >= model),
        ValueLabel(66.01, report, "orange", True),
    ]
    boxes, points = placed(values)
    half_w, half_h = VALUE_WIDTH_PX / 2, VALUE_PX * 1.15 / 2
    for i, (x, y) in enumerate(boxes):
        for j, (x2, y2) in enumerate(boxes[i + 1 :], start=i + 1):
            assert abs(x - x2) >= 2 * half_w or abs(y - y2) >= 2 * half_h - 1e-6, (values[i], values[j])
        for px, py in points:  # a point's marker (about 12 px) stays clear of every number
            assert abs(x - px) >= half_w + 6 or abs(y - py) >= half_h + 6, (values[i], (px, py))
    by_height = sorted(range(3), key=lambda k: boxes[k][1])
    on_top = [values[k].score for k in by_height if values[k].above]
    assert on_top == sorted(on_top)  # on one side, the higher score higher


def test_a_number_that_would_leave_the_axes_takes_the_other_side():
    values = [
        ValueLabel(66, 920, "blue", False),
        ValueLabel(66, 941, "green", True),
        ValueLabel(66, 950, "orange", True),
    ]
    boxes, points = placed(values, y_range=(800, 950))
    fig_top = max(py for _px, py in placed([ValueLabel(0, 950, "x", True)], y_range=(800, 950))[1])
    half_h = VALUE_PX * 1.15 / 2
    assert all(y + half_h <= fig_top for _x, y in boxes)  # the axes' top is where 950 is drawn
    assert all(y < min(py for _px, py in points) for _x, y in boxes)  # all below the lowest point now
    assert [values[k].score for k in sorted(range(3), key=lambda k: boxes[k][1])] == [920, 941, 950]
