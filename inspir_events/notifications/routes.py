"""The notification centre."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events.notifications import services
from inspir_events.notifications.blueprint import bp


@bp.route("/notifications")
@login_required
def index():
    return render_template("notifications/index.html",
                           notifications=services.latest(current_user.id),
                           text=services.text, form=FlaskForm())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    if FlaskForm().validate_on_submit():
        services.mark_all_read(current_user.id)
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
