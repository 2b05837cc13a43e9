"""Team forms: input shape only; the services check membership, room and rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from inspir_events.accounts.forms import MultiCheckboxField
from inspir_events.database import coerce_id
from inspir_events.reference import choices
from inspir_events.teams import rules
from inspir_events.teams.rules import JoinPolicy

# In the lead's words on the form...
POLICY_LABELS = {
    JoinPolicy.OPEN: _l("Open: anyone confirmed joins at once"),
    JoinPolicy.ON_REQUEST: _l("On request: I accept or decline each request"),
}
# ...and as everyone else reads it on the team pages.
POLICY_DESCRIPTIONS = {
    JoinPolicy.OPEN: _l("Open: confirmed participants join at once"),
    JoinPolicy.ON_REQUEST: _l("On request: the lead accepts or declines each request"),
}

SIZE_MESSAGE = _l("A team has between %(min)d and %(max)d members.",
                  min=rules.SIZE_MIN, max=rules.SIZE_MAX)


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), filters=[lambda v: v.strip() if v else v], validators=[
        DataRequired(_l("Give the team a name.")),
        Length(min=rules.NAME_MIN, max=rules.NAME_MAX,
               message=_l("The name must have between %(min)d and %(max)d characters.",
                          min=rules.NAME_MIN, max=rules.NAME_MAX))])
    pitch = TextAreaField(_l("Pitch"), validators=[
        Length(max=rules.PITCH_MAX, message=_l("At most %(max)d characters.",
                                               max=rules.PITCH_MAX))],
        description=_l("What the team wants to build, for whom."), render_kw={"rows": 4})
    wanted_roles = MultiCheckboxField(_l("Roles the team is looking for"), validate_choice=False)
    needs = MultiCheckboxField(_l("Needs the team wants to answer"), validate_choice=False,
                               coerce=coerce_id)
    max_size = IntegerField(_l("Maximum size"), validators=[
        Optional(), NumberRange(min=rules.SIZE_MIN, max=rules.SIZE_MAX, message=SIZE_MESSAGE)],
        description=_l("Between 2 and 12; empty: the event's default."))
    join_policy = RadioField(_l("How people join"), choices=choices.from_labels(POLICY_LABELS),
                             validators=[DataRequired(_l("Choose how people join."))])


class SeekingForm(FlaskForm):
    seeking = BooleanField(_l("I am looking for a team"))
    skills = MultiCheckboxField(_l("What I bring to this event"), validate_choice=False)


class SettingsForm(FlaskForm):
    team_size_default = IntegerField(_l("Default maximum size of a team"), validators=[
        DataRequired(SIZE_MESSAGE),
        NumberRange(min=rules.SIZE_MIN, max=rules.SIZE_MAX, message=SIZE_MESSAGE)])
    teams_frozen_at = DateTimeLocalField(
        _l("Freeze teams from (Paris time, optional)"), format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("From then on, nobody joins or leaves a team."))
    solo_ideas_allowed = BooleanField(_l("Participants without a team may post ideas"))


class JoinForm(FlaskForm):
    message = TextAreaField(_l("A word for the team (optional)"),
                            validators=[Length(max=500)], render_kw={"rows": 2})
