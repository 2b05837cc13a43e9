"""The OpenAPI 3.1 document of every ``/api/v1`` operation, written as Python data.

Kept true by tests: one walks ``app.url_map`` and fails when an ``/api/v1`` route is
missing here or documented but absent; schemathesis calls every operation documented
here and checks each answer against its schema (``tests/api/test_schemathesis.py``).
Item schemas say ``additionalProperties: false``: a field added to a serializer must be
documented here, or the tests fail.
"""

from __future__ import annotations

from inspir_events.aid.projects import following as project_following
from inspir_events.aid.projects.queries import STAGES_SHOWN
from inspir_events.aid.projects.stages import Stage
from inspir_events.aid.years import services as aid_years
from inspir_events.api.pagination import (
    CODE_PATTERN,
    PAGE_MAX,
    PER_PAGE_DEFAULT,
    PER_PAGE_MAX,
    QUERY_MAX,
)
from inspir_events.database import ID_MAX
from inspir_events.events.rules import EventKind, EventStatus, RunBy
from inspir_events.labels.charter import SubjectType
from inspir_events.needs import following as need_following
from inspir_events.needs import rules as need_rules
from inspir_events.store import queries as store_queries
from inspir_events.store import rules as store_rules
from inspir_events.voting import commenting as idea_commenting

TITLE = "INS'pir Events public API"
VERSION = "1.0.0"


# ---- schema helpers ------------------------------------------------------------------------

def _nullable(schema: dict) -> dict:
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
BOOLEAN = {"type": "boolean"}
DATE_TIME = {"type": "string", "format": "date-time"}
URI = {"type": "string", "format": "uri"}
ID = {"type": "integer", "minimum": 1}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, optional: tuple[str, ...] = ()) -> dict:
    """A closed object: every property required except ``optional``."""
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": [name for name in properties if name not in optional]}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def enum(values) -> dict:
    return {"type": "string", "enum": [str(v) for v in values]}


def page_of(item: str) -> dict:
    return obj({"items": array(ref(item)), "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
                "total": COUNT, "next": _nullable(URI)})


# ---- item schemas ----------------------------------------------------------------------------

NEED = obj({
    "id": ID, "title": STRING, "description": STRING, "department": STRING,
    "former_region": STRING, "commune": _nullable(STRING),
    "commune_code": _nullable(STRING), "theme": STRING,
    "status": enum(s.value for s in need_rules.BOARD_STATUSES), "tags": array(STRING),
    "supporters_count": COUNT, "created_at": DATE_TIME, "url": URI,
})

EVENT = obj({
    "id": ID, "title": STRING, "kind": enum(k.value for k in EventKind),
    "status": enum(s.value for s in EventStatus if s != EventStatus.DRAFT),
    "run_by": enum(r.value for r in RunBy), "description": STRING,
    "starts_at": DATE_TIME, "ends_at": DATE_TIME, "venue_name": STRING,
    "venue_address": STRING, "venue_commune": STRING,
    "venue_commune_code": _nullable(STRING), "department": STRING,
    "themes": array(STRING), "capacity": _nullable({"type": "integer", "minimum": 1}),
    "confirmed_count": COUNT, "labelled": BOOLEAN, "need_ids": array(ID), "url": URI,
    "ical_url": URI,
})

ROUND_RESULT = obj({
    "round_id": ID, "round_title": STRING, "closed_at": _nullable(DATE_TIME),
    "rank": {"type": "integer", "minimum": 1}, "votes": COUNT, "tied": BOOLEAN,
    "winner": BOOLEAN, "url": URI,
})

IDEA = obj({
    "id": ID, "title": STRING, "summary": STRING, "event_id": ID, "event_title": STRING,
    "team": _nullable(STRING), "need_id": _nullable(ID), "created_at": DATE_TIME,
    "results": array(ref("RoundResult")), "url": URI,
})

_PROJECT_FIELDS = {
    "id": ID, "title": STRING, "summary": STRING, "stage": enum(s.value for s in STAGES_SHOWN),
    "origin": STRING, "department": _nullable(STRING), "theme": _nullable(STRING),
    "licence": _nullable(STRING), "repository_url": _nullable(STRING),
    "need_id": _nullable(ID), "event_id": _nullable(ID), "idea_id": _nullable(ID),
    "vote_rank": _nullable(INTEGER), "vote_count": _nullable(INTEGER),
    "granted_cents": COUNT, "reproductions_count": COUNT, "created_at": DATE_TIME,
    "stage_changed_at": DATE_TIME, "url": URI,
}

GRANT = obj({"kind": STRING, "year": INTEGER, "reference": STRING,
             "amount_cents": {"type": "integer", "minimum": 1}, "decided_at": DATE_TIME})
MOVE = obj({"from_stage": _nullable(enum(s.value for s in Stage)),
            "to_stage": enum(s.value for s in Stage), "decided_at": DATE_TIME})
PROJECT = obj(_PROJECT_FIELDS)
PROJECT_DETAIL = obj({**_PROJECT_FIELDS, "history": array(ref("Move")),
                      "grants": array(ref("Grant"))})

_STORE_FIELDS = {**_PROJECT_FIELDS,
                 "stage": enum(s.value for s in store_queries.STORE_STAGES),
                 "results": STRING, "lessons": STRING}
STORE_ENTRY = obj(_STORE_FIELDS)
LINEAGE = obj({
    "need": _nullable(obj({"id": ID, "title": STRING, "supporters_count": COUNT})),
    "event": _nullable(obj({"id": ID, "title": STRING, "starts_at": DATE_TIME,
                            "venue_commune": STRING, "department": STRING})),
    "vote": _nullable(obj({"round_title": _nullable(STRING), "rank": INTEGER,
                           "votes": _nullable(INTEGER), "ideas_count": _nullable(INTEGER)})),
    "team": array(obj({"name": STRING, "role": STRING})),
    "support_structure": _nullable(STRING),
    "history": array(ref("Move")),
    "grants": array(ref("Grant")),
})
STORE_ENTRY_DETAIL = obj({**_STORE_FIELDS, "lineage": LINEAGE})

_COUNTS = array(obj({"code": STRING, "count": COUNT}))
STATISTICS = obj({
    "needs": obj({"total": COUNT, "by_department": _COUNTS, "by_theme": _COUNTS,
                  "by_epci": _COUNTS}),
    "events": obj({"held": COUNT, "by_department": _COUNTS, "by_kind": _COUNTS,
                   "by_epci": _COUNTS}),
    "participants": obj({"total": COUNT, "by_event_kind": _COUNTS}),
    "ideas": obj({"total": COUNT, "in_closed_rounds": COUNT}),
    "projects": obj({"total": COUNT, "by_stage": _COUNTS, "by_department": _COUNTS,
                     "by_epci": _COUNTS}),
    "money": obj({"year": INTEGER, "years": array(INTEGER), "amount_cents": COUNT,
                  "committed_cents": COUNT, "granted_cents": COUNT,
                  "envelopes": array(obj({
                      "id": ID, "former_region": STRING, "section": STRING,
                      "amount_cents": COUNT, "committed_cents": COUNT,
                      "granted_cents": COUNT}))}),
    "evaluation": ref("Evaluation"),
})

_TALLY = obj({"count": COUNT, "amount_cents": COUNT})
# The programme's evaluation of the budget year (inspir_events/stats/evaluation.py).
EVALUATION = obj({
    "year": INTEGER,
    "labels": array(obj({"subject": enum(s.value for s in SubjectType), "asked": COUNT,
                         "granted": COUNT, "refused": COUNT})),
    "cofunding": obj({"asked": _TALLY, "granted": _TALLY, "refused": _TALLY,
                      "awaiting": COUNT}),
    "funnel": obj({"needs": COUNT, "with_event": COUNT, "with_idea": COUNT,
                   "with_project": COUNT}),
    "projects": obj({"diffused": COUNT, "stopped": COUNT}),
    "reproductions": obj({"declarations": COUNT, "projects": COUNT}),
    "oriented": array(obj({"programme": STRING, "count": COUNT})),
    "teams": obj({"members": COUNT, "inhabitants_or_future_users": COUNT, "teams": COUNT,
                  "teams_with_inhabitants_or_future_users": COUNT}),
    "aid_by_department": array(obj({"code": STRING, "grants": COUNT,
                                    "amount_cents": COUNT})),
})

ERROR = obj({"error": obj({"code": enum(("invalid_parameter", "not_found")),
                           "message": STRING, "parameter": STRING}, optional=("parameter",))})

VIOLATION = obj({"code": STRING, "message": STRING})
COFUNDING_VERDICT = obj({"eligible": BOOLEAN, "max_region_share_cents": INTEGER,
                         "year": INTEGER, "rules_version": INTEGER,
                         "violations": array(ref("Violation"))})
GRANT_VERDICT = obj({"eligible": BOOLEAN, "max_operating_cents": INTEGER,
                     "max_investment_cents": INTEGER, "max_structure_cents": INTEGER,
                     "year": INTEGER, "rules_version": INTEGER,
                     "violations": array(ref("Violation"))})
REFUSED_CHECK = obj({"eligible": {"const": False}, "violations": array(ref("Violation"))})

# The subjects people comment on (issue 20 §1): a store entry is a project.
COMMENT_SUBJECT_TYPES = (need_following.SUBJECT_TYPE, idea_commenting.SUBJECT_TYPE,
                         project_following.SUBJECT_TYPE)
COMMENT = obj({
    "id": ID, "subject_type": enum(COMMENT_SUBJECT_TYPES), "subject_id": ID,
    "parent_id": _nullable(ID), "body": STRING, "created_at": DATE_TIME,
    "edited_at": _nullable(DATE_TIME), "url": URI,
})

SCHEMAS = {
    "Comment": COMMENT, "CommentPage": page_of("Comment"),
    "Need": NEED, "NeedPage": page_of("Need"),
    "Event": EVENT, "EventPage": page_of("Event"),
    "RoundResult": ROUND_RESULT, "Idea": IDEA, "IdeaPage": page_of("Idea"),
    "Grant": GRANT, "Move": MOVE,
    "Project": PROJECT, "ProjectDetail": PROJECT_DETAIL, "ProjectPage": page_of("Project"),
    "StoreEntry": STORE_ENTRY, "StoreEntryDetail": STORE_ENTRY_DETAIL,
    "StorePage": page_of("StoreEntry"),
    "Statistics": STATISTICS, "Evaluation": EVALUATION, "Error": ERROR,
    "Violation": VIOLATION, "CofundingVerdict": COFUNDING_VERDICT,
    "GrantVerdict": GRANT_VERDICT, "RefusedCheck": REFUSED_CHECK,
}


# ---- parameters and operations ---------------------------------------------------------------

def query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema}


def path_id(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": f"The {what}'s id.",
            "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}


PAGING = [
    query("page", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1},
          "Page number, from 1."),
    query("per_page", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX,
                       "default": PER_PAGE_DEFAULT}, "Items per page (at most 100)."),
]
CODE = {"type": "string", "pattern": f"^{CODE_PATTERN}$"}
DEPARTMENT = query("department", CODE, "Department code (02, 59, 60, 62, 80).")
EPCI = query("epci", CODE, "An intercommunality's SIREN: the items of its communes.")
THEME = query("theme", CODE, "Theme code.")
SEARCH = query("q", {"type": "string", "maxLength": QUERY_MAX},
               "Words to find (accents and case ignored; every word must match).")


def json_content(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def responses(ok: str, description: str, *, not_found: bool = False,
              error: str = "Error") -> dict:
    answers = {"200": {"description": description, **json_content(ref(ok))},
               "400": {"description": "A malformed or out-of-range parameter.",
                       **json_content(ref(error))}}
    if not_found:
        answers["404"] = {"description": "Unknown, or not public.", **json_content(ref(error))}
    return answers


def operation(op_id: str, summary: str, parameters: list, answers: dict, tag: str) -> dict:
    return {"get": {"operationId": op_id, "summary": summary, "tags": [tag],
                    "parameters": parameters, "responses": answers}}


def _cents(name: str, description: str, required: bool = False) -> dict:
    return query(name, {"type": "integer", "minimum": -(10**15 - 1), "maximum": 10**15 - 1},
                 description, required)


YEAR_CHECK = query("year", {"type": "string", "pattern": "^[0-9]{4}$"},
                   "Budget year of the rules (default: the latest in force; a year without "
                   "rules answers 404 unknown_year).")

PATHS = {
    "/api/v1/needs": operation("listNeeds", "Public needs of the boards", [
        *PAGING, DEPARTMENT, EPCI, THEME,
        query("status", enum(s.value for s in need_rules.BOARD_STATUSES), "Need status."),
        query("tag", {"type": "string", "maxLength": need_rules.TAG_MAX_LENGTH}, "A tag."),
        SEARCH,
        query("sort", enum(s.value for s in need_rules.Sort), "newest (default) or supported."),
    ], responses("NeedPage", "A page of public needs."), "needs"),
    "/api/v1/needs/{need_id}": operation(
        "getNeed", "One public need", [path_id("need_id", "need")],
        responses("Need", "The need.", not_found=True), "needs"),
    "/api/v1/comments": operation("listComments", "Public comments, without their authors", [
        *PAGING, query("subject_type", enum(COMMENT_SUBJECT_TYPES), "Kind of subject."),
        query("subject_id", {"type": "integer", "minimum": 1, "maximum": ID_MAX},
              "Only the comments of this subject."),
    ], responses("CommentPage", "A page of comments (never hidden or deleted ones, nor "
                                "those of a page that is not public), oldest first; no "
                                "author's name or id."), "comments"),
    "/api/v1/events": operation("listEvents", "Published (and cancelled) events", [
        *PAGING, DEPARTMENT, EPCI, THEME,
        query("kind", enum(k.value for k in EventKind), "Kind of event."),
        query("labelled", {"type": "integer", "enum": [0, 1]}, "1: INS'pir-labelled only."),
        query("from", {"type": "string", "format": "date"},
              "Events still running on this day (Europe/Paris) or later."),
        query("to", {"type": "string", "format": "date"},
              "Events starting on this day (Europe/Paris) or before."),
    ], responses("EventPage", "A page of events, by start."), "events"),
    "/api/v1/events/{event_id}": operation(
        "getEvent", "One event", [path_id("event_id", "event")],
        responses("Event", "The event.", not_found=True), "events"),
    "/api/v1/ideas": operation("listIdeas", "Ideas of closed voting rounds, with results", [
        *PAGING, query("event", {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                       "Only the ideas of this event."), DEPARTMENT,
    ], responses("IdeaPage", "A page of ideas."), "ideas"),
    "/api/v1/ideas/{idea_id}": operation(
        "getIdea", "One idea of a closed round, with its results", [path_id("idea_id", "idea")],
        responses("Idea", "The idea.", not_found=True), "ideas"),
    "/api/v1/projects": operation("listProjects", "Projects of the maturation pipeline", [
        *PAGING, query("stage", enum(s.value for s in STAGES_SHOWN), "Pipeline stage."),
        DEPARTMENT, THEME,
    ], responses("ProjectPage", "A page of projects, latest move first."), "projects"),
    "/api/v1/projects/{project_id}": operation(
        "getProject", "One project, with its history and grants",
        [path_id("project_id", "project")],
        responses("ProjectDetail", "The project.", not_found=True), "projects"),
    "/api/v1/store": operation("listStore", "The innovation store", [
        *PAGING, THEME, DEPARTMENT, query("licence", CODE, "Licence (SPDX id)."),
        query("stage", enum(s.value for s in store_queries.STORE_STAGES),
              "diffusion, or abandonne (stopped, with lessons learned)."),
        query("year", {"type": "integer", "minimum": store_rules.YEAR_MIN,
                       "maximum": store_rules.YEAR_MAX}, "Year the project reached the store."),
        SEARCH, query("sort", enum(s.value for s in store_queries.Sort),
                      "newest (default) or reproduced."),
    ], responses("StorePage", "A page of store entries."), "store"),
    "/api/v1/store/{project_id}": operation(
        "getStoreEntry", "One store entry, with its lineage",
        [path_id("project_id", "project")],
        responses("StoreEntryDetail", "The entry.", not_found=True), "store"),
    "/api/v1/statistics": operation("getStatistics", "Public statistics", [
        query("year", {"type": "integer", "minimum": aid_years.YEAR_MIN,
                       "maximum": aid_years.YEAR_MAX},
              "Budget year of the money figures and of the programme's evaluation, one an "
              "administrator opened (default: the latest in force)."),
    ], responses("Statistics", "Counts and sums (amounts in cents), no names."),
        "statistics"),
    "/api/v1/aid/cofunding-check": operation(
        "checkCofunding", "Is an event's co-funding within the rules? (50 %, 12,500 €)", [
            _cents("total_cost_cents", "The event's total cost.", True),
            _cents("region_share_cents", "The share asked of the Region.", True),
            _cents("other_revenues_cents", "Other revenues."),
            query("region_led", {"type": "integer", "enum": [0, 1]},
                  "1: an event the Region runs itself."),
            YEAR_CHECK,
        ], responses("CofundingVerdict", "The verdict.", not_found=True,
                     error="RefusedCheck"), "aid"),
    "/api/v1/aid/grant-check": operation(
        "checkGrants", "Are a project's grants within the caps?", [
            *(_cents(f"{kind}_cents", f"{kind.capitalize()} aid asked.")
              for kind in ("operating", "investment", "structure")),
            *(_cents(f"received_{kind}_cents", f"{kind.capitalize()} aid already received.")
              for kind in ("operating", "investment", "structure")),
            YEAR_CHECK,
        ], responses("GrantVerdict", "The verdict.", not_found=True,
                     error="RefusedCheck"), "aid"),
    "/api/v1/openapi.json": {"get": {
        "operationId": "getOpenApi", "summary": "This document", "tags": ["meta"],
        "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                              **json_content({"type": "object"})}}}},
}


def document() -> dict:
    """The whole document (the same for every request)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE, "version": VERSION,
            "description": "Read-only public data of the INS'pir programme (Hauts-de-France): "
                           "needs, events, ideas of closed rounds, projects, the innovation "
                           "store, statistics, and the co-funding simulator. No login. "
                           "Dates in ISO 8601 UTC, amounts in integer cents. Licence of the "
                           "data: Licence Ouverte / Etalab 2.0.",
            "license": {"name": "Licence Ouverte / Etalab 2.0",
                        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"},
        },
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
