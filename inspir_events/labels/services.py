"""Label use cases: requesting against the charter, the committee's decision (audited).

Who may request a label for a subject is the subject's own feature's rule: an
event's service checks its organisers and calls :func:`submit`; support structures
and projects are described to labels through its registry (:mod:`.subjects`) and
asked for with :func:`request_for`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from inspir_events.accounts.models import Role, User
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.labels import subjects
from inspir_events.labels.charter import (
    JUSTIFICATION_MAX,
    PRINCIPLE_CODES,
    LabelStatus,
    SubjectType,
    missing_answers,
)
from inspir_events.labels.models import LabelRequest
from inspir_events.notifications import services as notifications
from inspir_events.recusal import services as recusal
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for


class LabelError(DomainError):
    status = 400


class LabelNotAllowed(LabelError):
    status = 403


class LabelConflict(LabelError):
    status = 409


# Built once: an event's, a project's or a structure's page asks it.
LATEST_REQUEST = (select(LabelRequest)
                  .where(LabelRequest.subject_type == bindparam("subject_type"),
                         LabelRequest.subject_id == bindparam("subject_id"))
                  .order_by(LabelRequest.id.desc()).limit(1))


def latest(subject_type: SubjectType, subject_id: int) -> LabelRequest | None:
    """The subject's latest label request (its current label status), or None."""
    return db.session.scalar(LATEST_REQUEST,
                             {"subject_type": subject_type, "subject_id": subject_id})


def granted_subject_ids(subject_type: SubjectType):
    """A subquery of the subjects of this type holding the label (a granted request is final)."""
    return select(LabelRequest.subject_id).where(
        LabelRequest.subject_type == subject_type,
        LabelRequest.status == LabelStatus.GRANTED,
    )


def submit(requester: User, subject_type: SubjectType, subject_id: int, title: str, url: str,
           answers: dict[str, str]) -> LabelRequest:
    """Record a label request in the caller's transaction (the subject's service commits).

    Every principle of the charter needs a justification; a subject already
    labelled or awaiting a decision cannot ask again. The caller holds the
    subject's row lock, so two requests sent at once cannot both pass that check.
    """
    answers = {code: (answers.get(code) or "").strip() for code in PRINCIPLE_CODES}
    missing = missing_answers(answers)
    if missing:
        raise LabelError(_l("Justify every principle of the charter."), field=missing[0])
    if any(len(text) > JUSTIFICATION_MAX for text in answers.values()):
        raise LabelError(_l("At most %(max)d characters per answer.", max=JUSTIFICATION_MAX))
    previous = latest(subject_type, subject_id)
    if previous is not None and previous.status != LabelStatus.REFUSED:
        raise LabelConflict(_l("A label request is already granted or awaiting a decision."))
    request = LabelRequest(subject_type=subject_type, subject_id=subject_id,
                           subject_title=title[:200], subject_url=url[:300],
                           requested_by_id=requester.id, answers=answers)
    db.session.add(request)
    db.session.flush()
    audit.record(requester, "label.request", subject_type.value, subject_id,
                 label_request=request.id)
    return request


@use_case
def decide(member: User, request_id: int, grant: bool, reason: str) -> LabelRequest:
    """A committee member grants or refuses a label, with a reason; audited, and told to
    the people concerned (who asked, and everyone party to the subject)."""
    if not member.has_role(Role.COMMITTEE):
        raise LabelNotAllowed(_l("Only committee members decide labels."))
    recusal.check(member, RECUSAL_SUBJECT, request_id, "label.grant" if grant else "label.refuse")
    begin_write()
    # Locked (PostgreSQL), so two members deciding at once cannot both decide.
    request = db.session.scalar(select(LabelRequest).where(LabelRequest.id == request_id)
                                .with_for_update())
    if request is None:
        raise LabelError(_l("This label request does not exist."))
    if request.status != LabelStatus.REQUESTED:
        raise LabelConflict(_l("This request is already decided."))
    if not reason.strip():
        raise LabelError(_l("Give a reason for the decision."), field="reason")
    before = request.status.value
    request.status = LabelStatus.GRANTED if grant else LabelStatus.REFUSED
    request.decided_by_id, request.decided_at = member.id, utcnow()
    request.reason = reason.strip()
    audit.record(member, "label.grant" if grant else "label.refuse",
                 request.subject_type.value, request.subject_id,
                 label_request=request.id, before=before, after=request.status.value,
                 reason=request.reason)
    # Told, in-app and by e-mail: who asked, and whoever is party to the subject (all
    # the event's organisers, the project's members...), as recusal knows them.
    notifications.notify(sorted(request_parties(request.id)),
                         "label.granted" if grant else "label.refused",
                         url=request.subject_url, subject=request.subject_title,
                         reason=request.reason)
    db.session.commit()
    return request


# --- Recusal (« déport ») ------------------------------------------------------------------
# Nobody decides on a label they asked for, nor on the label of a subject they are party
# to (an event they organise, a project they are a member of, their own structure).

RECUSAL_SUBJECT = "label_request"


def _request_row(request_id: int):
    return db.session.execute(
        select(LabelRequest.requested_by_id, LabelRequest.subject_type, LabelRequest.subject_id)
        .where(LabelRequest.id == request_id)).first()


def request_parties(request_id: int) -> set[int]:
    """Who is party to a label request: who asked for it, and whoever is party to the
    labelled subject (as its own feature says, through recusal's registry)."""
    row = _request_row(request_id)
    if row is None:
        return set()
    requester, subject_type, subject_id = row
    people = recusal.parties(SubjectType(subject_type).value, subject_id)
    return people | ({requester} if requester is not None else set())


def labelled_subject(request_id: int) -> list[tuple[str, int]]:
    """The labelled subject: a conflict declared on it recuses from its label requests."""
    row = _request_row(request_id)
    return [] if row is None else [(SubjectType(row[1]).value, row[2])]


def may_decide(user, request_id: int) -> bool:
    """Committee members decide labels (and so may declare a conflict on a request)."""
    return bool(user and getattr(user, "is_authenticated", False)
                and user.has_role(Role.COMMITTEE) and _request_row(request_id) is not None)


def queue_page(request_id: int) -> str:
    """Where label requests are decided: the committee's queue."""
    return path_for("labels.queue")


def recusals(user, requests) -> dict[int, str]:
    """For the queue: why ``user`` takes no part in deciding each request (recused only)."""
    found = {r.id: recusal.refusal(user, RECUSAL_SUBJECT, r.id) for r in requests}
    return {request_id: text for request_id, text in found.items() if text}


# --- Support structures and projects -----------------------------------------------------
# The label « INS'pir » « pourra être attribué à des événements, structures
# d'accompagnement et projets/expérimentations »: same charter, same queue,
# same decision; only who may ask differs.

def is_labelled(subject_type: SubjectType, subject_id: int) -> bool:
    """The subject holds the label: its latest request was granted."""
    request = latest(subject_type, subject_id)
    return request is not None and request.status == LabelStatus.GRANTED


def labelled_ids(subject_type: SubjectType, subject_ids) -> set[int]:
    """Which of these subjects hold the label (one query, for lists and cards)."""
    ids = [int(i) for i in subject_ids]
    if not ids:
        return set()
    return set(db.session.scalars(LABELLED_AMONG, {"subject_type": subject_type, "ids": ids}))


def granted_column(subject_type: SubjectType, subject_id):
    """Whether the subject whose id is ``subject_id`` (a column of a list's statement)
    holds the label, as a column of that statement: its id, or NULL (a scalar subquery,
    looked up for each row the list shows)."""
    return (select(LabelRequest.subject_id)
            .where(LabelRequest.subject_type == subject_type,
                   LabelRequest.status == LabelStatus.GRANTED,
                   LabelRequest.subject_id == subject_id)
            .limit(1).scalar_subquery())


# Built once (cards of every list ask it).
LABELLED_AMONG = select(LabelRequest.subject_id).where(
    LabelRequest.subject_type == bindparam("subject_type"),
    LabelRequest.status == LabelStatus.GRANTED,
    LabelRequest.subject_id.in_(bindparam("ids", expanding=True)))


@use_case
def request_for(user: User, subject_type: SubjectType, subject_id: int,
                answers: dict[str, str]) -> LabelRequest:
    """Someone asks the label for a support structure or a project, against the charter.

    Who may ask, what the subject is called, where it lives and whether it may ask now
    are its own feature's rules, read through :mod:`.subjects`: anyone else is refused
    (403), an ineligible subject too (409). The subject's row is locked, so two
    requests sent at once cannot both pass :func:`submit`'s check.
    """
    subject = subjects.subject_of(subject_type)
    begin_write()
    row = subject.locked(subject_id)
    if row is None or not subject.may_ask(user, row):
        raise LabelNotAllowed(subject.not_allowed)
    reason = subject.ineligible(row)
    if reason is not None:
        raise LabelConflict(reason)
    label_request = submit(user, SubjectType(subject_type), subject_id, subject.title(row),
                           subject.url(row), answers)
    db.session.commit()
    return label_request


def may_request(user, subject_type: SubjectType, subject) -> bool:
    """May ``user`` ask the label for ``subject`` (its feature's rule)?"""
    return subjects.subject_of(subject_type).may_ask(user, subject)


def queue() -> list[LabelRequest]:
    """The requests awaiting the committee, oldest first."""
    return list(db.session.scalars(
        select(LabelRequest).where(LabelRequest.status == LabelStatus.REQUESTED)
        .order_by(LabelRequest.created_at)))


def decided(limit: int = 50) -> list[LabelRequest]:
    """The latest decided requests, newest first."""
    return list(db.session.scalars(
        select(LabelRequest).where(LabelRequest.status != LabelStatus.REQUESTED)
        .order_by(LabelRequest.decided_at.desc()).limit(limit)))
