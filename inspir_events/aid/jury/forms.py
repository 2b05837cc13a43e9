"""The jury's forms: input shape only (:mod:`.services` decides meaning)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from inspir_events.aid.jury import rules
from inspir_events.database import coerce_id

DISCIPLINE_LABELS = {d: _l(name) for d, name in rules.DISCIPLINE_NAMES.items()}
CRITERION_LABELS = {code: _l(name) for code, name in rules.CRITERION_NAMES.items()}
SCORES = [SelectChoice(n, str(n)) for n in range(rules.SCORE_MIN, rules.SCORE_MAX + 1)]


class MemberForm(FlaskForm):
    """Naming a person to the jury (fields prefixed: several forms share the page)."""

    user = SelectField(_l("Person"), coerce=coerce_id, validate_choice=False,
                       validators=[DataRequired(_l("Choose a person."))])
    discipline = SelectField(_l("Discipline"), validate_choice=False,
                             choices=[SelectChoice(d.value, label)
                                      for d, label in DISCIPLINE_LABELS.items()],
                             validators=[DataRequired(_l("Choose a discipline."))])


class QuorumForm(FlaskForm):
    quorum = IntegerField(_l("Quorum: members who scored every criterion, not recused"),
                          validators=[InputRequired(_l("A whole number.")),
                                      NumberRange(min=1, max=rules.QUORUM_MAX)])
    min_disciplines = IntegerField(_l("Disciplines needed among them"),
                                   validators=[InputRequired(_l("A whole number.")),
                                               NumberRange(min=1, max=len(rules.Discipline))])


def score_form(criteria) -> type[FlaskForm]:
    """A scoring form with a score (0-5) and a comment per criterion of the jury."""

    class ScoreForm(FlaskForm):
        pass

    for code in criteria:
        setattr(ScoreForm, f"score_{code}", RadioField(
            CRITERION_LABELS.get(code, code), choices=SCORES, coerce=int,
            validators=[InputRequired(_l("Give a score from %(min)d to %(max)d.",
                                        min=rules.SCORE_MIN, max=rules.SCORE_MAX))]))
        setattr(ScoreForm, f"comment_{code}", TextAreaField(
            _l("Comment"), validators=[Optional()], render_kw={"rows": 2}))
    return ScoreForm
