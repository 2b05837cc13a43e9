"""Form choices built from the reference rows, in the page's language."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from inspir_events.i18n import localized
from inspir_events.reference import services


def _with_blank(choices: list[SelectChoice], blank: str | None) -> list[SelectChoice]:
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def departments(blank: str | None = None) -> list[SelectChoice]:
    return _with_blank([SelectChoice(d.code, localized(d)) for d in services.departments()], blank)


def themes(blank: str | None = None) -> list[SelectChoice]:
    return _with_blank([SelectChoice(t.code, localized(t)) for t in services.themes()], blank)


def skills() -> list[SelectChoice]:
    return [SelectChoice(s.code, localized(s)) for s in services.skills()]


def from_labels(labels: dict) -> list[SelectChoice]:
    """Choices from an enum-to-label mapping (KIND_LABELS, ROLE_LABELS...)."""
    return [SelectChoice(key.value, label) for key, label in labels.items()]
