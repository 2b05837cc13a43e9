"""The message a subject's followers receive when someone comments on it (issue 20 §1),
declared with the discussions blueprint: a notice (the notification's sentence and a
button to the comment), in the app always, by e-mail as each person chooses on
« Mes notifications » (at once, in the daily digest, or never)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from inspir_events.discussions.blueprint import bp
from inspir_events.discussions.services import KIND
from inspir_events.mail.kinds import MailKind
from inspir_events.notifications.mails import TEMPLATE, email_notices

email_notices(bp, MailKind(KIND, title=_l("New comments on what I follow"),
                           subject=_l("New comment on “%(subject)s”"), essential=False,
                           template=TEMPLATE, group=_l("Discussions")))
