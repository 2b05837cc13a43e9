"""Budget years' pages: every year's rules and their versions (public), and the
administrators' forms to open a year and change its rules."""

from __future__ import annotations

from fractions import Fraction

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required
from inspir_events.aid.blueprint import bp
from inspir_events.aid.forms import refusal_message
from inspir_events.aid.names import REGION_NAMES, SECTION_NAMES
from inspir_events.aid.years import services
from inspir_events.aid.years.forms import YearForm
from inspir_events.errors import on_refusal


@bp.get("/aid/years")
def years():
    """The rules of every budget year, each version with the vote that set it."""
    opened = services.opened_years()
    return render_template("aid/years/list.html",
                           years=[(year, services.versions(year)) for year in reversed(opened)],
                           in_force=services.latest_year(), keys=services.ENVELOPE_KEYS,
                           region_names=REGION_NAMES, section_names=SECTION_NAMES)


def _fill(form: YearForm, data: services.RulesInput) -> None:
    """Put a year's rules in the form (cents shown in euros, the rate in percent)."""
    form.cofunding_rate.data = int(data.cofunding_rate * 100)
    for name in ("cofunding_cap", "operating_cap", "investment_cap", "structure_cap"):
        form[name].data = _euros(getattr(data, f"{name}_cents"))
    for region, section in services.ENVELOPE_KEYS:
        form[services.envelope_field(region, section)].data = _euros(
            data.envelopes[(region, section)])
    form.vote_reference.data = data.vote_reference
    form.vote_date.data = data.vote_date


def _euros(cents: int) -> str:
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", " ") + (f",{rest:02d}" if rest else "")


def _input(form: YearForm) -> services.RulesInput:
    return services.RulesInput(
        cofunding_rate=Fraction(form.cofunding_rate.data, 100),
        cofunding_cap_cents=form.cofunding_cap.cents,
        operating_cap_cents=form.operating_cap.cents,
        investment_cap_cents=form.investment_cap.cents,
        structure_cap_cents=form.structure_cap.cents,
        envelopes={(region, section): form[services.envelope_field(region, section)].cents
                   for region, section in services.ENVELOPE_KEYS},
        vote_reference=form.vote_reference.data, vote_date=form.vote_date.data)


def _page(form: YearForm, year: int | None, error=None, **extra):
    return render_template("aid/years/form.html", form=form, year=year,
                           error=refusal_message(form, error) if error else None,
                           keys=services.ENVELOPE_KEYS, field_of=services.envelope_field,
                           **extra), 422 if (error or form.errors) else 200


@bp.route("/aid/years/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def open_year():
    """Open a budget year, starting from the previous year's rules or the deliberation's."""
    start = request.args.get("start", services.START_PREVIOUS)
    if start not in (services.START_PREVIOUS, services.START_DELIBERATION):
        abort(404)
    form = YearForm()
    if request.method == "GET":
        year = request.args.get("year", type=int) or services.today().year + 1
        form.year.data = year
        _fill(form, services.starting_rules(year, start))
    if form.validate_on_submit():
        on_refusal(form=form, page=lambda error: _page(form, None, error, start=start))
        row = services.open_year(current_user, form.year.data, _input(form))
        flash(_("The budget year %(year)s is open, with its envelopes.", year=row.year),
              "success")
        return redirect(url_for("aid.years"))
    return _page(form, None, start=start)


@bp.route("/aid/years/<int:year>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def change_rules(year: int):
    """Change a year's rules: in place until a decision is taken under them, else as a new
    version (the decisions already taken keep theirs)."""
    current = services.current(year)
    if current is None:
        abort(404)
    form = YearForm()
    if request.method == "GET":
        _fill(form, services.rules_input(current))
    form.year.data = year
    if form.validate_on_submit():
        on_refusal(form=form, page=lambda error: _page(form, year, error, current=current))
        row = services.change_rules(current_user, year, _input(form))
        flash(_("The rules of %(year)s are saved as version %(version)s.", year=year,
                version=row.version), "success")
        return redirect(url_for("aid.years"))
    return _page(form, year, current=current)
