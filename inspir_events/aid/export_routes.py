"""Open data of granted aid (SCDL « subventions ») and the delegation of envelopes.

- ``GET /aid/open-data/subventions.csv`` and ``.json`` (public, no login: the aid
  a public body grants is public): one row per decision, all years or
  ``?year=``; the rows are built and checked by :mod:`inspir_events.aid.scdl`.
- ``/aid/envelopes/delegate`` and ``/aid/envelopes/<id>/members`` (admins): the
  deliberation's delegated envelopes and their own deciders.
"""

from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required
from inspir_events.aid import delegation, rules, scdl
from inspir_events.aid import envelopes as envelope_services
from inspir_events.aid.blueprint import bp
from inspir_events.aid.envelope_forms import DelegationForm, MemberForm, RemoveMemberForm
from inspir_events.aid.models import AidGrant
from inspir_events.aid.names import REGION_NAMES, SECTION_NAMES, envelope_choices
from inspir_events.extensions import db
from inspir_events.i18n import format_cents
from inspir_events.opendata import csv_response
from inspir_events.timeutil import utc_to_paris

# --- Open data ---------------------------------------------------------------------


def _year() -> int | None:
    text = request.args.get("year", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 1900 < int(text) < 3000:
        abort(404)
    return int(text)


def _facts(grant: AidGrant) -> scdl.GrantFacts:
    return scdl.GrantFacts(
        reference=grant.reference, decided_on=utc_to_paris(grant.decided_at).date(),
        beneficiary_name=grant.beneficiary_name, beneficiary_siret=grant.beneficiary_siret,
        beneficiary_rna=grant.beneficiary_rna, purpose=grant.purpose,
        amount_cents=grant.amount_cents, total_cost_cents=grant.total_cost_cents,
        payment_terms=grant.payment_terms, payment_start=grant.payment_start,
        payment_end=grant.payment_end)


def _rows(year: int | None) -> list[dict[str, str]]:
    config = current_app.config
    attribuant = scdl.Attribuant(name=config["REGION_NAME"], siret=config["REGION_SIRET"],
                                 scheme=config["AID_SCHEME_NAME"])
    return scdl.build_rows(attribuant, map(_facts, envelope_services.granted_aid(year)))


@bp.get("/aid/open-data/subventions.csv")
def subventions_csv():
    """Granted aid in the SCDL « subventions » format: CSV, UTF-8, comma, decimal point."""
    year = _year()
    rows = _rows(year)
    filename = f"subventions-inspir-{year}.csv" if year else "subventions-inspir.csv"
    return csv_response(scdl.COLUMNS, ([row[c] for c in scdl.COLUMNS] for row in rows),
                        filename)


@bp.get("/aid/open-data/subventions.json")
def subventions_json():
    """The same rows as JSON objects (columns in the SCDL order)."""
    body = json.dumps(_rows(_year()), ensure_ascii=False, indent=1)
    return current_app.response_class(body, mimetype="application/json")


# --- Delegated envelopes (admins) ----------------------------------------------------------


def _refused(exc: envelope_services.AidError, form):
    """A refusal shown on the form, next to its field when it has one."""
    db.session.rollback()
    if exc.status in (403, 404):
        abort(exc.status)
    if exc.field and exc.field in form:
        form[exc.field].errors.append(exc.message)
        return None
    return exc.message


@bp.route("/aid/envelopes/delegate", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def delegate():
    """An admin delegates part of a top-level envelope to a territory or a digital venue."""
    year = request.args.get("year", rules.LATEST_YEAR, type=int)
    if year not in rules.POLICIES:
        abort(404)
    form = DelegationForm()
    form.envelope.choices = envelope_choices(delegation.delegable_envelopes(year))
    error = None
    if form.validate_on_submit():
        try:
            child = envelope_services.delegate(current_user, form.envelope.data,
                                               form.holder_name.data, form.amount.cents,
                                               form.reason.data or "")
        except envelope_services.EnvelopeExceeded as exc:
            db.session.rollback()
            form.amount.errors.append(_(
                "This envelope does not have enough money left for this amount: "
                "%(remaining)s remain.", remaining=format_cents(exc.remaining_cents)))
        except envelope_services.AidError as exc:
            error = _refused(exc, form)
        else:
            flash(_("Delegated to %(holder)s. Name the people who decide within it.",
                    holder=child.holder_name), "success")
            return redirect(url_for("aid.envelope_members", envelope_id=child.id))
    status = 422 if request.method == "POST" else 200
    return render_template("aid/envelopes_delegate.html", form=form, year=year, error=error,
                           years=sorted(rules.POLICIES)), status


def _members_page(envelope, form, error=None, status=200):
    return render_template(
        "aid/envelopes_members.html", envelope=envelope, form=form, error=error,
        members=delegation.members(envelope.id), remove_form=RemoveMemberForm(),
        region_labels=REGION_NAMES, section_labels=SECTION_NAMES), status


@bp.route("/aid/envelopes/<int:envelope_id>/members", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def envelope_members(envelope_id: int):
    """The deciders of a delegated envelope; an admin names one by e-mail."""
    try:
        envelope = delegation.delegated_envelope(envelope_id)
    except envelope_services.EnvelopeNotFound:
        abort(404)
    form = MemberForm()
    if request.method == "GET":
        return _members_page(envelope, form)
    if form.validate_on_submit():
        try:
            member = delegation.add_member(current_user, envelope_id, form.email.data)
        except envelope_services.AidError as exc:
            error = _refused(exc, form)
            return _members_page(envelope, form, error, exc.status)
        flash(_("%(name)s now decides on this envelope.", name=member.user.display_name),
              "success")
        return redirect(url_for("aid.envelope_members", envelope_id=envelope_id))
    return _members_page(envelope, form, status=422)


@bp.post("/aid/envelopes/<int:envelope_id>/members/<int:user_id>/remove")
@role_required(Role.ADMIN)
def remove_envelope_member(envelope_id: int, user_id: int):
    """An admin removes a decider from a delegated envelope."""
    form = RemoveMemberForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        delegation.remove_member(current_user, envelope_id, user_id)
    except envelope_services.AidError as exc:
        db.session.rollback()
        abort(exc.status if exc.status in (403, 404) else 400)
    flash(_("The person no longer decides on this envelope."), "success")
    return redirect(url_for("aid.envelope_members", envelope_id=envelope_id))
