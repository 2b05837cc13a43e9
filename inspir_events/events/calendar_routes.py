"""Calendars (iCalendar, ical.py): one event's file, the public feed, and each person's
private feed with its secret address (made, renewed and revoked here; shown once, when it is
made: only its hash is stored)."""

from __future__ import annotations

import hashlib

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events import limits
from inspir_events.events import ical, participation, services
from inspir_events.events.blueprint import bp
from inspir_events.events.forms import listing_filters
from inspir_events.urls import safe_next_url


def _domain() -> str:
    """The UIDs' domain: the platform's public host (:func:`ical.domain`)."""
    return ical.domain(current_app.config)


def _ics(events, name: str, filename: str):
    body = ical.calendar(events, name, lambda e: url_for("events.detail", event_id=e.id,
                                                         _external=True), _domain())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@bp.route("/events/<int:event_id>.ics")
@limits.costly_read
def event_ics(event_id: int):
    event = services.get_for_viewer(event_id, None)
    return _ics([event], event.title, f"inspir-event-{event.id}.ics")


@bp.route("/events.ics")
@limits.costly_read
def feed_ics():
    return _ics(services.feed_events(listing_filters(request.args)), _("INS'pir events"),
                "inspir-events.ics")


@bp.route("/calendar/<token>.ics")
@limits.costly_read
def private_ics(token: str):
    _user_id, events = participation.events_of_feed(token)
    return _ics(events, _("My INS'pir events"), "my-inspir-events.ics")


@bp.route("/calendar/token", methods=["POST"])
@login_required
def renew_token():
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = participation.renew_calendar_token(current_user)
    # Shown on this answer only (never cached: HTML is no-store), never stored in clear.
    return render_template("events/calendar_address.html",
                           address=url_for("events.private_ics", token=token, _external=True),
                           back=safe_next_url(request.form.get("next")) or url_for("events.mine"))


@bp.route("/calendar/token/revoke", methods=["POST"])
@login_required
def revoke_token():
    if not FlaskForm().validate_on_submit():
        abort(400)
    participation.revoke_calendar_token(current_user)
    flash(_("Your private calendar address no longer works."), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("events.mine"))
