"""The radar chart of the five dimension grades, as the JPEG the bot sends with ``/score``.

The picture is a 1080 x 1080 square in both languages: phones show a Telegram photo at the
chat's full width (about 1080 device pixels), so a square of that size is shown 1:1, crisp, and the
Chinese and English charts look alike. Text sizes are chosen for that: a phone shows about 2.8 px
per point, so a 38 px label reads like 13 pt text and the smallest text (24 px ring numbers) like 8.5 pt.

Speed (issue 9: a new radar is drawn on the tap that finishes the quick check, so it must cost
well under 10 ms). Everything that depends only on the labels (white page, rings, spokes, the
dimension names with their weights) is drawn once per label set and kept as an Agg pixel region.
The texts every chart repeats (the grade badges 0-100, the "not asked yet" badge, the ring numbers
with their white halo) are drawn once per process by matplotlib as RGBA sprites
and alpha-composited with numpy where the layout puts them. A chart restores the region, draws
its polygon with Agg, pastes the sprites, draws its title with Pillow (same font; matplotlib's
text layout was the slowest part) and is encoded by ``bot.charts.jpeg``. All matplotlib drawing
is on private ``Figure`` objects (never ``pyplot``), so it needs no display and keeps no global
figure state.

Value labels are badges centred on their points, so none floats off its point; the ring numbers
are drawn after the badges are placed and a number a badge would cover is left out, so a badge
never sits on a ring number. A dimension with no answered question (grade ``None``) has no
point: a grey "not asked yet" badge sits on its spoke and the outline bridges it with a dashed
line, so an unasked dimension never looks like a zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from numbers import Integral
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform
from PIL import Image, ImageDraw, ImageFont

from bot.charts.fonts import RENDER_LOCK, cjk_font_path, font
from bot.charts.jpeg import canvas_jpeg
from scoring.assumptions import DIMENSION_WEIGHTS
from scoring.calibration import Calibrated
from scoring.card import ScoreResult
from scoring.i18n import LANGUAGES, Lang
from scoring.questions import DIMENSION_NAMES
from templates import render

SIZE_PX = 1080
DPI = 100
GRID_LEVELS = (20, 40, 60, 80, 100)

# Text sizes in pixels (the picture is shown about 1:1 on a phone, about 2.8 px per pt).
TITLE_PX = 46
TITLE_MIN_PX = 34
TITLE_LINE_SPACING = 1.15  # a wrapped title's line pitch, in sizes
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
NOT_ASKED_LEVELS = (55, 62, 69, 76)  # where "not asked yet" sits on its spoke: half way, or further out if crowded
MAX_RADIUS = 400.0

INK = "#1f2933"
MUTED = "#616e7c"
TICK = "#8a96a3"
GRID = "#cbd2d9"
ACCENT = "#1677ff"
FILL = "#1677ff"
FILL_ALPHA = 0.18
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
            x, y = g.point(angle, NOT_ASKED_LEVELS[0])
            badges.append(_badge(background, x, y, not_asked, NOT_ASKED_PX, NOT_ASKED, dashed=True))
            continue
        level = max(value, 100 * crowd / g.radius)
        x, y = g.point(angle, level)
        badges.append(_badge(background, x, y, str(value), BADGE_PX, ACCENT))
    # Wide "not asked yet" badges that touch another (the two lower spokes unasked) move out along
    # their spokes together, where neighbouring spokes lie further apart, until every badge is clear.
    unasked = [i for i, value in enumerate(values) if value is None]
    for level in NOT_ASKED_LEVELS:
        for i in unasked:
            x, y = g.point(g.angles[i], level)
            badges[i] = replace(badges[i], x=x, y=y)
        if not any(_overlaps(badges[i].box, other.box, 2) for i in unasked for j, other in enumerate(badges) if j != i):
            break
    return badges


def _outline(background: _Background, values: Sequence[int | None]) -> None:
    """The filled polygon through the answered points; a dashed edge bridges unasked spokes.

    The fill and the solid edges go straight to the renderer as paths (one each, the edges broken
    where a spoke is unasked): building matplotlib artists for them cost more than drawing them.
    """
    g = background.geometry
    renderer = background.renderer
    answered = [(i, g.point(g.angles[i], v)) for i, v in enumerate(values) if v is not None]
    if len(answered) >= 3:
        fill = renderer.new_gc()
        fill.set_linewidth(0)
        corners = [p for _, p in answered]
        # closed=True takes the last vertex as the closing one (its position is ignored).
        renderer.draw_path(fill, Path([*corners, corners[0]], closed=True), _PIXEL, to_rgba(FILL, FILL_ALPHA))
        fill.restore()
    if len(answered) < 2:
        return
    count = len(values)
    pairs = list(zip(answered, answered[1:] + answered[:1], strict=True))
    if len(answered) == 2:
        pairs = pairs[:1]
    solid: list[tuple[float, float]] = []
    codes: list[np.uint8] = []
    for (i, start), (j, end) in pairs:
        if (j - i) % count == 1:
            if not solid or solid[-1] != start:
                solid.append(start)
                codes.append(Path.MOVETO)
            solid.append(end)
            codes.append(Path.LINETO)
            continue
        background.draw(
            Line2D(
                [start[0], end[0]],
                [start[1], end[1]],
                color=NOT_ASKED,
                linewidth=2.5,
                linestyle=(0, (4, 3)),
                transform=_PIXEL,
            )
        )
    if solid:
        edge = renderer.new_gc()
        edge.set_foreground(ACCENT)
        edge.set_linewidth(4)
        edge.set_capstyle("round")
        edge.set_joinstyle("round")
        renderer.draw_path(edge, Path(solid, codes), _PIXEL)
        edge.restore()


def _outline_segments(
    g: _Geometry, values: Sequence[int | None]
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The outline's edges as ``_outline`` draws them (solid, or dashed across an unasked spoke)."""
    answered = [g.point(g.angles[i], v) for i, v in enumerate(values) if v is not None]
    if len(answered) < 2:
        return []
    pairs = list(zip(answered, answered[1:] + answered[:1], strict=True))
    return pairs[:1] if len(answered) == 2 else pairs


def _crosses(box: Box, start: tuple[float, float], end: tuple[float, float]) -> bool:
    """Whether the segment from ``start`` to ``end`` meets ``box`` (clipped to it, Liang-Barsky)."""
    left, bottom, right, top = box
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for step, room in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - bottom), (dy, top - y0)):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        if step < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _free_ticks(
    background: _Background, badges: Sequence[_Badge], values: Sequence[int | None]
) -> list[tuple[int, Box]]:
    """Ring numbers in one gap between two spokes, each left out where a badge or the outline would cover it.

    The gap between the first two spokes unless another leaves more numbers readable: a profile
    graded 100 and 90 there runs its outline through the "100" (QA 14), so the numbers move to
    the gap where the fewest are covered (the first such gap, clockwise).
    """
    g = background.geometry
    half = math.pi / len(g.angles)
    taken = [badge.box for badge in badges]
    edges = _outline_segments(g, values)
    best: list[tuple[int, Box]] = []
    for spoke in g.angles:
        free = []
        for level in GRID_LEVELS:
            # On the ring's edge, which lies cos(pi / n) of the spoke length out along the gap.
            x, y = g.point(spoke + half, level * math.cos(half))
            width, height, _ = background.measure(str(level), TICK_PX)
            box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
            clear = (box[0] - TICK_CLEARANCE, box[1] - TICK_CLEARANCE, box[2] + TICK_CLEARANCE, box[3] + TICK_CLEARANCE)
            if not any(_overlaps(box, other, TICK_CLEARANCE) for other in taken) and not any(
                _crosses(clear, a, b) for a, b in edges
            ):
                free.append((level, box))
        if len(free) > len(best):
            best = free
        if len(best) == len(GRID_LEVELS):
            break
    return best


class _Sprite:
    """Pixels drawn once, kept ready to composite onto a chart with numpy.

    Matplotlib spends a millisecond or more laying out and rasterising each text (a ring number's
    white halo is drawn as a stroked path); the same few texts (grades 0-100, five ring numbers,
    "not asked yet") recur on every chart, so their pixels are made once and pasted.
    ``anchor`` is where the artist's centre lies in the pixels (column, row from the top left).

    Compositing is straight-alpha "over", rounded exactly as ``round(v / 255)``. To be fast it
    keeps everything per pixel and channel in whole RGBA rows (numpy then runs long contiguous
    loops, not loops of three channels), premultiplied once here, and replaces the slow integer
    division by the shift form ``(t + (t >> 8)) >> 8`` with t = v + 128, exact for every v up to
    255 * 255, so all arithmetic stays in uint16.
    """

    __slots__ = ("anchor", "inverse", "premultiplied")

    def __init__(self, rgba: np.ndarray, anchor: tuple[float, float]) -> None:
        self.anchor = anchor
        alpha = np.repeat(rgba[..., 3:], 4, axis=-1)
        colour = rgba.astype(np.uint16)
        colour[..., 3] = 255  # so the canvas stays opaque: 255 * a + 255 * (255 - a)
        self.premultiplied = colour * alpha + 128  # uint16
        self.inverse = 255 - alpha  # uint8: about 12 bytes a pixel in all, 4 MiB for every sprite

    @classmethod
    def of_coverage(cls, coverage: np.ndarray, colour: str) -> _Sprite:
        """A text mask (0-255 coverage, e.g. Pillow's glyphs) in one colour, anchored at its top left."""
        rgba = np.empty((*coverage.shape, 4), dtype=np.uint8)
        rgba[..., :3] = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        rgba[..., 3] = coverage
        return cls(rgba, (0.0, 0.0))

    def paste(self, canvas: np.ndarray, x: float, y: float) -> None:
        """Composite onto ``canvas`` (Agg's RGBA buffer) with the anchor at (x, y) from the bottom left.

        The position is rounded to whole pixels: half a pixel at most, which no eye sees and which
        the layout's clearances absorb.
        """
        height, width = canvas.shape[:2]
        left = round(x - self.anchor[0])
        top = round(height - y - self.anchor[1])
        rows, columns = self.inverse.shape[:2]
        # Clipped to the canvas, though the layout keeps every sprite inside it.
        r0, c0 = max(0, -top), max(0, -left)
        r1, c1 = min(rows, height - top), min(columns, width - left)
        if r0 >= r1 or c0 >= c1:
            return
        target = canvas[top + r0 : top + r1, left + c0 : left + c1]
        mixed = np.multiply(target, self.inverse[r0:r1, c0:c1], dtype=np.uint16)
        mixed += self.premultiplied[r0:r1, c0:c1]
        target[...] = (mixed + (mixed >> 8)) >> 8


SPRITE_MARGIN = 12  # px around a sprite's text box: a badge's edge line or a ring number's halo


def _draw_sprites(
    artists: Sequence[Callable[[float, float], Sequence[Artist]]], cell: tuple[int, int]
) -> list[_Sprite]:
    """Draw each artist (given its centre, it returns what to draw there) in one sheet of cells.

    One transparent figure for all of them, drawn once: a figure per sprite would cost more than
    the sprites save. Each cell is then cut to the pixels it covers.
    """
    cell_w, cell_h = cell
    columns = max(1, min(len(artists), 2000 // cell_w))
    rows = math.ceil(len(artists) / columns)
    # Whole inches at 100 dpi, so the canvas is exactly the pixels asked for (no rounding of a row).
    width, height = math.ceil(columns * cell_w / DPI), math.ceil(rows * cell_h / DPI)
    figure = Figure(figsize=(width, height), dpi=DPI, facecolor="none")
    canvas = FigureCanvasAgg(figure)
    for index, draw in enumerate(artists):
        row, column = divmod(index, columns)
        for artist in draw(column * cell_w + cell_w / 2, height * DPI - row * cell_h - cell_h / 2):
            figure.add_artist(artist)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    sprites = []
    for index in range(len(artists)):
        row, column = divmod(index, columns)
        piece = pixels[row * cell_h : (row + 1) * cell_h, column * cell_w : (column + 1) * cell_w]
        used_rows = np.flatnonzero(piece[..., 3].any(axis=1))
        used_columns = np.flatnonzero(piece[..., 3].any(axis=0))
        top, bottom = int(used_rows[0]), int(used_rows[-1]) + 1
        left, right = int(used_columns[0]), int(used_columns[-1]) + 1
        rgba = piece[top:bottom, left:right].copy()
        sprites.append(_Sprite(rgba, (cell_w / 2 - left, cell_h / 2 - top)))
    return sprites


def _tick_text(level: int) -> Callable[[float, float], Sequence[Artist]]:
    def draw(x: float, y: float) -> Sequence[Artist]:
        return [
            Text(
                x,
                y,
                str(level),
                fontproperties=font(_pt(TICK_PX)),
                color=TICK,
                ha="center",
                va="center",
                path_effects=_HALO,
                transform=_PIXEL,
            )
        ]

    return draw


@lru_cache(maxsize=1)
def _tick_sprites() -> dict[int, _Sprite]:
    """The ring numbers with their white halo, drawn once per process."""
    cell = (TICK_PX * 3 + 2 * SPRITE_MARGIN, TICK_PX * 2 + 2 * SPRITE_MARGIN)
    return dict(zip(GRID_LEVELS, _draw_sprites([_tick_text(level) for level in GRID_LEVELS], cell), strict=True))


_BadgeKey = tuple[str, float, str, bool]  # text, size in px, colour, dashed
_BADGE_SPRITES: dict[_BadgeKey, _Sprite] = {}


def _badge_key(badge: _Badge) -> _BadgeKey:
    return badge.text, badge.size, badge.colour, badge.dashed


def _badge_text(badge: _Badge) -> Callable[[float, float], Sequence[Artist]]:
    def draw(x: float, y: float) -> Sequence[Artist]:
        grade = badge.colour == ACCENT
        return [
            Text(
                x,
                y,
                badge.text,
                fontproperties=font(_pt(badge.size)),
                color="white" if grade else badge.colour,
                ha="center",
                va="center_baseline",
                transform=_PIXEL,
                bbox={
                    "boxstyle": f"round,pad={BADGE_PAD / badge.size:.3f}",
                    "facecolor": ACCENT if grade else "white",
                    "edgecolor": badge.colour,
                    "linewidth": 1.8,
                    "linestyle": "--" if badge.dashed else "-",
                },
            )
        ]

    return draw


def _badge_sprites(background: _Background, badges: Sequence[_Badge]) -> list[_Sprite]:
    """The pixels of each badge; what is missing is drawn now, and the first time every grade 0-100.

    About 120 ms once per process (one sheet of 101 badges) instead of 2 ms of text per chart.
    """
    missing = {_badge_key(badge): badge for badge in badges if _badge_key(badge) not in _BADGE_SPRITES}
    if missing:
        for grade in range(101):
            badge = _badge(background, 0, 0, str(grade), BADGE_PX, ACCENT)
            missing.setdefault(_badge_key(badge), badge)
        for key in list(missing):
            if key in _BADGE_SPRITES:
                del missing[key]
        cell = (
            math.ceil(2 * max(b.half_width for b in missing.values())) + 2 * SPRITE_MARGIN,
            math.ceil(2 * max(b.half_height for b in missing.values())) + 2 * SPRITE_MARGIN,
        )
        drawn = _draw_sprites([_badge_text(badge) for badge in missing.values()], cell)
        _BADGE_SPRITES.update(zip(missing, drawn, strict=True))
    return [_BADGE_SPRITES[_badge_key(badge)] for badge in badges]


def _ticks(background: _Background, badges: Sequence[_Badge], values: Sequence[int | None]) -> None:
    sprites = _tick_sprites()
    pixels = np.asarray(background.canvas.buffer_rgba())
    for level, (left, bottom, right, top) in _free_ticks(background, badges, values):
        sprites[level].paste(pixels, (left + right) / 2, (bottom + top) / 2)


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
    pixels = np.asarray(background.canvas.buffer_rgba())
    for badge, sprite in zip(badges, _badge_sprites(background, badges), strict=True):
        sprite.paste(pixels, badge.x, badge.y)


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


@lru_cache(maxsize=16)
def _title_face(size_px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(cjk_font_path()), size_px)


def _title(background: _Background, title: str) -> None:
    """The title across the top, shrunk (and if need be wrapped) to fit the width.

    Drawn by Pillow's FreeType with the same Noto Sans CJK face as the labels, not by matplotlib:
    a title is new on every chart (score and range), and matplotlib spent 3-4 ms measuring it and
    drawing it glyph by glyph, Pillow 0.5 ms; the glyphs come out the same (same font, same
    grey-level antialiasing). The lines are centred on the band's middle by their extent (at least
    that of "lp", ascender to descender), as matplotlib centred them.
    """
    size, lines = fit_title(title, SIZE_PX - 2 * MARGIN, lambda text, px: _title_face(px).getlength(text))
    face = _title_face(size)
    pitch = TITLE_LINE_SPACING * size
    # Drawn first on a scratch band with the first baseline at ``drawn``; where the ink lands
    # says how far the lines reach above and below their baselines (measuring them first would
    # lay the text out twice more).
    drawn = TITLE_BAND
    mask = Image.new("L", (SIZE_PX, 2 * TITLE_BAND + round(pitch)))
    draw = ImageDraw.Draw(mask)
    for index, line in enumerate(lines):
        draw.text((SIZE_PX / 2, drawn + index * pitch), line, fill=255, font=face, anchor="ms")
    inked = mask.getbbox()
    if inked is None:
        return
    left, top, right, bottom = inked
    # The lines' extent from the first baseline (above is negative), at least that of "lp".
    lp_top, lp_bottom = _lp_extent(size)
    last = pitch * (len(lines) - 1)
    above = min(top - drawn, lp_top)
    below = max(bottom - drawn, last + lp_bottom)
    baseline = TITLE_BAND / 2 - (above + below) / 2
    glyphs = _Sprite.of_coverage(np.asarray(mask)[top:bottom, left:right], INK)
    glyphs.paste(np.asarray(background.canvas.buffer_rgba()), left, SIZE_PX - (top + round(baseline - drawn)))


@lru_cache(maxsize=16)
def _lp_extent(size_px: float) -> tuple[int, int]:
    """How far "lp" reaches above (negative) and below the baseline: a line's least extent."""
    _, top, _, bottom = _title_face(size_px).getbbox("lp", anchor="ls")
    return int(top), int(bottom)


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
    """The layout ``radar_jpeg`` draws for these arguments."""
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
            ticks=tuple(_free_ticks(background, badges, values)),
        )


def radar_jpeg(
    labels: Sequence[str],
    grades: Sequence[int | None],
    title: str,
    *,
    weights: Sequence[str] | None = None,
    not_asked: str = "not asked yet",
) -> bytes:
    """Draw the grades (0-100, one per label, first label at the top, clockwise) as a square JPEG.

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
        _ticks(background, badges, values)
        _draw_badges(background, badges, values)
        _title(background, title)
        return canvas_jpeg(background.canvas)


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
    calibrated: bool = False
    """Whether the title's score is the calibrated one (the headline once real scores are reported)."""

    @classmethod
    def of(cls, result: ScoreResult, lang: Lang, calibrated: Calibrated | None = None) -> RadarChart:
        """The radar of a score result, titled with the calibrated estimate when there is one (as the text)."""
        score, (low, high) = (
            (result.score, result.range) if calibrated is None else (calibrated.score, calibrated.range)
        )
        return cls(
            lang,
            tuple(d.id for d in result.dimensions),
            tuple(d.grade for d in result.dimensions),
            score,
            low,
            high,
            calibrated is not None,
        )

    def texts(self) -> dict[str, Any]:
        """The words on the picture: labels, their weights, the title, the "not asked yet" mark."""
        return {
            "labels": [DIMENSION_NAMES[d][self.lang] for d in self.dimensions],
            "weights": [
                render(self.lang, "chart_weight.txt.j2", percent=round(DIMENSION_WEIGHTS[d] * 100))
                for d in self.dimensions
            ],
            "title": render(
                self.lang,
                "bot_chart_title.txt.j2",
                score=self.score,
                low=self.low,
                high=self.high,
                calibrated=self.calibrated,
            ),
            "not_asked": render(self.lang, "chart_not_asked.txt.j2"),
        }

    def render(self) -> bytes:
        """Draw the picture (about 5-10 ms; the cache makes sure it happens once)."""
        texts = self.texts()
        return radar_jpeg(
            texts["labels"], self.grades, texts["title"], weights=texts["weights"], not_asked=texts["not_asked"]
        )


@cache
def warm_up() -> None:
    """Draw one radar per language and throw it away, once per process.

    The first chart of a process pays once for the backgrounds, the ring-number and badge sprites
    and the fonts (about 135 ms); a bot calls this on start so that no user's first score waits
    for it. Cached, so an application started again in the same process (the tests) draws nothing.
    """
    for lang in LANGUAGES:
        RadarChart(lang, tuple(DIMENSION_NAMES), (50,) * len(DIMENSION_NAMES), 650, 600, 700).render()
