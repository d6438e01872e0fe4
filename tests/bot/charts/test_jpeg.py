import io

import numpy as np
import pytest
from PIL import Image

from bot.charts.jpeg import pixels_jpeg

from .pictures import assert_jpeg, pixels

ACCENT = (0x16, 0x77, 0xFF)
INK = (0x1F, 0x29, 0x33)


def chart_like():
    """White, a 2 px accent line and a 1 px ink line: the thin coloured edges a chart is made of."""
    rgb = np.full((120, 160, 3), 255, dtype=np.uint8)
    rgb[40:42, 10:150] = ACCENT
    rgb[80:81, 10:150] = INK
    return rgb


def test_thin_coloured_lines_keep_their_colour_and_their_surroundings_stay_clean():
    rgb = chart_like()
    error = np.abs(np.round(pixels(pixels_jpeg(rgb)) * 255) - rgb).max(axis=-1)
    assert error[40:42, 12:148].max() <= 20 and error[80, 12:148].max() <= 20
    assert error[30:50].max() <= 40  # 4:2:0 sampling smears the blue two pixels out: errors of 80 and more
    assert error.mean() < 0.6


@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 13, 3), (240, 320, 3), (240, 320, 4)])
def test_any_size_encodes_to_a_full_colour_jpeg_of_that_size(shape):
    values = np.random.default_rng(1).integers(0, 256, size=shape, dtype=np.uint8)
    assert_jpeg(pixels_jpeg(values), (shape[1], shape[0]))


def test_the_alpha_channel_is_ignored():
    rgb = chart_like()
    rgba = np.dstack([rgb, np.random.default_rng(2).integers(0, 256, size=rgb.shape[:2], dtype=np.uint8)])
    assert pixels_jpeg(rgba) == pixels_jpeg(rgb)


def test_a_strided_view_is_encoded_as_its_pixels():
    """Agg's buffer is passed as it is; a view of part of an array must not read the rest of it."""
    big = np.zeros((60, 80, 4), dtype=np.uint8)
    big[10:50, 20:60, :3] = chart_like()[40:80, 20:60]
    view = big[10:50, 20:60]
    assert pixels_jpeg(view) == pixels_jpeg(view[..., :3].copy())


def test_equal_pixels_give_equal_bytes():
    rgb = chart_like()
    assert pixels_jpeg(rgb) == pixels_jpeg(rgb.copy())
    with Image.open(io.BytesIO(pixels_jpeg(rgb))) as image:
        assert not image.info.get("exif") and "comment" not in image.info  # no metadata that could vary
