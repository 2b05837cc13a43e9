"""Label forms: one justification per principle of the charter; the decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from inspir_events.labels.charter import JUSTIFICATION_MAX, PRINCIPLES


class CharterForm(FlaskForm):
    """Built from the charter's data: a required answer per principle."""


for _principle in PRINCIPLES:
    setattr(CharterForm, _principle.code, TextAreaField(
        _l(_principle.title),
        validators=[
            DataRequired(_l("Justify this principle in a few sentences.")),
            Length(max=JUSTIFICATION_MAX,
                   message=_l("At most %(max)d characters.", max=JUSTIFICATION_MAX)),
        ],
        description=_l(_principle.question),
        render_kw={"rows": 3},
    ))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("grant", _l("Grant the label")),
                 SelectChoice("refuse", _l("Refuse the label"))],
        validators=[DataRequired(_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give a reason for the decision.")),
                    Length(max=1000, message=_l("At most %(max)d characters.", max=1000))],
        render_kw={"rows": 2},
    )
