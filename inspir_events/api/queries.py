"""What the API reads: the public rows of each kind, a page at a time. Read-only.

Each list uses the same public rule as its pages, written once where the pages have it:

- needs: the boards' statement (:func:`inspir_events.needs.services.board_statement`:
  ``Need.is_public`` — neither hidden, pending nor withdrawn — and the boards' filters);
- events: the events listing's statement (no drafts; a cancelled event stays, with its
  status, as on the listing), with a date window;
- ideas: only those put to the vote in a CLOSED round of a published event (an open
  round's tally may be hidden until it closes, :func:`voting.rules.tally_visible`), with
  their result in each such round;
- projects: the pipeline's public list (qualification not in
  :data:`~inspir_events.aid.projects.rules.NOT_LISTED`: never a proposal awaiting the
  committee or oriented to another programme).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects.models import Project, ProjectMove
from inspir_events.aid.projects.rules import NOT_LISTED
from inspir_events.aid.projects.stages import Stage
from inspir_events.discussions.models import Comment
from inspir_events.discussions.rules import CommentState
from inspir_events.events import services as event_services
from inspir_events.events.models import Event
from inspir_events.events.rules import EventKind, EventStatus
from inspir_events.extensions import db
from inspir_events.needs import services as need_services
from inspir_events.needs.models import Need
from inspir_events.needs.rules import BoardFilters
from inspir_events.store.queries import listed as store_listed
from inspir_events.timeutil import paris_to_utc, utcnow
from inspir_events.voting import rules as voting_rules
from inspir_events.voting.models import Idea, RoundWinner, Vote, VotingRound, round_idea
from inspir_events.voting.rules import RoundStatus


def page_of(stmt, offset: int, limit: int):
    """One page of ``stmt``'s rows and their total."""
    return _page(stmt, offset, limit)


def _page(stmt, offset: int, limit: int):
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = list(db.session.scalars(stmt.limit(limit).offset(offset))) if offset < total else []
    return rows, int(total or 0)


# ---- needs -------------------------------------------------------------------------------

NEED_OPTIONS = (selectinload(Need.tag_rows),)
# A page of needs: their tags come as a column of their rows (need_services.board_rows: no
# tag object per tag, no second statement), their department's region from the reference
# rows kept per process (need_item), the texts the API does not show stay in the database.
# What the API gives of each need of a page (needs.serializers.need_item), read as columns:
# loading twenty needs as objects cost a fifth of the answer.
NEEDS_PAGE_FIELDS = (Need.id, Need.title, Need.description, Need.department_code, Need.commune,
                     Need.commune_code, Need.theme_code, Need.status, Need.supporters_count,
                     Need.created_at)


def needs(filters: BoardFilters, offset: int,
          limit: int) -> tuple[list, int, dict[int, list[str]]]:
    """A page of public needs (NEEDS_PAGE_FIELDS), their total and their tags (per need
    id): the boards' own statement and total (one public rule for pages, exports and API)."""
    rows, total = need_services.board_rows(filters, NEEDS_PAGE_FIELDS, offset, limit)
    return [need for need, _tags in rows], total, {need.id: tags for need, tags in rows}


def need(need_id: int) -> Need | None:
    found = db.session.get(Need, need_id, options=NEED_OPTIONS)
    return found if found is not None and found.is_public else None


# ---- events ------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventWindow:
    """The events listing's filters, every event (past and upcoming), and a window of days
    (Europe/Paris): events still running on ``starts_from`` or after, starting on or before
    ``starts_until``."""

    department: str | None = None
    epci: str | None = None  # an intercommunality's SIREN
    kind: EventKind | None = None
    theme: str | None = None
    labelled_only: bool = False
    starts_from: date | None = None
    starts_until: date | None = None


EVENT_OPTIONS = (selectinload(Event.themes), selectinload(Event.needs))


def _events_statement(window: EventWindow):
    stmt = event_services.listing_statement(event_services.EventFilters(
        when="all", department=window.department, epci=window.epci, kind=window.kind,
        theme=window.theme, labelled_only=window.labelled_only), utcnow())
    if window.starts_from:
        stmt = stmt.where(Event.ends_at >= paris_to_utc(datetime.combine(window.starts_from,
                                                                         time())))
    if window.starts_until:
        end = datetime.combine(window.starts_until + timedelta(days=1), time())
        stmt = stmt.where(Event.starts_at < paris_to_utc(end))
    return stmt.options(*EVENT_OPTIONS)


def events(window: EventWindow, offset: int, limit: int) -> tuple[list[Event], int]:
    return _page(_events_statement(window), offset, limit)


def all_events(window: EventWindow):
    """Every listed event matching ``window`` (the download), in listing order."""
    return db.session.scalars(_events_statement(window)).all()


def event(event_id: int) -> Event | None:
    found = db.session.get(Event, event_id, options=EVENT_OPTIONS)
    return found if found is not None and found.status != EventStatus.DRAFT else None


def labelled(event_ids: list[int]) -> set[int]:
    return event_services.labelled_ids(event_ids)


# ---- ideas -------------------------------------------------------------------------------

def _closed_round_ideas():
    """Ideas put to the vote in a closed round of a published event."""
    return (select(round_idea.c.idea_id)
            .join(VotingRound, VotingRound.id == round_idea.c.round_id)
            .join(Event, Event.id == VotingRound.event_id)
            .where(VotingRound.status == RoundStatus.CLOSED,
                   Event.status == EventStatus.PUBLISHED))


IDEA_OPTIONS = (joinedload(Idea.event), joinedload(Idea.team), joinedload(Idea.need))


def ideas(event_id: int | None, department: str | None, offset: int,
          limit: int) -> tuple[list[Idea], int]:
    stmt = select(Idea).where(Idea.id.in_(_closed_round_ideas()))
    if event_id is not None:
        stmt = stmt.where(Idea.event_id == event_id)
    if department:
        stmt = stmt.where(Idea.event_id.in_(select(Event.id).where(
            Event.department_code == department)))
    return _page(stmt.options(*IDEA_OPTIONS).order_by(Idea.id), offset, limit)


def idea(idea_id: int) -> Idea | None:
    return db.session.scalar(select(Idea).where(Idea.id == idea_id,
                                                Idea.id.in_(_closed_round_ideas()))
                             .options(*IDEA_OPTIONS))


def closed_results(idea_ids: list[int]) -> dict[int, list[tuple]]:
    """Per idea, its (round, Ranked, winner) in each closed round it was in (six queries
    whatever the number of ideas)."""
    if not idea_ids:
        return {}
    rounds = {r.id: r for r in db.session.scalars(
        select(VotingRound).join(round_idea, round_idea.c.round_id == VotingRound.id)
        .join(Event, Event.id == VotingRound.event_id)
        .where(round_idea.c.idea_id.in_(idea_ids), VotingRound.status == RoundStatus.CLOSED,
               Event.status == EventStatus.PUBLISHED))}
    if not rounds:
        return {}
    members: dict[int, list[int]] = defaultdict(list)
    for round_id, idea_id in db.session.execute(
            select(round_idea.c.round_id, round_idea.c.idea_id)
            .where(round_idea.c.round_id.in_(list(rounds)))):
        members[round_id].append(idea_id)
    tallies: dict[int, dict[int, int]] = defaultdict(dict)
    for round_id, idea_id, count in db.session.execute(
            select(Vote.round_id, Vote.idea_id, func.count())
            .where(Vote.round_id.in_(list(rounds))).group_by(Vote.round_id, Vote.idea_id)):
        tallies[round_id][idea_id] = count
    winners = {(row.round_id, row.idea_id) for row in db.session.execute(
        select(RoundWinner.round_id, RoundWinner.idea_id)
        .where(RoundWinner.round_id.in_(list(rounds))))}
    wanted = set(idea_ids)
    found: dict[int, list[tuple]] = defaultdict(list)
    for round_id in sorted(rounds):
        for ranked in voting_rules.ranking(tallies[round_id], sorted(members[round_id])):
            if ranked.idea_id in wanted:
                found[ranked.idea_id].append(
                    (rounds[round_id], ranked, (round_id, ranked.idea_id) in winners))
    return found


# ---- projects ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectFilters:
    stage: Stage | None = None
    department: str | None = None
    theme: str | None = None


PROJECT_OPTIONS = (joinedload(Project.need), joinedload(Project.event))


def listed():
    return Project.qualification.not_in(NOT_LISTED)


def projects(filters: ProjectFilters, offset: int, limit: int) -> tuple[list[Project], int]:
    stmt = select(Project).where(listed())
    if filters.stage is not None:
        stmt = stmt.where(Project.stage == filters.stage)
    if filters.department:
        stmt = stmt.where(Project.department_code == filters.department)
    if filters.theme:
        stmt = stmt.where(Project.theme_code == filters.theme)
    stmt = stmt.options(*PROJECT_OPTIONS).order_by(Project.stage_changed_at.desc(),
                                                   Project.id.desc())
    return _page(stmt, offset, limit)


def project(project_id: int) -> Project | None:
    return db.session.scalar(select(Project).where(Project.id == project_id, listed())
                             .options(*PROJECT_OPTIONS))


def granted(project_ids: list[int]) -> dict[int, int]:
    """Per project, the cents granted to it (all its grants, every kind)."""
    if not project_ids:
        return {}
    return {pid: int(cents or 0) for pid, cents in db.session.execute(
        select(AidGrant.project_id, func.sum(AidGrant.amount_cents))
        .where(AidGrant.project_id.in_(project_ids)).group_by(AidGrant.project_id))}


def grants(project_id: int) -> list[AidGrant]:
    return list(db.session.scalars(select(AidGrant).where(AidGrant.project_id == project_id)
                                   .order_by(AidGrant.decided_at, AidGrant.id)))


def moves(project_id: int) -> list[ProjectMove]:
    return list(db.session.scalars(select(ProjectMove).where(ProjectMove.project_id == project_id)
                                   .order_by(ProjectMove.decided_at, ProjectMove.id)))


# ---- the open data page --------------------------------------------------------------------

def last_updates() -> dict[str, datetime | None]:
    """When each published data set last changed (naive UTC), or None when it is empty."""
    return {
        "needs": db.session.scalar(select(func.max(Need.updated_at)).where(Need.is_public)),
        "events": db.session.scalar(select(func.max(Event.updated_at))
                                    .where(Event.status != EventStatus.DRAFT)),
        "store": db.session.scalar(select(func.max(Project.updated_at)).where(store_listed())),
        "subventions": db.session.scalar(select(func.max(AidGrant.decided_at))),
        "comments": db.session.scalar(select(func.max(Comment.created_at))
                                      .where(Comment.state == CommentState.PUBLIC)),
    }
