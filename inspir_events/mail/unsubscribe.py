"""One-click unsubscribe (RFC 8058): a signed link per person and kind of message.

A non-essential message carries ``List-Unsubscribe: <https://.../mail/unsubscribe/TOKEN>``
and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``: the mail client POSTs to the
link, without a session or a form, and the person no longer receives that kind (their
preference becomes "never"). Opening the link (GET) only shows a page with the button.

The token is the person's account number and the kind, signed with the application's
secret (itsdangerous): it cannot be forged or changed to another person, and it does
not expire (an unsubscribe link in an old message must keep working).
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from inspir_events.mail.rendering import absolute_url

SALT = "inspir-mail-unsubscribe"
ONE_CLICK = "List-Unsubscribe=One-Click"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token(user_id: int, kind: str) -> str:
    """The signed token naming ``user_id`` and ``kind``."""
    return _serializer().dumps([user_id, kind])


def read(value: str) -> tuple[int, str] | None:
    """(user id, kind) of a genuine token, or None (forged, damaged, not ours)."""
    try:
        user_id, kind = _serializer().loads(value)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind


def link(user_id: int, kind: str) -> str:
    """The absolute unsubscribe link of ``user_id`` for ``kind``."""
    return absolute_url("mail.unsubscribe", token=token(user_id, kind))


def headers(user_id: int, kind: str) -> dict[str, str]:
    """The RFC 2369 / RFC 8058 headers of a non-essential message."""
    return {"List-Unsubscribe": f"<{link(user_id, kind)}>", "List-Unsubscribe-Post": ONE_CLICK}
