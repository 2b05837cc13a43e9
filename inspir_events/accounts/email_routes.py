"""Address pages: confirming an address (the link's page and its button), sending the
link again, changing one's address. Thin views; refusals go through the error boundary."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events import limits
from inspir_events.accounts import verification
from inspir_events.accounts.blueprint import bp
from inspir_events.accounts.forms import EmailChangeForm
from inspir_events.errors import on_refusal
from inspir_events.urls import safe_next_url


def _change_again(message: str) -> str:
    """The change-of-address form again, with what was typed and the limit's message."""
    flash(message, "error")
    return render_template("accounts/email.html", form=EmailChangeForm())


def _resend_again(message: str):
    flash(message, "error")
    return redirect(url_for("accounts.profile"))


limits.answer_on(bp, change_email=_change_again, resend_confirmation=_resend_again)


def _link_page(token: str, link=None, error=None, form=None):
    status = error.status if error is not None else (200 if link is not None else 410)
    return render_template("accounts/confirm_email.html", link=link, token=token,
                           form=form or FlaskForm(),
                           error=error.message if error is not None else None), status


@bp.route("/account/confirm/<token>")
def confirm_email_page(token: str):
    """The link of a confirmation message: the button that confirms (a GET changes
    nothing: mail scanners open links too)."""
    return _link_page(token, verification.read_link(token))


@bp.route("/account/confirm/<token>", methods=["POST"])
def confirm_email(token: str):
    form = FlaskForm()
    if not form.validate_on_submit():
        return _link_page(token, verification.read_link(token), form=form)
    on_refusal(page=lambda error: _link_page(token, error=error))
    link = verification.confirm(token)
    if link.done:
        flash(_("This address was already confirmed."), "info")
    elif link.change:
        flash(_("Your new address %(email)s is confirmed; the old one was told.",
                email=link.email), "success")
    else:
        flash(_("Your address is confirmed. Welcome to INS'pir!"), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    return redirect(url_for("accounts.login"))


@bp.route("/account/confirm/resend", methods=["POST"])
@login_required
@limits.limit("verify_resend")
def resend_confirmation():
    back = safe_next_url(request.form.get("next")) or url_for("accounts.profile")
    if not FlaskForm().validate_on_submit():
        return redirect(back)
    address = verification.resend(current_user)
    if address:
        flash(_("We sent the link again to %(email)s. It may take a few minutes; look in "
                "your spam folder too.", email=address), "success")
    else:
        flash(_("Your address is already confirmed."), "info")
    return redirect(back)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limits.limit("email_change")
def change_email():
    form = EmailChangeForm()

    def page(error=None):
        if error is not None and not (error.field and error.field in form):
            flash(error.message, "error")
        return render_template("accounts/email.html", form=form), \
            200 if not form.errors else 422

    if not form.validate_on_submit():
        return page()
    on_refusal(page=page, form=form)
    address = verification.request_change(current_user, form.current_password.data,
                                          form.email.data)
    flash(_("We sent a link to %(email)s: your address changes once you follow it. Until "
            "then, your current address stays.", email=address), "success")
    return redirect(url_for("accounts.profile"))
