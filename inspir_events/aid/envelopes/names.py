"""An envelope's display name and form choice (translated when shown), written once: the
same on the dashboard, every form choice and every error message."""

from __future__ import annotations

from flask_babel import gettext

from inspir_events.aid import rules
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.names import REGION_NAMES, SECTION_NAMES
from inspir_events.i18n import format_cents
from inspir_events.reference.choices import SelectChoice


def envelope_name(envelope: Envelope) -> str:
    """"Picardie · investment 2016", or "Delegated to <holder> · investment 2016"."""
    section = f"{SECTION_NAMES[rules.Section(envelope.section)]} {envelope.year}"
    if envelope.holder_name:
        return gettext("Delegated to %(holder)s", holder=envelope.holder_name) + " · " + section
    return f"{REGION_NAMES[rules.FormerRegion(envelope.former_region)]} · {section}"


def envelope_choice(envelope: Envelope) -> SelectChoice:
    """A form choice: the envelope's name and what remains on it."""
    return SelectChoice(envelope.id, gettext(
        "%(name)s (%(remaining)s left)", name=envelope_name(envelope),
        remaining=format_cents(envelope.remaining_cents)))


def envelope_choices(envelopes) -> list[SelectChoice]:
    """The envelopes as form choices, in their order."""
    return [envelope_choice(envelope) for envelope in envelopes]
