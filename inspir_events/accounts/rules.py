"""Account rules as plain values (no Flask, no SQLAlchemy).

Passwords follow ASVS 2.1 / NIST SP 800-63B: at least 12 characters, at most
128, no composition rules.
"""

from __future__ import annotations

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
DISPLAY_NAME_MAX_LENGTH = 80
BIO_MAX_LENGTH = 500
EMAIL_MAX_LENGTH = 254


def normalise_email(email: str) -> str:
    """The stored form of an address: trimmed and lower-cased (unique case-insensitively)."""
    return email.strip().lower()
