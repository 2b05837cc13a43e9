"""« Mes notifications » (issue 17 §4): how each kind of message reaches a person, as a
page of the profile (``/profile/notifications``).

In the app, notifications are always shown. By e-mail, each kind the features declare
(mail/kinds.py) comes at once, in the daily digest, or never: the person chooses, per
kind, grouped as the features group them. Essential kinds (confirming an address,
resetting a password, registrations and their cancellation...) are listed as always
sent, with no choice. The one-click unsubscribe writes the same choice ("never"), so the
page shows it. The use case is :func:`inspir_events.mail.services.set_modes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from inspir_events.accounts.blueprint import bp
from inspir_events.errors import on_refusal
from inspir_events.mail import kinds, services
from inspir_events.mail.rules import DIGEST, MailMode
from inspir_events.reference import choices

MODE_LABELS = {
    MailMode.IMMEDIATE: _l("By e-mail, at once"),
    MailMode.DAILY: _l("In a daily digest (at 7:00)"),
    MailMode.NEVER: _l("Never by e-mail"),
}
OTHER = _l("Other messages")


@dataclass(frozen=True)
class Line:
    """One kind on the page: its title, and its form field (None: always sent)."""

    title: str
    field: object | None


def field_name(kind: str) -> str:
    return "kind-" + kind.replace(".", "--")


def preferences_form(user_id: int) -> FlaskForm:
    """A form with one choice per kind the person may change, set to their current one."""
    current = services.modes_of(user_id)

    class PreferencesForm(FlaskForm):
        pass

    for spec in kinds.kinds().values():
        modes = services.choosable(spec)
        if modes:
            setattr(PreferencesForm, field_name(spec.name), RadioField(
                spec.title, choices=choices.from_labels({m: MODE_LABELS[m] for m in modes}),
                default=current.get(spec.name, MailMode.IMMEDIATE).value,
                validators=[InputRequired(_l("Choose how this kind reaches you."))]))
    return PreferencesForm()


def groups(form: FlaskForm) -> list[tuple[str, list[Line]]]:
    """The page's groups in the order the features declared their kinds ("Other" last);
    the daily digest itself is not listed (its messages are)."""
    found: dict[str, list[Line]] = {}
    for spec in kinds.kinds().values():
        if spec.name == DIGEST:
            continue
        line = Line(str(spec.title), getattr(form, field_name(spec.name), None))
        found.setdefault(str(spec.group) if spec.group else "", []).append(line)
    other = found.pop("", [])
    return [*found.items(), *([(str(OTHER), other)] if other else [])]


def _page(form: FlaskForm, status: int = 200):
    return render_template("accounts/notifications.html", form=form,
                           groups=groups(form)), status


@bp.route("/profile/notifications", methods=["GET", "POST"])
@login_required
def notification_preferences():
    form = preferences_form(current_user.id)
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, 422)
    on_refusal(form=form, page=lambda error: _page(form)[0])
    chosen = {spec.name: form[field_name(spec.name)].data for spec in kinds.kinds().values()
              if field_name(spec.name) in form}
    services.set_modes(current_user.id, chosen)
    flash(_("Your choices are saved."), "success")
    return redirect(url_for("accounts.notification_preferences"), 303)
