"""The messages a need's followers receive (issue 17 §3), declared with the needs blueprint.

They are sent by the features that make the news (events, aid: needs sits below them),
through :func:`inspir_events.notifications.services.notify` with the same kind names: in
the app always, by e-mail as each person chooses (none is essential). Their bodies are
templates/mail/need_*.txt and .html; each is given ``need`` (its title), ``event`` or
``project`` (the title of what happened) and ``link`` (the absolute address of its page).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from inspir_events.mail.kinds import MailKind
from inspir_events.needs.blueprint import bp
from inspir_events.notifications.mails import email_notices

ADDRESSED = "need.addressed"
PROJECT = "need.project"
IN_STORE = "need.in_store"
FOLLOWED = _l("Needs I follow")  # their group on « Mes notifications »

email_notices(
    bp,
    MailKind(ADDRESSED, title=_l("An event addresses a need I follow"),
             subject=_l("An event addresses “%(need)s”"), essential=False, group=FOLLOWED),
    MailKind(PROJECT, title=_l("A need I follow becomes a project"),
             subject=_l("“%(need)s” becomes a project"), essential=False, group=FOLLOWED),
    MailKind(IN_STORE, title=_l("The project answering a need I follow reaches the store"),
             subject=_l("“%(project)s” reaches the innovation store"), essential=False,
             group=FOLLOWED),
)
