"""Reading a QR code back from a PNG image, as a phone's camera does (zxing-cpp).

segno writes a 1-bit greyscale PNG; it is decoded here with the standard library (zlib
and the five PNG row filters) into an 8-bit grey image that zxing-cpp reads.
"""

from __future__ import annotations

import struct
import zlib

import zxingcpp

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(data: bytes):
    assert data.startswith(PNG_SIGNATURE), "not a PNG image"
    position = len(PNG_SIGNATURE)
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        yield kind, data[position + 8:position + 8 + length]
        position += 12 + length


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def grey_pixels(png: bytes) -> tuple[int, int, bytes]:
    """(width, height, one byte per pixel) of a greyscale PNG (bit depth 1 or 8)."""
    chunks = list(_chunks(png))
    width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert colour == 0 and depth in (1, 8) and not interlace, (colour, depth, interlace)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = (width * depth + 7) // 8
    previous, pixels = bytes(stride), bytearray()
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = row[i - 1] if i else 0
            b, c = previous[i], previous[i - 1] if i else 0
            row[i] = (row[i] + (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]) & 0xFF
        previous = bytes(row)
        if depth == 8:
            pixels += row
        else:
            pixels += bytes(255 if row[x // 8] >> (7 - x % 8) & 1 else 0 for x in range(width))
    return width, height, bytes(pixels)


def decode(png: bytes) -> str:
    """The text of the one QR code in ``png``."""
    width, height, pixels = grey_pixels(png)
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", shape=[height, width]))
    assert len(found) == 1, f"{len(found)} codes found"
    return found[0].text
