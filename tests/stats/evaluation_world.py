"""A world whose programme evaluation is known, for the budget years 2025 and 2026.

Rows are added directly, as ``stats_world`` does, to hold exactly the states the
evaluation must count or leave out: items of the other year, drafts, hidden and
withdrawn needs, unlisted projects, a draft event's team. ``EXPECTED`` holds the
figures, per year; each comment in :func:`build` says where a number comes from.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

from inspir_events.accounts.models import User
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.envelopes.models import Commitment, Envelope
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.aid.projects.models import Project, ProjectMove
from inspir_events.aid.projects.stages import Origin, Qualification, Stage
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as aid_years
from inspir_events.events.models import Event
from inspir_events.events.rules import EventKind, EventStatus, RunBy
from inspir_events.labels.charter import LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.needs.models import Need
from inspir_events.needs.rules import NeedStatus, Visibility
from inspir_events.reference.models import Skill
from inspir_events.store.models import ReproductionRequest
from inspir_events.teams.models import Team, TeamMember
from inspir_events.voting.models import Idea

SIRET = "73282932000074"
# Naive UTC, as stored. The last one is 1 January 2026, 00:30 in Paris: a 2026 item.
T26 = datetime(2026, 3, 10, 12, 0)
T25 = datetime(2025, 6, 15, 12, 0)
NEW_YEAR_IN_PARIS = datetime(2025, 12, 31, 23, 30)

EXPECTED = {
    2026: {
        "labels": {"event": (2, 1, 1), "support_structure": (1, 1, 0), "project": (1, 0, 0)},
        "cofunding": {"asked": (3, 1_700_000), "granted": (1, 900_000),
                      "refused": (1, 500_000), "awaiting": 1},
        "funnel": (4, 2, 3, 2),
        "outcomes": (1, 1),
        "reproductions": (2, 1),
        "oriented": {"innovation_sociale": 1, "projets_etudiants": 1},
        "teams": (3, 1, 2, 1),
        "aid": {"59": (1, 900_000), "80": (1, 400_000)},
    },
    2025: {
        "labels": {"event": (1, 1, 0), "support_structure": (0, 0, 0), "project": (0, 0, 0)},
        "cofunding": {"asked": (1, 300_000), "granted": (1, 300_000), "refused": (0, 0),
                      "awaiting": 0},
        "funnel": (1, 1, 1, 1),
        "outcomes": (1, 0),
        "reproductions": (1, 1),
        "oriented": {"innovation_sociale": 1},
        "teams": (1, 1, 1, 1),
        "aid": {"62": (1, 300_000)},
    },
}


def open_year(year: int) -> None:
    data = dataclasses.replace(aid_years.starting_rules(year, aid_years.START_DELIBERATION),
                               vote_reference=f"Délibération {year}",
                               vote_date=date(year - 1, 12, 15))
    aid_years.open_year(None, year, data)


def _event(db, title, starts, *, department="80", status=EventStatus.PUBLISHED):
    event = Event(title=title, kind=EventKind.HACKATHON, description="Un événement.",
                  description_html="<p>Un événement.</p>", starts_at=starts,
                  ends_at=starts + timedelta(hours=8), venue_name="Tiers-lieu",
                  venue_address="1 rue de la Gare", venue_commune="Amiens",
                  department_code=department, run_by=RunBy.THIRD_PARTY, status=status)
    db.session.add(event)
    return event


def _need(db, title, created, *, visibility=Visibility.PUBLIC, status=NeedStatus.PUBLISHED):
    need = Need(title=title, description="Un besoin.", description_html="<p>Un besoin.</p>",
                search_text=title.lower(), department_code="80", theme_code="transports",
                visibility=visibility, status=status, created_at=created)
    db.session.add(need)
    return need


def _project(db, title, stage=Stage.IDEE, *, qualification=Qualification.QUALIFIED,
             changed=T26, department="80", **lineage):
    project = Project(title=title, summary="Un projet.", summary_html="<p>Un projet.</p>",
                      stage=stage, origin=Origin.PROPOSAL, qualification=qualification,
                      department_code=department, theme_code="transports",
                      stage_changed_at=changed, updated_at=changed, **lineage)
    db.session.add(project)
    return project


def _label(db, subject, status, created):
    db.session.add(LabelRequest(subject_type=subject, subject_id=1, subject_title="Objet",
                                subject_url="/", answers={}, status=status,
                                created_at=created))


def _application(db, event, year, status, share):
    application = CofundingApplication(
        event=event, year=year, status=status, beneficiary_name="Association",
        beneficiary_siret=SIRET, purpose="Co-financement", region_share_cents=share,
        total_cost_cents=2 * share)
    db.session.add(application)
    return application


def _grant(db, year, amount, *, application=None, project=None,
           kind=GrantKind.EVENT_COFUNDING):
    envelope = db.session.query(Envelope).filter_by(
        year=year, former_region=FormerRegion.NPDC, section=Section.OPERATING,
        parent_id=None).one()
    commitment = Commitment(envelope=envelope, amount_cents=amount, object_type="grant",
                            object_id=f"{year}-{amount}")
    envelope.committed_cents += amount
    db.session.add(AidGrant(kind=kind, year=year, reference=f"REF-{year}-{amount}",
                            application=application, project=project, envelope=envelope,
                            commitment=commitment, section=Section.OPERATING,
                            amount_cents=amount, beneficiary_name="Association",
                            beneficiary_siret=SIRET, purpose="Aide"))


def build(db, make_user) -> dict:
    """Every row; returns :data:`EXPECTED`."""
    open_year(2025)
    open_year(2026)
    usager = db.session.get(Skill, "usager")
    people = [make_user(display_name=f"Membre {n}") for n in range(1, 9)]
    for person in (people[0], people[3], people[4]):
        db.session.get(User, person.id).skills = [usager]

    # Labels: 2026 — two events (granted, refused), a structure at Paris's new year
    # (granted), a project awaiting; 2025 — one event granted.
    _label(db, SubjectType.EVENT, LabelStatus.GRANTED, T26)
    _label(db, SubjectType.EVENT, LabelStatus.REFUSED, T26)
    _label(db, SubjectType.SUPPORT_STRUCTURE, LabelStatus.GRANTED, NEW_YEAR_IN_PARIS)
    _label(db, SubjectType.PROJECT, LabelStatus.REQUESTED, T26)
    _label(db, SubjectType.EVENT, LabelStatus.GRANTED, T25)

    # Events: e1 and e3 (draft) in 2026, e2 in 2025; the co-funded ones elsewhere.
    e1 = _event(db, "Hackathon 2026", T26)
    e2 = _event(db, "Atelier 2025", T25)
    e3 = _event(db, "Brouillon 2026", T26, status=EventStatus.DRAFT)
    cofunded = [_event(db, f"Co-financé {n}", T26, department=dep)
                for n, dep in enumerate(("59", "60", "02", "80", "62"))]

    # Needs: n1..n4 public in 2026; n5 hidden, n6 withdrawn; n7 public in 2025.
    n1, n2, n3, n4 = (_need(db, f"Besoin {n}", T26) for n in range(1, 5))
    n5 = _need(db, "Caché", T26, visibility=Visibility.HIDDEN)
    _need(db, "Retiré", T26, status=NeedStatus.WITHDRAWN)
    n7 = _need(db, "Besoin 2025", T25)
    e1.needs = [n1, n5, n7]  # n1 (2026) and n7 (2025) led to an event
    e2.needs = [n2]  # n2 led to an event...
    e3.needs = [n3]  # ...n3 only to a draft one: not counted
    db.session.flush()
    i1 = Idea(event=e1, need_id=n1.id, title="Idée 1", summary="S", summary_html="<p>S</p>")
    i2 = Idea(event=e2, title="Idée 2", summary="S", summary_html="<p>S</p>")  # n2, by e2
    # n4: an idea linked to it, posted at an event that does not address it.
    i4 = Idea(event=e1, need_id=n4.id, title="Idée 4", summary="S", summary_html="<p>S</p>")
    db.session.add_all([i1, i2, i4])
    db.session.flush()
    # Projects reaching needs: n1 (its need, and e1 reaches n7 too), n4 (by its idea);
    # n3's project awaits the committee (not listed): not counted.
    _project(db, "Depuis n1", need_id=n1.id, event_id=e1.id)
    _project(db, "Depuis l'idée 4", idea_id=i4.id)
    _project(db, "En attente", need_id=n3.id, qualification=Qualification.AWAITING)

    # Outcomes: diffused in 2026 and 2025, stopped in 2026; a stopped project oriented to
    # another programme is not listed (but counts as oriented, by its last change).
    diffused = _project(db, "Diffusé 2026", Stage.DIFFUSION)
    stopped = _project(db, "Arrêté 2026", Stage.ABANDONNE,
                       qualification=Qualification.ORIENTED_STRUCTURE)
    _project(db, "Diffusé 2025", Stage.DIFFUSION, changed=T25)
    _project(db, "Arrêté, autre programme", Stage.ABANDONNE,
             qualification=Qualification.ORIENTED_PROGRAMME,
             oriented_programme="projets_etudiants")
    # Orientations dated by the committee's decision (a move), whatever else changed.
    for when in (T26, T25):
        oriented = _project(db, f"Orienté {when.year}", changed=T26,
                            qualification=Qualification.ORIENTED_PROGRAMME,
                            oriented_programme="innovation_sociale")
        db.session.flush()
        db.session.add(ProjectMove(project_id=oriented.id, from_stage=Stage.IDEE,
                                   to_stage=Stage.IDEE, decided_at=when,
                                   qualification=Qualification.ORIENTED_PROGRAMME))
    awaiting = _project(db, "Non listé", Stage.DIFFUSION, qualification=Qualification.AWAITING)
    db.session.flush()

    # Reproductions: two of the diffused one in 2026, one of the stopped one in 2025, one of
    # an unlisted project (not counted).
    db.session.add_all([
        ReproductionRequest(project_id=diffused.id, user_id=people[5].id, created_at=T26),
        ReproductionRequest(project_id=diffused.id, user_id=people[6].id, created_at=T26),
        ReproductionRequest(project_id=stopped.id, user_id=people[5].id, created_at=T25),
        ReproductionRequest(project_id=awaiting.id, user_id=people[7].id, created_at=T26),
    ])

    # Teams: at e1 (2026) team a (an "usager" and another) and team b (one person); a team
    # at the draft e3 (an "usager", not counted); at e2 (2025) one "usager".
    for name, event, members in (("A", e1, people[0:2]), ("B", e1, people[2:3]),
                                 ("C", e3, people[3:4]), ("D", e2, people[4:5])):
        team = Team(event=event, name=name, name_key=name.lower(), lead_id=members[0].id,
                    max_size=6, member_count=len(members))
        db.session.add(team)
        db.session.flush()
        db.session.add_all([TeamMember(team_id=team.id, user_id=m.id, event_id=event.id)
                            for m in members])

    # Co-funding applications of 2026: granted (asked 10 000 €, granted 9 000 €, event in
    # the Nord), refused (5 000 €), awaiting (2 000 €), a draft (not counted); 2025: one
    # granted (3 000 €, event in the Pas-de-Calais).
    granted = _application(db, cofunded[0], 2026, ApplicationStatus.GRANTED, 1_000_000)
    _application(db, cofunded[1], 2026, ApplicationStatus.REFUSED, 500_000)
    _application(db, cofunded[2], 2026, ApplicationStatus.SUBMITTED, 200_000)
    _application(db, cofunded[3], 2026, ApplicationStatus.DRAFT, 700_000)
    granted_2025 = _application(db, cofunded[4], 2025, ApplicationStatus.GRANTED, 300_000)
    db.session.commit()
    _grant(db, 2026, 900_000, application=granted)
    _grant(db, 2026, 400_000, project=diffused, kind=GrantKind.PROJECT_OPERATING)  # the Somme
    _grant(db, 2025, 300_000, application=granted_2025)
    db.session.commit()
    return EXPECTED
