"""Label use cases: requesting against the charter, the committee's decision (audited).

Who may request a label for a subject is checked by the subject's own service
(an event's organisers, a project's team...), which then calls :func:`submit`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.models import Role, User
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.labels.charter import (
    JUSTIFICATION_MAX,
    PRINCIPLE_CODES,
    LabelStatus,
    SubjectType,
    missing_answers,
)
from inspir_events.labels.models import LabelRequest
from inspir_events.notifications import services as notifications
from inspir_events.timeutil import utcnow


class LabelError(DomainError):
    status = 400


class LabelNotAllowed(LabelError):
    status = 403


class LabelConflict(LabelError):
    status = 409


def latest(subject_type: SubjectType, subject_id: int) -> LabelRequest | None:
    return db.session.scalar(
        select(LabelRequest).where(LabelRequest.subject_type == subject_type,
                                   LabelRequest.subject_id == subject_id)
        .order_by(LabelRequest.id.desc()).limit(1))


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
    """A committee member grants or refuses a label, with a reason; audited and notified."""
    if not member.has_role(Role.COMMITTEE):
        raise LabelNotAllowed(_l("Only committee members decide labels."))
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
    if request.requested_by_id:
        notifications.notify([request.requested_by_id],
                             "label.granted" if grant else "label.refused",
                             url=request.subject_url, subject=request.subject_title,
                             reason=request.reason)
    db.session.commit()
    return request


# --- Support structures and projects -----------------------------------------------------
# « Le label INS'pir pourra être attribué à des événements, des structures
# d'accompagnement et des projets/expérimentations »: same charter, same queue,
# same decision; only who may ask differs.

def is_labelled(subject_type: SubjectType, subject_id: int) -> bool:
    request = latest(subject_type, subject_id)
    return request is not None and request.status == LabelStatus.GRANTED


def labelled_ids(subject_type: SubjectType, subject_ids) -> set[int]:
    """Which of these subjects hold the label (one query, for lists and cards)."""
    ids = [int(i) for i in subject_ids]
    if not ids:
        return set()
    return set(db.session.scalars(granted_subject_ids(subject_type)
                                  .where(LabelRequest.subject_id.in_(ids))))


def can_request_for_project(user, project) -> bool:
    """A project's members and its support structure ask for its label."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    return (user.id == project.support_structure_id
            or any(row.user_id == user.id for row in project.member_rows))


@use_case
def request_for_structure(user: User, structure_id: int, answers: dict[str, str],
                          url: str) -> LabelRequest:
    """A support structure (an account with that role) asks the label for itself."""
    if not (user and getattr(user, "is_authenticated", False)) or user.id != structure_id \
            or not user.has_role(Role.SUPPORT_STRUCTURE):
        raise LabelNotAllowed(_l("Only the support structure itself asks for its label."))
    begin_write()
    # The structure's row locked: one pending request per structure.
    structure = db.session.scalar(select(User).where(User.id == structure_id)
                                  .with_for_update())
    request = submit(user, SubjectType.SUPPORT_STRUCTURE, structure.id,
                     structure.display_name, url, answers)
    db.session.commit()
    return request


@use_case
def request_for_project(user: User, project_id: int, answers: dict[str, str],
                        url: str) -> LabelRequest:
    """A project's member or its support structure asks the label for the project.

    Only a project of the INS'pir pipeline (qualified, not stopped) may ask.
    """
    from inspir_events.aid.projects.models import Project
    from inspir_events.aid.projects.rules import NOT_LISTED
    from inspir_events.aid.projects.stages import Stage

    begin_write()
    project = db.session.scalar(select(Project).where(Project.id == project_id)
                                .with_for_update().execution_options(populate_existing=True))
    if project is None or not can_request_for_project(user, project):
        raise LabelNotAllowed(_l("Only the project's team or its support structure asks "
                                 "for its label."))
    if project.qualification in NOT_LISTED or project.stage == Stage.ABANDONNE:
        raise LabelConflict(_l("Only a project of the INS'pir pipeline may ask for the "
                               "label."))
    request = submit(user, SubjectType.PROJECT, project.id, project.title, url, answers)
    db.session.commit()
    return request


def queue() -> list[LabelRequest]:
    return list(db.session.scalars(
        select(LabelRequest).where(LabelRequest.status == LabelStatus.REQUESTED)
        .order_by(LabelRequest.created_at)))


def decided(limit: int = 50) -> list[LabelRequest]:
    return list(db.session.scalars(
        select(LabelRequest).where(LabelRequest.status != LabelStatus.REQUESTED)
        .order_by(LabelRequest.decided_at.desc()).limit(limit)))
