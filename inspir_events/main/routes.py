"""Site-wide pages: home, health checks, the language switch, help and accessibility."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent
from flask_login import current_user

from inspir_events.accounts import services as account_services
from inspir_events.aid import rules as aid_rules
from inspir_events.aid.years import services as aid_years
from inspir_events.extensions import db
from inspir_events.i18n import LANG_COOKIE
from inspir_events.main.blueprint import bp
from inspir_events.urls import safe_next_url

ONE_YEAR = 365 * 24 * 3600

# The help guides, one per kind of user: French slug in the address -> template.
HELP_GUIDES = {
    "citoyen": "help/citizen.html",
    "participant": "help/participant.html",
    "organisateur": "help/organiser.html",
    "comite": "help/committee.html",
}
# When the accessibility statement was established (RGAA 4.1, DINUM model); update it with
# the statement.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 11, 30)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/aide")
def help_index():
    """The help section: one short guide per kind of user."""
    return render_template("help/index.html", guides=HELP_GUIDES)


def _euros(cents: int) -> str:
    """Whole euros in the page's language, for figures quoted in a sentence (12 500 €)."""
    return f"{format_decimal(Decimal(cents) / 100)}\u00a0€"


def programme_figures(policy: aid_rules.Policy) -> dict[str, str]:
    """The programme's figures the guides quote, read from the rules of the latest budget
    year (the deliberation's 50 % and 12,500 €, 5,000 € per project...), never retyped."""
    rate = policy.cofunding_rate
    return {
        "rate": format_percent(Decimal(rate.numerator) / Decimal(rate.denominator)),
        "cap": _euros(policy.cofunding_cap_cents),
        "full_cost": _euros(policy.cofunding_cap_cents * rate.denominator // rate.numerator),
        "operating": _euros(policy.operating_cap_cents),
        "investment": _euros(policy.investment_cap_cents),
        "structure": _euros(policy.structure_cap_cents),
    }


@bp.route("/aide/<any(citoyen, participant, organisateur, comite):guide>")
def help_guide(guide: str):
    figures = programme_figures(aid_years.current_policy() or aid_rules.POLICY_2016)
    return render_template(HELP_GUIDES[guide], guide=guide, figures=figures)


@bp.route("/accessibilite")
def accessibility():
    """The accessibility statement (« Déclaration d'accessibilité », RGAA 4.1)."""
    return render_template("main/accessibility.html",
                           established=ACCESSIBILITY_STATEMENT_DATE,
                           contact=current_app.config.get("ACCESSIBILITY_CONTACT", ""))


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
