"""Recusal's use cases: who is recused from a decision, refusing (and auditing) their
attempt, and members' own declarations of a conflict of interest.

Nobody scores, decides or grants on anything they are party to (the features say who
is, through :mod:`.registry`), nor on a subject they declared a conflict of interest
on (:class:`~inspir_events.recusal.models.DeclaredConflict`). The deciding use cases
call :func:`check` first: a recused person's attempt is refused (403, the error
boundary shows why) and written to the audit log in a transaction of its own, so the
refused use case's rollback does not erase it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, insert_ignoring_conflicts, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.recusal import registry, rules
from inspir_events.recusal.models import REASON_MAX, DeclaredConflict
from inspir_events.timeutil import utcnow


class RecusalError(DomainError):
    """A declaration refused (422 unless a subclass says otherwise)."""


class RecusalForbidden(RecusalError):
    status = 403


class RecusalNotFound(RecusalError):
    status = 404

    def __init__(self):
        super().__init__(_l("This page does not exist."))


class Recused(DomainError):
    """The person is party to the subject, or declared a conflict on it: they take no
    part in the decision (« déport »)."""

    status = 403

    def __init__(self, reason: str, subject_type: str, subject_id: int):
        super().__init__(message(reason, subject_type))
        self.reason, self.subject_type, self.subject_id = reason, subject_type, subject_id


def message(reason: str, subject_type: str):
    """Why the person takes no part, in the page's language (a lazy string)."""
    name = registry.subject_of(subject_type).name
    if reason == rules.DECLARED:
        return _l("You declared a conflict of interest on %(subject)s: you do not take part "
                  "in this decision (recusal).", subject=name)
    return _l("You are a party to %(subject)s: you cannot take part in this decision "
              "(recusal).", subject=name)


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def _signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


def parties(subject_type: str, subject_id: int) -> set[int]:
    """The account ids party to the subject, as its feature finds them."""
    if not _valid_id(subject_id):
        return set()
    return set(registry.subject_of(subject_type).parties(subject_id))


def _subjects(subject_type: str, subject_id: int) -> list[tuple[str, int]]:
    """The subject and the related ones whose declared conflicts count for it."""
    related = registry.subject_of(subject_type).related(subject_id)
    return [(str(subject_type), subject_id), *((str(t), int(i)) for t, i in related)]


def declared(user_id: int, subject_type: str, subject_id: int) -> DeclaredConflict | None:
    """The conflict this person declared on the subject (or on a related one), if any."""
    if not _valid_id(subject_id):
        return None
    which = or_(*(and_(DeclaredConflict.subject_type == kind, DeclaredConflict.subject_id == i)
                  for kind, i in _subjects(subject_type, subject_id)))
    return db.session.scalar(select(DeclaredConflict).where(
        DeclaredConflict.user_id == user_id, which).order_by(DeclaredConflict.id).limit(1))


def recused(user, subject_type: str, subject_id: int) -> str | None:
    """Why ``user`` takes no part in deciding on the subject (:data:`rules.PARTY` or
    :data:`rules.DECLARED`), or None (:func:`rules.recusal_reason`)."""
    if not _signed_in(user) or not _valid_id(subject_id):
        return None
    return rules.recusal_reason(
        user.id, parties(subject_type, subject_id),
        declared(user.id, subject_type, subject_id) is not None)


def refusal(user, subject_type: str, subject_id: int) -> str | None:
    """What a page tells a recused person instead of the decision's buttons (or None)."""
    reason = recused(user, subject_type, subject_id)
    return None if reason is None else str(message(reason, subject_type))


@use_case
def check(user, subject_type: str, subject_id: int, action: str) -> None:
    """Refuse a recused person's decision (:class:`Recused`, 403) and audit the attempt.

    Called by every deciding use case before it changes anything (and by the routes
    before they read the form). The attempt is recorded (``recusal.refused``: the
    action ``attempted``, the ``reason``) in a transaction of its own, committed before
    the refusal is raised: whatever the caller had begun is rolled back first (it is
    refused anyway), and its own rollback cannot erase the entry.
    """
    reason = recused(user, subject_type, subject_id)
    if reason is None:
        return
    db.session.rollback()
    begin_write()
    audit.record(user, "recusal.refused", str(subject_type), subject_id, attempted=action,
                 reason=reason)
    db.session.commit()
    raise Recused(reason, str(subject_type), subject_id)


def may_declare(user, subject_type: str, subject_id: int) -> bool:
    """May this person declare a conflict on the subject (one who may decide on it)?"""
    if not _signed_in(user) or not _valid_id(subject_id) \
            or not registry.is_registered(subject_type):
        return False
    return bool(registry.subject_of(subject_type).may_declare(user, subject_id))


def page_of(subject_type: str, subject_id: int) -> str | None:
    """The subject's page, where a declaration sends the person back."""
    if not registry.is_registered(subject_type):
        return None
    page = registry.subject_of(subject_type).page
    return page(subject_id) if page is not None else None


@use_case
def declare_conflict(user, subject_type: str, subject_id: int,
                     reason: str) -> DeclaredConflict:
    """A member who may decide on the subject declares a conflict of interest on it,
    with a reason: from then on they are recused from it as if they were party to it.

    Idempotent: declaring again (even twice at the same moment) keeps the first
    declaration, written once by an INSERT that ignores the conflict; audited
    ``recusal.declare`` once. Refused: an unknown kind of subject (404), a person who
    may not decide on it (403), no reason or one too long (422, ``field="reason"``).
    """
    if not registry.is_registered(subject_type):
        raise RecusalNotFound()
    if not may_declare(user, subject_type, subject_id):
        raise RecusalForbidden(_l("Only those who may decide on it declare a conflict of "
                                  "interest on it."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise RecusalError(_l("Say in a few words what links you to it."), field="reason")
    if len(reason) > REASON_MAX:
        raise RecusalError(_l("At most %(max)d characters.", max=REASON_MAX), field="reason")
    begin_write()
    added = insert_ignoring_conflicts(DeclaredConflict, user_id=user.id,
                                      subject_type=str(subject_type), subject_id=subject_id,
                                      reason=reason, created_at=utcnow())
    if added.rowcount == 1:
        audit.record(user, "recusal.declare", str(subject_type), subject_id, reason=reason)
    db.session.commit()
    return db.session.scalar(select(DeclaredConflict).where(
        DeclaredConflict.user_id == user.id,
        DeclaredConflict.subject_type == str(subject_type),
        DeclaredConflict.subject_id == subject_id))
