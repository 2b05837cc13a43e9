"""Check-in pages (issue 17 §5): a ticket's page, opened from its QR code on an
organiser's phone, with one button to mark the person present; the organisers' page that
finds people by name; each person's own ticket as an image.

Thin views over events/checkin.py; every page works without JavaScript (a GET search
form, a POST button with its CSRF token). A refusal is the page saying why, with its
status (403 with the reason for someone who does not organise the event).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events.errors import on_refusal
from inspir_events.events import checkin, participation, tickets
from inspir_events.events.blueprint import bp
from inspir_events.events.forms import LABELS
from inspir_events.urls import safe_next_url


@bp.route("/events/<int:event_id>/check-in")
@login_required
def check_in(event_id: int):
    query = request.args.get("q", "")
    event, rows = checkin.search(current_user, event_id, query)
    return render_template("events/checkin.html", event=event, rows=rows, query=query,
                           token_for=tickets.token_for, form=FlaskForm(), **LABELS)


def _refused(event_id: int):
    def page(error):
        return render_template("events/ticket_refused.html", event_id=event_id,
                               message=error.message)
    return page


@bp.route("/events/<int:event_id>/check-in/<token>", methods=["GET", "POST"])
@login_required
def ticket(event_id: int, token: str):
    on_refusal(page=_refused(event_id))
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        registration, marked = checkin.check_in(current_user, event_id, token)
        name = registration.user.display_name
        if marked:
            flash(_("%(name)s is marked present.", name=name), "success")
        else:
            flash(_("%(name)s was already marked present.", name=name), "info")
        back = safe_next_url(request.form.get("next"))
        return redirect(back or url_for("events.ticket", event_id=event_id, token=token), 303)
    registration = checkin.ticket_registration(current_user, event_id, token)
    return render_template("events/ticket.html", registration=registration,
                           event=registration.event, token=token, form=FlaskForm(),
                           **LABELS)


@bp.route("/events/<int:event_id>/ticket.png")
@login_required
def ticket_png(event_id: int):
    """The signed-in person's ticket for the event, as a QR code (confirmed only)."""
    registration = participation.my_ticket(current_user, event_id)
    response = Response(tickets.png_for(registration), mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response
