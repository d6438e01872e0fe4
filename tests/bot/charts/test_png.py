import io

import matplotlib.image
import numpy as np
import pytest

from bot.charts.png import pixels_png

from .pictures import assert_png


@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 13, 3), (240, 320, 3), (1, 1, 4), (240, 320, 4)])
def test_the_png_decodes_to_the_same_pixels(shape):
    values = np.random.default_rng(1).integers(0, 256, size=shape, dtype=np.uint8)
    data = pixels_png(values)
    assert_png(data, (shape[1], shape[0]))
    decoded = matplotlib.image.imread(io.BytesIO(data), format="png")
    assert np.array_equal(np.round(decoded * 255).astype(np.uint8), values)


def test_equal_pixels_give_equal_bytes():
    rgb = np.full((50, 60, 3), 200, dtype=np.uint8)
    assert pixels_png(rgb) == pixels_png(rgb.copy())
