"""Reading the pictures the charts make: PNG chunk walk with CRC checks, JPEG marker walk, sizes, pixels."""

import io
import struct
import zlib

import numpy as np
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_START, JPEG_END = b"\xff\xd8", b"\xff\xd9"
BASELINE_FRAME = 0xC0  # SOF0: the baseline frame header, which holds the size and the sampling


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


def assert_png(data, size):
    kinds = png_chunks(data)
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    assert png_size(data) == size


def jpeg_frame(data):
    """Walk the JPEG markers up to the baseline frame header: (width, height, [(h, v) sampling per component])."""
    assert data[:2] == JPEG_START and data.endswith(JPEG_END)
    pos = 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"no marker at {pos}"
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker == BASELINE_FRAME:
            height, width, count = struct.unpack(">HHB", data[pos + 5 : pos + 10])
            components = data[pos + 10 : pos + 10 + 3 * count]
            sampling = [(byte >> 4, byte & 0x0F) for byte in components[1::3]]
            return width, height, sampling
        pos += 2 + length
    raise AssertionError("no baseline frame header")


def assert_jpeg(data, size):
    """A complete baseline JPEG of this size, colour at full resolution (4:4:4), that decodes."""
    width, height, sampling = jpeg_frame(data)
    assert (width, height) == size
    assert sampling == [(1, 1)] * 3  # three components, none subsampled
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.format == "JPEG" and image.mode == "RGB" and image.size == size


def pixels(data):
    """The decoded RGB pixels (PNG or JPEG), floats 0-1, rows from the top."""
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.float64) / 255
