"""The programme's evaluation for one budget year: counts and sums, no names (issue 19 §4).

The deliberation asks the Region to evaluate INS'pir; the figures are those of the
issue, each one a count or a sum keyed by a code, read by the statistics page and the
JSON API (:attr:`inspir_events.stats.queries.Statistics.evaluation`). A budget year is
one an administrator opened (:mod:`inspir_events.aid.years`). An item belongs to a year
by its own ``year`` where it has one (co-funding applications, grants), otherwise by its
date in Europe/Paris (the Region's calendar): 1 January 00:00 to 31 December 24:00.

What is counted, and why:

- labels: the requests made in the year (by their date), per subject (event, support
  structure, project), and how many of them were granted and refused;
- co-funding: the applications of the year's budget that were submitted (drafts are the
  organiser's business): asked (their region share asked), granted (the
  :class:`~inspir_events.aid.models.AidGrant` sums of event co-funding of the year),
  refused (their share asked), and those awaiting a decision;
- the funnel (« Partir des besoins » -> « Faire naître des idées » -> « Les
  expérimenter »): the public needs published in the year, and how many of them led to a
  published event addressing them, to an idea (linked to the need, or posted at such an
  event), to a listed project (whose need, idea's need or event reaches the need);
  later steps count even when they came in a later year: a need's cohort is followed;
- projects diffused against projects stopped: listed projects that reached
  ``diffusion`` or ``abandonne`` during the year (both stages are final);
- reproductions: the « Je veux le reproduire » declarations of the year on listed
  projects, and how many projects they concern (the store holds the rows; it provides
  the count through :func:`provide_reproductions`, the two features knowing nothing of
  each other);
- orientations: projects the committee oriented to another regional programme
  (subsidiarity) during the year, per programme;
- teams: members of teams at published events of the year, and how many of them are
  inhabitants or future users: people whose profile declares the ``usager`` role
  (« Usager, citoyen », :data:`inspir_events.teams.rules.CITIZEN_ROLE`, the role the
  team matching already favours for co-design), and teams with at least one of them;
- aid per department: the grants of the year (``AidGrant.year``), per department of
  what they fund (the project's, or the co-funded event's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import and_, case, distinct, exists, func, or_, select

from inspir_events.accounts.models import user_skill
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.aid.projects.models import Project, ProjectMove
from inspir_events.aid.projects.stages import OTHER_PROGRAMMES, Qualification, Stage
from inspir_events.events.models import Event, event_need
from inspir_events.events.rules import EventStatus
from inspir_events.extensions import db
from inspir_events.labels.charter import LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.needs.models import Need
from inspir_events.reference.models import Department
from inspir_events.teams.models import Team, TeamMember
from inspir_events.teams.rules import CITIZEN_ROLE
from inspir_events.timeutil import paris_to_utc
from inspir_events.voting.models import Idea

REPRODUCTIONS = "inspir.reproductions"
# A grant whose project or event has no department (a project proposed without one).
NO_DEPARTMENT = "none"

Reproductions = Callable[[datetime, datetime], tuple[int, int]]


def provide_reproductions(app: Flask, counter: Reproductions) -> None:
    """Count the year's reproductions with ``counter(start, end)`` -> (declarations,
    projects): the store provides it, wired by the application factory."""
    app.extensions[REPRODUCTIONS] = counter


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The budget year as naive UTC instants: 1 January 00:00 in Paris, and the next one."""
    return paris_to_utc(datetime(year, 1, 1)), paris_to_utc(datetime(year + 1, 1, 1))


@dataclass(frozen=True)
class LabelFigures:
    subject: str  # SubjectType
    asked: int
    granted: int
    refused: int

    def as_dict(self) -> dict:
        return {"subject": self.subject, "asked": self.asked, "granted": self.granted,
                "refused": self.refused}


@dataclass(frozen=True)
class Tally:
    """How many, and how much (cents)."""

    count: int
    cents: int

    def as_dict(self) -> dict:
        return {"count": self.count, "amount_cents": self.cents}


@dataclass(frozen=True)
class Cofunding:
    asked: Tally  # submitted applications, their region share asked
    granted: Tally  # granted applications; the grants' sum
    refused: Tally  # refused applications, their region share asked
    awaiting: int  # submitted or sent back for changes, not decided yet

    def as_dict(self) -> dict:
        return {"asked": self.asked.as_dict(), "granted": self.granted.as_dict(),
                "refused": self.refused.as_dict(), "awaiting": self.awaiting}


@dataclass(frozen=True)
class Funnel:
    needs: int
    with_event: int
    with_idea: int
    with_project: int

    def as_dict(self) -> dict:
        return {"needs": self.needs, "with_event": self.with_event,
                "with_idea": self.with_idea, "with_project": self.with_project}


@dataclass(frozen=True)
class TeamShare:
    members: int
    citizens: int  # inhabitants or future users
    teams: int
    teams_with_citizens: int

    def as_dict(self) -> dict:
        return {"members": self.members, "inhabitants_or_future_users": self.citizens,
                "teams": self.teams, "teams_with_inhabitants_or_future_users":
                    self.teams_with_citizens}


@dataclass(frozen=True)
class DepartmentAid:
    code: str
    grants: int
    cents: int

    def as_dict(self) -> dict:
        return {"code": self.code, "grants": self.grants, "amount_cents": self.cents}


@dataclass(frozen=True)
class Evaluation:
    """The programme's evaluation for one budget year (see the module's docstring)."""

    year: int
    labels: tuple[LabelFigures, ...]
    cofunding: Cofunding
    funnel: Funnel
    diffused: int
    stopped: int
    reproductions: int
    reproduced_projects: int
    oriented: tuple[tuple[str, int], ...]  # (programme code, projects)
    teams: TeamShare
    aid_by_department: tuple[DepartmentAid, ...]

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "labels": [row.as_dict() for row in self.labels],
            "cofunding": self.cofunding.as_dict(),
            "funnel": self.funnel.as_dict(),
            "projects": {"diffused": self.diffused, "stopped": self.stopped},
            "reproductions": {"declarations": self.reproductions,
                              "projects": self.reproduced_projects},
            "oriented": [{"programme": code, "count": n} for code, n in self.oriented],
            "teams": self.teams.as_dict(),
            "aid_by_department": [row.as_dict() for row in self.aid_by_department],
        }


def _within(column, bounds: tuple[datetime, datetime]):
    start, end = bounds
    return (column >= start) & (column < end)


def _labels(bounds) -> tuple[LabelFigures, ...]:
    rows = db.session.execute(
        select(LabelRequest.subject_type, LabelRequest.status, func.count())
        .where(_within(LabelRequest.created_at, bounds))
        .group_by(LabelRequest.subject_type, LabelRequest.status)).all()
    found: dict[tuple[str, str], int] = {(str(s), str(t)): int(n) for s, t, n in rows}
    figures = []
    for subject in SubjectType:
        by_status = {status: found.get((subject.value, status.value), 0)
                     for status in LabelStatus}
        figures.append(LabelFigures(subject.value, sum(by_status.values()),
                                    by_status[LabelStatus.GRANTED],
                                    by_status[LabelStatus.REFUSED]))
    return tuple(figures)


def _cofunding(year: int) -> Cofunding:
    rows = db.session.execute(
        select(CofundingApplication.status, func.count(),
               func.coalesce(func.sum(CofundingApplication.region_share_cents), 0))
        .where(CofundingApplication.year == year,
               CofundingApplication.status != ApplicationStatus.DRAFT)
        .group_by(CofundingApplication.status)).all()
    by_status = {str(status): (int(n), int(cents)) for status, n, cents in rows}
    granted_cents = db.session.scalar(
        select(func.coalesce(func.sum(AidGrant.amount_cents), 0))
        .where(AidGrant.year == year, AidGrant.kind == GrantKind.EVENT_COFUNDING))
    granted = by_status.get(ApplicationStatus.GRANTED.value, (0, 0))
    refused = by_status.get(ApplicationStatus.REFUSED.value, (0, 0))
    awaiting = sum(by_status.get(s.value, (0, 0))[0] for s in (
        ApplicationStatus.SUBMITTED, ApplicationStatus.CHANGES_REQUESTED))
    return Cofunding(
        asked=Tally(sum(n for n, _ in by_status.values()),
                    sum(c for _, c in by_status.values())),
        granted=Tally(granted[0], int(granted_cents or 0)),
        refused=Tally(*refused), awaiting=awaiting)


def _funnel(bounds) -> Funnel:
    published = Event.status == EventStatus.PUBLISHED
    addressed = (select(event_need.c.need_id)
                 .join(Event, Event.id == event_need.c.event_id).where(published))
    idea_linked = (select(Idea.need_id).join(Event, Event.id == Idea.event_id)
                   .where(published, Idea.need_id.is_not(None)))
    idea_at_event = (select(event_need.c.need_id)
                     .join(Event, Event.id == event_need.c.event_id)
                     .join(Idea, Idea.event_id == event_need.c.event_id).where(published))
    listed = Project.is_listed
    project_linked = select(Project.need_id).where(listed, Project.need_id.is_not(None))
    project_by_idea = (select(Idea.need_id).join(Project, Project.idea_id == Idea.id)
                       .where(listed, Idea.need_id.is_not(None)))
    project_by_event = (select(event_need.c.need_id)
                        .join(Event, Event.id == event_need.c.event_id)
                        .join(Project, Project.event_id == event_need.c.event_id)
                        .where(published, listed))
    cohort = (Need.is_public, _within(Need.created_at, bounds))

    def needs(*conditions) -> int:
        return int(db.session.scalar(
            select(func.count(Need.id)).where(*cohort, *conditions)) or 0)

    return Funnel(
        needs=needs(),
        with_event=needs(Need.id.in_(addressed)),
        with_idea=needs(or_(Need.id.in_(idea_linked), Need.id.in_(idea_at_event))),
        with_project=needs(or_(Need.id.in_(project_linked), Need.id.in_(project_by_idea),
                               Need.id.in_(project_by_event))))


def _outcomes(bounds) -> tuple[int, int]:
    rows = dict(db.session.execute(
        select(Project.stage, func.count())
        .where(Project.is_listed, Project.stage.in_((Stage.DIFFUSION, Stage.ABANDONNE)),
               _within(Project.stage_changed_at, bounds))
        .group_by(Project.stage)).all())
    return (int(rows.get(Stage.DIFFUSION, 0)), int(rows.get(Stage.ABANDONNE, 0)))


def _oriented(bounds) -> tuple[tuple[str, int], ...]:
    """Per programme; the orientation's date is its decision (the move recording it)."""
    decided = (select(func.max(ProjectMove.decided_at))
               .where(ProjectMove.project_id == Project.id,
                      ProjectMove.qualification == Qualification.ORIENTED_PROGRAMME)
               .correlate(Project).scalar_subquery())
    rows = {str(code): int(n) for code, n in db.session.execute(
        select(Project.oriented_programme, func.count())
        .where(Project.qualification == Qualification.ORIENTED_PROGRAMME,
               Project.oriented_programme.is_not(None),
               _within(func.coalesce(decided, Project.updated_at), bounds))
        .group_by(Project.oriented_programme)).all()}
    codes = [*OTHER_PROGRAMMES, *sorted(c for c in rows if c not in OTHER_PROGRAMMES)]
    return tuple((code, rows.get(code, 0)) for code in codes)


def _teams(bounds) -> TeamShare:
    citizen = exists().where(user_skill.c.user_id == TeamMember.user_id,
                             user_skill.c.skill_code == CITIZEN_ROLE)
    of_year = and_(Event.status == EventStatus.PUBLISHED, _within(Event.starts_at, bounds))
    members = (select(TeamMember.team_id, case((citizen, 1), else_=0).label("citizen"))
               .join(Team, Team.id == TeamMember.team_id)
               .join(Event, Event.id == Team.event_id).where(of_year).subquery())
    row = db.session.execute(select(
        func.count(), func.coalesce(func.sum(members.c.citizen), 0),
        func.count(distinct(members.c.team_id)))).one()
    with_citizens = db.session.scalar(select(func.count(distinct(members.c.team_id)))
                                      .where(members.c.citizen == 1))
    return TeamShare(members=int(row[0]), citizens=int(row[1]), teams=int(row[2]),
                     teams_with_citizens=int(with_citizens or 0))


def _aid_by_department(year: int) -> tuple[DepartmentAid, ...]:
    department = func.coalesce(Project.department_code, Event.department_code)
    rows = db.session.execute(
        select(department, func.count(AidGrant.id), func.sum(AidGrant.amount_cents))
        .select_from(AidGrant)
        .outerjoin(Project, Project.id == AidGrant.project_id)
        .outerjoin(CofundingApplication, CofundingApplication.id == AidGrant.application_id)
        .outerjoin(Event, Event.id == CofundingApplication.event_id)
        .where(AidGrant.year == year).group_by(department)).all()
    found = {(code or NO_DEPARTMENT): (int(n), int(cents or 0)) for code, n, cents in rows}
    codes = list(db.session.scalars(select(Department.code).order_by(Department.code)))
    codes += sorted(code for code in found if code not in codes)
    return tuple(DepartmentAid(code, *found.get(code, (0, 0))) for code in codes)


def _reproductions(bounds) -> tuple[int, int]:
    counter = current_app.extensions.get(REPRODUCTIONS)
    return counter(*bounds) if counter else (0, 0)


def evaluate(year: int) -> Evaluation:
    """The evaluation of budget ``year`` (the caller checked that the year is opened)."""
    bounds = year_bounds(year)
    diffused, stopped = _outcomes(bounds)
    reproductions, reproduced = _reproductions(bounds)
    return Evaluation(
        year=year, labels=_labels(bounds), cofunding=_cofunding(year),
        funnel=_funnel(bounds), diffused=diffused, stopped=stopped,
        reproductions=reproductions, reproduced_projects=reproduced,
        oriented=_oriented(bounds), teams=_teams(bounds),
        aid_by_department=_aid_by_department(year))
