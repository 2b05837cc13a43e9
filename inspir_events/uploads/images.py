"""Pictures read from their bytes and re-encoded with Pillow (issue 20 §4).

A picture is opened from its bytes only (the extension and the type the browser sends
are ignored), must be JPEG, PNG or WebP, and at most :data:`rules.MAX_PIXELS` pixels:
Pillow refuses larger ones before decoding them (``DecompressionBombError``, and its
warning turned into a refusal), so a small file that would inflate into gigabytes is
refused. It is then decoded in full (a truncated or forged file fails there), turned
upright from its EXIF orientation, and written again at each width of
:func:`rules.widths_for`, in its own format: the new files carry no EXIF, no XMP, no
ICC profile, no comment, nothing the camera or the editor wrote (GPS positions
included).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from inspir_events.uploads import rules
from inspir_events.uploads.errors import UploadRefused

# Pillow plugins beyond these three are never asked to read what people send.
ACCEPTED = tuple(rules.IMAGE_FORMATS)
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 82, "method": 4},
}


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class PreparedImage:
    """A checked picture: its format's extension and its renditions, smallest first."""

    extension: str
    width: int
    height: int
    renditions: list[Rendition]


def _refused(message) -> UploadRefused:
    return UploadRefused(message, field="image")


def _open(data: bytes) -> Image.Image:
    """The decoded picture, or a refusal saying why."""
    Image.MAX_IMAGE_PIXELS = rules.MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Between MAX_PIXELS and twice as much Pillow only warns: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(_l("This picture is too large in pixels (at most %(count)s million): "
                          "make it smaller and send it again.",
                          count=rules.MAX_PIXELS // 1_000_000)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refused(_l("This file is not a JPEG, PNG or WebP picture, whatever its name "
                          "says.")) from None
    return image


def _ready_to_save(image: Image.Image, kind: str) -> Image.Image:
    if kind == "JPEG":
        return image.convert("RGB") if image.mode != "RGB" else image
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return image


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    # Only the pixels are written: no exif=, icc_profile=, pnginfo= (nothing is carried).
    image.save(out, format=kind, **SAVE_OPTIONS[kind])
    return out.getvalue()


def prepare(data: bytes) -> PreparedImage:
    """Check ``data`` and re-encode it at each width; raises :class:`UploadRefused`."""
    if not data:
        raise _refused(_l("Choose a picture to send."))
    if rules.too_large(len(data), rules.IMAGE_MAX_BYTES):
        raise _refused(_l("This picture weighs more than %(size)s MB.",
                          size=rules.megabytes(rules.IMAGE_MAX_BYTES)))
    image = _open(data)
    kind = image.format
    upright = ImageOps.exif_transpose(image)
    upright.info.clear()
    width, height = upright.size
    renditions = []
    for target in rules.widths_for(width):
        copy = upright if target == width else upright.resize(
            (target, max(1, round(height * target / width))), Image.Resampling.LANCZOS)
        copy = _ready_to_save(copy, kind)
        renditions.append(Rendition(copy.width, copy.height, _encode(copy, kind)))
    return PreparedImage(rules.IMAGE_FORMATS[kind][0], width, height, renditions)
