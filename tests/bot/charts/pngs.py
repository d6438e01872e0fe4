"""Reading the PNGs the charts make: chunk walk with CRC checks, size, decoded pixels."""

import io
import struct
import zlib

import matplotlib.image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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


def pixels(data):
    """The decoded RGB pixels, floats 0-1, rows from the top."""
    return matplotlib.image.imread(io.BytesIO(data), format="png")[..., :3]
