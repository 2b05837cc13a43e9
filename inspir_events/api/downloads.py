"""The open data downloads page (``/open-data``) and the downloads it adds.

« Les diffuser »: needs, events, the innovation store and the granted aid are published
as open data, CSV (UTF-8, comma, safe from spreadsheet formulas through
:func:`inspir_events.opendata.csv_response`) and JSON, under the Licence Ouverte /
Etalab 2.0. The needs (``/needs.csv|json``) and the granted aid in the SCDL
« subventions » format (``/aid/open-data/subventions.csv|json``) have their downloads in
their own features; this module adds ``/events.csv|json`` and ``/store.csv|json``, built
from the API's serializers so that a CSV, its JSON and the API always agree.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from inspir_events.aid.opendata import scdl
from inspir_events.api import queries, serializers
from inspir_events.api.blueprint import bp
from inspir_events.api.routes import comments_statement, event_window, public_json, store_filters
from inspir_events.discussions import serializers as comment_serializers
from inspir_events.extensions import db
from inspir_events.needs import serializers as need_serializers
from inspir_events.opendata import csv_response
from inspir_events.store import queries as store_queries

LICENCE_NAME = "Licence Ouverte / Etalab 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
SCDL_URL = "https://schema.data.gouv.fr/scdl/subventions/"


def _event_items() -> list[dict]:
    rows = queries.all_events(event_window(request.args))
    labelled = queries.labelled([e.id for e in rows])
    return [serializers.event_item(e, e.id in labelled) for e in rows]


def _store_items() -> list[dict]:
    filters = store_filters(request.args)
    items, offset = [], 0
    while True:
        rows, total = store_queries.store_entries(filters, offset, store_queries.MAX_LIMIT)
        if offset >= total:
            break
        granted = queries.granted([p.id for p in rows])
        items += [serializers.store_item(p, granted.get(p.id, 0)) for p in rows]
        offset += len(rows)
    return items


def _csv(items: list[dict], columns, filename: str):
    return csv_response(columns, (serializers.csv_row(i, columns) for i in items), filename)


@bp.get("/events.csv")
def events_csv():
    """Every published (or cancelled) event, past and upcoming; the API's filters apply."""
    return _csv(_event_items(), serializers.EVENT_COLUMNS, "inspir-events.csv")


@bp.get("/events.json")
def events_json():
    items = _event_items()
    return public_json({"count": len(items), "events": items})


@bp.get("/store.csv")
def store_csv():
    """Every entry of the innovation store; the API's (and the store page's) filters apply."""
    return _csv(_store_items(), serializers.STORE_COLUMNS, "inspir-store.csv")


@bp.get("/store.json")
def store_json():
    items = _store_items()
    return public_json({"count": len(items), "store": items})


def _comment_items() -> list[dict]:
    statement = comments_statement(request.args).execution_options(yield_per=500)
    return [comment_serializers.comment_item(c) for c in db.session.scalars(statement)]


@bp.get("/comments.csv")
def comments_csv():
    """Every public comment (issue 20 §1), without its author; the API's filters apply."""
    return _csv(_comment_items(), comment_serializers.COMMENT_COLUMNS, "inspir-comments.csv")


@bp.get("/comments.json")
def comments_json():
    items = _comment_items()
    return public_json({"count": len(items), "comments": items})


# ---- the page ----------------------------------------------------------------------------

def _columns(names, described: dict) -> list[tuple[str, str]]:
    return [(name, described.get(name, "")) for name in names]


COMMON = {
    "id": _l("Identifier on the platform."),
    "title": _l("Title."),
    "department": _l("Department code (02, 59, 60, 62, 80)."),
    "theme": _l("Theme code."),
    "status": _l("Status."),
    "created_at": _l("Creation date and time (ISO 8601, UTC)."),
    "url": _l("Address of its page."),
}
NEED_DESCRIPTIONS = {**COMMON,
                     "description": _l("Description (Markdown)."),
                     "former_region": _l("Former region: NPDC or PICARDIE."),
                     "commune": _l("Commune, when given."),
                     "commune_code": _l("Its INSEE code, when the commune is in the list "
                                        "of the region's communes."),
                     "tags": _l("Tags, separated by « ; »."),
                     "supporters_count": _l("Number of supporters (« moi aussi »).")}
EVENT_DESCRIPTIONS = {**COMMON,
                      "kind": _l("Kind of event."),
                      "run_by": _l("region (run by the Region) or third_party."),
                      "starts_at": _l("Start (ISO 8601, UTC)."),
                      "ends_at": _l("End (ISO 8601, UTC)."),
                      "venue_name": _l("Venue."), "venue_address": _l("Venue's address."),
                      "venue_commune": _l("Venue's commune."),
                      "venue_commune_code": _l("Its INSEE code, when the commune is in "
                                               "the list of the region's communes."),
                      "themes": _l("Theme codes, separated by « ; »."),
                      "capacity": _l("Places (empty: no limit)."),
                      "confirmed_count": _l("Confirmed registrations."),
                      "labelled": _l("1 when the event holds the INS'pir label."),
                      "need_ids": _l("Public needs it addresses, separated by « ; »."),
                      "ical_url": _l("Its iCalendar file.")}
COMMENT_DESCRIPTIONS = {
    "id": COMMON["id"],
    "subject_type": _l("What it is about: need, idea or project (a store entry is a project)."),
    "subject_id": _l("The identifier of that need, idea or project."),
    "parent_id": _l("The comment it answers, for a reply."),
    "body": _l("Text (Markdown)."),
    "created_at": COMMON["created_at"],
    "edited_at": _l("When its author last edited it (ISO 8601, UTC)."),
    "url": COMMON["url"],
}
STORE_DESCRIPTIONS = {**COMMON,
                      "stage": _l("diffusion, or abandonne (stopped, with lessons learned)."),
                      "origin": _l("round_winner or proposal."),
                      "licence": _l("Open licence (SPDX identifier)."),
                      "repository_url": _l("Public repository or documentation."),
                      "need_id": _l("The need it answers."),
                      "event_id": _l("The event where its idea was born."),
                      "idea_id": _l("The idea it comes from."),
                      "vote_rank": _l("Rank at the vote."), "vote_count": _l("Votes received."),
                      "granted_cents": _l("Aid granted, in cents of euro."),
                      "reproductions_count": _l("People who want to reproduce it."),
                      "stage_changed_at": _l("When it reached its stage (ISO 8601, UTC)."),
                      "results": _l("Results (Markdown)."),
                      "lessons": _l("Lessons learned (Markdown).")}


@bp.get("/open-data")
def open_data():
    """What the platform publishes, with its columns, licence and last update."""
    updated = queries.last_updates()
    datasets = [
        {"key": "needs", "title": _l("Needs"),
         "description": _l("The public needs of the boards (never hidden, pending or withdrawn "
                           "ones)."),
         "csv": ("needs.export_csv", {}), "json": ("needs.export_json", {}),
         "columns": _columns(need_serializers.NEED_COLUMNS, NEED_DESCRIPTIONS),
         "updated": updated.get("needs")},
        {"key": "events", "title": _l("Events"),
         "description": _l("Published events, past and upcoming (cancelled ones with that "
                           "status)."),
         "csv": ("api.events_csv", {}), "json": ("api.events_json", {}),
         "columns": _columns(serializers.EVENT_COLUMNS, EVENT_DESCRIPTIONS),
         "updated": updated.get("events")},
        {"key": "store", "title": _l("Innovation store"),
         "description": _l("Experiments in diffusion and those stopped with their lessons "
                           "learned."),
         "csv": ("api.store_csv", {}), "json": ("api.store_json", {}),
         "columns": _columns(serializers.STORE_COLUMNS, STORE_DESCRIPTIONS),
         "updated": updated.get("store")},
        {"key": "comments", "title": _l("Comments"),
         "description": _l("Public comments on needs, ideas and projects, without their "
                           "authors' names (never hidden or deleted ones)."),
         "csv": ("api.comments_csv", {}), "json": ("api.comments_json", {}),
         "columns": _columns(comment_serializers.COMMENT_COLUMNS, COMMENT_DESCRIPTIONS),
         "updated": updated.get("comments")},
        {"key": "subventions", "title": _l("Granted aid (SCDL « subventions »)"),
         "description": _l("One row per decision, in the national format of public "
                           "subsidies; amounts in euros with a decimal point."),
         "csv": ("aid.subventions_csv", {}), "json": ("aid.subventions_json", {}),
         "columns": [(name, "") for name in scdl.COLUMNS], "schema_url": SCDL_URL,
         "updated": updated.get("subventions")},
    ]
    return render_template("api/open_data.html", datasets=datasets, licence_name=LICENCE_NAME,
                           licence_url=LICENCE_URL)
