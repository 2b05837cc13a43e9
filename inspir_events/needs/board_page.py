"""A board page's body (templates/needs/_board_body.html), rendered once for what it shows.

Around its cards (needs/cards.py), a board's body is its filters' form, its count, its pages'
links, the map of the public needs per department and the open-data links: the same HTML for
every page with the same address, filters, total, page and map figures, in the same
language. Rendering it was the largest part of a signed-in board's own work after its query
(a sixth of the page). It is now rendered once and kept under a key made of **everything it
shows** (:func:`body`): a need published or withdrawn changes the total or the map's figures,
hence the key; the data is read for every page, never kept. The cards go in a slot.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from inspir_events.i18n import current_language
from inspir_events.needs import rules
from inspir_events.needs.forms import SORT_LABELS, STATUS_LABELS, VISIBILITY_LABELS
from inspir_events.needs.rules import BoardFilters
from inspir_events.needs.services import BoardPage
from inspir_events.reference import maps
from inspir_events.reference import services as reference

BODIES_KEPT = 1_024  # about 30 KB each
CARDS_SLOT = "\x00cards\x00"  # where the page's cards go; never in a rendered body


def labels() -> dict:
    """The labels of statuses, sorts and visibilities in the page's language, translated
    once per language and process (each card shows its status: a lazy string would be
    translated again for each; translated for each page, they were a twentieth of the
    signed-in board's own work)."""
    return _labels_in(current_language())


@lru_cache(maxsize=8)
def _labels_in(language: str) -> dict:
    """(translated in the request, whose language is the key)"""
    return {"status_labels": {k: str(v) for k, v in STATUS_LABELS.items()},
            "sort_labels": {k: str(v) for k, v in SORT_LABELS.items()},
            "visibility_labels": {k: str(v) for k, v in VISIBILITY_LABELS.items()},
            "board_statuses": rules.BOARD_STATUSES}


def body(result: BoardPage, filters: BoardFilters, heading: str, fixed: dict,
         cards: list[Markup]) -> str:
    """The board's body for ``result`` (its cards already rendered, in order)."""
    html = _rendered(current_app._get_current_object(), current_language(),
                     request.script_root, request.path,
                     tuple(request.args.items(multi=True)), str(heading),
                     tuple(sorted(fixed.items())), filters, result.total, result.page,
                     result.per_page, bool(result.items),
                     tuple(sorted(result.department_counts.items())))
    return html.replace(CARDS_SLOT, "".join(cards), 1)


@lru_cache(maxsize=BODIES_KEPT)
def _rendered(app: Flask, language: str, script_root: str, path: str, args: tuple, heading: str,
              fixed: tuple, filters: BoardFilters, total: int, page: int, per_page: int,
              shown: bool, counts: tuple) -> str:
    """The body's HTML with the cards' slot (rendered in the request, whose application,
    language, address root, path and arguments are in the key)."""
    departments, themes = reference.departments(), reference.themes()
    region_map = maps.department_map(
        "needs-map", _("Public needs per department"), [maps.Column(_("Needs"), dict(counts))],
        lambda code: url_for("needs.territory", code=code), departments)
    frame = BoardPage([CARDS_SLOT] if shown else [], total, page, per_page, set())
    return render_template(
        "needs/_board_body.html", result=frame, filters=filters, heading=heading,
        fixed=dict(fixed), departments=departments, themes=themes, region_map=region_map,
        cards=[Markup(CARDS_SLOT)], **labels())  # noqa: S704 # nosec B704 # a constant
