"""The fonts every chart uses: Noto Sans CJK SC from ``mplfonts``, registered once.

A user's phone then shows the same glyphs the tests checked, not tofu boxes. Latin falls back to
DejaVu Sans only for glyphs Noto lacks.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import mplfonts
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

#: Matplotlib's text layout and font caches are shared by every figure in the process, and a
#: radar's background figure is reused by every chart with its labels: every chart draws under
#: this one lock, so renders in worker threads never interleave.
RENDER_LOCK = threading.Lock()

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FAMILY = "Noto Sans CJK SC"
LATIN_FALLBACK = "DejaVu Sans"


def cjk_font_path() -> Path:
    """Where ``mplfonts`` keeps Noto Sans CJK SC; a missing file is an installation error."""
    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{CJK_FONT_FILE} not found in the mplfonts package ({path.parent})")
    return path


@lru_cache(maxsize=1)
def _font_family() -> tuple[str, ...]:
    font_manager.fontManager.addfont(str(cjk_font_path()))
    return (CJK_FAMILY, LATIN_FALLBACK)


@lru_cache(maxsize=64)
def font(size: float) -> FontProperties:
    """The chart face at ``size`` points (mplfonts ships the Regular weight only: no bold)."""
    return FontProperties(family=list(_font_family()), size=size)
