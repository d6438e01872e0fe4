import itertools
import json
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.charts import radar
from bot.charts.radar import SIZE_PX, TITLE_BAND, RadarChart, fit_title, radar_jpeg, radar_layout
from scoring.calibration import Report, calibrate, learn_offset
from scoring.card import load_scorecard
from scoring.i18n import LANGUAGES
from scoring.questions import DIMENSIONS, parse_answers

from .pictures import assert_jpeg, pixels

NOW = datetime(2026, 3, 7, tzinfo=UTC)

MIX = (72, 13, 75, 100, 8)  # the grades of the issue: "13" on the "20" tick, "75" on the outer ring, "8" off its point


def chart(lang="en", grades=MIX, score=652, low=598, high=706):
    return RadarChart(lang, DIMENSIONS, tuple(grades), score, low, high)


def render_strict(c):
    """Render with every warning turned into an error, so a missing glyph fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return c.render()


def layout(c):
    texts = c.texts()
    return radar_layout(texts["labels"], c.grades, weights=texts["weights"], not_asked=texts["not_asked"])


def blue_fill(data):
    """Share of the picture in the polygon's fill: the accent blue at 18 % on white is (0.84, 0.90, 1.0)."""
    rgb = pixels(data)
    return ((rgb[..., 2] > 0.97) & (rgb[..., 0] > 0.78) & (rgb[..., 0] < 0.88)).mean()


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("grades", [MIX, (0, 0, 0, 0, 0), (100,) * 5, (80, None, 55, 40, 20), (None,) * 5])
def test_both_languages_give_the_same_phone_width_square(lang, grades):
    data = render_strict(chart(lang, grades))
    assert_jpeg(data, (SIZE_PX, SIZE_PX))
    assert 20_000 < len(data) < 400_000


def test_the_picture_shows_white_page_blue_polygon_and_dark_text():
    rgb = pixels(chart("zh").render())
    white = (rgb > 0.97).all(axis=-1).mean()
    blue = ((rgb[..., 2] > 0.85) & (rgb[..., 0] < 0.3)).mean()
    dark = (rgb < 0.25).all(axis=-1).mean()
    assert 0.5 < white < 0.97 and blue > 0.002 and dark > 0.001


def test_bigger_grades_fill_more_of_the_picture():
    assert blue_fill(chart(grades=(90,) * 5).render()) > 3 * blue_fill(chart(grades=(30,) * 5).render())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_languages_use_most_of_the_width(lang):
    shown = layout(chart(lang))
    assert shown.radius >= 0.33 * SIZE_PX  # the web spans two thirds of the picture
    lefts, rights = [b[0] for b in shown.labels], [b[2] for b in shown.labels]
    assert min(lefts) < 0.1 * SIZE_PX and max(rights) > 0.9 * SIZE_PX


def test_a_dimension_not_asked_yet_is_not_drawn_as_zero():
    none, zero = chart(grades=(80, None, 55, 40, 20)), chart(grades=(80, 0, 55, 40, 20))
    assert none.render() != zero.render()
    shown = layout(none)
    assert shown.points[1] is None and shown.points[0] is not None
    # Its badge sits half way out its spoke, not at the centre where a zero is.
    (cx, cy), badge = shown.centre, shown.badges[1]
    middle = ((badge[0] + badge[2]) / 2 - cx, (badge[1] + badge[3]) / 2 - cy)
    assert 0.4 * shown.radius < (middle[0] ** 2 + middle[1] ** 2) ** 0.5 < 0.7 * shown.radius


def test_nothing_asked_draws_no_polygon():
    assert blue_fill(chart(grades=(None,) * 5).render()) < 0.001
    assert blue_fill(chart(grades=(50,) * 5).render()) > 0.03


def test_the_not_asked_mark_is_grey_not_blue():
    rgb = pixels(chart(grades=(None,) * 5).render())
    assert ((rgb[..., 2] > 0.85) & (rgb[..., 0] < 0.3)).mean() < 0.0005  # no accent blue at all
    assert ((abs(rgb[..., 0] - rgb[..., 2]) < 0.12) & (rgb[..., 0] > 0.5) & (rgb[..., 0] < 0.75)).mean() > 0.0005


GRADE_GRID = [0, 8, 13, 20, 40, 55, 75, 88, 100, None]


def grade_cases():
    """Every grade on the first two spokes (where the ring numbers are) with a mix elsewhere."""
    for first, second in itertools.product(GRADE_GRID, repeat=2):
        yield (first, second, 75, 100, 8)
    yield from [(0,) * 5, (100,) * 5, (13, 13, 13, 13, 13), (None, 0, None, 100, None)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_badges_sit_on_their_points_clear_of_each_other_and_of_the_ring_numbers(lang):
    for grades in grade_cases():
        shown = layout(chart(lang, grades))
        for a, b in itertools.combinations(shown.badges, 2):
            assert not overlaps(a, b), grades
        for level, tick in shown.ticks:
            assert not any(overlaps(tick, badge) for badge in shown.badges), (grades, level)
        for grade, point, badge in zip(grades, shown.points, shown.badges, strict=True):
            if point is None:
                continue
            centre = ((badge[0] + badge[2]) / 2, (badge[1] + badge[3]) / 2)
            off = ((centre[0] - point[0]) ** 2 + (centre[1] - point[1]) ** 2) ** 0.5
            if grade >= 25:  # away from the crowded centre a badge is centred on its point
                assert off < 1, (grades, grade, off)
            else:  # near the centre it is pushed out along its spoke, never far
                assert off < 0.25 * shown.radius, (grades, grade, off)
        assert len(shown.ticks) >= 3, grades  # a badge hides at most a couple of ring numbers


def outline_edges(shown):
    """The outline's edges between neighbouring answered points (a dashed one across an unasked spoke)."""
    answered = [p for p in shown.points if p is not None]
    if len(answered) < 2:
        return []
    pairs = list(zip(answered, answered[1:] + answered[:1], strict=True))
    return pairs[:1] if len(answered) == 2 else pairs


def distance_to_box(point, box):
    left, bottom, right, top = box
    dx = max(left - point[0], 0, point[0] - right)
    dy = max(bottom - point[1], 0, point[1] - top)
    return (dx * dx + dy * dy) ** 0.5


def edge_gap(box, start, end, steps=400):
    """How close the edge from ``start`` to ``end`` comes to ``box`` (sampled every few tenths of a pixel)."""
    return min(
        distance_to_box((start[0] + (end[0] - start[0]) * k / steps, start[1] + (end[1] - start[1]) * k / steps), box)
        for k in range(steps + 1)
    )


EXTREMES = [(100, 90, 100, 90, 100), (100,) * 5, (0,) * 5, (None,) * 5, (100, 90, 13, None, 55), (90, 100, 80, 100, 95)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_ring_number_sits_on_the_outline(lang):
    """QA 14: with grades 100 and 90 the "100" sat on the outline between the first two spokes."""
    for grades in [*grade_cases(), *EXTREMES]:
        shown = layout(chart(lang, grades))
        for level, tick in shown.ticks:
            for start, end in outline_edges(shown):
                # The edge is 4 px wide: its centre line stays a little more than its half width away.
                assert edge_gap(tick, start, end) > 2, (grades, level)
        assert len(shown.ticks) >= 3, grades


def test_ring_numbers_move_to_a_gap_the_outline_leaves_free():
    # High grades on the first two spokes cover the "100" there; between the third and the fourth it is free.
    shown = layout(chart("en", (90, 100, 80, 100, 95)))
    assert [level for level, _ in shown.ticks] == [20, 40, 60, 80, 100]
    first_gap = layout(chart("en", MIX)).ticks
    assert {level for level, _ in first_gap} >= {40, 60, 80, 100}
    assert all(a[1] != b[1] for (_, a), (_, b) in zip(shown.ticks, first_gap, strict=False))  # moved elsewhere
    # A profile graded about 90-100 all round runs its outline through every "100": it is left out.
    assert 100 not in {level for level, _ in layout(chart("en", (100, 90, 100, 90, 100))).ticks}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("grades", [(None,) * 5, (80, 70, None, None, 60), (None, 50, None, None, 70)])
def test_not_asked_badges_side_by_side_move_out_until_clear(lang, grades):
    shown = layout(chart(lang, grades))
    for a, b in itertools.combinations(shown.badges, 2):
        assert not overlaps(a, b), grades


def test_the_issue_s_grades_keep_all_ring_numbers_but_the_covered_one():
    shown = layout(chart("en", MIX))
    assert {level for level, _ in shown.ticks} >= {40, 60, 80, 100}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_stay_inside_the_picture_and_clear_of_the_web_and_the_badges(lang):
    shown = layout(chart(lang, (100,) * 5))
    cx, cy = shown.centre
    for box in shown.labels:
        assert 0 <= box[0] and box[2] <= SIZE_PX and 0 <= box[1] and box[3] <= SIZE_PX - TITLE_BAND
        assert not any(overlaps(box, badge) for badge in shown.badges)
        corners = [(x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
        nearest = min(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 for x, y in corners)
        assert nearest > 0.8 * shown.radius  # outside the web, not on it
    for a, b in itertools.combinations(shown.labels, 2):
        assert not overlaps(a, b)


def region(rgb, box, inset=0):
    """The decoded pixels inside a layout box (pixels from the bottom left), shrunk by ``inset``."""
    left, bottom, right, top = box
    return rgb[
        round(SIZE_PX - top) + inset : round(SIZE_PX - bottom) - inset, round(left) + inset : round(right) - inset
    ]


def accent(rgb):
    return (abs(rgb[..., 0] - 0x16 / 255) < 0.1) & (abs(rgb[..., 1] - 0x77 / 255) < 0.1) & (rgb[..., 2] > 0.9)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("grades", [MIX, (0, 100, 55, None, 13), (100,) * 5])
def test_badges_and_ring_numbers_are_drawn_where_the_layout_puts_them(lang, grades):
    """The badges and ring numbers are pasted pixels: each must land on its own box, not beside it."""
    c = chart(lang, grades)
    rgb, shown = pixels(c.render()), layout(c)
    for grade, box in zip(grades, shown.badges, strict=True):
        inside = region(rgb, box, inset=4)
        if grade is None:  # a white badge with grey text on it
            assert ((inside < 0.8).all(axis=-1) & ~accent(inside)).mean() > 0.05, (grade, box)
        else:  # blue, with the white digits on it
            assert accent(inside).mean() > 0.5 and (inside > 0.95).all(axis=-1).mean() > 0.05, (grade, box)
    for level, box in shown.ticks:
        ink = ((region(rgb, box) < 0.7).all(axis=-1)).mean()
        assert ink > 0.05, (level, ink)  # the grey digits are there...
        left, bottom, right, top = box
        beside = region(rgb, (left + 60, bottom, right + 60, top))
        assert ((beside < 0.7).all(axis=-1)).mean() < ink / 2  # ...and not a little to the side


@pytest.mark.parametrize("grades", [(90,) * 5, MIX, (80, 60, None, 70, 50)])
def test_the_fill_covers_every_wedge_between_neighbouring_points(grades):
    c = chart("en", grades)
    rgb, shown = pixels(c.render()), layout(c)
    (cx, cy), points = shown.centre, shown.points
    # The wedge between the first two spokes carries the ring numbers (with their white halo).
    for a, b in list(zip(points, points[1:] + points[:1], strict=True))[1:]:
        if a is None or b is None:
            continue
        x, y = (cx + a[0] + b[0]) / 3, (cy + a[1] + b[1]) / 3  # the wedge's centroid
        around = region(rgb, (x - 6, y - 6, x + 6, y + 6))
        fill = (abs(around[..., 0] - 0.84) < 0.05) & (abs(around[..., 1] - 0.90) < 0.05) & (around[..., 2] > 0.97)
        assert fill.mean() > 0.5, (a, b, fill.mean())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("extra", [0, 1])
def test_the_title_is_centred_in_its_band_inside_the_margins(lang, extra):
    c = chart(lang)
    texts = c.texts()
    title = texts["title"] + " · 10 of 27 questions answered so far, answer more" * extra
    rgb = pixels(radar_jpeg(texts["labels"], MIX, title, weights=texts["weights"], not_asked=texts["not_asked"]))
    band = (rgb[:TITLE_BAND] < 0.5).all(axis=-1)
    rows, columns = band.any(axis=1).nonzero()[0], band.any(axis=0).nonzero()[0]
    assert rows[0] > 4 and rows[-1] < TITLE_BAND - 4  # all of it in the band
    assert abs((rows[0] + rows[-1]) / 2 - TITLE_BAND / 2) <= 6  # centred top to bottom...
    assert abs(columns[0] - (SIZE_PX - 1 - columns[-1])) <= 6 and columns[0] >= 20  # ...and left to right
    gaps = (~band.any(axis=1)[rows[0] : rows[-1]]).sum()
    assert (gaps > 0) == bool(extra)  # a long title takes two lines


@pytest.mark.parametrize(
    ("lang", "label", "weight"), [("zh", "信用历史", "权重 35%"), ("en", "Connections", "weight 5%")]
)
def test_labels_carry_the_weights_of_the_assumptions(lang, label, weight):
    texts = chart(lang).texts()
    assert texts["weights"][texts["labels"].index(label)] == weight


@pytest.mark.parametrize(("lang", "words"), [("zh", ["652", "598-706"]), ("en", ["652", "598-706"])])
def test_the_title_has_the_score_and_its_range(lang, words):
    title = chart(lang).texts()["title"]
    assert all(word in title for word in words)


def test_the_chart_of_a_real_score_result():
    raw = json.loads((Path(__file__).resolve().parents[3] / "examples" / "answers.json").read_text())
    result = load_scorecard().score(parse_answers(raw))
    c = RadarChart.of(result, "zh")
    assert c.grades == tuple(d.grade for d in result.dimensions) and c.score == result.score
    assert (c.low, c.high) == result.range


@pytest.mark.parametrize(("lang", "words"), [("zh", "校准后的估算 "), ("en", "Calibrated estimate ")])
def test_once_a_real_score_is_reported_the_title_is_the_calibrated_estimate(lang, words):
    """QA 11: the /score text led with the calibrated estimate; its picture must not say the model's."""
    raw = json.loads((Path(__file__).resolve().parents[3] / "examples" / "answers.json").read_text())
    result = load_scorecard().score(parse_answers(raw))
    offset = learn_offset([Report(result.score + 40, result.score, *result.range, 0.9, NOW)], NOW)
    calibrated = calibrate(result.score, *result.range, offset)
    c = RadarChart.of(result, lang, calibrated)
    assert (c.score, (c.low, c.high), c.calibrated) == (calibrated.score, calibrated.range, True)
    assert c.texts()["title"].startswith(f"{words}{calibrated.score} ") and c != RadarChart.of(result, lang)


def test_the_key_holds_everything_the_picture_shows():
    base = chart()
    changed = [
        chart(lang="zh"),
        chart(grades=(72, 13, 75, 100, 9)),
        chart(grades=(72, 13, 75, 100, None)),
        chart(score=653),
        chart(low=597),
        chart(high=707),
    ]
    assert chart() == base and hash(chart()) == hash(base) and chart().render() == base.render()
    pictures = {base.render()}
    for other in changed:
        assert other != base
        pictures.add(other.render())
    assert len(pictures) == len(changed) + 1  # each difference in the key is a difference on the picture


def test_a_short_title_keeps_its_size_and_a_long_one_wraps_in_two_lines_that_fit():
    def measure(text, size):
        return len(text) * size * 0.6

    size, lines = fit_title("Sesame estimate 652 · likely 598-706", 1000, measure)
    assert size == 46 and lines == ["Sesame estimate 652 · likely 598-706"]
    long = "Sesame estimate 652 · likely range 598-706 · 10 of 27 questions answered so far today"
    size, lines = fit_title(long, 1000, measure)
    assert len(lines) == 2 and all(measure(line, size) <= 1000 for line in lines)
    assert " · ".join(lines).replace(" · ", "") == long.replace(" · ", "")
    size, lines = fit_title("芝" * 200, 1000, measure)
    assert len(lines) == 2 and lines[1].endswith("…") and all(measure(line, size) <= 1000 for line in lines)


@pytest.mark.parametrize("bad", [-1, 101, 250, -100])
def test_grade_outside_0_100_is_rejected(bad):
    with pytest.raises(ValueError, match="0-100"):
        radar_jpeg(list("abcde"), [50, 50, bad, 50, 50], "t")


@pytest.mark.parametrize("bad", [50.5, "50", True])
def test_non_integer_grade_is_rejected(bad):
    with pytest.raises(ValueError, match="integer"):
        radar_jpeg(list("abcde"), [50, 50, bad, 50, 50], "t")


@pytest.mark.parametrize(
    ("labels", "grades"),
    [(list("abcde"), [1, 2, 3, 4]), (list("abcd"), [1, 2, 3, 4, 5]), (["a", "b"], [1, 2]), ([], [])],
)
def test_wrong_lengths_are_rejected(labels, grades):
    with pytest.raises(ValueError):
        radar_jpeg(labels, grades, "t")


def test_weights_must_match_the_labels():
    with pytest.raises(ValueError, match="weight"):
        radar_jpeg(list("abcde"), [1, 2, 3, 4, 5], "t", weights=["1%"])


def test_other_axis_counts_render():
    assert_jpeg(radar_jpeg(["a", "b", "c"], [10, 50, 90], "three"), (SIZE_PX, SIZE_PX))
    assert_jpeg(radar_jpeg(list("abcdef"), [10, 20, None, 40, 50, 60], "six"), (SIZE_PX, SIZE_PX))


def test_concurrent_renders_are_identical():
    """The bot renders in worker threads; concurrent calls must not disturb each other."""
    charts = [chart("zh"), chart("en"), chart("zh", (None, 1, 2, 3, 4))]
    expected = [c.render() for c in charts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda c: c.render(), charts * 4))
    assert results == expected * 4


def test_warm_up_draws_what_every_language_shares_before_any_user_asks():
    radar._background.cache_clear()
    radar.warm_up.cache_clear()
    radar.warm_up()
    assert radar._background.cache_info().currsize == len(LANGUAGES)
    assert radar._tick_sprites.cache_info().currsize == 1
