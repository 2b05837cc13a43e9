"""Signed, expiring links of accounts: confirming an address, resetting a password.

A token is its payload signed with the application's secret and the time it was made
(itsdangerous, one salt per use: a confirmation token never resets a password). It
cannot be forged or altered; it is refused once older than its use's lifetime. What
makes one *single-use* is its payload: a confirmation names the address it confirms
(void once that address is confirmed or replaced), a reset names the password it
replaces (void once the password changed, by this link or otherwise).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

VERIFY = "inspir-email-verify"
RESET = "inspir-password-reset"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt: str, payload: dict) -> str:
    """A token for ``payload``, for the use named by ``salt``."""
    return _serializer(salt).dumps(payload)


def read(salt: str, token: str, max_age: timedelta) -> dict | None:
    """The payload of a genuine token younger than ``max_age``, or None (forged,
    damaged, expired, made for another use)."""
    try:
        payload = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except (BadSignature, TypeError, ValueError):  # SignatureExpired is a BadSignature
        return None
    return payload if isinstance(payload, dict) else None


def password_stamp(password_hash: str) -> str:
    """A short fingerprint of a password hash: a reset link names the password it
    replaces, so it is void once the password changed (and reveals nothing of it)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]
