"""Need forms: the shape of the input; the services check references and quotas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from inspir_events.needs import rules
from inspir_events.reference.fields import commune_field


def _strip(value):
    """Surrounding spaces do not count towards a length (the service stores the text stripped)."""
    return value.strip() if isinstance(value, str) else value


class NeedForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Give your need a title.")),
            Length(min=rules.TITLE_MIN, max=rules.TITLE_MAX,
                   message=_l("The title must have between %(min)d and %(max)d characters.",
                              min=rules.TITLE_MIN, max=rules.TITLE_MAX)),
        ],
        description=_l("In a few words: what is missing today?"),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            DataRequired(_l("Describe the need.")),
            Length(max=rules.DESCRIPTION_MAX,
                   message=_l("At most %(max)d characters.", max=rules.DESCRIPTION_MAX)),
        ],
        description=_l("Who is concerned, what happens today, what would help. Markdown is "
                       "accepted (**bold**, lists, links)."),
        render_kw={"rows": 10},
    )
    department = SelectField(
        _l("Department"),
        validators=[DataRequired(_l("Choose the department concerned."))],
        validate_choice=False,  # the service checks it against the reference rows
    )
    commune = commune_field(_l("Commune (optional)"))
    theme = SelectField(
        _l("Theme"),
        validators=[DataRequired(_l("Choose a theme."))],
        validate_choice=False,
    )
    tags = StringField(
        _l("Tags (optional)"),
        description=_l("Up to %(max)d keywords separated by commas.", max=rules.TAGS_MAX),
    )

    def validate_tags(self, field):
        problem = rules.tags_problem(rules.parse_tags(field.data or ""))
        if problem == "too_many":
            raise ValidationError(_l("At most %(max)d tags.", max=rules.TAGS_MAX))
        if problem == "too_long":
            raise ValidationError(_l("A tag has at most %(max)d characters.",
                                     max=rules.TAG_MAX_LENGTH))


class SupportForm(FlaskForm):
    supported = HiddenField(validators=[AnyOf(["0", "1"])])


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("Why should moderators look at this need?"),
        validators=[
            DataRequired(_l("Say what is wrong.")),
            Length(max=rules.REPORT_REASON_MAX,
                   message=_l("At most %(max)d characters.", max=rules.REPORT_REASON_MAX)),
        ],
        render_kw={"rows": 3},
    )


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason shown to the author"),
        validators=[
            DataRequired(_l("Give the author a reason.")),
            Length(max=rules.HIDE_REASON_MAX,
                   message=_l("At most %(max)d characters.", max=rules.HIDE_REASON_MAX)),
        ],
        render_kw={"rows": 2},
    )


class EmptyForm(FlaskForm):
    """A button-only form (CSRF token only)."""


STATUS_LABELS = {
    rules.NeedStatus.PUBLISHED: _l("Published"),
    rules.NeedStatus.ADDRESSED: _l("Addressed by an event"),
    rules.NeedStatus.IN_EXPERIMENTATION: _l("In experimentation"),
    rules.NeedStatus.CLOSED: _l("Closed"),
    rules.NeedStatus.WITHDRAWN: _l("Withdrawn"),
}

VISIBILITY_LABELS = {
    rules.Visibility.PENDING: _l("Awaiting moderation"),
    rules.Visibility.PUBLIC: _l("Public"),
    rules.Visibility.HIDDEN: _l("Hidden by a moderator"),
}

SORT_LABELS = {
    rules.Sort.NEWEST: _l("Newest first"),
    rules.Sort.SUPPORTED: _l("Most supported first"),
}
