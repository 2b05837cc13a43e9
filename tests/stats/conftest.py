"""Statistics fixtures: ``stats_world``, a small database whose every figure is known.

Rows are added directly (not through the use cases): the point is to hold
exactly the states the counts must include or leave out (hidden, pending and
withdrawn needs; draft, cancelled and future events; waitlisted and cancelled
registrations; open rounds; unlisted projects; delegated envelopes).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from inspir_events.aid.envelopes.models import Commitment, Envelope
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Origin, Qualification, Stage
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as aid_years
from inspir_events.events.models import Event, Registration
from inspir_events.events.rules import EventKind, EventStatus, RegistrationStatus, RunBy
from inspir_events.needs.models import Need
from inspir_events.needs.rules import NeedStatus, Visibility
from inspir_events.timeutil import utcnow
from inspir_events.voting.models import Idea, VotingRound
from inspir_events.voting.rules import RoundStatus
from tests.stats import evaluation_world as evaluation

SIRET = "73282932000074"


def _need(title, department, theme, *, visibility=Visibility.PUBLIC,
          status=NeedStatus.PUBLISHED):
    return Need(title=title, description="Un besoin.", description_html="<p>Un besoin.</p>",
                search_text=title.lower(), department_code=department, theme_code=theme,
                visibility=visibility, status=status)


def _event(title, kind, department, *, days, status=EventStatus.PUBLISHED):
    """An event that ended ``days`` ago (negative: one still to come)."""
    ends = utcnow() - timedelta(days=days)
    return Event(title=title, kind=kind, description="Un événement.",
                 description_html="<p>Un événement.</p>", starts_at=ends - timedelta(hours=8),
                 ends_at=ends, venue_name="Tiers-lieu", venue_address="1 rue de la Gare",
                 venue_commune="Amiens", department_code=department, run_by=RunBy.REGION,
                 status=status)


def _project(title, stage, qualification=Qualification.QUALIFIED):
    return Project(title=title, summary="Un projet.", summary_html="<p>Un projet.</p>",
                   stage=stage, origin=Origin.PROPOSAL, qualification=qualification,
                   department_code="80", theme_code="transports")


def _grant(envelope, project, amount, kind=GrantKind.PROJECT_OPERATING):
    commitment = Commitment(envelope=envelope, amount_cents=amount, object_type="project",
                            object_id=str(project.id))
    envelope.committed_cents += amount
    return AidGrant(kind=kind, year=2016, reference=f"REF-{project.id}-{amount}",
                    project=project, envelope=envelope, commitment=commitment,
                    section=envelope.section, amount_cents=amount,
                    beneficiary_name="Association", beneficiary_siret=SIRET,
                    purpose=project.title)


@pytest.fixture
def stats_world(db, make_user):
    """The known dataset; returns the expected figures (see each comment)."""
    db.session.add_all([
        _need("Bus du dimanche", "80", "transports"),
        _need("Covoiturage", "80", "transports", status=NeedStatus.ADDRESSED),
        _need("Médecin traitant", "59", "sante"),
        _need("Caché", "62", "culture", visibility=Visibility.HIDDEN),
        _need("En attente", "02", "transports", visibility=Visibility.PENDING),
        _need("Retiré", "60", "sante", status=NeedStatus.WITHDRAWN),
    ])
    held_hackathon = _event("Hackathon passé", EventKind.HACKATHON, "80", days=2)
    held_workshop = _event("Atelier passé", EventKind.WORKSHOP, "59", days=30)
    future = _event("Hackathon à venir", EventKind.HACKATHON, "62", days=-10)
    draft = _event("Brouillon passé", EventKind.MEETING, "60", days=5,
                   status=EventStatus.DRAFT)
    cancelled = _event("Annulé", EventKind.OTHER, "02", days=5, status=EventStatus.CANCELLED)
    db.session.add_all([held_hackathon, held_workshop, future, draft, cancelled])
    u1, u2, u3, u4, u5 = (make_user(display_name=f"Personne {n}") for n in range(1, 6))
    for position, (event, user, status) in enumerate([
            (held_hackathon, u1, RegistrationStatus.CONFIRMED),
            (held_workshop, u1, RegistrationStatus.CONFIRMED),
            (held_hackathon, u2, RegistrationStatus.CONFIRMED),
            (held_hackathon, u3, RegistrationStatus.WAITLISTED),
            (held_workshop, u4, RegistrationStatus.CANCELLED),
            (future, u5, RegistrationStatus.CONFIRMED),
            (draft, u5, RegistrationStatus.CONFIRMED)]):
        db.session.add(Registration(event=event, user_id=user.id, status=status,
                                    position=position))
    ideas = [Idea(event=event, title=f"Idée {n}", summary="S", summary_html="<p>S</p>")
             for n, event in enumerate([held_hackathon, held_hackathon, held_workshop, draft])]
    db.session.add_all(ideas)
    db.session.add_all([
        VotingRound(event=held_hackathon, title="Vote", status=RoundStatus.CLOSED,
                    ideas=ideas[:2]),
        VotingRound(event=held_workshop, title="Vote", status=RoundStatus.OPEN,
                    ideas=ideas[2:3]),
        VotingRound(event=draft, title="Vote", status=RoundStatus.CLOSED, ideas=ideas[3:]),
    ])
    projects = [
        _project("Idée qualifiée", Stage.IDEE),
        _project("Diffusé", Stage.DIFFUSION),
        _project("Arrêté", Stage.ABANDONNE, Qualification.ORIENTED_STRUCTURE),
        _project("En attente", Stage.IDEE, Qualification.AWAITING),
        _project("Autre programme", Stage.PROJET, Qualification.ORIENTED_PROGRAMME),
    ]
    db.session.add_all(projects)
    db.session.commit()

    aid_years.load_envelopes(2016)
    tops = {(e.former_region, e.section): e for e in db.session.query(Envelope)}
    npdc_investment = tops[(FormerRegion.NPDC, Section.INVESTMENT)]
    picardie_operating = tops[(FormerRegion.PICARDIE, Section.OPERATING)]
    delegated = Envelope(year=2016, former_region=FormerRegion.NPDC,
                         section=Section.INVESTMENT, amount_cents=1_000_000,
                         parent_id=npdc_investment.id, holder_name="Métropole")
    db.session.add(delegated)
    db.session.flush()
    db.session.add(Commitment(envelope=npdc_investment, amount_cents=1_000_000,
                              object_type="envelope", object_id="sub"))
    npdc_investment.committed_cents += 1_000_000
    db.session.add_all([
        _grant(picardie_operating, projects[1], 300_000),
        _grant(delegated, projects[1], 200_000, GrantKind.PROJECT_INVESTMENT),
    ])
    db.session.commit()
    return {
        "needs_total": 3, "needs_80": 2, "needs_59": 1, "transports": 2, "sante": 1,
        "events_held": 2, "participants": 2, "hackathon_participants": 2,
        "workshop_participants": 1, "ideas": 3, "ideas_closed": 2, "projects": 3,
        "npdc_investment": (15_000_000, 1_000_000, 200_000),
        "picardie_operating": (20_000_000, 300_000, 300_000),
        "totals": (60_000_000, 1_300_000, 500_000),
    }


@pytest.fixture
def evaluation_world(db, make_user):
    """The programme's evaluation world (tests/stats/evaluation_world.py): its expected
    figures per budget year."""
    return evaluation.build(db, make_user)
