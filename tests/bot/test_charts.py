import io
import struct
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.charts import cjk_font_path, radar_png
from scoring.questions import DIMENSION_NAMES, DIMENSIONS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GRADES = [72, 35, 88, 100, 12]


def labels(lang):
    return [DIMENSION_NAMES[d][lang] for d in DIMENSIONS]


def png_chunks(data):
    """Walk the PNG chunk list, checking every CRC, and return the chunk types in order."""
    assert data[:8] == PNG_SIGNATURE
    pos, kinds = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        kinds.append(kind)
        pos += 12 + length
    return kinds


def png_size(data):
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def render_strict(label_list, grades, title):
    """Render with every warning turned into an error, so a missing glyph fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return radar_png(label_list, grades, title)


@pytest.mark.parametrize(
    ("lang", "title"), [("zh", "芝麻分估算 652 · 中等"), ("en", "Estimated Sesame score 652 · Fair")]
)
def test_radar_is_a_phone_sized_png(lang, title):
    data = render_strict(labels(lang), GRADES, title)
    kinds = png_chunks(data)
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    width, height = png_size(data)
    assert width == 800
    assert 400 <= height <= 800
    assert 20_000 < len(data) < 400_000


def test_radar_pixels_show_the_polygon_and_text():
    """Decode the picture: mostly white background, the accent blue of the polygon, dark label ink."""
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(render_strict(labels("zh"), GRADES, "芝麻分")), format="png")
    rgb = pixels[..., :3]
    white = (rgb > 0.97).all(axis=-1).mean()
    blue = ((rgb[..., 2] > 0.85) & (rgb[..., 0] < 0.3)).mean()
    dark = (rgb < 0.25).all(axis=-1).mean()
    assert 0.5 < white < 0.97
    assert blue > 0.002
    assert dark > 0.001


def test_bigger_grades_fill_more_of_the_picture():
    import matplotlib.image

    def fill_share(grades):
        data = radar_png(labels("en"), grades, "t")
        rgb = matplotlib.image.imread(io.BytesIO(data), format="png")[..., :3]
        # The polygon's translucent fill: bluish, clearly not white, not the line itself.
        return ((rgb[..., 2] > 0.9) & (rgb[..., 0] < 0.9) & (rgb[..., 0] > 0.6)).mean()

    assert fill_share([90, 90, 90, 90, 90]) > 3 * fill_share([30, 30, 30, 30, 30])


def test_the_cjk_font_comes_from_mplfonts():
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert "mplfonts" in path.parts


def test_chinese_labels_raise_no_missing_glyph_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        radar_png(labels("zh"), GRADES, "芝麻分估算 · 信用历史 行为偏好 履约能力 身份特质 人脉关系")
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert glyph == []


def test_missing_glyph_detection_works():
    """The check above can fail: Chinese in a font without CJK glyphs does warn."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, "信用历史", family="DejaVu Sans")
        fig.savefig(io.BytesIO(), format="png")
    assert any("Glyph" in str(w.message) and "missing" in str(w.message) for w in caught)


@pytest.mark.parametrize("grades", [[0, 0, 0, 0, 0], [100, 100, 100, 100, 100], [0, 100, 0, 100, 0]])
def test_extreme_grades_render(grades):
    data = render_strict(labels("en"), grades, "Edge")
    assert png_size(data)[0] == 800


def test_other_axis_counts_render():
    assert png_size(render_strict(["a", "b", "c"], [10, 50, 90], "three"))[0] == 800
    assert png_size(render_strict(list("abcdef"), [10, 20, 30, 40, 50, 60], "six"))[0] == 800


@pytest.mark.parametrize("bad", [-1, 101, 250, -100])
def test_grade_outside_0_100_is_rejected(bad):
    with pytest.raises(ValueError, match="0-100"):
        radar_png(labels("en"), [50, 50, bad, 50, 50], "t")


@pytest.mark.parametrize("bad", [50.5, "50", True])
def test_non_integer_grade_is_rejected(bad):
    with pytest.raises(ValueError, match="integer"):
        radar_png(labels("en"), [50, 50, bad, 50, 50], "t")


@pytest.mark.parametrize(
    ("label_list", "grades"),
    [
        (["a", "b", "c", "d", "e"], [1, 2, 3, 4]),
        (["a", "b", "c", "d"], [1, 2, 3, 4, 5]),
        (["a", "b"], [1, 2]),
        ([], []),
    ],
)
def test_wrong_lengths_are_rejected(label_list, grades):
    with pytest.raises(ValueError):
        radar_png(label_list, grades, "t")


def test_concurrent_renders_are_identical():
    """The bot renders in worker threads; concurrent calls must not disturb each other."""
    expected = radar_png(labels("zh"), GRADES, "并发")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: radar_png(labels("zh"), GRADES, "并发"), range(4)))
    assert all(result == expected for result in results)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_dimension_not_asked_yet_renders_without_a_grade(lang):
    """A grade of None ("not asked yet") sits at the centre with a dash, and does not crash."""
    data = render_strict(labels(lang), [63, 25, None, None, None], "t")
    assert png_size(data)[0] == 800
    assert data != render_strict(labels(lang), [63, 25, 0, 0, 0], "t")  # a dash, not a zero
