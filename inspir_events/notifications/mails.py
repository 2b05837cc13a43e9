"""The in-app notifications that also go out by e-mail (issue 17 §3), declared with the
notifications blueprint (blueprint.py).

One mail kind per notification kind, of the same name, that people may switch off
(never essential: the notification stays in the app). Each is the notification's
sentence and a button to its page (templates/mail/notice.txt and .html), with a subject
of its own. Kinds absent here are not e-mailed by :func:`services.notify`: the events
feature writes its own, richer messages for its kinds (a ticket, a calendar file), and
the committee's queue (``application.submitted``) is told by a weekly digest, never one
e-mail per item, and a final report awaiting it (``aid.report_submitted``) in the app.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from flask_babel import lazy_gettext as _l

from inspir_events.mail.kinds import MailKind, declare

EMAILED_KEY = "inspir_emailed_notices"

TEMPLATE = "notice"


def _notice(name: str, title, subject) -> MailKind:
    return MailKind(name, title=title, subject=subject, essential=False, template=TEMPLATE)


NOTICES: dict[str, MailKind] = {kind.name: kind for kind in (
    _notice("team.request", _l("Requests to join my team"),
            _l("%(name)s asks to join your team “%(team)s”")),
    _notice("team.accepted", _l("Team: my request to join is accepted"),
            _l("Your request to join “%(team)s” is accepted")),
    _notice("team.declined", _l("Team: my request to join is declined"),
            _l("Your request to join “%(team)s” is declined")),
    _notice("team.removed", _l("Team: removed from a team"),
            _l("You are no longer a member of “%(team)s”")),
    _notice("team.lead", _l("Team: I become its lead"),
            _l("You now lead the team “%(team)s”")),
    _notice("organiser.added", _l("Becoming an event's co-organiser"),
            _l("You now co-organise “%(event)s”")),
    _notice("label.granted", _l("INS'pir label granted"),
            _l("The INS'pir label is granted to “%(subject)s”")),
    _notice("label.refused", _l("INS'pir label refused"),
            _l("The INS'pir label is refused to “%(subject)s”")),
    _notice("application.granted", _l("Co-funding granted"),
            _l("Co-funding granted for “%(event)s”")),
    _notice("application.refused", _l("Co-funding refused"),
            _l("Co-funding refused for “%(event)s”")),
    _notice("application.changes", _l("Co-funding: changes asked"),
            _l("Changes asked to your co-funding application for “%(event)s”")),
    _notice("application.entrusted", _l("Co-funding applications entrusted to my envelope"),
            _l("The co-funding application for “%(event)s” is entrusted to you")),
    _notice("application.taken_back", _l("Co-funding applications taken back from my "
                                         "envelope"),
            _l("The co-funding application for “%(event)s” is taken back")),
    _notice("project.promoted", _l("My idea becomes a project"),
            _l("“%(project)s” becomes an INS'pir project")),
    _notice("project.moved", _l("Project stage moves"),
            _l("“%(project)s” moves to a new stage")),
    _notice("project.oriented", _l("Answers to my project proposals"),
            _l("The committee answered your proposal “%(project)s”")),
    _notice("project.granted", _l("Project grants"),
            _l("“%(project)s” receives a grant")),
    _notice("aid.paid", _l("Payments of my aid"),
            _l("A payment is recorded for the aid to “%(aid)s”")),
    _notice("aid.report_accepted", _l("Final report of my aid accepted"),
            _l("The final report of the aid to “%(aid)s” is accepted")),
    _notice("aid.report_changes", _l("Final report of my aid: changes asked"),
            _l("Changes asked to the final report of the aid to “%(aid)s”")),
    _notice("envelope.member", _l("Deciding on a delegated envelope"),
            _l("You now decide on the aid of “%(holder)s”")),
    _notice("project.reproduce", _l("Requests to reproduce my project"),
            _l("%(name)s wants to reproduce “%(project)s”")),
    _notice("call_application.granted", _l("Calls for projects: my application granted"),
            _l("Granted: “%(project)s”, call “%(call)s”")),
    _notice("call_application.refused", _l("Calls for projects: my application refused"),
            _l("Refused: “%(project)s”, call “%(call)s”")),
    _notice("call_application.changes", _l("Calls for projects: changes asked"),
            _l("Changes asked: “%(project)s”, call “%(call)s”")),
)}


def emailed(app: Flask | None = None) -> set[str]:
    """The notification kinds :func:`services.notify` also e-mails, on ``app``."""
    app = app or current_app._get_current_object()
    return app.extensions.setdefault(EMAILED_KEY, set())


def email_notices(bp: Blueprint, *declared: MailKind) -> None:
    """Declare mail kinds of notification kinds (the same names) and have ``notify`` send
    them, registered with ``bp``: a feature's own notices with their own templates (the
    needs' followers: needs/mails.py), or the generic ones below."""
    declare(bp, *declared)
    names = {kind.name for kind in declared}
    bp.record_once(lambda state: emailed(state.app).update(names))
