"""What an uploaded file may be (issue 20 §4), as plain rules: no Flask, no Pillow.

Pictures (an event's, a project's, a support structure's): JPEG, PNG or WebP, at most
5 MB, described by an alternative text (RGAA 4.1, criterion 1.1), re-encoded at a few
widths. Documents (a co-funding application's budget, statutes, bank details): PDF, at
most 10 MB each. A file is judged by its bytes, never by the name or type the browser
sends.
"""

from __future__ import annotations

import hashlib
import re

IMAGE_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Pillow's own guard against decompression bombs (Image.MAX_IMAGE_PIXELS): a picture
# larger than this is refused before it is decoded. 40 megapixels is a 7,700 x 5,200
# photograph, beyond any camera people use for an event.
MAX_PIXELS = 40_000_000
# The widths served (srcset); a picture narrower than one is not enlarged.
WIDTHS = (320, 640, 1280)
ALT_MAX = 250

# Pillow's format name -> (the file's extension, its Content-Type).
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {ext: content_type for ext, content_type in IMAGE_FORMATS.values()}
CONTENT_TYPES["pdf"] = "application/pdf"

# A stored file's name: the SHA-256 of its bytes and its extension, nothing the client sent.
NAME_RE = re.compile(r"^[0-9a-f]{64}\.(jpg|png|webp|pdf)$")
PDF_MAGIC = b"%PDF-"


def content_name(data: bytes, extension: str) -> str:
    """The name a file is stored under: the hash of its content, so the same bytes have
    one name, a name never holds other bytes (served with an immutable cache), and
    nothing of the client's file name reaches the disk."""
    if extension not in CONTENT_TYPES:
        raise ValueError(f"unknown extension {extension!r}")
    return f"{hashlib.sha256(data).hexdigest()}.{extension}"


def valid_name(name: str) -> bool:
    return bool(NAME_RE.match(name or ""))


def content_type(name: str) -> str:
    return CONTENT_TYPES[name.rsplit(".", 1)[1]]


def widths_for(width: int) -> list[int]:
    """The widths a picture ``width`` pixels wide is served at: each standard width it
    reaches, and its own width when it is narrower than the smallest."""
    widths = [w for w in WIDTHS if w <= width]
    return widths or [width]


def is_pdf(data: bytes) -> bool:
    """A PDF starts with ``%PDF-`` (ISO 32000-1, 7.5.2; readers allow it within the
    first 1,024 bytes, we do not: a file that hides something before is refused)."""
    return data.startswith(PDF_MAGIC)


def too_large(size: int, limit: int) -> bool:
    return size > limit


def megabytes(limit: int) -> int:
    return limit // (1024 * 1024)
