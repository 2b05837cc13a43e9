"""The public JSON API, ``/api/v1`` (read-only, no login): thin views that parse the query
string, read through :mod:`.queries` (or the store's and the statistics' own queries) and
answer with :mod:`.serializers`' items in :func:`.pagination.envelope`.

Every answer is public (the same rows as the public pages) and carries an ETag and
``Cache-Control: public, max-age=60``, the time the anonymous boards are kept; an error is
``{"error": {"code", "message", "parameter"?}}`` in the request's language, never cached.
The document of every operation is ``/api/v1/openapi.json`` (:mod:`.openapi`).
"""

from __future__ import annotations

from flask import jsonify, request

from inspir_events.aid.projects.queries import STAGES_SHOWN
from inspir_events.aid.projects.stages import Stage
from inspir_events.aid.years import services as aid_years
from inspir_events.api import openapi, queries, serializers
from inspir_events.api.blueprint import bp
from inspir_events.api.pagination import (
    RANGE_MESSAGE,
    ApiError,
    choice,
    code,
    day,
    envelope,
    flag,
    identifier,
    integer,
    invalid,
    not_found,
    page_request,
    text,
)
from inspir_events.discussions import serializers as comment_serializers
from inspir_events.discussions import services as discussions
from inspir_events.discussions import subjects as commented
from inspir_events.events.rules import EventKind
from inspir_events.needs import rules as need_rules
from inspir_events.needs import serializers as need_serializers
from inspir_events.needs.rules import BoardFilters, NeedStatus
from inspir_events.needs.rules import Sort as NeedSort
from inspir_events.stats import queries as stats_queries
from inspir_events.store import queries as store_queries
from inspir_events.store import rules as store_rules

CACHE_SECONDS = 60
BASE = "/api/v1"


def public_json(body, status: int = 200):
    """A public answer: JSON, ETag, cacheable a minute, readable from any origin."""
    response = jsonify(body)
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    if status == 200:
        response.add_etag()
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response.make_conditional(request)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.errorhandler(ApiError)
def api_error(exc: ApiError):
    return public_json(exc.as_json(), exc.status)


# ---- needs -------------------------------------------------------------------------------

def need_filters(args) -> BoardFilters:
    """The boards' filters from the query string (400 for a malformed one)."""
    status = choice(args, "status", [s.value for s in need_rules.BOARD_STATUSES])
    return BoardFilters(
        department=code(args, "department"), theme=code(args, "theme"),
        epci=code(args, "epci"), status=NeedStatus(status) if status else None,
        tag=text(args, "tag", need_rules.TAG_MAX_LENGTH) or None,
        query=text(args, "q"),
        sort=NeedSort(choice(args, "sort", [s.value for s in NeedSort], NeedSort.NEWEST)))


@bp.get(f"{BASE}/needs")
def needs():
    asked = page_request(request.args)
    rows, total, tags = queries.needs(need_filters(request.args), asked.offset, asked.per_page)
    return public_json(envelope([need_serializers.need_item(n, tags.get(n.id, []))
                                 for n in rows], total, asked,
                                "api.needs"))


@bp.get(f"{BASE}/needs/<int:need_id>")
def need(need_id: int):
    found = queries.need(need_id)
    if found is None:
        raise not_found()
    return public_json(need_serializers.need_item(found))


# ---- comments (issue 20 §1) --------------------------------------------------------------

def comments_statement(args):
    """The public comments asked for: of one kind of subject, of one subject (400 for a
    malformed parameter); never hidden or deleted ones, nor those of a subject not public."""
    subject_type = choice(args, "subject_type", list(commented.registered()))
    subject_id = identifier(args, "subject_id")
    return discussions.public_comments_statement(subject_type, subject_id)


@bp.get(f"{BASE}/comments")
def comments():
    asked = page_request(request.args)
    rows, total = queries.page_of(comments_statement(request.args), asked.offset,
                                  asked.per_page)
    return public_json(envelope([comment_serializers.comment_item(c) for c in rows], total,
                                asked, "api.comments"))


# ---- events ------------------------------------------------------------------------------

def event_window(args) -> queries.EventWindow:
    kind = choice(args, "kind", [k.value for k in EventKind])
    starts_from, starts_until = day(args, "from"), day(args, "to")
    if starts_from and starts_until and starts_until < starts_from:
        raise invalid("to", RANGE_MESSAGE, other="from")
    return queries.EventWindow(
        department=code(args, "department"), kind=EventKind(kind) if kind else None,
        epci=code(args, "epci"), theme=code(args, "theme"), labelled_only=flag(args, "labelled"),
        starts_from=starts_from, starts_until=starts_until)


@bp.get(f"{BASE}/events")
def events():
    asked = page_request(request.args)
    rows, total = queries.events(event_window(request.args), asked.offset, asked.per_page)
    labelled = queries.labelled([e.id for e in rows])
    return public_json(envelope([serializers.event_item(e, e.id in labelled) for e in rows],
                                total, asked, "api.events"))


@bp.get(f"{BASE}/events/<int:event_id>")
def event(event_id: int):
    found = queries.event(event_id)
    if found is None:
        raise not_found()
    return public_json(serializers.event_item(found, bool(queries.labelled([found.id]))))


# ---- ideas -------------------------------------------------------------------------------

def _idea_items(rows) -> list[dict]:
    results = queries.closed_results([i.id for i in rows])
    return [serializers.idea_item(i, [serializers.round_result(r, ranked, won)
                                      for r, ranked, won in results.get(i.id, [])])
            for i in rows]


@bp.get(f"{BASE}/ideas")
def ideas():
    asked = page_request(request.args)
    rows, total = queries.ideas(identifier(request.args, "event"),
                                code(request.args, "department"), asked.offset, asked.per_page)
    return public_json(envelope(_idea_items(rows), total, asked, "api.ideas"))


@bp.get(f"{BASE}/ideas/<int:idea_id>")
def idea(idea_id: int):
    found = queries.idea(idea_id)
    if found is None:
        raise not_found()
    return public_json(_idea_items([found])[0])


# ---- projects ----------------------------------------------------------------------------

@bp.get(f"{BASE}/projects")
def projects():
    asked = page_request(request.args)
    stage = choice(request.args, "stage", [s.value for s in STAGES_SHOWN])
    filters = queries.ProjectFilters(stage=Stage(stage) if stage else None,
                                     department=code(request.args, "department"),
                                     theme=code(request.args, "theme"))
    rows, total = queries.projects(filters, asked.offset, asked.per_page)
    granted = queries.granted([p.id for p in rows])
    return public_json(envelope([serializers.project_item(p, granted.get(p.id, 0))
                                 for p in rows], total, asked, "api.projects"))


@bp.get(f"{BASE}/projects/<int:project_id>")
def project(project_id: int):
    found = queries.project(project_id)
    if found is None:
        raise not_found()
    grants = queries.grants(found.id)
    item = serializers.project_item(found, sum(g.amount_cents for g in grants))
    item["history"] = [serializers.move_item(m) for m in queries.moves(found.id)]
    item["grants"] = [serializers.grant_item(g) for g in grants]
    return public_json(item)


# ---- store -------------------------------------------------------------------------------

def store_filters(args) -> store_queries.StoreFilters:
    """The store page's filters (400 for a malformed one, where the page ignores it)."""
    stage = choice(args, "stage", [s.value for s in store_queries.STORE_STAGES])
    sort = choice(args, "sort", [s.value for s in store_queries.Sort],
                  store_queries.Sort.NEWEST.value)
    return store_queries.StoreFilters(
        theme=code(args, "theme"), department=code(args, "department"),
        licence=code(args, "licence"), stage=Stage(stage) if stage else None,
        year=integer(args, "year", None, store_rules.YEAR_MIN, store_rules.YEAR_MAX),
        q=text(args, "q") or None, sort=store_queries.Sort(sort))


@bp.get(f"{BASE}/store")
def store():
    asked = page_request(request.args)
    rows, total = store_queries.store_entries(store_filters(request.args), asked.offset,
                                              asked.per_page)
    if asked.offset >= total:
        rows = []  # the store clamps the offset; the API answers an empty page past the end
    granted = queries.granted([p.id for p in rows])
    return public_json(envelope([serializers.store_item(p, granted.get(p.id, 0))
                                 for p in rows], total, asked, "api.store"))


@bp.get(f"{BASE}/store/<int:project_id>")
def store_entry(project_id: int):
    found = store_queries.store_project(project_id)
    if found is None:
        raise not_found()
    lineage = store_queries.lineage(found)
    item = serializers.store_item(found, lineage.granted_cents)
    item["lineage"] = serializers.store_lineage(lineage)
    return public_json(item)


# ---- statistics --------------------------------------------------------------------------

@bp.get(f"{BASE}/statistics")
def statistics():
    year = choice(request.args, "year", [str(y) for y in aid_years.opened_years()])
    figures = stats_queries.public_statistics(int(year) if year else None)
    return public_json(figures.as_dict())


# ---- the document, and unknown addresses ---------------------------------------------------

@bp.get(f"{BASE}/openapi.json")
def openapi_document():
    return public_json(openapi.document())


@bp.get(f"{BASE}/<path:unknown>")
def unknown(unknown: str):
    """Any other address under /api/v1 answers a JSON 404 (an id that is not a number too)."""
    raise not_found()
