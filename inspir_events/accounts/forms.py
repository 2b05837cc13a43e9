"""Account forms: they check the shape of the input; services decide the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from inspir_events.accounts.models import Role
from inspir_events.accounts.rules import (
    BIO_MAX_LENGTH,
    DISPLAY_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (accessible: one label per box)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _email_field():
    return EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX_LENGTH, message=_l("This address is too long.")),
            Email(_l("Enter a valid email address, like nom@exemple.fr.")),
        ],
        render_kw={"autocomplete": "email"},
    )


def _new_password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=_l("Your password must have between %(min)d and %(max)d characters.",
                           min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH),
            ),
        ],
        description=_l("At least %(min)d characters. A sentence you will remember works well.",
                       min=PASSWORD_MIN_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


def _current_password_field():
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )


def _password_again(of: str, label, message):
    return PasswordField(
        label,
        validators=[DataRequired(message), EqualTo(of, _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class SignupForm(FlaskForm):
    email = _email_field()
    display_name = StringField(
        _l("Display name"),
        validators=[
            DataRequired(_l("Enter the name other people will see.")),
            Length(max=DISPLAY_NAME_MAX_LENGTH,
                   message=_l("At most %(max)d characters.", max=DISPLAY_NAME_MAX_LENGTH)),
        ],
        render_kw={"autocomplete": "nickname"},
    )
    password = _new_password_field(_l("Password"))
    password_confirm = _password_again("password", _l("Password again"),
                                       _l("Type your password a second time."))


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay signed in on this device"))


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        validators=[
            DataRequired(_l("Enter the name other people will see.")),
            Length(max=DISPLAY_NAME_MAX_LENGTH,
                   message=_l("At most %(max)d characters.", max=DISPLAY_NAME_MAX_LENGTH)),
        ],
    )
    department = SelectField(_l("Your department"), validators=[Optional()], validate_choice=True)
    skills = MultiCheckboxField(
        _l("Your skills"), validate_choice=True,
        description=_l("« User, citizen »: you take part as an inhabitant or a future user. "
                       "The programme's public evaluation counts, without any name, how many "
                       "team members do."))
    bio = TextAreaField(
        _l("A few words about you"),
        validators=[Length(max=BIO_MAX_LENGTH,
                           message=_l("At most %(max)d characters.", max=BIO_MAX_LENGTH))],
    )


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), validate_choice=True)


ROLE_LABELS = {
    Role.ORGANISER: _l("Organiser"),
    Role.COMMITTEE: _l("Committee member"),
    Role.SUPPORT_STRUCTURE: _l("Support structure"),
    Role.ADMIN: _l("Administrator"),
}


class PasswordChangeForm(FlaskForm):
    current_password = _current_password_field()
    new_password = _new_password_field(_l("New password"))
    new_password_confirm = _password_again("new_password", _l("New password again"),
                                           _l("Type your new password a second time."))


class AccountDeletionForm(FlaskForm):
    current_password = _current_password_field()
    confirm = BooleanField(
        _l("I understand that my account is deleted for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class EmailChangeForm(FlaskForm):
    email = EmailField(
        _l("New email address"),
        validators=[
            DataRequired(_l("Enter your new email address.")),
            Length(max=EMAIL_MAX_LENGTH, message=_l("This address is too long.")),
            Email(_l("Enter a valid email address, like nom@exemple.fr.")),
        ],
        render_kw={"autocomplete": "email"},
    )
    current_password = _current_password_field()


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class PasswordResetForm(FlaskForm):
    new_password = _new_password_field(_l("New password"))
    new_password_confirm = _password_again("new_password", _l("New password again"),
                                           _l("Type your new password a second time."))
