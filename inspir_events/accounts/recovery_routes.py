"""Password reset pages: « Mot de passe oublié ? » (the request, the same answer for every
address) and the link's page (a new password). Thin views; refusals go through the error
boundary."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from inspir_events import limits
from inspir_events.accounts import recovery
from inspir_events.accounts.blueprint import bp
from inspir_events.accounts.forms import ForgotPasswordForm, PasswordResetForm
from inspir_events.errors import on_refusal


def _forgot_again(message: str) -> str:
    """The request form again, with what was typed and the limit's message."""
    return render_template("accounts/forgot.html", form=ForgotPasswordForm(), error=message)


limits.answer_on(bp, forgot_password=_forgot_again)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limits.reset_request_limits
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200
    recovery.request_reset(form.email.data)
    # The same answer whether an account uses the address or not.
    session["reset_email"] = form.email.data.strip()
    return redirect(url_for("accounts.reset_sent"))


@bp.route("/password/forgot/sent")
def reset_sent():
    return render_template("accounts/reset_sent.html", email=session.get("reset_email"),
                           minutes=recovery.minutes_valid())


def _reset_page(form, token: str, error=None, valid: bool = True):
    status = error.status if error is not None else (200 if valid and not form.errors else
                                                     422 if valid else 410)
    return render_template("accounts/reset.html", form=form, token=token, valid=valid,
                           error=error.message if error is not None else None), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return _reset_page(form, token, valid=recovery.account_for(token) is not None)
    on_refusal(page=lambda error: _reset_page(form, token, error=error, valid=False))
    recovery.reset_password(token, form.new_password.data)
    if current_user.is_authenticated:  # this browser's session ended with the others
        logout_user()
    session.clear()
    flash(_("Your password is changed and every session of your account is signed out. "
            "Sign in with the new password."), "success")
    return redirect(url_for("accounts.login"))
