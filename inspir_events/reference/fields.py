"""The commune field of the forms: a text box that names a commune of the reference list.

Without JavaScript it is plain text: a name (unique in the department chosen) or an INSEE
code, resolved by the use case (`services.find_commune`). With it, static/js/communes.js
makes it an ARIA combobox listing the department's communes as one types.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from inspir_events.reference import rules

COMMUNE_TEXT_MAX = 120  # a name of up to 100 characters and its code


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def commune_field(label, required: bool = False, department_field: str = "department"):
    """A commune field tied to the form's department select (by its name)."""
    validators = [DataRequired(_l("Give the commune."))] if required else [Optional()]
    return StringField(
        label, filters=[_strip],
        validators=[*validators, Length(max=COMMUNE_TEXT_MAX, message=_l(
            "At most %(max)d characters.", max=COMMUNE_TEXT_MAX))],
        description=_l("Type its name and choose it from the list, or type its INSEE code."),
        render_kw={"autocomplete": "off", "data-commune-combobox": "",
                   "data-department-field": department_field})


def shown(name: str | None, code: str | None) -> str:
    """What a commune field shows for a stored commune: "Lille (59350)", or the free text
    kept from before the list."""
    if code and name:
        return rules.label(name, code)
    return name or ""
