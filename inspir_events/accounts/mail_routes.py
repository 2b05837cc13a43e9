"""The outbox's admin page (``/admin/mail``): how many messages wait, are sent or failed,
and the failed ones with their error and a *retry* button (audited).

Issue 17 §1. It names people's addresses and needs the admin role, so it lives here,
above the mail package (which knows no roles).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from inspir_events.accounts.blueprint import bp
from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required
from inspir_events.errors import on_refusal
from inspir_events.mail import admin, kinds, queries
from inspir_events.mail.rules import MailStatus

STATUS_LABELS = {
    MailStatus.PENDING: _l("Waiting to be sent"),
    MailStatus.SENDING: _l("Being sent"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Failed"),
    MailStatus.HELD: _l("Held for a daily digest"),
    MailStatus.DIGESTED: _l("Sent in a daily digest"),
}


@bp.route("/admin/mail")
@role_required(Role.ADMIN)
def admin_mail():
    return render_template("admin/mail.html", counts=queries.counts(), failed=queries.failed(),
                           labels=STATUS_LABELS, kinds=kinds.kinds(), form=FlaskForm())


@bp.route("/admin/mail/<int:message_id>/retry", methods=["POST"])
@role_required(Role.ADMIN)
def admin_mail_retry(message_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("accounts.admin_mail"))
    message = admin.retry(current_user, message_id)
    flash(_("The message to %(email)s is sent again.", email=message.recipient), "success")
    return redirect(url_for("accounts.admin_mail"), 303)
