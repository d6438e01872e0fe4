"""The history chart: a user's estimates over the months, with their ranges and real scores.

A line of the estimates, their likely ranges as a shaded band around it, the real Sesame
scores the user reported as separate diamonds, once scores are reported the calibrated estimates
(the headline every reply leads with then) as a second line with their ranges as bars, and the
boundaries of the score bands (``scoring.assumptions.BANDS``) drawn and named, so a user sees at a
glance which band they were in and which one is next. Dates on the x-axis are written per language ("3月5日" / "5 Mar",
with the year where it changes), never by the machine's locale.

The picture is 1080 px wide, like the radar (a phone shows it at full width, 1:1), and a little
less high, which suits a time axis. Drawn on a private ``Figure`` with the Agg canvas; a history
is asked for rarely, so it is not split into a static and a per-user part like the radar.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import numpy as np
from matplotlib import dates as mdates
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MultipleLocator

from bot.charts.fonts import RENDER_LOCK, font
from bot.charts.png import canvas_png
from scoring.assumptions import BANDS
from scoring.i18n import Lang
from templates import render

WIDTH_PX = 1080
HEIGHT_PX = 960
DPI = 100

TITLE_PX = 44
TICK_PX = 30
BAND_PX = 28
VALUE_PX = 30
LEGEND_PX = 30

SCORE_MIN, SCORE_MAX = BANDS[0][1], BANDS[-1][2]
MIN_SPAN_POINTS = 160  # the y-axis shows at least this many points, so small moves are not blown up
MIN_SPAN_DAYS = 6  # and the x-axis at least this many days, so one point is not a lone line
DAY_FORMAT_DAYS = 62  # up to two months the ticks are days, beyond that months
MAX_TICKS = 5  # dates on the x-axis; "4 Mar 2026" is wide, more would touch each other
MAX_VALUE_LABELS = 8  # the numbers of more reports than this would crowd each other

INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#cbd2d9"
ACCENT = "#1677ff"
REPORTED = "#e8590c"
CALIBRATED = "#2b8a3e"

_HALO = [patheffects.withStroke(linewidth=6, foreground="white")]


def _pt(pixels: float) -> float:
    return pixels * 72 / DPI


@dataclass(frozen=True, slots=True)
class Estimate:
    """One estimate as shown at ``at``: the score and its likely range."""

    at: datetime
    score: int
    low: int
    high: int
    calibrated: tuple[int, int, int] | None = None
    """The calibrated estimate shown with it (score, low, high), once real scores were reported."""


@dataclass(frozen=True, slots=True)
class Report:
    """A real Sesame score the user reported at ``at``."""

    at: datetime
    score: int


def _check(estimates: Sequence[Estimate], reports: Sequence[Report]) -> None:
    if not estimates and not reports:
        raise ValueError("a history chart needs at least one estimate or one reported score")
    for estimate in estimates:
        if not SCORE_MIN <= estimate.low <= estimate.score <= estimate.high <= SCORE_MAX:
            raise ValueError(f"an estimate needs {SCORE_MIN} <= low <= score <= high <= {SCORE_MAX}, got {estimate}")
        if estimate.calibrated is not None:
            score, low, high = estimate.calibrated
            if not SCORE_MIN <= low <= score <= high <= SCORE_MAX:
                raise ValueError(f"a calibrated estimate needs low <= score <= high on the scale, got {estimate}")
    for report in reports:
        if not SCORE_MIN <= report.score <= SCORE_MAX:
            raise ValueError(f"a reported score must be within {SCORE_MIN}-{SCORE_MAX}, got {report.score}")


def _naive_local(moment: datetime, zone: tzinfo) -> datetime:
    """A moment as the wall-clock time in ``zone``, naive: matplotlib's date axis wants one kind of datetime.

    Stored times are UTC (a naive one is taken as UTC); the chart dates them where the user lives,
    as the text of ``/history`` does, so an estimate made at 01:00 in Shanghai sits on that day.
    """
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


def _day(moment: datetime) -> float:
    """A moment as matplotlib's date number (days), the x coordinate everything is drawn at."""
    return float(mdates.date2num(moment))


def _date_text(day: date, lang: Lang, *, months: bool, with_year: bool) -> str:
    if lang == "zh":
        text = f"{day.month}月" if months else f"{day.month}月{day.day}日"
        return f"{day.year}年{text}" if with_year else text
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[day.month - 1]
    text = month if months else f"{day.day} {month}"
    return f"{text} {day.year}" if with_year else text


def date_ticks(start: datetime, end: datetime, lang: Lang) -> list[tuple[datetime, str]]:
    """At most ``MAX_TICKS`` ticks between ``start`` and ``end``: days for a short span, months for a long one.

    The year is written on the first tick and wherever it changes, so "Jan" after "Dec" is never
    ambiguous; a span within one year that is not this year still says which year it is.
    """
    span = (end - start).days
    ticks: list[datetime] = []
    if span <= DAY_FORMAT_DAYS:
        step = max(1, math.ceil((span + 1) / MAX_TICKS))
        day = datetime(start.year, start.month, start.day)
        if day < start:
            day += timedelta(days=1)
        while day <= end:
            ticks.append(day)
            day += timedelta(days=step)
    else:
        # Steps that divide a year, starting in January: a span across new year shows "Jan 2027".
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        step = next((s for s in (1, 2, 3, 4, 6) if months / s <= MAX_TICKS), 12)
        year, month = start.year, start.month
        while (moment := datetime(year, month, 1)) <= end:
            if moment >= start and (month - 1) % step == 0:
                ticks.append(moment)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    labelled = []
    for index, moment in enumerate(ticks):
        previous = ticks[index - 1] if index else None
        with_year = previous is None or previous.year != moment.year
        text = _date_text(moment.date(), lang, months=span > DAY_FORMAT_DAYS, with_year=with_year)
        labelled.append((moment, text))
    return labelled


def _x_limits(moments: Sequence[datetime]) -> tuple[datetime, datetime]:
    start, end = min(moments), max(moments)
    pad = max((end - start) * 0.06, timedelta(hours=12))
    start, end = start - pad, end + pad
    if end - start < timedelta(days=MIN_SPAN_DAYS):
        middle = start + (end - start) / 2
        start, end = middle - timedelta(days=MIN_SPAN_DAYS / 2), middle + timedelta(days=MIN_SPAN_DAYS / 2)
    return start, end


def _y_limits(values: Sequence[int]) -> tuple[float, float]:
    """The scores shown: every value, and the next band boundary above the highest (the goal in sight)."""
    low: float = min(values) - 15
    high: float = max(values) + 15
    above = [b[1] for b in BANDS[1:] if b[1] > max(values)]
    if above:
        high = max(high, above[0] + 15)
    if high - low < MIN_SPAN_POINTS:
        middle = (low + high) / 2
        low, high = middle - MIN_SPAN_POINTS / 2, middle + MIN_SPAN_POINTS / 2
    if low < SCORE_MIN:
        low, high = SCORE_MIN, max(high, SCORE_MIN + MIN_SPAN_POINTS)
    if high > SCORE_MAX:
        low, high = min(low, SCORE_MAX - MIN_SPAN_POINTS), SCORE_MAX
    return low, high


def history_png(
    estimates: Sequence[Estimate],
    lang: Lang,
    *,
    reports: Sequence[Report] = (),
    title: str | None = None,
    zone: tzinfo = UTC,
) -> bytes:
    """Draw the estimates (in time order) and the reported scores as a 1080 x 960 PNG.

    Every moment is dated in ``zone`` (the user's time zone). Either sequence may be empty, not both.
    ``title`` defaults to the language's template.
    Raises ``ValueError`` for an estimate outside its own range or a score outside 350-950.
    """
    _check(estimates, reports)
    estimates = sorted(estimates, key=lambda e: e.at)
    reports = sorted(reports, key=lambda r: r.at)
    if title is None:
        title = render(lang, "chart_history_title.txt.j2")
    est_at = [_naive_local(e.at, zone) for e in estimates]
    rep_at = [_naive_local(r.at, zone) for r in reports]
    start, end = _x_limits(est_at + rep_at)
    est_x, rep_x = [_day(m) for m in est_at], [_day(m) for m in rep_at]
    calibrated = [e for e in estimates if e.calibrated is not None]
    y_low, y_high = _y_limits(
        [v for e in estimates for v in (e.low, e.high)]
        + [v for e in calibrated if e.calibrated is not None for v in e.calibrated[1:]]
        + [r.score for r in reports]
    )

    with RENDER_LOCK:
        fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        # Band names sit right of the axes, outside the data, so no point or number ever covers them.
        renderer = canvas.get_renderer()
        names = [_band_name(band, lang) for band in BANDS]
        widest = max(renderer.get_text_width_height_descent(n, font(_pt(BAND_PX)), ismath=False)[0] for n in names)
        left, right = 0.115, 1 - (widest + 36) / WIDTH_PX
        ax = fig.add_axes((left, 0.2, right - left, 0.68))
        ax.set_xlim(_day(start), _day(end))
        ax.set_ylim(y_low, y_high)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(GRID)
        ax.tick_params(colors=MUTED, length=0, pad=10)

        _bands(ax, lang, y_low, y_high)
        values: list[ValueLabel] = []
        if estimates:
            _estimates(ax, estimates, est_x, reports, rep_x, values)
        if calibrated:
            _calibrated(ax, estimates, est_x, values)
        if reports:
            _reports(ax, reports, rep_x, estimates, est_x, values)

        _place(ax, values)
        ticks = date_ticks(start, end, lang)
        ax.xaxis.set_major_locator(FixedLocator([_day(m) for m, _ in ticks]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda _x, pos: ticks[pos][1] if pos < len(ticks) else ""))
        for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
            label.set_fontproperties(font(_pt(TICK_PX)))

        fig.text(0.5, 1 - 60 / HEIGHT_PX, title, fontproperties=font(_pt(TITLE_PX)), color=INK, ha="center")
        _legend(fig, lang, bool(estimates), bool(reports), bool(calibrated))
        canvas.draw()
        png = canvas_png(canvas)
        fig.clear()
    return png


def _bands(ax: Axes, lang: Lang, y_low: float, y_high: float) -> None:
    """Band boundaries as dashed lines (their scores on the y-axis), each band's name at the right."""
    boundaries = [b[1] for b in BANDS[1:] if y_low < b[1] < y_high]
    ax.yaxis.set_major_locator(MultipleLocator(50 if y_high - y_low <= 400 else 100))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{y:.0f}"))
    for boundary in boundaries:
        ax.axhline(boundary, color=GRID, linewidth=1.5, linestyle=(0, (6, 4)), zorder=1)
    for _id, low, high, zh, en in BANDS:  # noqa: B007 (all five fields named for reading)
        top, bottom = min(high, y_high), max(low, y_low)
        if top - bottom < (y_high - y_low) * 0.05:
            continue  # too thin a sliver to hold its name
        ax.annotate(
            zh if lang == "zh" else en,
            (1, (top + bottom) / 2),
            xycoords=ax.get_yaxis_transform(),
            xytext=(18, 0),
            textcoords="offset pixels",
            fontproperties=font(_pt(BAND_PX)),
            color=MUTED,
            ha="left",
            va="center",
            annotation_clip=False,
        )


def _band_name(band: tuple[str, int, int, str, str], lang: Lang) -> str:
    return band[3] if lang == "zh" else band[4]


def _line_at(day: float, estimates: Sequence[Estimate], at: Sequence[float]) -> float | None:
    """The estimate line's height on ``day`` (None where the line does not reach)."""
    if not estimates or not at[0] <= day <= at[-1]:
        return None
    return float(np.interp(day, at, [e.score for e in estimates]))


def _estimates(
    ax: Axes,
    estimates: Sequence[Estimate],
    at: Sequence[float],
    reports: Sequence[Report],
    reported_at: Sequence[float],
    values: list[ValueLabel],
) -> None:
    lows, highs, scores = [e.low for e in estimates], [e.high for e in estimates], [e.score for e in estimates]
    if at[-1] - at[0] < MIN_SPAN_DAYS / 2:
        # Points hours apart would make the shaded band a sliver: each range is a bar instead.
        ax.vlines(at, lows, highs, color=ACCENT, alpha=0.2, linewidth=24, zorder=3)
    else:
        ax.fill_between(at, lows, highs, color=ACCENT, alpha=0.14, linewidth=0, zorder=3)
    ax.plot(at, scores, color=ACCENT, linewidth=4, marker="o", markersize=11, zorder=5, solid_capstyle="round")
    # The latest estimate's number: above its point, unless the line comes down to it or a report
    # close by in time sits above it.
    last, span = estimates[-1], (ax.get_xlim()[1] - ax.get_xlim()[0])
    near = [r.score for r, day in zip(reports, reported_at, strict=True) if abs(day - at[-1]) < span * 0.08]
    came_down = len(estimates) > 1 and estimates[-2].score > last.score
    above = not came_down and not any(score >= last.score for score in near)
    if last.calibrated is not None:  # its calibrated number takes the side it lies on, this one the other
        above = last.calibrated[0] < last.score
    _value(values, at[-1], last.score, ACCENT, above)


def _calibrated(ax: Axes, estimates: Sequence[Estimate], at: Sequence[float], values: list[ValueLabel]) -> None:
    """The calibrated estimates: a line of their scores, each range a bar, the latest one's number.

    Only the estimates shown calibrated are drawn (those after the first report); the latest
    number sits on the side away from the model's estimate, which takes the other side.
    """
    points = [(day, e.calibrated) for e, day in zip(estimates, at, strict=True) if e.calibrated is not None]
    days = [day for day, _ in points]
    scores = [c[0] for _, c in points]
    ax.vlines(days, [c[1] for _, c in points], [c[2] for _, c in points], color=CALIBRATED, alpha=0.35, linewidth=8)
    ax.plot(days, scores, color=CALIBRATED, linewidth=4, marker="s", markersize=11, zorder=5, solid_capstyle="round")
    last = estimates[-1]
    if last.calibrated is not None:
        _value(values, at[-1], last.calibrated[0], CALIBRATED, last.calibrated[0] >= last.score)


def _reports(
    ax: Axes,
    reports: Sequence[Report],
    at: Sequence[float],
    estimates: Sequence[Estimate],
    estimated_at: Sequence[float],
    values: list[ValueLabel],
) -> None:
    scores = [r.score for r in reports]
    ax.plot(at, scores, linestyle="none", marker="D", markersize=15, color=REPORTED, markeredgecolor="white", zorder=6)
    if len(reports) > MAX_VALUE_LABELS:
        return
    for day, score in zip(at, scores, strict=True):
        # On the side away from the estimate line, so the number never sits on it.
        line = _line_at(day, estimates, estimated_at)
        _value(values, day, score, REPORTED, line is None or score >= line)


@dataclass(frozen=True, slots=True)
class ValueLabel:
    """A number to write by its point, above or below it: placed once all are known (``_place``)."""

    day: float
    score: int
    colour: str
    above: bool


VALUE_GAP_PX = 18  # between a point and its number
VALUE_WIDTH_PX = 2.2 * VALUE_PX  # a three-digit number and its halo; closer than this in x, two may touch


def _value(values: list[ValueLabel], day: float, score: int, colour: str, above: bool) -> None:
    values.append(ValueLabel(day, score, colour, above))


def value_boxes(ax: Axes, values: Sequence[ValueLabel]) -> list[tuple[float, float]]:
    """Each number's centre (x, y) in pixels: by its point, stacked away from it where two would overlap.

    Numbers side by side (the latest estimate, its calibrated one and a report made that day) go
    above the highest of their points or below the lowest, as each prefers, so none sits on a
    point or between two; those on one side are stacked outwards, the higher score higher. A
    number that would leave the axes (a score at 950) takes the other side.
    """
    sides = [v.above for v in values]
    centres = _stacked(ax, values, sides)
    top, bottom = ax.bbox.y1, ax.bbox.y0
    half = VALUE_PX * 1.15 / 2
    for _ in values:
        out = [
            i
            for i, (_x, y) in enumerate(centres)
            if (y + half > top and sides[i]) or (y - half < bottom and not sides[i])
        ]
        if not out:
            break
        sides[out[0]] = not sides[out[0]]
        centres = _stacked(ax, values, sides)
    return centres


def _stacked(ax: Axes, values: Sequence[ValueLabel], sides: Sequence[bool]) -> list[tuple[float, float]]:
    """``value_boxes`` for given sides (``True``: above the points)."""
    height = VALUE_PX * 1.15
    points = [(float(x), float(y)) for x, y in (ax.transData.transform((v.day, v.score)) for v in values)]
    centres: list[tuple[float, float]] = []
    for above, (x, _y) in zip(sides, points, strict=True):
        close = [py for px, py in points if abs(px - x) < VALUE_WIDTH_PX]
        offset = VALUE_GAP_PX + height / 2
        centres.append((x, max(close) + offset if above else min(close) - offset))
    for above in (True, False):
        side = [i for i in range(len(values)) if sides[i] == above]
        # Outwards from the points: upwards above them, downwards below; the higher score ends higher.
        side.sort(key=lambda i: (centres[i][1], values[i].score, i), reverse=not above)
        placed: list[int] = []
        for i in side:
            x, y = centres[i]
            for j in placed:  # in placing order, so a number cleared of one is checked against the next
                xj, yj = centres[j]
                if abs(x - xj) < VALUE_WIDTH_PX and abs(y - yj) < height:
                    y = yj + height if above else yj - height
            centres[i] = (x, y)
            placed.append(i)
    return centres


def _place(ax: Axes, values: Sequence[ValueLabel]) -> None:
    """Write every number where ``value_boxes`` puts it."""
    for v, (_x, y) in zip(values, value_boxes(ax, values), strict=True):
        _px, point_y = ax.transData.transform((v.day, v.score))
        ax.annotate(
            str(v.score),
            (v.day, v.score),
            xytext=(0, y - point_y),
            textcoords="offset pixels",
            fontproperties=font(_pt(VALUE_PX)),
            color=v.colour,
            ha="center",
            va="center",
            zorder=7,
            path_effects=_HALO,
        )


def _legend(fig: Figure, lang: Lang, estimates: bool, reports: bool, calibrated: bool = False) -> None:
    """What the marks mean, under the axis (only the marks this chart has; two rows for four)."""
    handles: list[Line2D | Patch] = []
    if estimates:
        name = "answers" if calibrated else "estimate"
        handles.append(Line2D([], [], color=ACCENT, linewidth=4, marker="o", markersize=11, label=_text(lang, name)))
        handles.append(Patch(color=ACCENT, alpha=0.18, label=_text(lang, "range")))
    if calibrated:
        handles.append(
            Line2D([], [], color=CALIBRATED, linewidth=4, marker="s", markersize=11, label=_text(lang, "calibrated"))
        )
    if reports:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="D",
                markersize=15,
                color=REPORTED,
                markeredgecolor="white",
                label=_text(lang, "reported"),
            )
        )
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.015),
        ncol=len(handles) if len(handles) < 4 else 2,
        frameon=False,
        prop=font(_pt(LEGEND_PX)),
        labelcolor=INK,
        handlelength=1.6,
        columnspacing=1.4,
    )


def _text(lang: Lang, what: str) -> str:
    return render(lang, "chart_history_legend.txt.j2", what=what)


@dataclass(frozen=True, slots=True)
class HistoryChart:
    """What one history picture shows, and so its cache key (see ``bot.charts.cache``)."""

    lang: Lang
    estimates: tuple[Estimate, ...]
    reports: tuple[Report, ...] = ()
    timezone: str = "UTC"
    """The IANA zone the dates are in: the user's, as in the text of ``/history``."""

    def render(self) -> bytes:
        """Draw the picture."""
        return history_png(self.estimates, self.lang, reports=self.reports, zone=ZoneInfo(self.timezone))
