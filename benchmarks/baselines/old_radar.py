"""The radar renderer as it was before issue 9, kept only as the baseline of ``chart_speed.py``.

Unchanged from ``bot/charts.py`` at commit 5d3519c except this docstring: an 800 px picture drawn
from scratch on every call (polar axes, text measured for the layout, ``print_png`` at zlib level 6).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral
from pathlib import Path

import mplfonts
from matplotlib import font_manager, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.projections.polar import PolarAxes

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FAMILY = "Noto Sans CJK SC"
LATIN_FALLBACK = "DejaVu Sans"

SIZE_PX = 800
DPI = 100
GRID_LEVELS = (20, 40, 60, 80, 100)

# Sizes in points at 100 dpi: on a phone the 800 px picture is shown about 400 pt wide, so a
# 20 pt label reads like 10 pt body text.
TITLE_SIZE = 24
LABEL_SIZE = 20
GRADE_SIZE = 17
# Pixel geometry: the title band at the top, a margin all round, the largest web radius, the gap
# between a grade box and its label.
TITLE_CENTRE = 48
TITLE_BAND = 92
MARGIN = 20
MAX_RADIUS = 250.0
LABEL_GAP = 8
# Radii in grade units (100 = the outer ring): a grade sits just outside its vertex, but never so
# close to the centre that low grades pile up on each other.
GRADE_OFFSET = 12
GRADE_MIN_RADIUS = 30
GRADE_BOX_PAD = 0.25

INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#d9e2ec"
ACCENT = "#1677ff"

# Matplotlib's text layout and font cache are shared by every figure in the process; one lock
# keeps concurrent renders (the bot may render in worker threads) from interleaving in them.
_RENDER_LOCK = threading.Lock()


def cjk_font_path() -> Path:
    """Where ``mplfonts`` keeps Noto Sans CJK SC; a missing file is an installation error."""
    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{CJK_FONT_FILE} not found in the mplfonts package ({path.parent})")
    return path


@lru_cache(maxsize=1)
def _font_family() -> tuple[str, ...]:
    """Register the CJK face once; Latin falls back to DejaVu only for glyphs Noto lacks."""
    font_manager.fontManager.addfont(str(cjk_font_path()))
    return (CJK_FAMILY, LATIN_FALLBACK)


def _font(size: float) -> FontProperties:
    # mplfonts ships the Regular face only; asking for bold would log a findfont fallback.
    return FontProperties(family=list(_font_family()), size=size)


def _validate(labels: Sequence[str], grades: Sequence[object]) -> list[int | None]:
    """The grades as ints (None: a dimension not asked yet), checked: callers' types are not trusted at run time."""
    if len(labels) != len(grades):
        raise ValueError(f"radar chart needs one grade per label: {len(labels)} labels, {len(grades)} grades")
    if len(labels) < 3:
        raise ValueError(f"radar chart needs at least 3 axes, got {len(labels)}")
    checked: list[int | None] = []
    for label, grade in zip(labels, grades, strict=True):
        if grade is None:  # a dimension not asked yet: no grade to draw
            checked.append(None)
            continue
        if isinstance(grade, bool) or not isinstance(grade, Integral):
            raise ValueError(f"grade for {label!r} must be an integer 0-100, got {grade!r}")
        value = int(grade)
        if not 0 <= value <= 100:
            raise ValueError(f"grade for {label!r} must be within 0-100, got {grade}")
        checked.append(value)
    return checked


@dataclass(frozen=True)
class _Label:
    """A dimension label, anchored in pixels beside (or above/below) where a grade of 100 is shown."""

    angle: float
    ha: str
    va: str
    dx: float
    dy: float
    width: float
    height: float

    @classmethod
    def place(cls, angle: float, size: tuple[float, float], box: tuple[float, float]) -> _Label:
        """Spokes pointing sideways get their label beside the grade box, vertical ones above/below it."""
        x, y = math.sin(angle), math.cos(angle)
        half_width, half_height = box
        if abs(x) >= 0.2:
            side = 1 if x > 0 else -1
            return cls(angle, "left" if side > 0 else "right", "center", side * (half_width + LABEL_GAP), 0.0, *size)
        up = 1 if y > 0 else -1
        return cls(angle, "center", "bottom" if up > 0 else "top", 0.0, up * (half_height + LABEL_GAP), *size)

    def extent(self, radius: float) -> tuple[float, float, float, float]:
        """Left, right, bottom, top in pixels from the centre, for a web of ``radius`` pixels."""
        reach = radius * (100 + GRADE_OFFSET) / 100
        x = reach * math.sin(self.angle) + self.dx
        y = reach * math.cos(self.angle) + self.dy
        left = {"left": x, "right": x - self.width}.get(self.ha, x - self.width / 2)
        bottom = {"bottom": y, "top": y - self.height}.get(self.va, y - self.height / 2)
        return left, left + self.width, bottom, bottom + self.height


@dataclass(frozen=True)
class _Layout:
    """Where the web sits, in pixels from the bottom left, and how tall the picture is."""

    height: int
    cy: float
    radius: float


def _layout(labels: Sequence[_Label], box: tuple[float, float]) -> _Layout:
    """The largest web (up to ``MAX_RADIUS``) whose labels and grade boxes stay inside the margins.

    Long side labels limit the width; the picture is then cut to the height it needs instead of
    leaving empty bands above and below, so the text stays the same size on the phone.
    """

    def spans(radius: float) -> tuple[float, float, float, float]:
        reach = radius * (100 + GRADE_OFFSET) / 100
        lefts, rights, bottoms, tops = [], [], [], []
        for label in labels:
            left, right, bottom, top = label.extent(radius)
            x, y = reach * math.sin(label.angle), reach * math.cos(label.angle)
            lefts += [left, x - box[0]]
            rights += [right, x + box[0]]
            bottoms += [bottom, y - box[1]]
            tops += [top, y + box[1]]
        return min(lefts), max(rights), min(bottoms), max(tops)

    def fits(radius: float) -> bool:
        left, right, bottom, top = spans(radius)
        return max(-left, right) <= SIZE_PX / 2 - MARGIN and top - bottom <= SIZE_PX - TITLE_BAND - 2 * MARGIN

    low, high = 40.0, MAX_RADIUS
    if fits(high):
        low = high
    else:
        for _ in range(30):
            middle = (low + high) / 2
            low, high = (middle, high) if fits(middle) else (low, middle)
    _, _, bottom, top = spans(low)
    return _Layout(height=math.ceil(top - bottom + TITLE_BAND + 2 * MARGIN), cy=MARGIN - bottom, radius=low)


def _grade_box(renderer: RendererAgg, font: FontProperties) -> tuple[float, float]:
    """Half width and half height in pixels of the widest grade box ("100")."""
    width, height, _ = renderer.get_text_width_height_descent("100", font, ismath=False)
    pad = GRADE_BOX_PAD * font.get_size_in_points() * DPI / 72 + 2
    return width / 2 + pad, height / 2 + pad


def radar_png(labels: Sequence[str], grades: Sequence[int | None], title: str) -> bytes:
    """Draw the grades (0-100, one per label, first label at the top, clockwise) as a PNG.

    The picture is 800 px wide and at most 800 px high (less when long labels make the web smaller).
    Raises ``ValueError`` for a grade outside 0-100, a non-integer grade, or label/grade counts that
    differ (or fewer than three axes, which is no polygon).
    """
    shown = _validate(labels, grades)
    # A dimension not asked yet (None) sits at the centre, its box saying "–", not a grade.
    values = [0 if grade is None else grade for grade in shown]
    count = len(values)
    # Clockwise from twelve o'clock: the order the /score text lists the dimensions in.
    angles = [2 * math.pi * i / count for i in range(count)]

    with _RENDER_LOCK:
        label_font, grade_font = _font(LABEL_SIZE), _font(GRADE_SIZE)
        fig = Figure(figsize=(SIZE_PX / DPI, SIZE_PX / DPI), dpi=DPI, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        renderer = canvas.get_renderer()
        box = _grade_box(renderer, grade_font)
        placed = [
            _Label.place(angle, renderer.get_text_width_height_descent(text, label_font, ismath=False)[:2], box)
            for angle, text in zip(angles, labels, strict=True)
        ]
        layout = _layout(placed, box)
        fig.set_size_inches(SIZE_PX / DPI, layout.height / DPI)
        ax = fig.add_axes(
            (
                (SIZE_PX / 2 - layout.radius) / SIZE_PX,
                (layout.cy - layout.radius) / layout.height,
                2 * layout.radius / SIZE_PX,
                2 * layout.radius / layout.height,
            ),
            projection="polar",
        )
        assert isinstance(ax, PolarAxes)
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(0, 100)
        ax.set_facecolor("white")

        # Polygonal grid (a spider web) rather than circles: it matches the shape of the data.
        ax.grid(False)
        ax.spines["polar"].set_visible(False)
        ax.set_xticks([])
        ax.set_yticks([])
        ring = [*angles, angles[0]]
        for level in GRID_LEVELS:
            ax.plot(ring, [level] * (count + 1), color=GRID, linewidth=1.6 if level == 100 else 1.0, zorder=1)
        for angle in angles:
            ax.plot([angle, angle], [0, 100], color=GRID, linewidth=1.0, zorder=1)

        closed = [*values, values[0]]
        ax.fill(ring, closed, color=ACCENT, alpha=0.2, zorder=2)
        ax.plot(ring, closed, color=ACCENT, linewidth=3, zorder=3)
        ax.scatter(angles, values, s=70, color=ACCENT, edgecolors="white", linewidths=2, zorder=5)

        # Scale numbers between the first two spokes, haloed so the polygon's edge never hides them.
        halo = [patheffects.withStroke(linewidth=3, foreground="white")]
        for level in GRID_LEVELS:
            ax.text(
                math.pi / count,
                level,
                str(level),
                fontproperties=_font(11),
                color=MUTED,
                ha="center",
                va="center",
                zorder=4,
                path_effects=halo,
            )

        for label, text, value, grade in zip(placed, labels, values, shown, strict=True):
            ax.annotate(
                text,
                xy=(label.angle, 100 + GRADE_OFFSET),
                xytext=(label.dx * 72 / DPI, label.dy * 72 / DPI),
                textcoords="offset points",
                fontproperties=label_font,
                color=INK,
                ha=label.ha,
                va=label.va,
                annotation_clip=False,
                zorder=6,
            )
            ax.text(
                label.angle,
                max(value + GRADE_OFFSET, GRADE_MIN_RADIUS),
                "–" if grade is None else str(grade),
                fontproperties=grade_font,
                color=ACCENT,
                ha="center",
                va="center",
                zorder=7,
                bbox={
                    "boxstyle": f"round,pad={GRADE_BOX_PAD}",
                    "facecolor": "white",
                    "edgecolor": ACCENT,
                    "linewidth": 1.2,
                },
            )

        fig.text(
            0.5,
            1 - TITLE_CENTRE / layout.height,
            title,
            fontproperties=_font(TITLE_SIZE),
            color=INK,
            ha="center",
            va="center",
        )

        buffer = io.BytesIO()
        canvas.print_png(buffer, metadata={"Software": None})
        fig.clear()
    return buffer.getvalue()
