"""The money rules' violations in the reader's language.

A :class:`~inspir_events.aid.rules.Violation` carries a msgid and raw values; it is
translated where it is shown, once, here: its amounts in cents are formatted as
money ("12 500,00 €" in French) and its rates as percentages ("50 %"). The
simulator, the co-funding application and the project's grants all show them so.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from flask_babel import format_currency, format_percent, gettext

from inspir_events.aid import rules


def _display_params(params: Mapping[str, object]) -> dict[str, object]:
    shown: dict[str, object] = {}
    for key, value in params.items():
        if key.endswith("_cents") and isinstance(value, int):
            shown[key.removesuffix("_cents")] = format_currency(Decimal(value).scaleb(-2), "EUR")
        elif isinstance(value, Fraction):
            shown[key] = format_percent(Decimal(value.numerator) / Decimal(value.denominator))
        else:
            shown[key] = value
    return shown


def message(violation: rules.Violation) -> str:
    """The violation's message in the page's language, its amounts and rates formatted."""
    return gettext(violation.message, **_display_params(violation.params))


def violations_json(violations) -> list[dict[str, str]]:
    """Violations as the JSON answers give them: a stable code and the message."""
    return [{"code": v.code, "message": message(v)} for v in violations]
