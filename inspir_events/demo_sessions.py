"""Demo data of the sessions of co-funding applications and their jury (issue 19 §2).

Called at the end of :func:`inspir_events.demo.seed`, once the money side is seeded:

- the past meeting's co-funding (granted in :mod:`inspir_events.demo_aid`, written as
  history) was decided in the session "Comité de cofinancement du printemps", now closed with its
  results published: its jury of three disciplines scored it, and the decision cites its
  ranking (history too, one transaction, as the rest of the decided past);
- the upcoming hackathon's application is in the open session of its budget year,
  through the committee's and the jury's own use cases: a jury of three disciplines,
  one member recused (he declared a conflict: he volunteers for the applicant), the two
  others scored it, so the jury reached its quorum and the committee may decide.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.aid.cofunding import sessions
from inspir_events.aid.cofunding.models import (
    JURY_SUBJECT,
    RECUSAL_SUBJECT,
    ApplicationStatus,
    CofundingApplication,
    CofundingSession,
    SessionStatus,
)
from inspir_events.aid.jury import rules as jury_rules
from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.models import JuryMember, JuryScore
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.recusal import services as recusal
from inspir_events.timeutil import utcnow

PAST_SESSION = "Comité de cofinancement du printemps"
OPEN_SESSION = "Comité de cofinancement de fin d'année"
# (member, discipline, score per criterion in the default order, comment)
PAST_JURY = (
    ("comite2", jury_rules.Discipline.TERRITORY, (4, 4, 5, 4, 3, 4, 4, 4, 3),
     "Un vrai besoin des maisons de santé de l'Aisne."),
    ("dev", jury_rules.Discipline.DIGITAL, (3, 4, 4, 4, 3, 3, 4, 4, 4), ""),
    ("citoyenne", jury_rules.Discipline.INHABITANT, (5, 5, 4, 5, 4, 4, 4, 3, 4),
     "Les aidants ont été associés dès le départ."),
)
OPEN_JURY = (
    ("comite2", jury_rules.Discipline.TERRITORY, (4, 3, 4, 5, 4, 3, 4, 4, 3),
     "Ancrage rural réel, avec Amiens Métropole."),
    ("dev", jury_rules.Discipline.DIGITAL, (4, 4, 5, 4, 3, 4, 5, 3, 5),
     "Capteurs et code ouverts : reproductible."),
    ("citoyen", jury_rules.Discipline.INHABITANT, None, ""),  # recused: declared a conflict
)
CONFLICT = "Je suis bénévole de l'association La Machinerie, qui demande le cofinancement."


def _scores(values) -> dict[str, jury.ScoreInput]:
    return {code: jury.ScoreInput(value, "")
            for code, value in zip(jury_rules.CRITERION_CODES, values, strict=True)}


def _past_session(users: dict[str, User], granted: CofundingApplication) -> None:
    """The closed, published session in which the past meeting's co-funding was decided
    (history, written as the use cases would)."""
    decided = granted.decided_at or utcnow()
    session = CofundingSession(title=PAST_SESSION, year=granted.year,
                               meeting_on=(decided - timedelta(days=1)).date(),
                               status=SessionStatus.CLOSED, created_by_id=users["comite"].id,
                               created_at=decided - timedelta(days=30), closed_at=decided,
                               published_at=decided + timedelta(days=1))
    db.session.add(session)
    db.session.flush()
    panel = jury.setup(JURY_SUBJECT, session.id)
    for local, discipline, values, comment in PAST_JURY:
        member = users[local]
        db.session.add(JuryMember(jury_id=panel.id, user_id=member.id, discipline=discipline,
                                  named_by_id=users["comite"].id,
                                  named_at=decided - timedelta(days=29)))
        db.session.add_all(JuryScore(
            jury_id=panel.id, user_id=member.id, application_type=RECUSAL_SUBJECT,
            application_id=granted.id, criterion=code, score=value,
            comment=comment if index == 0 else "", scored_at=decided - timedelta(days=5))
            for index, (code, value) in enumerate(zip(jury_rules.CRITERION_CODES, values,
                                                      strict=True)))
    granted.session_id = session.id
    db.session.flush()
    granted.jury_citation = jury.ranking_citation(JURY_SUBJECT, session.id, granted.id)
    db.session.commit()


def _open_session(users: dict[str, User], application: CofundingApplication) -> None:
    """The hackathon's application in the open session of its year, its jury naming,
    recusal and scores through the use cases."""
    comite = users["comite"]
    meeting = (utcnow() + timedelta(days=10)).date()
    session = sessions.create_session(comite, sessions.SessionInput(
        OPEN_SESSION, application.year, meeting))
    for local, discipline, _values, _comment in OPEN_JURY:
        jury.name_member(comite, JURY_SUBJECT, session.id, users[local].id, discipline.value)
    sessions.add_application(comite, session.id, application.id)
    recusal.declare_conflict(users["citoyen"], RECUSAL_SUBJECT, application.id, CONFLICT)
    for local, _discipline, values, comment in OPEN_JURY:
        if values is None:
            continue
        scores = _scores(values)
        scores[jury_rules.CRITERION_CODES[0]] = jury.ScoreInput(values[0], comment)
        jury.score(users[local], JURY_SUBJECT, session.id, application.id, scores)


def seed(users: dict[str, User], events: list[Event]) -> None:
    """The sessions of the demo (after :func:`inspir_events.demo_aid.seed` and the
    hackathon's application): one decided and published, one open with a quorate jury."""
    granted = db.session.scalar(select(CofundingApplication).where(
        CofundingApplication.event_id == events[2].id,
        CofundingApplication.status == ApplicationStatus.GRANTED))
    if granted is not None:
        _past_session(users, granted)
    hackathon = db.session.scalar(select(CofundingApplication).where(
        CofundingApplication.event_id == events[0].id,
        CofundingApplication.status == ApplicationStatus.SUBMITTED))
    if hackathon is not None:
        _open_session(users, hackathon)
