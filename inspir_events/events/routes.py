"""Event pages: browsing, and the organisers declaring and editing their events.

Thin views that parse, call a use case and render; a refusal is answered by the error
boundary (inspir_events/errors.py), as each view says with ``on_refusal``. Registration
and check-in are in registration_routes.py, the calendars in calendar_routes.py.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from inspir_events import limits
from inspir_events.errors import on_refusal
from inspir_events.events import participation, rules, services
from inspir_events.events.blueprint import bp
from inspir_events.events.forms import LABELS, EventForm, OrganiserForm, listing_filters
from inspir_events.events.rules import EventKind
from inspir_events.i18n import translated_labels
from inspir_events.labels.charter import PRINCIPLES
from inspir_events.labels.forms import CharterForm
from inspir_events.reference import choices, fields, maps
from inspir_events.reference import services as reference
from inspir_events.timeutil import paris_to_utc, utc_to_paris


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.route("/events")
@limits.costly_read
def listing():
    filters = listing_filters(request.args)
    result = services.listing(filters, _page())
    departments = reference.departments()
    region_map = maps.department_map(
        "events-map", _("Past events per department") if filters.when == "past"
        else _("Upcoming events per department"),
        [maps.Column(_("Events"), services.counts_per_department(filters))],
        lambda code: url_for("events.listing", **{**request.args.to_dict(), "department": code,
                                                  "page": None, "epci": None}),
        departments)
    return render_template("events/listing.html", events=result.events, total=result.total,
                           pages=result.pages, page=result.page, labelled=result.labelled,
                           filters=filters, region_map=region_map,
                           departments=departments, themes=reference.themes(),
                           **translated_labels(LABELS))


@bp.route("/events/<int:event_id>")
def detail(event_id: int):
    page = services.event_page(event_id, current_user)
    event, registration = page.event, page.registration
    is_organiser = services.is_organiser(current_user, event)
    return render_template(
        "events/detail.html", event=event, registration=registration,
        needs=page.needs,
        themes=services.themes_named(page.theme_codes),
        waitlist_position=participation.waitlist_position(registration),
        is_organiser=is_organiser,
        label=page.label, picture=page.picture, following=page.following,
        department=reference.departments_by_code()[event.department_code],
        intercommunality=page.intercommunality,
        places_left=rules.places_left(event.capacity, event.confirmed_count),
        registration_problem=services.registration_problem(event),
        registration_messages=services.REGISTRATION_MESSAGES,
        # (the form adding a co-organiser: its tools' only, made for them alone; the other
        # forms are a button and the session's CSRF token)
        organiser_form=OrganiserForm() if is_organiser else None,
        **translated_labels(LABELS))


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
    """The event's form again; a refusal not about one of its fields is its general error."""
    general = error.message if error and not (error.field and error.field in form) else None
    status = 422 if form.errors else 200
    return render_template("events/form.html", form=form, event=event, error=general), status


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
    if not form.validate_on_submit():
        return _form_page(form)
    on_refusal(page=lambda error: _form_page(form, error=error), form=form)
    event = services.declare(current_user, _input(form))
    flash(_("The event is saved as a draft. Publish it when it is ready."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    on_refusal(back=url_for("events.detail", event_id=event_id))
    event = services.editable(current_user, event_id)
    form = EventForm(obj=event if request.method == "GET" else None)
    _choices(form, event)
    if request.method == "GET":
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            value = getattr(event, name)
            form[name].data = utc_to_paris(value) if value else None
        form.kind.data, form.run_by.data = event.kind.value, event.run_by.value
        form.department.data = event.department_code
        form.venue_commune.data = fields.shown(event.venue_commune, event.venue_commune_code)
        form.themes.data = [t.code for t in event.themes]
        form.needs.data = [n.id for n in event.needs]
        return _form_page(form, event)
    if not form.validate_on_submit():
        return _form_page(form, event)
    on_refusal(page=lambda error: _form_page(form, event, error), form=form)
    saved = services.update(current_user, event.id, _input(form))
    flash(_("The event is saved."), "success")
    return redirect(url_for("events.detail", event_id=saved.id))


def action(event_id: int, use_case, success: str):
    """A button on the event's page (a form with only its CSRF token): the use case, then
    back to the event's page with ``success`` or the refusal's reason."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    on_refusal(back=url_for("events.detail", event_id=event_id))
    use_case(current_user, event_id)
    flash(success, "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@login_required
def publish(event_id: int):
    return action(event_id, services.publish, _("The event is published."))


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel(event_id: int):
    return action(event_id, services.cancel,
                  _("The event is cancelled; registered people are told."))


@bp.route("/events/<int:event_id>/organisers", methods=["POST"])
@login_required
def add_organiser(event_id: int):
    form = OrganiserForm()
    if not form.validate_on_submit():
        flash(_("Enter the email address of an existing account."), "error")
        return redirect(url_for("events.detail", event_id=event_id))
    on_refusal(back=url_for("events.detail", event_id=event_id))
    other = services.add_organiser(current_user, event_id, form.email.data)
    flash(_("%(name)s now co-organises the event.", name=other.display_name), "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/events/<int:event_id>/label", methods=["GET", "POST"])
@login_required
def label(event_id: int):
    event = services.get_for_viewer(event_id, current_user)
    if not services.is_organiser(current_user, event):
        abort(403)
    form = CharterForm()

    def page(error=None):
        status = 422 if (error or form.errors) else 200
        return render_template(
            "events/label.html", event=event, form=form, principles=PRINCIPLES,
            error=error.message if error else None,
            current=services.label_request(event)), status

    if not form.validate_on_submit():
        return page()
    on_refusal(page=page, form=form)
    services.request_label(current_user, event_id, {p.code: form[p.code].data for p in PRINCIPLES},
                           url_for("events.detail", event_id=event_id))
    flash(_("Your label request is sent to the committee."), "success")
    return redirect(url_for("events.detail", event_id=event_id))
