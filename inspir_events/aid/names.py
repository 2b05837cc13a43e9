"""Display names of the money side's values (translated when shown), written once.

Former regions, budget sections and envelopes are named the same way on every
page, form choice and error message.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from inspir_events.aid import rules
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.i18n import format_cents
from inspir_events.reference.choices import SelectChoice

REGION_NAMES = {
    rules.FormerRegion.NPDC: _l("Nord-Pas-de-Calais"),
    rules.FormerRegion.PICARDIE: _l("Picardie"),
}
SECTION_NAMES = {
    rules.Section.INVESTMENT: _l("investment"),
    rules.Section.OPERATING: _l("operating"),
}


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
