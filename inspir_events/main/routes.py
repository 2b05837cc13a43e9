"""Site-wide pages."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from inspir_events.accounts import services as account_services
from inspir_events.extensions import db
from inspir_events.i18n import LANG_COOKIE
from inspir_events.main import bp
from inspir_events.urls import safe_next_url

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    """Bare liveness check (no database): load balancers and benchmarks' baseline."""
    return {"status": "ok"}


@bp.route("/readyz")
def readyz():
    """Readiness: the database answers."""
    db.session.execute(db.select(1))
    return {"status": "ok", "database": "ok"}


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember the chosen interface language in a cookie, then go back."""
    lang = request.form.get("lang", "")
    target = safe_next_url(request.form.get("next")) or url_for("main.index")
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        if current_user.is_authenticated:
            account_services.set_locale(current_user, lang)
        response.set_cookie(
            LANG_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
