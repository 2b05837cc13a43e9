"""Pipeline forms: input shape only (the use cases in aid/projects/services.py
and grants.py decide meaning).

Amounts are typed in euros (a comma or a point, up to two decimals) and read
exactly into cents by :func:`inspir_events.aid.euros.parse_euros`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from inspir_events.aid.forms import EurosField
from inspir_events.aid.projects import services, stages
from inspir_events.database import coerce_id
from inspir_events.reference.fields import commune_field

STAGE_LABELS = {stage: _l(name) for stage, name in stages.STAGE_NAMES.items()}
PROGRAMME_LABELS = {code: _l(name) for code, name in stages.OTHER_PROGRAMMES.items()}
QUALIFICATION_LABELS = {
    stages.Qualification.AWAITING: _l("Awaiting the committee"),
    stages.Qualification.QUALIFIED: _l("In the INS'pir pipeline"),
    stages.Qualification.ORIENTED_STRUCTURE: _l("Oriented towards a support structure"),
    stages.Qualification.ORIENTED_PROGRAMME: _l("Oriented towards another regional "
                                                  "programme"),
}
ROLE_LABELS = {"lead": _l("team lead"), "member": _l("member"), "author": _l("author")}


def _note(label=None):
    return TextAreaField(label or _l("Note"), validators=[
        DataRequired(_l("Write a note explaining the decision.")),
        Length(max=services.NOTE_MAX, message=_l("At most %(max)d characters.",
                                                 max=services.NOTE_MAX))],
        render_kw={"rows": 3})


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Give the project a title.")),
        Length(min=services.TITLE_MIN, max=services.TITLE_MAX,
               message=_l("The title must have between %(min)d and %(max)d characters.",
                          min=services.TITLE_MIN, max=services.TITLE_MAX))])
    summary = TextAreaField(
        _l("The project"),
        validators=[DataRequired(_l("Describe the project.")),
                    Length(max=services.SUMMARY_MAX, message=_l(
                        "At most %(max)d characters.", max=services.SUMMARY_MAX))],
        description=_l("The need it answers, for whom, what you would build and test. "
                       "Markdown is accepted."),
        render_kw={"rows": 8})
    department = SelectField(_l("Department"), validate_choice=False,
                             validators=[DataRequired(_l("Choose the department."))])
    commune = commune_field(_l("Commune (optional)"))
    theme = SelectField(_l("Theme (optional)"), validate_choice=False, validators=[Optional()])


class QualifyForm(FlaskForm):
    """Fields are prefixed ("qualify-note"...): several forms share the project's page."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("qualify", _l("Take it into the INS'pir pipeline")),
        SelectChoice("structure", _l("Orient it towards a support structure")),
        SelectChoice("programme", _l("Orient it towards another regional programme")),
    ], validators=[DataRequired(_l("Choose a decision."))])
    structure = SelectField(_l("Support structure"), coerce=coerce_id, validate_choice=False,
                            validators=[Optional()])
    programme = SelectField(_l("Regional programme"), validators=[Optional()],
                            choices=[SelectChoice("", _l("Choose…")),
                                     *(SelectChoice(code, label)
                                       for code, label in PROGRAMME_LABELS.items())])
    note = _note()

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, prefix="qualify", **kwargs)
        self.structure.choices = [SelectChoice(0, _l("Choose…")),
                                  *(SelectChoice(u.id, u.display_name) for u in structures)]


class MoveForm(FlaskForm):
    target = RadioField(_l("Move to"), validators=[DataRequired(_l("Choose the stage."))],
                        choices=[SelectChoice(s.value, label)
                                 for s, label in STAGE_LABELS.items()])
    note = _note(_l("Note for the record"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="move", **kwargs)


class DetailsForm(FlaskForm):
    licence = SelectField(_l("Open licence"), validators=[Optional()], choices=[
        SelectChoice("", _l("None yet")),
        *(SelectChoice(code, name) for code, name in stages.OPEN_LICENCES.items())],
        description=_l("Experiments are made in open code so they can be shared and "
                       "reproduced."))
    repository_url = StringField(
        _l("Public repository or documentation"),
        validators=[Optional(), Length(max=stages.URL_MAX)],
        description=_l("An address starting with https://"))
    support_structure = SelectField(_l("Support structure"), coerce=coerce_id,
                                    validate_choice=False, validators=[Optional()])
    results = TextAreaField(_l("Results of the experiment"), validators=[
        Length(max=services.TEXT_MAX)], render_kw={"rows": 5},
        description=_l("What was tried, with whom, what it showed. Markdown is accepted."))
    lessons = TextAreaField(_l("Lessons learned"), validators=[
        Length(max=services.TEXT_MAX)], render_kw={"rows": 5},
        description=_l("Failure is allowed and documented: what would you do differently?"))

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, prefix="details", **kwargs)
        self.support_structure.choices = [
            SelectChoice(0, _l("None")),
            *(SelectChoice(u.id, u.display_name) for u in structures)]


class GrantForm(FlaskForm):
    operating = EurosField(_l("Operating grant (€)"), validators=[Length(max=30)])
    investment = EurosField(_l("Investment grant (€)"), validators=[Length(max=30)])
    structure = EurosField(_l("Support structure grant (€)"), validators=[Length(max=30)],
                           description=_l("Paid to the project's support structure."))
    beneficiary_name = StringField(_l("Beneficiary of the project grants"),
                                   validators=[Length(max=services.NAME_MAX)])
    beneficiary_id = StringField(_l("Its SIRET or RNA number"), validators=[Length(max=20)],
                                 description=_l("14 digits, or W followed by 9 digits."))
    structure_beneficiary_name = StringField(_l("Support structure (legal name)"),
                                             validators=[Length(max=services.NAME_MAX)])
    structure_beneficiary_id = StringField(_l("Its SIRET or RNA number"),
                                           validators=[Length(max=20)])
    operating_envelope = SelectField(_l("Envelope for operating"), coerce=coerce_id,
                                     validate_choice=False, validators=[Optional()])
    investment_envelope = SelectField(_l("Envelope for investment"), coerce=coerce_id,
                                      validate_choice=False, validators=[Optional()])
    structure_envelope = SelectField(_l("Envelope for the support structure"), coerce=coerce_id,
                                     validate_choice=False, validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=services.NOTE_MAX)],
                           render_kw={"rows": 2})

    def __init__(self, *args, envelope_choices=None, **kwargs):
        super().__init__(*args, prefix="grant", **kwargs)
        for kind, choices in (envelope_choices or {}).items():
            self[f"{kind}_envelope"].choices = choices
