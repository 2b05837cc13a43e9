"""Display names of the money side's values (translated when shown), written once.

Former regions and budget sections are named the same way on every page, form choice
and error message (an envelope's own name: :mod:`inspir_events.aid.envelopes.names`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from inspir_events.aid import rules

REGION_NAMES = {
    rules.FormerRegion.NPDC: _l("Nord-Pas-de-Calais"),
    rules.FormerRegion.PICARDIE: _l("Picardie"),
}
SECTION_NAMES = {
    rules.Section.INVESTMENT: _l("investment"),
    rules.Section.OPERATING: _l("operating"),
}
