"""Event pages: thin views that parse, call a service and render."""

from __future__ import annotations

import hashlib

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from inspir_events.events import ical, participation, rules, services
from inspir_events.events.blueprint import bp
from inspir_events.events.forms import (
    ATTENDANCE_LABELS,
    KIND_LABELS,
    REGISTRATION_LABELS,
    RUN_BY_LABELS,
    STATUS_LABELS,
    AttendanceForm,
    EventForm,
    OrganiserForm,
)
from inspir_events.events.rules import Attendance, EventKind
from inspir_events.extensions import db
from inspir_events.labels.charter import PRINCIPLES
from inspir_events.labels.forms import CharterForm
from inspir_events.opendata import csv_response
from inspir_events.reference import choices
from inspir_events.reference import services as reference
from inspir_events.timeutil import paris_to_utc, utc_to_paris
from inspir_events.urls import safe_next_url


def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "run_by_labels": RUN_BY_LABELS,
            "status_labels": STATUS_LABELS, "registration_labels": REGISTRATION_LABELS,
            "attendance_labels": ATTENDANCE_LABELS}


def _fail(exc: services.EventError):
    db.session.rollback()
    if exc.status in (403, 404):
        abort(exc.status)


def _filters() -> services.EventFilters:
    args = request.args
    kind = args.get("kind", "")
    when = args.get("when", "upcoming")
    return services.EventFilters(
        when=when if when in ("upcoming", "past", "all") else "upcoming",
        department=args.get("department") or None,
        kind=EventKind(kind) if kind in EventKind._value2member_map_ else None,
        theme=args.get("theme") or None,
        labelled_only=args.get("labelled") == "1",
    )


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.route("/events")
def listing():
    filters = _filters()
    result = services.listing(filters, _page())
    return render_template("events/listing.html", events=result.events, total=result.total,
                           pages=result.pages, page=result.page, labelled=result.labelled,
                           filters=filters,
                           departments=reference.departments(), themes=reference.themes(),
                           **_labels())


@bp.route("/events/<int:event_id>")
def detail(event_id: int):
    try:
        event = services.get_for_viewer(event_id, current_user)
    except services.EventNotFound:
        abort(404)
    registration = participation.registration_of(current_user, event)
    return render_template(
        "events/detail.html", event=event, registration=registration,
        needs=services.public_needs(event),
        waitlist_position=participation.waitlist_position(registration),
        is_organiser=services.is_organiser(current_user, event),
        label=services.label_request(event),
        places_left=rules.places_left(event.capacity, event.confirmed_count),
        registration_problem=services.registration_problem(event),
        registration_messages=services.REGISTRATION_MESSAGES,
        form=FlaskForm(), organiser_form=OrganiserForm(), **_labels())


# ---- declaring and editing -------------------------------------------------------------

def _choices(form: EventForm, event=None) -> None:
    form.department.choices = choices.departments(blank=_("Choose…"))
    form.themes.choices = choices.themes()
    form.needs.choices = [
        SelectChoice(n.id, f"#{n.id} {n.title} ({n.department_code}, {n.supporters_count})")
        for n in services.linkable_needs(event)]


def _input(form: EventForm) -> services.EventInput:
    def utc(value):
        return paris_to_utc(value) if value else None

    return services.EventInput(
        title=form.title.data, kind=EventKind(form.kind.data),
        description=form.description.data,
        starts_at=utc(form.starts_at.data), ends_at=utc(form.ends_at.data),
        venue_name=form.venue_name.data, venue_address=form.venue_address.data,
        venue_commune=form.venue_commune.data, department_code=form.department.data,
        run_by=rules.RunBy(form.run_by.data), capacity=form.capacity.data,
        registration_opens_at=utc(form.registration_opens_at.data),
        registration_closes_at=utc(form.registration_closes_at.data),
        need_ids=list(form.needs.data or []), theme_codes=list(form.themes.data or []),
    )


def _form_page(form, event=None, error=None):
    status = error.status if error else (422 if form.errors else 200)
    return render_template("events/form.html", form=form, event=event,
                           error=error.message if error and not error.field else None), status


def _save(form, event=None):
    """Validate and call the service; returns a response for errors, or the event."""
    if not form.validate_on_submit():
        return _form_page(form, event), None
    try:
        if event is None:
            saved = services.declare(current_user, _input(form))
        else:
            saved = services.update(current_user, event.id, _input(form))
    except services.EventError as exc:
        _fail(exc)
        if exc.field and exc.field in form:
            form[exc.field].errors.append(exc.message)
        return _form_page(form, event, exc), None
    return None, saved


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def declare():
    if not services.can_declare(current_user):
        abort(403)
    form = EventForm()
    _choices(form)
    if request.method == "GET":
        form.run_by.data = rules.RunBy.THIRD_PARTY.value
        form.kind.data = EventKind.HACKATHON.value
        preselected = request.args.get("need", type=int)
        if preselected:
            form.needs.data = [preselected]
        return _form_page(form)
    error_page, event = _save(form)
    if error_page:
        return error_page
    flash(_("The event is saved as a draft. Publish it when it is ready."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    try:
        event = services.editable(current_user, event_id)
    except services.EventError as exc:
        _fail(exc)
        flash(exc.message, "error")
        return redirect(url_for("events.detail", event_id=event_id))
    form = EventForm(obj=event if request.method == "GET" else None)
    _choices(form, event)
    if request.method == "GET":
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            value = getattr(event, name)
            form[name].data = utc_to_paris(value) if value else None
        form.kind.data, form.run_by.data = event.kind.value, event.run_by.value
        form.department.data = event.department_code
        form.themes.data = [t.code for t in event.themes]
        form.needs.data = [n.id for n in event.needs]
        return _form_page(form, event)
    error_page, saved = _save(form, event)
    if error_page:
        return error_page
    flash(_("The event is saved."), "success")
    return redirect(url_for("events.detail", event_id=saved.id))


def _action(event_id: int, action, success: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        action(current_user, event_id)
    except services.EventError as exc:
        _fail(exc)
        flash(exc.message, "error")
    else:
        flash(success, "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@login_required
def publish(event_id: int):
    return _action(event_id, services.publish, _("The event is published."))


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel(event_id: int):
    return _action(event_id, services.cancel,
                   _("The event is cancelled; registered people are told."))


@bp.route("/events/<int:event_id>/organisers", methods=["POST"])
@login_required
def add_organiser(event_id: int):
    form = OrganiserForm()
    if not form.validate_on_submit():
        flash(_("Enter the email address of an existing account."), "error")
        return redirect(url_for("events.detail", event_id=event_id))
    try:
        other = services.add_organiser(current_user, event_id, form.email.data)
    except services.EventError as exc:
        _fail(exc)
        flash(exc.message, "error")
    else:
        flash(_("%(name)s now co-organises the event.", name=other.display_name), "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/events/<int:event_id>/label", methods=["GET", "POST"])
@login_required
def label(event_id: int):
    try:
        event = services.get_for_viewer(event_id, current_user)
    except services.EventNotFound:
        abort(404)
    if not services.is_organiser(current_user, event):
        abort(403)
    form = CharterForm()
    error = None
    if form.validate_on_submit():
        answers = {p.code: form[p.code].data for p in PRINCIPLES}
        try:
            services.request_label(current_user, event_id, answers,
                                   url_for("events.detail", event_id=event_id))
        except services.EventError as exc:
            _fail(exc)
            error = exc.message
        except services.labels.LabelError as exc:
            db.session.rollback()
            error = exc.message
            if exc.field in form:
                form[exc.field].errors.append(exc.message)
        else:
            flash(_("Your label request is sent to the committee."), "success")
            return redirect(url_for("events.detail", event_id=event_id))
    status = 422 if (error or form.errors) else 200
    return render_template("events/label.html", event=event, form=form, error=error,
                           principles=PRINCIPLES, current=services.label_request(event)), status


# ---- registration ----------------------------------------------------------------------

@bp.route("/events/<int:event_id>/register", methods=["POST"])
@login_required
def register(event_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        registration, created = participation.register(current_user, event_id)
    except services.EventError as exc:
        _fail(exc)
        flash(exc.message, "error")
        return redirect(url_for("events.detail", event_id=event_id))
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
    return _action(event_id, participation.unregister, _("Your registration is cancelled."))


@bp.route("/events/<int:event_id>/registrations")
@login_required
def registrations(event_id: int):
    try:
        event, rows = participation.registrations(current_user, event_id)
    except services.EventError as exc:
        _fail(exc)
        abort(400)
    return render_template("events/registrations.html", event=event, rows=rows,
                           form=AttendanceForm(), **_labels())


@bp.route("/events/<int:event_id>/registrations.csv")
@login_required
def registrations_csv(event_id: int):
    try:
        event, rows = participation.registrations(current_user, event_id)
    except services.EventError as exc:
        _fail(exc)
        abort(400)
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
    try:
        participation.set_attendance(current_user, event_id, registration_id, value)
    except services.EventError as exc:
        _fail(exc)
        flash(exc.message, "error")
    return redirect(url_for("events.registrations", event_id=event_id))


@bp.route("/events/mine")
@login_required
def mine():
    return render_template("events/mine.html",
                           registrations=participation.registrations_of_user(current_user),
                           organised=services.organised_by(current_user),
                           feed=participation.calendar_feed(current_user), form=FlaskForm(),
                           **_labels())


# ---- calendars -------------------------------------------------------------------------

def _domain() -> str:
    return current_app.config.get("SERVER_NAME") or "inspir-events"


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
def event_ics(event_id: int):
    try:
        event = services.get_for_viewer(event_id, None)
    except services.EventNotFound:
        abort(404)
    return _ics([event], event.title, f"inspir-event-{event.id}.ics")


@bp.route("/events.ics")
def feed_ics():
    return _ics(services.feed_events(_filters()), _("INS'pir events"), "inspir-events.ics")


@bp.route("/calendar/<token>.ics")
def private_ics(token: str):
    try:
        _user_id, events = participation.events_of_feed(token)
    except services.EventNotFound:
        abort(404)
    return _ics(events, _("My INS'pir events"), "my-inspir-events.ics")


@bp.route("/calendar/token", methods=["POST"])
@login_required
def renew_token():
    if not FlaskForm().validate_on_submit():
        abort(400)
    participation.renew_calendar_token(current_user)
    flash(_("Your private calendar address is ready. Keep it to yourself."), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("events.mine"))


@bp.route("/calendar/token/revoke", methods=["POST"])
@login_required
def revoke_token():
    if not FlaskForm().validate_on_submit():
        abort(400)
    participation.revoke_calendar_token(current_user)
    flash(_("Your private calendar address no longer works."), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("events.mine"))
