"""Amounts typed in euros, read exactly into integer cents (no Flask, no SQLAlchemy).

Every amount a person types on the money side (an application's lines, a grant,
a delegation) is read here, once: a comma or a point before at most two
decimals, spaces between groups of three digits, an optional "€". Money is
integer cents end to end (:mod:`inspir_events.aid.rules`).
"""

from __future__ import annotations

import re

from inspir_events.aid.rules import N_


class AmountError(ValueError):
    """An amount that cannot be read; ``code`` says why."""

    MESSAGES = {
        "empty": N_("Enter an amount."),
        "negative": N_("The amount cannot be negative."),
        "too_many_decimals": N_("An amount has at most two decimals (cents)."),
        "malformed": N_("Enter an amount in euros, such as 12 500,50."),
    }

    def __init__(self, code: str, text: str = ""):
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.message = self.MESSAGES[code]


_SPACES = "\u0020\u00a0\u202f"  # space, no-break space, narrow no-break space
_EUROS_RE = re.compile(
    rf"(?P<units>\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+)(?:[.,](?P<decimals>\d+))?"
)
AMOUNT_MAX_DIGITS = 13  # 100 billion euros: far beyond any budget, keeps inputs small


def parse_euros(text: str) -> int:
    """Read an amount typed in euros and return it in cents, exactly.

    Accepts a comma or a point before at most two decimals, and spaces or
    (narrow) no-break spaces between groups of three digits, with an optional
    trailing "€": ``"12 500,50"`` -> 1_250_050, ``"0.1"`` -> 10. Refuses, with an
    :class:`AmountError` whose ``code`` says why: an empty text (``empty``), a
    minus sign (``negative``: no amount in the programme is negative), three
    decimals or more such as ``"12,345"`` (``too_many_decimals``: it is
    ambiguous with a thousands separator and cents are the smallest unit), and
    anything else, including a point or comma used as thousands separator,
    badly grouped digits or exponents (``malformed``).
    """
    if not isinstance(text, str):
        raise AmountError("malformed", repr(text))
    cleaned = text.strip(" \t\u00a0\u202f")
    if cleaned.endswith("€"):
        cleaned = cleaned[:-1].rstrip(_SPACES)
    if not cleaned:
        raise AmountError("empty", text)
    if cleaned[0] in "-\u2212":
        raise AmountError("negative", text)
    match = _EUROS_RE.fullmatch(cleaned)
    if match is None:
        raise AmountError("malformed", text)
    units = "".join(ch for ch in match["units"] if ch not in _SPACES)
    decimals = match["decimals"] or ""
    if not (units + decimals).isascii():  # \d also matches other scripts' digits
        raise AmountError("malformed", text)
    if len(decimals) > 2:
        raise AmountError("too_many_decimals", text)
    if len(units.lstrip("0")) > AMOUNT_MAX_DIGITS:
        raise AmountError("malformed", text)
    return int(units) * 100 + int(decimals.ljust(2, "0"))
