"""The API's items: public rows as JSON-ready dicts, shared by the API and the downloads.

Stable snake_case field names, datetimes in UTC as ISO 8601 with "Z", dates as
YYYY-MM-DD, amounts in integer cents, each item with its id and the absolute ``url``
of its HTML page. Never personal data: no e-mail, no user id; people appear at most
by the display name they chose (a project team's members). A link to something not
public (a hidden need, a draft event) is left out (None), as the pages leave it out.

The CSV downloads flatten the same dicts (:func:`csv_row`): lists joined by ";",
nested objects left out, so CSV, JSON download and API always agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for

from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects.models import Project
from inspir_events.events.models import Event
from inspir_events.events.rules import EventStatus
from inspir_events.timeutil import iso_utc
from inspir_events.voting.models import Idea

# ---- events ------------------------------------------------------------------------------

EVENT_COLUMNS = ("id", "title", "kind", "status", "run_by", "starts_at", "ends_at",
                 "venue_name", "venue_address", "venue_commune", "venue_commune_code",
                 "department", "themes",
                 "capacity", "confirmed_count", "labelled", "need_ids", "url", "ical_url")


def event_item(event: Event, labelled: bool) -> dict:
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind.value,
        "status": event.status.value,
        "run_by": event.run_by.value,
        "description": event.description,
        "starts_at": iso_utc(event.starts_at),
        "ends_at": iso_utc(event.ends_at),
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "venue_commune": event.venue_commune,
        "venue_commune_code": event.venue_commune_code,  # INSEE code, when in the list
        "department": event.department_code,
        "themes": [theme.code for theme in event.themes],
        "capacity": event.capacity,
        "confirmed_count": event.confirmed_count,
        "labelled": labelled,
        # The needs still on the public boards (as the event's page shows them).
        "need_ids": [need.id for need in event.needs if need.is_public],
        "url": url_for("events.detail", event_id=event.id, _external=True),
        "ical_url": url_for("events.event_ics", event_id=event.id, _external=True),
    }


# ---- ideas -------------------------------------------------------------------------------

def idea_item(idea: Idea, results: Sequence[dict]) -> dict:
    need = idea.need
    return {
        "id": idea.id,
        "title": idea.title,
        "summary": idea.summary,
        "event_id": idea.event_id,
        "event_title": idea.event.title,
        "team": idea.team.name if idea.team is not None else None,
        "need_id": need.id if need is not None and need.is_public else None,
        "created_at": iso_utc(idea.created_at),
        "results": list(results),
        "url": url_for("voting.idea", idea_id=idea.id, _external=True),
    }


def round_result(voting_round, ranked, winner: bool) -> dict:
    """One closed round's result for one idea (``ranked``: a voting.rules.Ranked)."""
    return {
        "round_id": voting_round.id,
        "round_title": voting_round.title,
        "closed_at": iso_utc(voting_round.closed_at),
        "rank": ranked.rank,
        "votes": ranked.votes,
        "tied": ranked.tied,
        "winner": winner,
        "url": url_for("voting.results", round_id=voting_round.id, _external=True),
    }


# ---- projects ----------------------------------------------------------------------------

PROJECT_COLUMNS = ("id", "title", "stage", "origin", "department", "theme", "licence",
                   "repository_url", "need_id", "event_id", "idea_id", "vote_rank",
                   "vote_count", "granted_cents", "reproductions_count", "created_at",
                   "stage_changed_at", "url")


def project_item(project: Project, granted_cents: int) -> dict:
    need, event = project.need, project.event
    return {
        "id": project.id,
        "title": project.title,
        "summary": project.summary,
        "stage": project.stage.value,
        "origin": project.origin.value,
        "department": project.department_code,
        "theme": project.theme_code,
        "licence": project.licence,
        "repository_url": project.repository_url,
        "need_id": need.id if need is not None and need.is_public else None,
        "event_id": event.id if event is not None and event.status != EventStatus.DRAFT
        else None,
        "idea_id": project.idea_id if project.idea_id and event is not None
        and event.status != EventStatus.DRAFT else None,
        "vote_rank": project.vote_rank,
        "vote_count": project.vote_count,
        "granted_cents": granted_cents,
        "reproductions_count": project.reproductions_count or 0,
        "created_at": iso_utc(project.created_at),
        "stage_changed_at": iso_utc(project.stage_changed_at),
        "url": url_for("aid.project", project_id=project.id, _external=True),
    }


def grant_item(grant: AidGrant) -> dict:
    """A grant as published (the SCDL export publishes the same decisions)."""
    return {
        "kind": grant.kind.value,
        "year": grant.year,
        "reference": grant.reference,
        "amount_cents": grant.amount_cents,
        "decided_at": iso_utc(grant.decided_at),
    }


def move_item(move) -> dict:
    """A stage change; who decided it is the committee's business, not published."""
    return {
        "from_stage": move.from_stage.value if move.from_stage else None,
        "to_stage": move.to_stage.value,
        "decided_at": iso_utc(move.decided_at),
    }


# ---- store -------------------------------------------------------------------------------

STORE_COLUMNS = (*PROJECT_COLUMNS[:-1], "results", "lessons", "url")


def store_item(project: Project, granted_cents: int) -> dict:
    item = project_item(project, granted_cents)
    item["results"] = project.results or ""
    item["lessons"] = project.lessons or ""
    item["url"] = url_for("store.lineage", project_id=project.id, _external=True)
    return item


def store_lineage(found) -> dict:
    """The lineage part of a store entry (store.queries.Lineage), public parts only."""
    return {
        "need": {"id": found.need.id, "title": found.need.title,
                 "supporters_count": found.need.supporters_count} if found.need else None,
        "event": {"id": found.event.id, "title": found.event.title,
                  "starts_at": iso_utc(found.event.starts_at),
                  "venue_commune": found.event.venue_commune,
                  "department": found.event.department_code} if found.event else None,
        "vote": {"round_title": found.vote.round_title, "rank": found.vote.rank,
                 "votes": found.vote.votes, "ideas_count": found.vote.ideas_count}
        if found.vote else None,
        "team": [{"name": m.name, "role": m.role} for m in found.members],
        "support_structure": found.support_structure[1] if found.support_structure else None,
        "history": [move_item(move) for move in found.moves],
        "grants": [grant_item(grant) for grant in found.grants],
    }


# ---- CSV ---------------------------------------------------------------------------------

def csv_row(item: dict, columns: Sequence[str]) -> list:
    """``item``'s ``columns`` as CSV cells: lists joined by ";", booleans as 1/0."""
    row = []
    for column in columns:
        value = item.get(column)
        if isinstance(value, list):
            value = ";".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = int(value)
        row.append(value)
    return row
