"""Voting forms: input shape only; the services decide who may do what and when."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from inspir_events.database import coerce_optional_id
from inspir_events.reference import choices
from inspir_events.voting import rules
from inspir_events.voting.rules import TallyVisibility

VISIBILITY_LABELS = {
    TallyVisibility.LIVE: _l("Live: everyone sees the tally move during the vote"),
    TallyVisibility.AT_CLOSE: _l("At closing: the results are shown once the round is closed"),
}

VOTES_MESSAGE = _l("Between 1 and %(max)d votes per participant.", max=rules.VOTES_MAX)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IdeaForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip], validators=[
        DataRequired(_l("Give the idea a title.")),
        Length(min=rules.TITLE_MIN, max=rules.TITLE_MAX,
               message=_l("The title must have between %(min)d and %(max)d characters.",
                          min=rules.TITLE_MIN, max=rules.TITLE_MAX))])
    summary = TextAreaField(_l("Summary"), filters=[_strip], validators=[
        DataRequired(_l("Describe the idea.")),
        Length(max=rules.SUMMARY_MAX, message=_l("At most %(max)d characters.",
                                                 max=rules.SUMMARY_MAX))],
        description=_l("What you propose, for whom. Markdown is accepted."),
        render_kw={"rows": 8})
    need = SelectField(_l("The need it answers (optional)"), coerce=coerce_optional_id,
                       validate_choice=False)


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip], validators=[
        DataRequired(_l("Give the round a title.")),
        Length(max=rules.TITLE_MAX, message=_l("At most %(max)d characters.",
                                               max=rules.TITLE_MAX))])
    votes_per_participant = IntegerField(
        _l("Votes per participant"), default=rules.VOTES_DEFAULT,
        validators=[InputRequired(VOTES_MESSAGE),
                    NumberRange(min=1, max=rules.VOTES_MAX, message=VOTES_MESSAGE)],
        description=_l("At most one vote per idea."))
    allow_own_team = BooleanField(_l("Participants may vote for their own team's idea"))
    require_check_in = BooleanField(_l("Only participants checked in at the door vote"))
    visibility = RadioField(_l("Tally"), choices=choices.from_labels(VISIBILITY_LABELS),
                            default=TallyVisibility.LIVE.value,
                            validators=[DataRequired(_l("Choose when the tally is shown."))])
    opens_at = DateTimeLocalField(_l("Open automatically at (Paris time, optional)"),
                                  format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Close automatically at (Paris time, optional)"),
                                   format="%Y-%m-%dT%H:%M", validators=[Optional()])


class VoteForm(FlaskForm):
    idea_id = HiddenField(validators=[DataRequired()])


class WinnersForm(FlaskForm):
    k = IntegerField(_l("Number of winners"), default=3, validators=[
        InputRequired(_l("Give a number of winners.")),
        NumberRange(min=1, max=100, message=_l("Give a number of winners."))])
