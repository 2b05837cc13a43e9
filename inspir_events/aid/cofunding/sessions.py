"""Sessions of co-funding applications and their jury (issue 19 §2: "for each call, and
for each session of co-funding applications, the committee names the jury").

The committee creates a session (a title, a budget year, the date of its meeting), puts
submitted applications of that year in it and takes them out, and names its jury through
the jury core (:mod:`inspir_events.aid.jury`: the session is the juried subject
``cofunding_session``, :data:`JURIED_SESSION`). The jury's members score each of its
applications on the default criteria; a member party to an application (its applicant,
the event's organisers and co-organisers) or who declared a conflict on it is recused
from it and does not count for its quorum. No decision on an application without a
session whose jury reached quorum for it (:func:`.decisions.jury_citation`).

Once every application is decided the committee closes the session (no more scoring);
it then publishes its results: the jury's ranking (means and spreads) becomes public,
never a member's score or comment. Until then the scores are the jury's and the
committee's only. Every change is audited (``session.*``); scores and decisions are
audited by the jury and the decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.aid.cofunding.decisions import may_decide, recusal_of, refuse_if_recused
from inspir_events.aid.cofunding.models import (
    JURY_SUBJECT,
    RECUSAL_SUBJECT,
    ApplicationStatus,
    CofundingApplication,
    CofundingSession,
    SessionStatus,
)
from inspir_events.aid.cofunding.services import (
    ApplicationConflict,
    ApplicationError,
    ApplicationForbidden,
    ApplicationNotFound,
)
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.models import Jury, JuryMember
from inspir_events.aid.jury.registry import JuriedApplication, JuriedSubject
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.extensions import db
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for

TITLE_MAX = 150
YEAR_MIN, YEAR_MAX = 2016, 2100


class SessionNotFound(ApplicationError):
    status = 404

    def __init__(self):
        super().__init__(_l("This session does not exist."), code="not_found")


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def _signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


def may_manage(user) -> bool:
    """The Region's committee creates sessions, fills them, closes and publishes them."""
    return _signed_in(user) and is_committee(user)


def get(session_id: int, lock: bool = False) -> CofundingSession:
    if not _valid_id(session_id):
        raise SessionNotFound()
    query = select(CofundingSession).where(CofundingSession.id == session_id)
    session = db.session.scalar(query.with_for_update() if lock else query)
    if session is None:
        raise SessionNotFound()
    return session


def is_juror(user, session_id: int) -> bool:
    """Does this person sit on the session's jury?"""
    return jury.membership(user, jury.jury_of(JURY_SUBJECT, session_id)) is not None


def may_read_documents(user, application: CofundingApplication) -> bool:
    """The jury of the application's session reads its PDF documents (issue 20 §4), a
    member recused from it excepted (registered with ``documents.add_reader``)."""
    return (application.session_id is not None and _signed_in(user)
            and is_juror(user, application.session_id)
            and recusal_of(user, application) is None)


def may_read(user, session_id: int) -> bool:
    """The session's page, its scores and its applications: its jury and the committee
    (and the administrators, who read every jury's scores)."""
    return jury.may_see_scores(user, JURY_SUBJECT, session_id)


def for_reader(user, session_id: int) -> CofundingSession:
    session = get(session_id)
    if not may_read(user, session_id):
        raise ApplicationForbidden(_l("A session's scores are private to its jury and the "
                                      "committee."), code="forbidden")
    return session


def sessions_of(user) -> list[CofundingSession]:
    """The sessions this person may see, newest meeting first: every one for the
    committee; those whose jury they sit on; anyone's published ones."""
    query = select(CofundingSession).order_by(CofundingSession.meeting_on.desc(),
                                              CofundingSession.id.desc())
    if may_manage(user) or (_signed_in(user) and user.is_admin):
        return list(db.session.scalars(query))
    shown = CofundingSession.published_at.is_not(None)
    if _signed_in(user):
        mine = select(Jury.subject_id).join(JuryMember, JuryMember.jury_id == Jury.id).where(
            Jury.subject_type == JURY_SUBJECT, JuryMember.user_id == user.id)
        shown = shown | CofundingSession.id.in_(mine)
    return list(db.session.scalars(query.where(shown)))


def open_sessions(year: int) -> list[CofundingSession]:
    """The open sessions of a budget year (where an application may be put)."""
    return list(db.session.scalars(select(CofundingSession).where(
        CofundingSession.year == year, CofundingSession.status == SessionStatus.OPEN)
        .order_by(CofundingSession.meeting_on, CofundingSession.id)))


def candidates(session: CofundingSession, actor=None) -> list[CofundingApplication]:
    """Submitted applications of the session's year it does not hold yet (those in an
    open session excepted: they are judged there); with ``actor``, only those they may
    place (not those they are recused from)."""
    in_open = select(CofundingSession.id).where(CofundingSession.status == SessionStatus.OPEN)
    found = db.session.scalars(select(CofundingApplication).where(
        CofundingApplication.year == session.year,
        CofundingApplication.status == ApplicationStatus.SUBMITTED,
        (CofundingApplication.session_id.is_(None))
        | CofundingApplication.session_id.not_in(in_open))
        .order_by(CofundingApplication.submitted_at, CofundingApplication.id))
    return [a for a in found if actor is None or recusal_of(actor, a) is None]


def pending_count(session: CofundingSession) -> int:
    return db.session.scalar(select(func.count()).select_from(CofundingApplication).where(
        CofundingApplication.session_id == session.id,
        CofundingApplication.status == ApplicationStatus.SUBMITTED)) or 0


# --- The session as the jury reads it -------------------------------------------------

def _title(session_id: int) -> str | None:
    session = db.session.get(CofundingSession, session_id) if _valid_id(session_id) else None
    return session.title if session is not None else None


def session_path(session_id: int) -> str:
    return path_for("aid.session", session_id=session_id)


def application_path(session_id: int, application_id: int) -> str:
    """The application as the jury reads it (its review page is the deciders')."""
    return path_for("aid.session_application", session_id=session_id,
                    application_id=application_id)


def juried_applications(session_id: int) -> list[JuriedApplication]:
    rows = db.session.scalars(select(CofundingApplication).where(
        CofundingApplication.session_id == session_id).order_by(CofundingApplication.id))
    return [JuriedApplication(row.id, row.event.title, application_path(session_id, row.id),
                              RECUSAL_SUBJECT, row.id,
                              row.status != ApplicationStatus.SUBMITTED) for row in rows]


def _scoring_open(session_id: int) -> bool:
    session = db.session.get(CofundingSession, session_id) if _valid_id(session_id) else None
    return session is not None and session.status == SessionStatus.OPEN


def _published(session_id: int) -> bool:
    session = db.session.get(CofundingSession, session_id) if _valid_id(session_id) else None
    return session is not None and session.published_at is not None


JURIED_SESSION = JuriedSubject(
    name=_l("this co-funding session"), title=_title, url=session_path,
    applications=juried_applications, scoring_open=_scoring_open, published=_published)


def may_declare(user, application_id: int) -> bool:
    """Who may declare a conflict of interest on an application: those who may decide
    on it, and the members of the jury of its session (who score it)."""
    if may_decide(user, application_id):
        return True
    application = db.session.get(CofundingApplication, application_id) \
        if _valid_id(application_id) else None
    return application is not None and application.session_id is not None \
        and is_juror(user, application.session_id)


def reader_page(user, application_id: int) -> str | None:
    """Where a person who may not review the application reads it as its jury's member
    (None: nowhere)."""
    application = db.session.get(CofundingApplication, application_id) \
        if _valid_id(application_id) else None
    if application is None or application.session_id is None \
            or not is_juror(user, application.session_id):
        return None
    return application_path(application.session_id, application.id)


def application_for_juror(user, session_id: int,
                          application_id: int) -> tuple[CofundingSession, CofundingApplication]:
    """An application of the session, for its jury and the committee."""
    session = for_reader(user, session_id)
    application = db.session.get(CofundingApplication, application_id) \
        if _valid_id(application_id) else None
    if application is None or application.session_id != session.id:
        raise ApplicationNotFound()
    return session, application


# --- The committee's use cases ------------------------------------------------------------

@dataclass(frozen=True)
class SessionInput:
    title: str
    year: int | None
    meeting_on: date | None


def _managed(actor: User, session_id: int, *, open_only: bool = True) -> CofundingSession:
    if not may_manage(actor):
        raise ApplicationForbidden(_l("Only the Region's committee manages the sessions of "
                                      "co-funding applications."), code="forbidden")
    begin_write()
    session = get(session_id, lock=True)
    if open_only and session.status != SessionStatus.OPEN:
        raise ApplicationConflict(_l("This session is closed."), code="session_closed")
    return session


@use_case
def create_session(actor: User, data: SessionInput) -> CofundingSession:
    """The committee creates a session of a budget year, and its jury (the default
    criteria, quorum and disciplines, which the jury's page changes); audited.

    Refused: not the committee (403); no title or one too long, a year out of range, no
    meeting date (422, next to its field)."""
    if not may_manage(actor):
        raise ApplicationForbidden(_l("Only the Region's committee manages the sessions of "
                                      "co-funding applications."), code="forbidden")
    title = " ".join((data.title or "").split())
    if not title:
        raise ApplicationError(_l("Give the session a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(_l("At most %(max)d characters.", max=TITLE_MAX), field="title")
    year = data.year
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ApplicationError(_l("A budget year from %(min)d to %(max)d.", min=YEAR_MIN,
                                  max=YEAR_MAX), field="year")
    if not isinstance(data.meeting_on, date):
        raise ApplicationError(_l("Give the date of the committee's meeting."),
                               field="meeting_on")
    begin_write()
    session = CofundingSession(title=title, year=year, meeting_on=data.meeting_on,
                               status=SessionStatus.OPEN, created_by_id=actor.id,
                               created_at=utcnow())
    db.session.add(session)
    db.session.flush()
    jury.setup(JURY_SUBJECT, session.id)
    audit.record(actor, "session.create", JURY_SUBJECT, session.id, title=title, year=year,
                 meeting_on=data.meeting_on.isoformat())
    db.session.commit()
    return session


@use_case
def add_application(actor: User, session_id: int, application_id: int) -> CofundingSession:
    """The committee puts a submitted application of the session's year in it (taking it
    out of the closed session it was in, after changes); audited.

    Refused: not the committee (403); recused from the application (403, audited); the
    session closed, the application not submitted or already in another open session
    (409); of another budget year (422)."""
    if not may_manage(actor):
        raise ApplicationForbidden(_l("Only the Region's committee manages the sessions of "
                                      "co-funding applications."), code="forbidden")
    if not _valid_id(application_id):
        raise ApplicationError(_l("Choose an application."), field="application")
    refuse_if_recused(actor, application_id, "session.add")
    session = _managed(actor, session_id)
    application = db.session.scalar(select(CofundingApplication).where(
        CofundingApplication.id == application_id).with_for_update())
    if application is None:
        raise ApplicationError(_l("Choose an application."), field="application")
    if application.session_id == session.id:
        db.session.commit()
        return session
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationConflict(_l("Only an application awaiting a decision is put in a "
                                     "session."), field="application", code="not_submitted")
    if application.year != session.year:
        raise ApplicationError(_l("This application is of the %(year)d budget year: put it in "
                                  "a session of that year.", year=application.year),
                               field="application", code="other_year")
    before = application.session
    if before is not None and before.status == SessionStatus.OPEN:
        raise ApplicationConflict(_l("This application is already in the session "
                                     "“%(title)s”: take it out of it first.",
                                     title=before.title), field="application",
                                  code="in_session")
    application.session_id = session.id
    audit.record(actor, "session.add", JURY_SUBJECT, session.id, application_id=application.id,
                 before=before.id if before is not None else None)
    db.session.commit()
    return session


@use_case
def remove_application(actor: User, session_id: int, application_id: int) -> CofundingSession:
    """The committee takes an application awaiting a decision out of an open session (its
    scores stay recorded, and count again if it comes back); audited."""
    if not may_manage(actor):
        raise ApplicationForbidden(_l("Only the Region's committee manages the sessions of "
                                      "co-funding applications."), code="forbidden")
    session = _managed(actor, session_id)
    application = db.session.get(CofundingApplication, application_id) \
        if _valid_id(application_id) else None
    if application is None or application.session_id != session.id:
        raise ApplicationNotFound()
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationConflict(_l("This application is decided: it stays in its session."),
                                  code="already_decided")
    application.session_id = None
    audit.record(actor, "session.remove", JURY_SUBJECT, session.id,
                 application_id=application.id)
    db.session.commit()
    return session


@use_case
def close_session(actor: User, session_id: int) -> CofundingSession:
    """The committee closes a session once each of its applications is decided: the jury
    no longer scores; audited."""
    session = _managed(actor, session_id)
    waiting = pending_count(session)
    if waiting:
        raise ApplicationConflict(_l("%(count)d applications of this session still await a "
                                     "decision.", count=waiting), code="pending")
    session.status, session.closed_at = SessionStatus.CLOSED, utcnow()
    audit.record(actor, "session.close", JURY_SUBJECT, session.id,
                 applications=[a.id for a in session.applications])
    db.session.commit()
    return session


@use_case
def publish_results(actor: User, session_id: int) -> CofundingSession:
    """The committee publishes a closed session's results: its ranking (means and
    spreads, never a member's score) becomes public; audited."""
    session = _managed(actor, session_id, open_only=False)
    if session.status != SessionStatus.CLOSED:
        raise ApplicationConflict(_l("Close the session, once every application is decided, "
                                     "before publishing its results."), code="not_closed")
    if session.published_at is None:
        session.published_at = utcnow()
        audit.record(actor, "session.publish", JURY_SUBJECT, session.id)
    db.session.commit()
    return session


def public_results(session_id: int) -> tuple[CofundingSession, list]:
    """A published session and its public ranking (404 until it is published)."""
    session = get(session_id)
    if session.published_at is None:
        raise SessionNotFound()
    return session, jury.public_ranking(JURY_SUBJECT, session_id)


def quorum_of(application: CofundingApplication):
    """The jury's result for the application in its session (None: in no session)."""
    if application.session_id is None:
        return None
    rows = [a for a in juried_applications(application.session_id) if a.id == application.id]
    return jury.result_of(JURY_SUBJECT, application.session_id, rows[0]) if rows else None
