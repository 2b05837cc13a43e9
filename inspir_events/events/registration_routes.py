"""Registration pages: registering and unregistering, one's events, and the organisers'
registration list with check-in at the door.

Thin views that parse, call a use case (events/participation.py) and render; a refusal
is answered by the error boundary (inspir_events/errors.py).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events.accounts.permissions import verified_required
from inspir_events.errors import on_refusal
from inspir_events.events import participation, rules, services
from inspir_events.events.blueprint import bp
from inspir_events.events.forms import LABELS, AttendanceForm
from inspir_events.events.routes import action
from inspir_events.events.rules import Attendance
from inspir_events.opendata import csv_response


@bp.route("/events/<int:event_id>/register", methods=["POST"])
@verified_required
def register(event_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("events.detail", event_id=event_id))
    registration, created = participation.register(current_user, event_id)
    if not created:
        flash(_("You are already registered to this event."), "info")
    elif registration.status == rules.RegistrationStatus.CONFIRMED:
        flash(_("You are registered. See you there!"), "success")
    else:
        flash(_("The event is full: you are on the waitlist. You will be told if a place "
                "opens up."), "info")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/events/<int:event_id>/unregister", methods=["POST"])
@login_required
def unregister(event_id: int):
    return action(event_id, participation.unregister, _("Your registration is cancelled."))


@bp.route("/events/<int:event_id>/registrations")
@login_required
def registrations(event_id: int):
    event, rows = participation.registrations(current_user, event_id)
    return render_template("events/registrations.html", event=event, rows=rows,
                           form=AttendanceForm(), **LABELS)


@bp.route("/events/<int:event_id>/registrations.csv")
@login_required
def registrations_csv(event_id: int):
    event, rows = participation.registrations(current_user, event_id)
    header = ("position", "name", "email", "status", "attendance", "registered_at")
    return csv_response(header, (
        (r.position, r.user.display_name, r.user.email, r.status.value,
         r.attendance.value if r.attendance else "", r.created_at.isoformat() + "Z")
        for r in rows), f"inspir-event-{event.id}-registrations.csv")


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/attendance",
          methods=["POST"])
@login_required
def attendance(event_id: int, registration_id: int):
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    value = Attendance(form.attendance.data) if form.attendance.data else None
    on_refusal(back=url_for("events.registrations", event_id=event_id))
    participation.set_attendance(current_user, event_id, registration_id, value)
    return redirect(url_for("events.registrations", event_id=event_id))


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/cancel",
          methods=["POST"])
@login_required
def cancel_registration(event_id: int, registration_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = url_for("events.registrations", event_id=event_id)
    on_refusal(back=back)
    registration = participation.cancel_registration(current_user, event_id, registration_id)
    flash(_("The registration of %(name)s is cancelled; they are told.",
            name=registration.user.display_name), "success")
    return redirect(back, 303)


@bp.route("/events/mine")
@login_required
def mine():
    return render_template("events/mine.html",
                           registrations=participation.registrations_of_user(current_user),
                           organised=services.organised_by(current_user),
                           feed=participation.calendar_feed(current_user), form=FlaskForm(),
                           **LABELS)
