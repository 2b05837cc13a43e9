"""The store's catalogue page (templates/store/_catalogue_body.html), rendered once for what
it shows.

As a board's body (needs/board_page.py): around its cards (store/cards.py), the catalogue is
its search and filters' form, whose choices are the store's licences and years, its count
and its pages' links — the same HTML for every page with the same address, filters, total,
page and choices, in the same language. It is rendered once and kept under a key made of
**everything it shows** (:func:`body`); the data is read for every page, never kept, and a
project entering the store changes the total or the choices, hence the key. The cards go
in a slot.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from inspir_events.aid.projects.stages import OPEN_LICENCES, STAGE_NAMES
from inspir_events.i18n import current_language
from inspir_events.store import queries
from inspir_events.store.queries import FilterChoices, StoreFilters

BODIES_KEPT = 1_024  # about 8 KB each
CARDS_SLOT = "\x00cards\x00"  # where the page's cards go; never in a rendered body


def body(filters: StoreFilters, cards: list[Markup], total: int, page: int, pages: int,
         choices: FilterChoices) -> Markup:
    """The catalogue's content for this page (its cards already rendered, in order)."""
    html = _rendered(current_app._get_current_object(), current_language(),
                     request.script_root, request.path, tuple(request.args.items(multi=True)),
                     filters, total, page, pages, bool(cards), tuple(choices.licences),
                     tuple(choices.years))
    return Markup(html.replace(CARDS_SLOT, "".join(cards), 1))  # noqa: S704  # nosec B704 # our own templates


@lru_cache(maxsize=BODIES_KEPT)
def _rendered(app: Flask, language: str, script_root: str, path: str, args: tuple,
              filters: StoreFilters, total: int, page: int, pages: int, shown: bool,
              licences: tuple[str, ...], years: tuple[int, ...]) -> str:
    """The content's HTML with the cards' slot (rendered in the request, whose application,
    language, address root, path and arguments are in the key)."""
    return render_template(
        "store/_catalogue_body.html", filters=filters, cards=shown,
        cards_slot=Markup(CARDS_SLOT),  # noqa: S704  # nosec B704 # a constant
        total=total, page=page, pages=pages, licences=licences, years=years,
        licence_names=OPEN_LICENCES,
        store_stages=[(stage, _(STAGE_NAMES[stage])) for stage in queries.STORE_STAGES],
        sorts=[(queries.Sort.NEWEST, _("Newest")), (queries.Sort.REPRODUCED, _("Most reproduced"))])
