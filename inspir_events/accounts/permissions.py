"""Route guards: roles, and a confirmed address to take part. The rule "who may do what"
lives with each service."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from inspir_events.accounts.models import Role, User
from inspir_events.extensions import db
from inspir_events.i18n import LOGIN_MESSAGE
from inspir_events.urls import safe_next_url


def send_to_login():
    """Flask-Login's answer to a visitor on a page that needs an account.

    After logging in the visitor comes back to the page they were on. For a form
    post (a session that expired on an open page, say) that is the page holding
    the form, not the form's action, which only accepts POST.
    """
    flash(gettext(LOGIN_MESSAGE), "info")
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        referrer = request.referrer or ""
        same_site = referrer.startswith(request.host_url)
        target = safe_next_url(urlsplit(referrer)._replace(scheme="", netloc="").geturl()
                               if same_site else None)
    return redirect(url_for("accounts.login", next=target))


def role_required(role: Role):
    """Signed-in users holding ``role`` only: others get 403, visitors the log-in page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_verified(user_id: int) -> bool:
    """Whether the account has confirmed its e-mail address (one query: the socket door)."""
    return db.session.scalar(select(User.email_verified_at).where(User.id == user_id)) \
        is not None


def verified_required(view):
    """Signed-in users with a confirmed address only (issue 17 §2): posting needs,
    registering to events, joining or creating teams, posting ideas and voting, applying
    for co-funding. Until then a person browses and edits their profile; these pages
    answer 403 with why, and the button that sends the link again. Visitors are sent to
    log in. The live vote's socket door checks ``is_verified`` itself."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.email_verified:
            return render_template("accounts/unverified.html", form=FlaskForm(),
                                   hide_verification_notice=True), 403
        return view(*args, **kwargs)

    return wrapped
