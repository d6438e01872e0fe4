import numpy as np
import pytest

from bot.charts.png import rgb_png

from .pngs import assert_png, pixels


@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 13, 3), (240, 320, 3)])
def test_the_png_decodes_to_the_same_pixels(shape):
    rgb = np.random.default_rng(1).integers(0, 256, size=shape, dtype=np.uint8)
    data = rgb_png(rgb)
    assert_png(data, (shape[1], shape[0]))
    assert np.array_equal(np.round(pixels(data) * 255).astype(np.uint8), rgb)


def test_equal_pixels_give_equal_bytes():
    rgb = np.full((50, 60, 3), 200, dtype=np.uint8)
    assert rgb_png(rgb) == rgb_png(rgb.copy())
