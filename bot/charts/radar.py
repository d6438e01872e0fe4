"""The radar chart of the five dimension grades, as the PNG the bot sends with ``/score``.

The picture is a 1080 x 1080 square in both languages: phones show a Telegram photo at the
chat's full width (about 1080 device pixels), so a square of that size is shown 1:1, crisp, and the
Chinese and English charts look alike. Text sizes are chosen for that: a phone shows about 2.8 px
per point, so a 38 px label reads like 13 pt text and the smallest text (24 px ring numbers) like 8.5 pt.

Speed (issue 9): everything that depends only on the labels (white page, rings, spokes, the
dimension names with their weights) is drawn once per label set and kept as an Agg pixel region.
A chart restores that region and draws only what is the user's: the polygon, the grade badges,
the ring numbers that a badge leaves free, and the title. The pixels are then encoded by
``bot.charts.png`` at a low compression level. All drawing is on private ``Figure`` objects
(never ``pyplot``), so it needs no display and keeps no global figure state.

Value labels are badges centred on their points, so none floats off its point; the ring numbers
are drawn after the badges are placed and a number a badge would cover is left out, so a badge
never sits on a ring number. A dimension with no answered question (grade ``None``) has no
point: a grey "not asked yet" badge sits on its spoke and the outline bridges it with a dashed
line, so an unasked dimension never looks like a zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral
from typing import Any

from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform

from bot.charts.fonts import RENDER_LOCK, font
from bot.charts.png import canvas_png
from scoring.assumptions import DIMENSION_WEIGHTS
from scoring.card import ScoreResult
from scoring.i18n import Lang
from scoring.questions import DIMENSION_NAMES
from templates import render

SIZE_PX = 1080
DPI = 100
GRID_LEVELS = (20, 40, 60, 80, 100)

# Text sizes in pixels (the picture is shown about 1:1 on a phone, about 2.8 px per pt).
TITLE_PX = 46
TITLE_MIN_PX = 34
LABEL_PX = 38
WEIGHT_PX = 30
BADGE_PX = 34
NOT_ASKED_PX = 28
TICK_PX = 24

# Geometry in pixels: the band the title sits in, the margin all round, the gap between the outer
# ring and a label, the padding inside a badge, the room kept clear around a ring number.
TITLE_BAND = 120
MARGIN = 24
LABEL_GAP = 40
RING_GAP = 12
LINE_GAP = 4
BADGE_PAD = 8
TICK_CLEARANCE = 6
MAX_RADIUS = 400.0

INK = "#1f2933"
MUTED = "#616e7c"
TICK = "#8a96a3"
GRID = "#cbd2d9"
ACCENT = "#1677ff"
FILL = "#1677ff"
NOT_ASKED = "#9aa5b1"

_PIXEL = IdentityTransform()
_HALO = [patheffects.withStroke(linewidth=5, foreground="white")]


def _pt(pixels: float) -> float:
    return pixels * 72 / DPI


Box = tuple[float, float, float, float]  # left, bottom, right, top in pixels


def _overlaps(a: Box, b: Box, pad: float = 0.0) -> bool:
    return a[0] - pad < b[2] and b[0] - pad < a[2] and a[1] - pad < b[3] and b[1] - pad < a[3]


def validate(labels: Sequence[str], grades: Sequence[object]) -> list[int | None]:
    """Grades as ints 0-100 (``None``: not asked yet), one per label, at least three axes."""
    if len(labels) != len(grades):
        raise ValueError(f"radar chart needs one grade per label: {len(labels)} labels, {len(grades)} grades")
    if len(labels) < 3:
        raise ValueError(f"radar chart needs at least 3 axes, got {len(labels)}")
    checked: list[int | None] = []
    for label, grade in zip(labels, grades, strict=True):
        if grade is None:
            checked.append(None)
            continue
        if isinstance(grade, bool) or not isinstance(grade, Integral):
            raise ValueError(f"grade for {label!r} must be an integer 0-100 or None, got {grade!r}")
        value = int(grade)
        if not 0 <= value <= 100:
            raise ValueError(f"grade for {label!r} must be within 0-100, got {value}")
        checked.append(value)
    return checked


def _ring_span(ring: Sequence[tuple[float, float]], x: float) -> tuple[float, float] | None:
    """Lowest and highest y of the (convex) outer ring on the vertical line at ``x``, if it meets it."""
    ys = []
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if min(x0, x1) <= x <= max(x0, x1):
            ys += [y0, y1] if x0 == x1 else [y0 + (y1 - y0) * (x - x0) / (x1 - x0)]
    return (min(ys), max(ys)) if ys else None


@dataclass(frozen=True)
class _LabelBlock:
    """A dimension's name (and its weight below it), placed at the end of its spoke."""

    lines: tuple[tuple[str, float, str], ...]  # text, size in px, colour
    sizes: tuple[tuple[float, float], ...]  # width, height of each line
    angle: float

    @property
    def width(self) -> float:
        return max(w for w, _ in self.sizes)

    @property
    def height(self) -> float:
        return sum(h for _, h in self.sizes) + LINE_GAP * (len(self.sizes) - 1)

    def box(self, cx: float, cy: float, radius: float, ring: Sequence[tuple[float, float]]) -> Box:
        """Where the block sits for a web of ``radius`` around (cx, cy) whose outer ring is ``ring``.

        Above the spoke's end for spokes pointing up, below it for spokes pointing down, centred
        on it but kept inside the picture, and moved further out where it would touch the ring.
        Never beside it: a long name beside a side spoke would shrink the whole web.
        """
        x = cx + radius * math.sin(self.angle)
        y = cy + radius * math.cos(self.angle)
        # Shifted outward by up to half its width, so it hangs over the spoke's end, not the web.
        centre = x + math.sin(self.angle) * self.width / 2
        left = min(max(centre - self.width / 2, MARGIN), SIZE_PX - MARGIN - self.width)
        right = left + self.width
        inside = [x for x, _ in ring if left < x < right]
        spans = [span for at in (left, right, *inside) if (span := _ring_span(ring, at)) is not None]
        if math.cos(self.angle) >= 0:
            bottom = max([y + LABEL_GAP] + [high + RING_GAP for _, high in spans])
            return left, bottom, right, bottom + self.height
        top = min([y - LABEL_GAP] + [low - RING_GAP for low, _ in spans])
        return left, top - self.height, right, top


@dataclass(frozen=True)
class _Geometry:
    cx: float
    cy: float
    radius: float
    angles: tuple[float, ...]
    blocks: tuple[_LabelBlock, ...]

    def point(self, angle: float, level: float) -> tuple[float, float]:
        """Pixel position of ``level`` (0-100) on the spoke at ``angle``."""
        reach = self.radius * level / 100
        return self.cx + reach * math.sin(angle), self.cy + reach * math.cos(angle)

    @property
    def ring(self) -> list[tuple[float, float]]:
        return [self.point(angle, 100) for angle in self.angles]

    def label_box(self, block: _LabelBlock) -> Box:
        return block.box(self.cx, self.cy, self.radius, self.ring)


def _fit(blocks: Sequence[_LabelBlock], angles: Sequence[float]) -> _Geometry:
    """The largest web (up to ``MAX_RADIUS``) whose labels stay inside the picture below the title."""
    top_limit = SIZE_PX - TITLE_BAND

    def extent(radius: float) -> Box:
        ring = [(radius * math.sin(a), radius * math.cos(a)) for a in angles]
        boxes = [block.box(0.0, 0.0, radius, ring) for block in blocks]
        reach = radius + LABEL_GAP  # a badge on the ring reaches about this far
        boxes.append((-reach, -reach, reach, reach))
        return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)

    def fits(radius: float) -> bool:
        left, bottom, right, top = extent(radius)
        return max(-left, right) <= SIZE_PX / 2 - MARGIN and top - bottom <= top_limit - MARGIN

    low, high = 60.0, MAX_RADIUS
    if fits(high):
        low = high
    else:
        for _ in range(30):
            middle = (low + high) / 2
            low, high = (middle, high) if fits(middle) else (low, middle)
    _, bottom, _, top = extent(low)
    # Centre the web and its labels vertically in the space under the title.
    cy = MARGIN + (top_limit - MARGIN - (top - bottom)) / 2 - bottom
    return _Geometry(SIZE_PX / 2, cy, low, tuple(angles), tuple(blocks))


class _Background:
    """One label set's figure: its static pixels, kept to restore before every chart."""

    def __init__(self, labels: tuple[str, ...], weights: tuple[str, ...] | None) -> None:
        self.figure = Figure(figsize=(SIZE_PX / DPI, SIZE_PX / DPI), dpi=DPI, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.renderer: RendererAgg = self.canvas.get_renderer()
        count = len(labels)
        # Clockwise from twelve o'clock: the order the /score text lists the dimensions in.
        angles = [2 * math.pi * i / count for i in range(count)]
        blocks = []
        for index, (angle, label) in enumerate(zip(angles, labels, strict=True)):
            lines = [(label, LABEL_PX, INK)]
            if weights is not None:
                lines.append((weights[index], WEIGHT_PX, MUTED))
            sizes = tuple(self.measure(text, size)[:2] for text, size, _ in lines)
            blocks.append(_LabelBlock(tuple(lines), sizes, angle))
        self.geometry = _fit(blocks, angles)
        self._draw_static()
        self.canvas.draw()
        self.region = self.canvas.copy_from_bbox(self.figure.bbox)

    def measure(self, text: str, size_px: float) -> tuple[float, float, float]:
        """Width, height and descent in pixels of one line of text."""
        return _measure(self.renderer, text, size_px)

    def _draw_static(self) -> None:
        g = self.geometry
        for level in GRID_LEVELS:
            ring = [g.point(angle, level) for angle in g.angles]
            width = 2.4 if level == 100 else 1.3
            self.figure.add_artist(
                Polygon(ring, closed=True, fill=False, edgecolor=GRID, linewidth=width, transform=_PIXEL)
            )
        for angle in g.angles:
            (x, y) = g.point(angle, 100)
            self.figure.add_artist(Line2D([g.cx, x], [g.cy, y], color=GRID, linewidth=1.3, transform=_PIXEL))
        for block in g.blocks:
            left, _, right, top = g.label_box(block)
            y = top
            for (text, size, colour), (_, height) in zip(block.lines, block.sizes, strict=True):
                self.figure.add_artist(
                    Text(
                        (left + right) / 2,
                        y,
                        text,
                        fontproperties=font(_pt(size)),
                        color=colour,
                        ha="center",
                        va="top",
                        transform=_PIXEL,
                    )
                )
                y -= height + LINE_GAP

    def draw(self, artist: Line2D | Polygon | Text) -> None:
        """Draw one per-chart artist over the restored background."""
        artist.set_figure(self.figure)
        artist.draw(self.renderer)


@lru_cache(maxsize=1024)
def _measure(renderer: RendererAgg, text: str, size_px: float) -> tuple[float, float, float]:
    """Measuring is a quarter millisecond of font layout; grades and ring numbers repeat, so it is kept."""
    width, height, descent = renderer.get_text_width_height_descent(text, font(_pt(size_px)), ismath=False)
    return float(width), float(height), float(descent)


@lru_cache(maxsize=4)
def _background(labels: tuple[str, ...], weights: tuple[str, ...] | None) -> _Background:
    return _Background(labels, weights)


@dataclass(frozen=True)
class _Badge:
    """A grade (or "not asked yet") drawn in a rounded box centred at ``x, y``."""

    x: float
    y: float
    text: str
    size: float
    colour: str
    half_width: float
    half_height: float
    dashed: bool = False

    @property
    def box(self) -> Box:
        return self.x - self.half_width, self.y - self.half_height, self.x + self.half_width, self.y + self.half_height


def _badge(background: _Background, x: float, y: float, text: str, size: float, colour: str, **extra: bool) -> _Badge:
    width, height, _ = background.measure(text, size)
    height = max(height, size * 0.8)
    return _Badge(x, y, text, size, colour, width / 2 + BADGE_PAD, height / 2 + BADGE_PAD, **extra)


def _badges(background: _Background, values: Sequence[int | None], not_asked: str) -> list[_Badge]:
    """Each grade centred on its point; "not asked yet" half way out its spoke.

    Points near the centre are crowded (five spokes meet there): a badge is pushed out along
    its spoke just far enough not to touch its neighbours' badges, with its point still drawn.
    """
    g = background.geometry
    count = len(values)
    widest = _badge(background, 0, 0, "100", BADGE_PX, ACCENT)
    # Two badges at radius r on neighbouring spokes are 2 r sin(pi / n) apart.
    crowd = math.hypot(widest.half_width, widest.half_height) / math.sin(math.pi / count) + 2
    badges = []
    for angle, value in zip(g.angles, values, strict=True):
        if value is None:
            x, y = g.point(angle, 55)
            badges.append(_badge(background, x, y, not_asked, NOT_ASKED_PX, NOT_ASKED, dashed=True))
            continue
        level = max(value, 100 * crowd / g.radius)
        x, y = g.point(angle, level)
        badges.append(_badge(background, x, y, str(value), BADGE_PX, ACCENT))
    return badges


def _outline(background: _Background, values: Sequence[int | None]) -> None:
    """The filled polygon through the answered points; a dashed edge bridges unasked spokes."""
    g = background.geometry
    answered = [(i, g.point(g.angles[i], v)) for i, v in enumerate(values) if v is not None]
    if len(answered) >= 3:
        background.draw(Polygon([p for _, p in answered], closed=True, facecolor=FILL, alpha=0.18, linewidth=0))
    if len(answered) < 2:
        return
    count = len(values)
    pairs = list(zip(answered, answered[1:] + answered[:1], strict=True))
    if len(answered) == 2:
        pairs = pairs[:1]
    for (i, (x0, y0)), (j, (x1, y1)) in pairs:
        adjacent = (j - i) % count == 1
        background.draw(
            Line2D(
                [x0, x1],
                [y0, y1],
                color=ACCENT if adjacent else NOT_ASKED,
                linewidth=4 if adjacent else 2.5,
                linestyle="-" if adjacent else (0, (4, 3)),
                solid_capstyle="round",
                transform=_PIXEL,
            )
        )


def _free_ticks(background: _Background, badges: Sequence[_Badge]) -> list[tuple[int, Box]]:
    """Ring numbers between the first two spokes, each left out where a badge would cover it."""
    g = background.geometry
    angle = math.pi / len(g.angles)
    taken = [badge.box for badge in badges]
    free = []
    for level in GRID_LEVELS:
        # On the ring's edge, which lies cos(pi / n) of the spoke length out along the gap.
        x, y = g.point(angle, level * math.cos(angle))
        width, height, _ = background.measure(str(level), TICK_PX)
        box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
        if not any(_overlaps(box, other, TICK_CLEARANCE) for other in taken):
            free.append((level, box))
    return free


def _ticks(background: _Background, badges: Sequence[_Badge]) -> None:
    for level, (left, bottom, right, top) in _free_ticks(background, badges):
        background.draw(
            Text(
                (left + right) / 2,
                (bottom + top) / 2,
                str(level),
                fontproperties=font(_pt(TICK_PX)),
                color=TICK,
                ha="center",
                va="center",
                path_effects=_HALO,
                transform=_PIXEL,
            )
        )


def _draw_badges(background: _Background, badges: Sequence[_Badge], values: Sequence[int | None]) -> None:
    g = background.geometry
    for badge, angle, value in zip(badges, g.angles, values, strict=True):
        if value is not None:
            px, py = g.point(angle, value)
            if math.hypot(px - badge.x, py - badge.y) > 1:  # pushed out: its point stays visible
                background.draw(
                    Line2D([px, badge.x], [py, badge.y], color=ACCENT, linewidth=2, alpha=0.6, transform=_PIXEL)
                )
                background.draw(
                    Line2D([px], [py], marker="o", markersize=9, color=ACCENT, linestyle="none", transform=_PIXEL)
                )
        background.draw(
            Text(
                badge.x,
                badge.y,
                badge.text,
                fontproperties=font(_pt(badge.size)),
                color=badge.colour if value is None else "white",
                ha="center",
                va="center_baseline",
                transform=_PIXEL,
                bbox={
                    "boxstyle": f"round,pad={BADGE_PAD / badge.size:.3f}",
                    "facecolor": "white" if value is None else ACCENT,
                    "edgecolor": badge.colour,
                    "linewidth": 1.8,
                    "linestyle": "--" if badge.dashed else "-",
                },
            )
        )


def fit_title(title: str, room: float, measure: Callable[[str, float], float]) -> tuple[float, list[str]]:
    """The largest size (``TITLE_PX`` down to ``TITLE_MIN_PX``) and at most two lines that fit ``room``.

    Lines break at " · " first, then at spaces, then anywhere (Chinese has no spaces); what still
    does not fit at the smallest size ends in "…" rather than running off the picture.
    """
    size = float(TITLE_PX)
    while size > TITLE_MIN_PX and measure(title, size) > room:
        size -= 2
    if measure(title, size) <= room:
        return size, [title]
    size = float(TITLE_MIN_PX)
    for separator in (" · ", " ", ""):
        pieces = title.split(separator) if separator else list(title)
        for cut in range(len(pieces) - 1, 0, -1):
            head = separator.join(pieces[:cut])
            if measure(head, size) <= room:
                tail = separator.join(pieces[cut:])
                while measure(tail, size) > room and len(tail) > 1:
                    tail = tail[:-2] + "…"
                return size, [head, tail]
    return size, [title[:20] + "…"]


def _title(background: _Background, title: str) -> None:
    """The title across the top, shrunk (and if need be wrapped) to fit the width."""
    size, lines = fit_title(title, SIZE_PX - 2 * MARGIN, lambda text, px: background.measure(text, px)[0])
    background.draw(
        Text(
            SIZE_PX / 2,
            SIZE_PX - TITLE_BAND / 2,
            "\n".join(lines),
            fontproperties=font(_pt(size)),
            color=INK,
            ha="center",
            va="center",
            multialignment="center",
            linespacing=1.15,
            transform=_PIXEL,
        )
    )


@dataclass(frozen=True)
class RadarLayout:
    """Where a chart puts things, in pixels from the bottom left: what the layout tests check."""

    centre: tuple[float, float]
    radius: float
    labels: tuple[Box, ...]  # each dimension's name-and-weight block
    points: tuple[tuple[float, float] | None, ...]  # each grade's point (None: not asked yet)
    badges: tuple[Box, ...]  # each grade's (or "not asked yet") badge
    ticks: tuple[tuple[int, Box], ...]  # the ring numbers drawn


def radar_layout(
    labels: Sequence[str],
    grades: Sequence[int | None],
    *,
    weights: Sequence[str] | None = None,
    not_asked: str = "not asked yet",
) -> RadarLayout:
    """The layout ``radar_png`` draws for these arguments."""
    values = validate(labels, grades)
    with RENDER_LOCK:
        background = _background(tuple(labels), None if weights is None else tuple(weights))
        g = background.geometry
        badges = _badges(background, values, not_asked)
        return RadarLayout(
            centre=(g.cx, g.cy),
            radius=g.radius,
            labels=tuple(g.label_box(block) for block in g.blocks),
            points=tuple(None if v is None else g.point(a, v) for a, v in zip(g.angles, values, strict=True)),
            badges=tuple(badge.box for badge in badges),
            ticks=tuple(_free_ticks(background, badges)),
        )


def radar_png(
    labels: Sequence[str],
    grades: Sequence[int | None],
    title: str,
    *,
    weights: Sequence[str] | None = None,
    not_asked: str = "not asked yet",
) -> bytes:
    """Draw the grades (0-100, one per label, first label at the top, clockwise) as a square PNG.

    ``weights`` (one short text per label, e.g. "35%") is shown under each label; a grade of
    ``None`` is drawn as ``not_asked``, never as a point. Raises ``ValueError`` for a grade
    outside 0-100, a non-integer grade, or label/grade counts that differ (or fewer than three
    axes, which is no polygon).
    """
    values = validate(labels, grades)
    if weights is not None and len(weights) != len(labels):
        raise ValueError(f"radar chart needs one weight per label: {len(labels)} labels, {len(weights)} weights")
    with RENDER_LOCK:
        background = _background(tuple(labels), None if weights is None else tuple(weights))
        background.canvas.restore_region(background.region)
        badges = _badges(background, values, not_asked)
        _outline(background, values)
        _ticks(background, badges)
        _draw_badges(background, badges, values)
        _title(background, title)
        return canvas_png(background.canvas)


@dataclass(frozen=True, slots=True)
class RadarChart:
    """What one ``/score`` radar shows, and so its cache key: equal charts are the same picture.

    The labels, weights and texts follow from the language (and the project's data), so the
    language, the dimensions in order, their grades (``None``: not asked yet), the score and
    its range are everything that can differ between two pictures.
    """

    lang: Lang
    dimensions: tuple[str, ...]
    grades: tuple[int | None, ...]
    score: int
    low: int
    high: int

    @classmethod
    def of(cls, result: ScoreResult, lang: Lang) -> RadarChart:
        """The radar of a score result."""
        return cls(
            lang,
            tuple(d.id for d in result.dimensions),
            tuple(d.grade for d in result.dimensions),
            result.score,
            result.range[0],
            result.range[1],
        )

    def texts(self) -> dict[str, Any]:
        """The words on the picture: labels, their weights, the title, the "not asked yet" mark."""
        return {
            "labels": [DIMENSION_NAMES[d][self.lang] for d in self.dimensions],
            "weights": [
                render(self.lang, "chart_weight.txt.j2", percent=round(DIMENSION_WEIGHTS[d] * 100))
                for d in self.dimensions
            ],
            "title": render(self.lang, "bot_chart_title.txt.j2", score=self.score, low=self.low, high=self.high),
            "not_asked": render(self.lang, "chart_not_asked.txt.j2"),
        }

    def render(self) -> bytes:
        """Draw the picture (10-25 ms; the cache makes sure it happens once)."""
        texts = self.texts()
        return radar_png(
            texts["labels"], self.grades, texts["title"], weights=texts["weights"], not_asked=texts["not_asked"]
        )
