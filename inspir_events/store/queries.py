"""Reading the innovation store: its catalogue, one entry, and an entry's lineage.

« Les diffuser »: the deliberation asks for an innovation store to document,
capitalise and spread the experiments, in open code, across all territories and
themes. The store lists the projects that reached ``diffusion`` and those stopped
(``abandonne``) with their lessons learned — failure is documented, not hidden
(« en permettant l'échec (qui est apprenant) »). A proposal awaiting the committee or oriented to
another programme is never listed (:func:`~inspir_events.aid.projects.rules.is_listed`),
and a lineage only shows what is public (a hidden need, a draft event are left out).

Read-only; the API (``inspir_events.api``) calls these functions too.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import ScalarSelect, Select, Text, bindparam, cast, func, select
from sqlalchemy.orm import joinedload

from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects.models import Project, ProjectMember, ProjectMove
from inspir_events.aid.projects.stages import OPEN_LICENCES, Stage
from inspir_events.database import (
    ID_MAX,
    containing_words,
    json_list_agg,
    page_rows,
    shape_of,
    with_paging,
)
from inspir_events.discussions.services import public_count_column
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db
from inspir_events.labels.charter import SubjectType
from inspir_events.labels.services import granted_column
from inspir_events.needs.rules import search_terms
from inspir_events.reference.models import Commune
from inspir_events.store import rules
from inspir_events.store.models import ReproductionRequest, StoreChoice
from inspir_events.timeutil import paris_to_utc
from inspir_events.voting.models import Idea

STORE_STAGES = (Stage.DIFFUSION, Stage.ABANDONNE)
PER_PAGE = 20
MAX_LIMIT = 100


class Sort(enum.StrEnum):
    NEWEST = "newest"  # the latest to reach the store first
    REPRODUCED = "reproduced"  # the most "Je veux le reproduire" first


@dataclass(frozen=True)
class StoreFilters:
    theme: str | None = None
    department: str | None = None
    licence: str | None = None
    stage: Stage | None = None
    year: int | None = None  # the year the project reached its store stage (Paris time)
    q: str | None = None
    sort: Sort = Sort.NEWEST
    epci: str | None = None  # an intercommunality's SIREN: projects in its communes


def _text(args: Mapping, name: str, limit: int = 40) -> str | None:
    value = (args.get(name) or "").strip()
    return value[:limit] or None


def filters_from(args: Mapping) -> StoreFilters:
    """Filters from a query string (``request.args``-like): unknown values are ignored."""
    stage = _text(args, "stage")
    year = _text(args, "year", 4)
    sort = _text(args, "sort")
    return StoreFilters(
        theme=_text(args, "theme"),
        department=_text(args, "department"),
        licence=_text(args, "licence"),
        stage=Stage(stage) if stage in {s.value for s in STORE_STAGES} else None,
        year=int(year) if year and year.isdigit() and rules.YEAR_MIN <= int(year)
        <= rules.YEAR_MAX else None,
        q=_text(args, "q", 200),
        sort=Sort(sort) if sort in Sort._value2member_map_ else Sort.NEWEST,
        epci=_text(args, "epci", 9),
    )


@lru_cache(maxsize=1)
def listed():
    """The SQL condition "this project is in the store" (built once: a clause never
    changes, and the store's page uses it five times)."""
    return Project.stage.in_(STORE_STAGES) & Project.is_listed


def in_store(project: Project) -> bool:
    """The project is in the store: diffused or stopped, and listed."""
    return Stage(project.stage) in STORE_STAGES and project.is_listed


def _statement(filters: StoreFilters) -> tuple[Select, dict]:
    """The store's entries ``filters`` keep, in its order: a statement built once per shape
    of the filters (:func:`_shaped`, as the needs' boards do) and its parameters' values."""
    shape, params = _shape(filters)
    return _shaped(shape, (), False), params


def _shape(filters: StoreFilters) -> tuple[tuple, dict]:
    """The shape of the store's filters (which are set, how many words, the order) and the
    values of its statement's parameters."""
    params = {name: getattr(filters, name) for name in ("theme", "department", "epci", "licence")
              if getattr(filters, name)}
    if filters.stage is not None:
        params["stage"] = filters.stage
    if filters.year is not None:
        params["year_start"] = paris_to_utc(datetime(filters.year, 1, 1))
        params["year_end"] = paris_to_utc(datetime(filters.year + 1, 1, 1))
    shape = shape_of(params, SHAPED_FILTERS, search_terms(filters.q or ""), filters.sort)
    return shape, params


SHAPED_FILTERS = ("theme", "department", "epci", "licence", "stage", "year_start")


@lru_cache(maxsize=512)
def _shaped(shape: tuple, options: tuple, paged: bool, cards: bool = False) -> Select:
    """The store's statement for one shape of filters. With ``cards`` (and ``paged``), a
    page's statement: its projects' CARD_FIELDS with what their cards show beside them
    (CARD_COLUMNS) and ``total``, how many entries the filters keep (a window count, over
    the page's ids alone: the cards' columns are read for its rows only)."""
    filtered, terms, sort = shape
    if cards:
        kept = _shaped(shape, (), paged, False).with_only_columns(
            Project.id, func.count().over().label("total")).subquery("page")
        return (select(*CARD_FIELDS, *CARD_COLUMNS, kept.c.total, *CHOICES_COLUMNS)
                .join(kept, kept.c.id == Project.id).order_by(*_order(sort)))
    stmt = select(Project).where(listed())
    for name, column in (("theme", Project.theme_code), ("department", Project.department_code),
                         ("licence", Project.licence), ("stage", Project.stage)):
        if name in filtered:
            stmt = stmt.where(column == bindparam(name))
    if "epci" in filtered:
        stmt = stmt.where(Project.commune_code.in_(
            select(Commune.code).where(Commune.epci_siren == bindparam("epci"))))
    if "year_start" in filtered:
        stmt = stmt.where(Project.stage_changed_at >= bindparam("year_start"),
                          Project.stage_changed_at < bindparam("year_end"))
    stmt = containing_words(stmt, Project.search_text, terms)
    return with_paging(stmt.order_by(*_order(sort)), options, paged)


def _order(sort: Sort) -> tuple:
    if sort == Sort.REPRODUCED:
        return (Project.reproductions_count.desc(), Project.stage_changed_at.desc(),
                Project.id.desc())
    return (Project.stage_changed_at.desc(), Project.id.desc())


@lru_cache(maxsize=512)
def _counted(stmt: Select) -> Select:
    return select(func.count()).select_from(stmt.order_by(None).subquery())


# What the store's cards show of a project (store/cards.py), read as plain columns: loading
# each project as an object cost more than running the page's statement.
CARD_FIELDS = (Project.id, Project.title, Project.stage, Project.department_code,
               Project.theme_code, Project.licence, Project.stage_changed_at,
               Project.reproductions_count)


# What a store card shows beside its project, read with it (each was a query of its own):
# whether it holds the label, and its public comments.
CARD_COLUMNS = (
    granted_column(SubjectType.PROJECT, Project.id).label("labelled"),
    public_count_column("project", Project.id).label("comments"),
)


@dataclass(frozen=True)
class CataloguePage:
    items: list  # each project's CARD_FIELDS (rows)
    total: int
    labelled: set[int]  # the ids of the projects holding the label
    comments: dict[int, int]  # public comments per project id
    choices: FilterChoices  # what the store's filters offer


def catalogue_page(filters: StoreFilters, offset: int, limit: int) -> CataloguePage:
    """One page of the store's catalogue, each project with what its card shows, how
    many entries ``filters`` keep and what the filters offer: one statement (:func:`_shaped`
    with ``cards``), or three for a page without entries (counted, and the choices read,
    on their own)."""
    shape, params = _shape(filters)
    offset = max(0, min(int(offset), ID_MAX))
    limit = max(1, min(int(limit), MAX_LIMIT))
    rows = page_rows(_shaped(shape, (), True, cards=True),
                     {**params, "limit": limit, "offset": offset})
    total = rows[0].total if rows else _total(shape, params)
    choices = _choices(rows[0].licences, rows[0].years) if rows else filter_choices()
    return CataloguePage(rows, total,
                         {row.id for row in rows if row.labelled is not None},
                         {row.id: row.comments for row in rows if row.comments}, choices)


def store_entries(filters: StoreFilters, offset: int = 0,
                  limit: int = PER_PAGE) -> tuple[list[Project], int]:
    """One page of the store and the number of matching entries (two queries)."""
    shape, params = _shape(filters)
    total = _total(shape, params)
    offset = max(0, min(int(offset), total))
    limit = max(1, min(int(limit), MAX_LIMIT))
    projects = db.session.scalars(_shaped(shape, (), True),
                                  {**params, "limit": limit, "offset": offset}).all()
    return projects, total


def _total(shape: tuple, params: dict) -> int:
    """How many entries the filters of ``shape`` keep."""
    return int(db.session.scalar(_counted(_shaped(shape, (), False)), params) or 0)


def store_project(project_id: int) -> Project | None:
    """The project if it is in the store, else None."""
    if not 0 < project_id <= ID_MAX:
        return None
    project = db.session.get(Project, project_id)
    return project if project is not None and in_store(project) else None


def reproductions_between(start: datetime, end: datetime) -> tuple[int, int]:
    """The « Je veux le reproduire » declarations made from ``start`` (included) to ``end``
    (excluded) on listed projects, and how many projects they concern: the programme's
    evaluation counts them (handed to the statistics by the application factory)."""
    row = db.session.execute(
        select(func.count(ReproductionRequest.id),
               func.count(func.distinct(ReproductionRequest.project_id)))
        .join(Project, Project.id == ReproductionRequest.project_id)
        .where(Project.is_listed, ReproductionRequest.created_at >= start,
               ReproductionRequest.created_at < end)).one()
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class FilterChoices:
    """What the store's filters offer: the licences of its projects, in display order,
    and the years in which projects reached it, newest first."""

    licences: list[str]
    years: list[int]


def filter_choices() -> FilterChoices:
    """The store's licences and years, by one statement whatever its size (CHOICES)."""
    return _choices(*db.session.execute(CHOICES).one())


def _choices(licences: str | None, years: str | None) -> FilterChoices:
    """FilterChoices from CHOICES's columns (JSON lists): the licences in display order (the
    open ones first, in their order), the years newest first."""
    used = set(json.loads(licences or "[]"))
    years = json.loads(years or "[]")
    return FilterChoices([code for code in OPEN_LICENCES if code in used]
                         + sorted(used - set(OPEN_LICENCES)),
                         sorted(years or (), reverse=True))


def _distinct_list(value, *where) -> ScalarSelect:
    """The distinct values of ``value`` over the store's choices (``StoreChoice``'s rows
    with entries), in order, as one JSON list (its text: the same on every row of a page,
    decoded once, by :func:`_choices`)."""
    values = (select(value.label("value")).where(StoreChoice.entries > 0, *where).distinct()
              .order_by(value).subquery())
    return select(cast(json_list_agg(values.c.value, values.c.value), Text)).scalar_subquery()


# What the store's filters offer (the licences its entries use; the years in which they
# reached it): two columns, of the store's page (catalogue_page) or on their own, read from
# the few rows the database keeps for them (StoreChoice, migration 0027). Two passes over
# every entry before, a third of the store's statement.
CHOICES_COLUMNS = (_distinct_list(StoreChoice.licence, StoreChoice.licence != "")
                   .label("licences"),
                   _distinct_list(StoreChoice.year).label("years"))
CHOICES = select(*CHOICES_COLUMNS)


# --- The lineage -------------------------------------------------------------------

@dataclass(frozen=True)
class NeedStep:
    id: int
    title: str
    supporters_count: int


@dataclass(frozen=True)
class EventStep:
    id: int
    title: str
    starts_at: datetime
    venue_name: str
    venue_commune: str
    department_code: str


@dataclass(frozen=True)
class VoteStep:
    round_title: str | None
    rank: int
    votes: int | None
    ideas_count: int | None  # how many ideas competed (the event's ideas)


@dataclass(frozen=True)
class MemberStep:
    user_id: int
    name: str
    role: str  # "lead", "member", "author"


@dataclass
class Lineage:
    """A store project's story, in order; a missing step is None or empty."""

    project: Project
    need: NeedStep | None = None
    event: EventStep | None = None
    vote: VoteStep | None = None
    members: list[MemberStep] = field(default_factory=list)
    support_structure: tuple[int, str] | None = None  # (user id, name)
    moves: list[ProjectMove] = field(default_factory=list)
    grants: list[AidGrant] = field(default_factory=list)
    licence: tuple[str, str] | None = None  # (SPDX id, name)
    repository_url: str | None = None
    results_html: str = ""
    lessons_html: str = ""
    reproductions_count: int = 0

    @property
    def granted_cents(self) -> int:
        return sum(grant.amount_cents for grant in self.grants)

    @property
    def stopped(self) -> bool:
        return Stage(self.project.stage) is Stage.ABANDONNE


def _need_step(project: Project) -> NeedStep | None:
    need = project.need
    if need is None or not need.is_public:
        return None
    return NeedStep(need.id, need.title, need.supporters_count)


def _event_step(project: Project) -> EventStep | None:
    event = project.event
    if event is None or event.status == EventStatus.DRAFT:
        return None
    return EventStep(event.id, event.title, event.starts_at, event.venue_name,
                     event.venue_commune, event.department_code)


def _vote_step(project: Project, event_step: EventStep | None) -> VoteStep | None:
    if project.vote_rank is None:
        return None
    ideas = None
    if event_step is not None:
        ideas = db.session.scalar(select(func.count(Idea.id))
                                  .where(Idea.event_id == event_step.id))
    round_ = project.voting_round
    return VoteStep(round_.title if round_ is not None else None, project.vote_rank,
                    project.vote_count, ideas or None)


def lineage(project: Project) -> Lineage:
    """Everything the lineage page tells, public parts only."""
    members = db.session.scalars(
        select(ProjectMember).where(ProjectMember.project_id == project.id)
        .options(joinedload(ProjectMember.user))
        .order_by(ProjectMember.position, ProjectMember.user_id)).all()
    moves = db.session.scalars(
        select(ProjectMove).where(ProjectMove.project_id == project.id)
        .order_by(ProjectMove.decided_at, ProjectMove.id)).all()
    grants = db.session.scalars(
        select(AidGrant).where(AidGrant.project_id == project.id)
        .order_by(AidGrant.decided_at, AidGrant.id)).all()
    event_step = _event_step(project)
    structure = project.support_structure
    return Lineage(
        project=project,
        need=_need_step(project),
        event=event_step,
        vote=_vote_step(project, event_step),
        members=[MemberStep(row.user_id, row.user.display_name, row.role) for row in members],
        support_structure=(structure.id, structure.display_name) if structure else None,
        moves=list(moves),
        grants=list(grants),
        licence=(project.licence, OPEN_LICENCES.get(project.licence, project.licence))
        if project.licence else None,
        repository_url=project.repository_url,
        results_html=project.results_html or "",
        lessons_html=project.lessons_html or "",
        reproductions_count=project.reproductions_count or 0,
    )
