"""The public statistics: counts of needs, events, participants, ideas, projects and money.

Read-only, no personal data: every figure is a count or a sum, keyed by a code
(department, theme, event kind, pipeline stage, former region, section), never a
label or a name. The page (:mod:`inspir_events.stats.routes`) and the JSON API
read the same :class:`Statistics`, so a figure is computed once.

What is counted, and why (each rule is the one the public pages already apply):

- needs: the public ones only (``Need.is_public``: visible and not withdrawn; hidden
  and pending needs are moderation's business, not the public's);
- events held: published events that have ended (the "past" list of the events pages);
- participants: distinct people with a confirmed registration to a held event, in all
  and per event kind (one person at a hackathon and a workshop counts once in the
  total and once in each kind);
- ideas: the ideas of published events, and those put to the vote in a closed round;
- projects: the pipeline's public list (qualification not in
  :data:`~inspir_events.aid.projects.rules.NOT_LISTED`), per stage;
- money (one budget year, :mod:`inspir_events.aid.years`): per top-level
  envelope its amount, what is committed on it (grants and delegations) and what was
  granted through :class:`~inspir_events.aid.models.AidGrant` (its delegated
  sub-envelopes' grants included). The deliberation sets the budget as four envelopes
  (« Investissement NPDC », « Fonctionnement NPDC », « Investissement Picardie »,
  « Fonctionnement Picardie »), and no commitment may exceed its envelope (DESIGN.md §3):
  the envelope figures show how far each one is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select

from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.queries import STAGES_SHOWN
from inspir_events.aid.projects.rules import NOT_LISTED
from inspir_events.aid.years import services as aid_years
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import EventKind, EventStatus, RegistrationStatus
from inspir_events.extensions import db
from inspir_events.needs.models import Need
from inspir_events.reference.models import Department, Theme
from inspir_events.stats import evaluation as evaluation_queries
from inspir_events.stats import territories
from inspir_events.stats.evaluation import Evaluation
from inspir_events.timeutil import utcnow
from inspir_events.voting.models import Idea, VotingRound, round_idea
from inspir_events.voting.rules import RoundStatus


@dataclass(frozen=True)
class Count:
    """How many things carry one code (a department, a theme, a kind, a stage)."""

    code: str
    count: int

    def as_dict(self) -> dict:
        return {"code": self.code, "count": self.count}


@dataclass(frozen=True)
class EnvelopeFigures:
    """One top-level envelope of the year: its amount, committed and granted cents."""

    id: int
    former_region: str
    section: str
    amount_cents: int
    committed_cents: int
    granted_cents: int

    def as_dict(self) -> dict:
        return {"id": self.id, "former_region": self.former_region, "section": self.section,
                "amount_cents": self.amount_cents, "committed_cents": self.committed_cents,
                "granted_cents": self.granted_cents}


@dataclass(frozen=True)
class Statistics:
    """Every public figure. Lists are in a stable order and include zero counts."""

    needs_total: int
    needs_by_department: tuple[Count, ...]
    needs_by_theme: tuple[Count, ...]
    needs_by_epci: tuple[Count, ...]
    events_held: int
    events_by_department: tuple[Count, ...]
    events_by_kind: tuple[Count, ...]
    events_by_epci: tuple[Count, ...]
    participants_total: int
    participants_by_kind: tuple[Count, ...]
    ideas_total: int
    ideas_in_closed_rounds: int
    projects_total: int
    projects_by_stage: tuple[Count, ...]
    projects_by_department: tuple[Count, ...]
    projects_by_epci: tuple[Count, ...]
    year: int
    years: tuple[int, ...]
    envelopes: tuple[EnvelopeFigures, ...]
    amount_cents: int
    committed_cents: int
    granted_cents: int
    evaluation: Evaluation

    def as_dict(self) -> dict:
        """JSON-ready: plain str/int/list/dict, amounts in cents, codes not labels."""
        return {
            "needs": {"total": self.needs_total,
                      "by_department": [c.as_dict() for c in self.needs_by_department],
                      "by_theme": [c.as_dict() for c in self.needs_by_theme],
                      "by_epci": [c.as_dict() for c in self.needs_by_epci]},
            "events": {"held": self.events_held,
                       "by_department": [c.as_dict() for c in self.events_by_department],
                       "by_kind": [c.as_dict() for c in self.events_by_kind],
                       "by_epci": [c.as_dict() for c in self.events_by_epci]},
            "participants": {"total": self.participants_total,
                             "by_event_kind": [c.as_dict() for c in self.participants_by_kind]},
            "ideas": {"total": self.ideas_total,
                      "in_closed_rounds": self.ideas_in_closed_rounds},
            "projects": {"total": self.projects_total,
                         "by_stage": [c.as_dict() for c in self.projects_by_stage],
                         "by_department": [c.as_dict() for c in self.projects_by_department],
                         "by_epci": [c.as_dict() for c in self.projects_by_epci]},
            "money": {"year": self.year, "years": list(self.years),
                      "amount_cents": self.amount_cents,
                      "committed_cents": self.committed_cents,
                      "granted_cents": self.granted_cents,
                      "envelopes": [e.as_dict() for e in self.envelopes]},
            "evaluation": self.evaluation.as_dict(),
        }


def _counts(codes, rows) -> tuple[Count, ...]:
    """One Count per known code (zero when absent), then any other code met in ``rows``."""
    found = {str(code): int(n) for code, n in rows if code is not None}
    ordered = [str(code) for code in codes]
    extra = sorted(code for code in found if code not in ordered)
    return tuple(Count(code, found.get(code, 0)) for code in (*ordered, *extra))


def _department_codes() -> list[str]:
    return list(db.session.scalars(select(Department.code).order_by(Department.code)))


def _theme_codes() -> list[str]:
    return list(db.session.scalars(select(Theme.code).order_by(Theme.position, Theme.code)))


def _needs(departments, themes):
    public = Need.is_public
    by_department = _counts(departments, db.session.execute(
        select(Need.department_code, func.count()).where(public)
        .group_by(Need.department_code)).all())
    by_theme = _counts(themes, db.session.execute(
        select(Need.theme_code, func.count()).where(public).group_by(Need.theme_code)).all())
    return sum(c.count for c in by_department), by_department, by_theme


def _held():
    """The condition of an event held: published, and over."""
    return (Event.status == EventStatus.PUBLISHED) & (Event.ends_at < utcnow())


def _events(departments):
    held = _held()
    by_department = _counts(departments, db.session.execute(
        select(Event.department_code, func.count()).where(held)
        .group_by(Event.department_code)).all())
    by_kind = _counts(list(EventKind), db.session.execute(
        select(Event.kind, func.count()).where(held).group_by(Event.kind)).all())
    return sum(c.count for c in by_kind), by_department, by_kind


def _participants():
    confirmed = select(Registration.user_id, Event.kind).join(
        Event, Event.id == Registration.event_id).where(
        _held(), Registration.status == RegistrationStatus.CONFIRMED)
    rows = confirmed.subquery()
    total = db.session.scalar(select(func.count(distinct(rows.c.user_id))))
    by_kind = _counts(list(EventKind), db.session.execute(
        select(rows.c.kind, func.count(distinct(rows.c.user_id))).group_by(rows.c.kind)).all())
    return int(total or 0), by_kind


def _ideas():
    published = Event.status == EventStatus.PUBLISHED
    total = db.session.scalar(select(func.count(Idea.id)).join(
        Event, Event.id == Idea.event_id).where(published))
    closed = db.session.scalar(
        select(func.count(distinct(round_idea.c.idea_id)))
        .select_from(round_idea)
        .join(VotingRound, VotingRound.id == round_idea.c.round_id)
        .join(Event, Event.id == VotingRound.event_id)
        .where(published, VotingRound.status == RoundStatus.CLOSED))
    return int(total or 0), int(closed or 0)


def _projects():
    by_stage = _counts(list(STAGES_SHOWN), db.session.execute(
        select(Project.stage, func.count()).where(Project.qualification.not_in(NOT_LISTED))
        .group_by(Project.stage)).all())
    return sum(c.count for c in by_stage), by_stage


def _money(year: int):
    envelopes = db.session.scalars(select(Envelope).where(Envelope.year == year)).all()
    parents = {e.id: e.parent_id for e in envelopes}

    def top_of(envelope_id: int) -> int:
        seen = set()
        while parents.get(envelope_id) is not None and envelope_id not in seen:
            seen.add(envelope_id)
            envelope_id = parents[envelope_id]
        return envelope_id

    granted: dict[int, int] = {}
    if envelopes:
        for envelope_id, cents in db.session.execute(
                select(AidGrant.envelope_id, func.sum(AidGrant.amount_cents))
                .where(AidGrant.envelope_id.in_(list(parents)))
                .group_by(AidGrant.envelope_id)).all():
            top = top_of(envelope_id)
            granted[top] = granted.get(top, 0) + int(cents or 0)
    tops = sorted((e for e in envelopes if e.parent_id is None),
                  key=lambda e: (str(e.former_region), str(e.section)))
    figures = tuple(EnvelopeFigures(
        id=e.id, former_region=str(e.former_region), section=str(e.section),
        amount_cents=e.amount_cents, committed_cents=e.committed_cents,
        granted_cents=granted.get(e.id, 0)) for e in tops)
    return figures


def public_statistics(year: int | None = None) -> Statistics:
    """Every public figure; the money part and the programme's evaluation
    (:mod:`inspir_events.stats.evaluation`) for budget ``year`` (default: the latest in force).

    Raises :class:`inspir_events.aid.rules.UnknownYear` for a year without a policy.
    """
    year = aid_years.latest_year() if year is None else year
    aid_years.policy_for(year)
    departments, themes = _department_codes(), _theme_codes()
    needs_total, needs_by_department, needs_by_theme = _needs(departments, themes)
    events_held, events_by_department, events_by_kind = _events(departments)
    participants_total, participants_by_kind = _participants()
    ideas_total, ideas_closed = _ideas()
    projects_total, projects_by_stage = _projects()
    envelopes = _money(year)
    epcis = territories.epci_codes()
    return Statistics(
        needs_total=needs_total, needs_by_department=needs_by_department,
        needs_by_theme=needs_by_theme,
        needs_by_epci=_counts(epcis, territories.needs_by_epci()),
        events_held=events_held, events_by_department=events_by_department,
        events_by_kind=events_by_kind,
        events_by_epci=_counts(epcis, territories.events_by_epci(_held())),
        projects_by_department=_counts(departments, territories.projects_by_department()),
        projects_by_epci=_counts(epcis, territories.projects_by_epci()),
        participants_total=participants_total, participants_by_kind=participants_by_kind,
        ideas_total=ideas_total, ideas_in_closed_rounds=ideas_closed,
        projects_total=projects_total, projects_by_stage=projects_by_stage,
        year=year, years=tuple(aid_years.opened_years()), envelopes=envelopes,
        amount_cents=sum(e.amount_cents for e in envelopes),
        committed_cents=sum(e.committed_cents for e in envelopes),
        granted_cents=sum(e.granted_cents for e in envelopes),
        evaluation=evaluation_queries.evaluate(year),
    )

