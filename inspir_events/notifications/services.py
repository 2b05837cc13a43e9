"""Notifying users, in the caller's transaction (the calling service commits).

Issue 17 §3: a notification whose kind has an e-mail (mails.py) is also written to the
mail outbox for each recipient, in the same transaction: its sentence in the person's
language and a button to its page. The message goes once the caller commits, and not
at all when it rolls back; a person who set that kind to "never" gets none.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.mail import recipients
from inspir_events.mail.rendering import absolute_url, public_url
from inspir_events.mail.services import enqueue
from inspir_events.notifications import mails
from inspir_events.notifications.models import Notification
from inspir_events.timeutil import utcnow

# Every kind of notification and its text; parameters fill the placeholders.
MESSAGES = {
    "event.cancelled": _l("The event “%(event)s” you registered for is cancelled."),
    "registration.promoted": _l("A place opened up: your registration to “%(event)s” is "
                                "confirmed."),
    "registration.cancelled": _l("The organisers cancelled your registration to "
                                 "“%(event)s”."),
    "event.changed": _l("The date, time or venue of “%(event)s” changed."),
    "label.granted": _l("The INS'pir label is granted to “%(subject)s”."),
    "label.refused": _l("The INS'pir label is refused to “%(subject)s”: %(reason)s"),
    "organiser.added": _l("You are now an organiser of “%(event)s”."),
    "team.request": _l("%(name)s asks to join your team “%(team)s”."),
    "team.accepted": _l("Welcome: your request to join “%(team)s” is accepted."),
    "team.declined": _l("Your request to join “%(team)s” is declined."),
    "team.removed": _l("You are no longer a member of the team “%(team)s”."),
    "team.lead": _l("You now lead the team “%(team)s”."),
    "application.submitted": _l("A co-funding application for “%(event)s” awaits the "
                                "committee."),
    "application.granted": _l("Your co-funding application for “%(event)s” is granted."),
    "application.refused": _l("Your co-funding application for “%(event)s” is refused: "
                              "%(reason)s"),
    "application.changes": _l("The committee asks for changes to your co-funding application "
                              "for “%(event)s”: %(note)s"),
    "application.entrusted": _l("The committee entrusts the co-funding application for "
                                "“%(event)s” to the delegated envelope “%(holder)s”: you "
                                "decide on it."),
    "application.taken_back": _l("The committee took back the co-funding application for "
                                 "“%(event)s” from the delegated envelope “%(holder)s”."),
    "project.promoted": _l("“%(project)s” becomes a project of the INS'pir pipeline."),
    "project.moved": _l("The committee moved the project “%(project)s” to a new stage."),
    "project.oriented": _l("The committee answered your proposal “%(project)s”: see its page."),
    "project.granted": _l("The project “%(project)s” receives a grant."),
    "envelope.member": _l("You now decide on the aid of the delegated envelope “%(holder)s”."),
    "project.reproduce": _l("%(name)s wants to reproduce “%(project)s”: see the message."),
    # The follow-up of an aid (issue 19 §3).
    "aid.paid": _l("A payment of %(amount)s is recorded for the aid to “%(aid)s”."),
    "aid.report_submitted": _l("The final report of the aid to “%(aid)s” awaits the "
                               "committee."),
    "aid.report_accepted": _l("The committee accepted the final report of the aid to "
                              "“%(aid)s”: the aid amounts to %(final)s, %(balance)s left to "
                              "pay."),
    "aid.report_changes": _l("The committee asks for changes to the final report of the aid "
                             "to “%(aid)s”: %(note)s"),
    # Calls for projects (issue 19 §1-2).
    "call_application.submitted": _l("“%(project)s” applies to the call “%(call)s”: the "
                                     "jury may score it."),
    "call_application.granted": _l("The application of “%(project)s” to the call "
                                   "“%(call)s” is granted."),
    "call_application.refused": _l("The application of “%(project)s” to the call "
                                   "“%(call)s” is refused: %(reason)s"),
    "call_application.changes": _l("The committee asks for changes to the application of "
                                   "“%(project)s” to the call “%(call)s”: %(note)s"),
    # To the followers of a subject (and the author of the comment answered): issue 20 §1.
    "comment.posted": _l("%(name)s commented on “%(subject)s”."),
    # To the followers of a need (its supporters follow it): issue 17 §3.
    "need.addressed": _l("An event addresses the need “%(need)s” you follow: “%(event)s”."),
    "need.project": _l("The need “%(need)s” you follow becomes a project: “%(project)s”."),
    "need.in_store": _l("“%(project)s”, the project answering the need “%(need)s” you "
                        "follow, reaches the innovation store."),
}


def notify(user_ids: Iterable[int], kind: str, url: str | None = None, **params) -> int:
    """Add one notification per user to the current transaction, and its e-mail when its
    kind has one (:func:`send_mails`); returns how many notifications."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    user_ids = list(user_ids)
    rows = [Notification(user_id=uid, kind=kind, params=params, url=url) for uid in user_ids]
    db.session.add_all(rows)
    send_mails(user_ids, kind, url, params)
    return len(rows)


def send_mails(user_ids: list[int], kind: str, url: str | None, params: dict) -> int:
    """Write the e-mail of a notification of ``kind`` for each recipient whose address is
    confirmed (mail.recipients), in the caller's transaction; returns how many. A kind is
    e-mailed when it was declared so (:func:`mails.email_notices`): the notices here
    (mails.py), or a feature's own (the needs' followers: needs/mails.py). Other kinds stay
    in the app (the events feature writes its own, richer e-mails for its kinds)."""
    if kind not in mails.emailed():
        return 0
    link = public_url() + url if url and url.startswith("/") else \
        url or absolute_url("notifications.index")
    written = 0
    for user in recipients.load(user_ids):
        written += enqueue(user, kind, notice=MESSAGES[kind], params=params, link=link,
                           **params) is not None
    return written


def text(notification: Notification) -> str:
    """The notification's sentence in the page's language."""
    return MESSAGES[notification.kind] % notification.params


# The header's count on every signed-in page: built once (building it again cost more
# than running it).
UNREAD_COUNT = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(user_id: int) -> int:
    return db.session.scalar(UNREAD_COUNT, {"user_id": user_id})


def latest(user_id: int, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


@use_case
def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the person read; how many were."""
    begin_write()  # the page read first: a write transaction of its own
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    ).values(read_at=utcnow()))
    db.session.commit()
    return result.rowcount
