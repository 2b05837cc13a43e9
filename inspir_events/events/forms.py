"""Event forms: input shape only (the services check the schedule and references)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from inspir_events.accounts.forms import MultiCheckboxField
from inspir_events.database import coerce_id
from inspir_events.events import rules
from inspir_events.events.rules import Attendance, EventKind, EventStatus, RunBy
from inspir_events.events.services import EventFilters
from inspir_events.reference import choices
from inspir_events.reference.fields import commune_field

KIND_LABELS = {
    EventKind.HACKATHON: _l("Hackathon"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.WORKING_GROUP: _l("Working group"),
    EventKind.MEETING: _l("Meeting"),
    EventKind.OTHER: _l("Other"),
}
RUN_BY_LABELS = {
    RunBy.REGION: _l("The Region itself"),
    RunBy.THIRD_PARTY: _l("A third party (association, tiers-lieu, local authority...)"),
}
STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CANCELLED: _l("Cancelled"),
}
REGISTRATION_LABELS = {
    rules.RegistrationStatus.CONFIRMED: _l("Confirmed"),
    rules.RegistrationStatus.WAITLISTED: _l("On the waitlist"),
    rules.RegistrationStatus.CANCELLED: _l("Cancelled"),
}
ATTENDANCE_LABELS = {
    Attendance.PRESENT: _l("Present"),
    Attendance.ABSENT: _l("Absent"),
}
# Every label the event pages show, for their templates.
LABELS = {"kind_labels": KIND_LABELS, "run_by_labels": RUN_BY_LABELS,
          "status_labels": STATUS_LABELS, "registration_labels": REGISTRATION_LABELS,
          "attendance_labels": ATTENDANCE_LABELS}

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def listing_filters(args) -> EventFilters:
    """The listing's and the public feed's filters, read from a query string (anything
    unknown means "any")."""
    kind = args.get("kind", "")
    when = args.get("when", "upcoming")
    return EventFilters(
        when=when if when in ("upcoming", "past", "all") else "upcoming",
        department=args.get("department") or None,
        kind=EventKind(kind) if kind in EventKind._value2member_map_ else None,
        theme=args.get("theme") or None,
        labelled_only=args.get("labelled") == "1",
        epci=args.get("epci") or None,
    )


def _when(label, required=True, description=None):
    validators = [DataRequired(_l("Enter a date and time."))] if required else [Optional()]
    return DateTimeLocalField(label, format=DATETIME_FORMAT, validators=validators,
                              description=description)


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Give the event a title.")),
        Length(min=rules.TITLE_MIN, max=rules.TITLE_MAX,
               message=_l("The title must have between %(min)d and %(max)d characters.",
                          min=rules.TITLE_MIN, max=rules.TITLE_MAX))])
    kind = SelectField(_l("Kind of event"), choices=choices.from_labels(KIND_LABELS),
                       validators=[DataRequired(_l("Choose the kind of event."))])
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(_l("Describe the event.")),
                    Length(max=rules.DESCRIPTION_MAX,
                           message=_l("At most %(max)d characters.", max=rules.DESCRIPTION_MAX))],
        description=_l("Programme, audience, what participants will do. Markdown is accepted."),
        render_kw={"rows": 8})
    starts_at = _when(_l("Starts (Paris time)"))
    ends_at = _when(_l("Ends (Paris time)"))
    venue_name = StringField(_l("Venue"), validators=[
        DataRequired(_l("Name the venue.")), Length(max=150)])
    venue_address = StringField(_l("Address"), validators=[
        DataRequired(_l("Give the address.")), Length(max=250)])
    venue_commune = commune_field(_l("Commune"), required=True)
    department = SelectField(_l("Department"), validate_choice=False,
                             validators=[DataRequired(_l("Choose the department."))])
    capacity = IntegerField(
        _l("Capacity (optional)"),
        validators=[Optional(), NumberRange(min=1, max=rules.CAPACITY_MAX, message=_l(
            "The capacity is a number of places between 1 and %(max)d (leave it empty for "
            "no limit).", max=rules.CAPACITY_MAX))],
        description=_l("Beyond it, people join a waitlist."))
    registration_opens_at = _when(_l("Registration opens (optional)"), required=False)
    registration_closes_at = _when(
        _l("Registration closes (optional)"), required=False,
        description=_l("By default registration stays open until the event ends."))
    run_by = RadioField(_l("Who runs the event?"),
                        choices=choices.from_labels(RUN_BY_LABELS),
                        validators=[DataRequired(_l("Say who runs the event."))],
                        description=_l("Only events run by a third party may ask the Region "
                                       "for co-funding."))
    themes = MultiCheckboxField(_l("Themes"), validate_choice=False)
    needs = MultiCheckboxField(_l("Needs this event addresses"), validate_choice=False,
                               coerce=coerce_id)


class OrganiserForm(FlaskForm):
    email = EmailField(_l("Email address of the co-organiser"), validators=[
        DataRequired(_l("Enter an email address.")),
        Email(_l("Enter a valid email address, like nom@exemple.fr."))])


class AttendanceForm(FlaskForm):
    attendance = SelectField(_l("Attendance"), choices=[
        SelectChoice("", _l("Not checked")), *choices.from_labels(ATTENDANCE_LABELS)],
        validators=[Optional()])

