import io
import warnings

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.charts.fonts import cjk_font_path, font


def test_the_cjk_font_comes_from_mplfonts():
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert "mplfonts" in path.parts


def test_chinese_in_the_chart_font_raises_no_missing_glyph_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, "信用历史 行为偏好 履约能力 身份特质 人脉关系 未填写 权重 35%", fontproperties=font(12))
        fig.savefig(io.BytesIO(), format="png")
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []


def test_missing_glyph_detection_works():
    """The check above can fail: Chinese in a font without CJK glyphs does warn."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, "信用历史", family="DejaVu Sans")
        fig.savefig(io.BytesIO(), format="png")
    assert any("Glyph" in str(w.message) and "missing" in str(w.message) for w in caught)
