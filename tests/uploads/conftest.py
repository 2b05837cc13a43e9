"""Uploads fixtures: pictures drawn with Pillow (with camera data to strip), decompression
bombs, multipart posts, and the events' and applications' fixtures (re-exported)."""

from __future__ import annotations

import io

from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.aid.conftest import committee, labelled_event  # noqa: F401  (fixtures, re-exported)
from tests.events.conftest import make_event, organiser  # noqa: F401  (fixtures, re-exported)

# EXIF tags a camera writes: Artist, and the GPS information's pointer.
ARTIST, GPS_INFO = 0x013B, 0x8825


def drawn(kind: str = "JPEG", size=(1600, 900), exif: bool = True, mode: str = "RGB") -> bytes:
    """A picture of ``size`` in ``kind``, carrying an artist and a GPS position."""
    image = Image.new(mode, size, "#336699" if mode == "RGB" else 0)
    if mode == "RGB":
        image.paste((230, 57, 70), (0, 0, size[0] // 2, size[1] // 2))
    options = {}
    if exif:
        data = Image.Exif()
        data[ARTIST] = "Jean Photographe"
        data.get_ifd(GPS_INFO)[2] = (50.0, 17.0, 0.0)  # GPSLatitude: Lille
        options["exif"] = data.tobytes()
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue()


def bomb(pixels: int = 400_000_000) -> bytes:
    """A tiny PNG that would decode into ``pixels`` pixels (one bit each, all zero)."""
    side = int(pixels ** 0.5)
    out = io.BytesIO()
    Image.new("1", (side, side), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def post_file(client, url: str, fields: dict, token_from: str | None = None):
    """Post a multipart form as a browser does (a file: ``(bytes, filename)``; the CSRF
    token read from ``token_from``),
    its body encoded in memory (the test client would spool a large one to a temporary
    file it never closes)."""
    fields = {"csrf_token": client.csrf_token(token_from or url),
              **{name: FileStorage(io.BytesIO(value[0]), filename=value[1])
                 if isinstance(value, tuple) else value for name, value in fields.items()}}
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
