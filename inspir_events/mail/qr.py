"""QR codes as PNG images (segno): a ticket's code, drawn on its page and when its message
is sent. Drawing one takes several milliseconds, so a message stores what its code holds
(``Attachment.qr``) and the worker draws it at delivery: the request that writes the
message pays for none of it (issue 17 §7)."""

from __future__ import annotations

import io

import segno

SCALE = 8  # pixels per module: a phone reads it from a screen at arm's length
BORDER = 4  # the quiet zone the standard asks for, in modules


def png(text: str) -> bytes:
    """A PNG image of a QR code holding ``text`` (error correction level M)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=SCALE, border=BORDER)
    return out.getvalue()
