"""The envelopes' pages: the public dashboard of a budget year, and (admins) the delegation
of part of an envelope to a territory or a digital venue, with its own deciders."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required
from inspir_events.aid import rules
from inspir_events.aid.blueprint import bp
from inspir_events.aid.envelopes import delegation, queries
from inspir_events.aid.envelopes import services as envelope_services
from inspir_events.aid.envelopes.forms import DelegationForm, MemberForm, RemoveMemberForm
from inspir_events.aid.names import REGION_NAMES, SECTION_NAMES, envelope_choices
from inspir_events.extensions import db
from inspir_events.i18n import format_cents


@bp.get("/aid/envelopes")
def envelopes():
    """Public totals per envelope; committee members and admins also see the decisions."""
    year = request.args.get("year", rules.LATEST_YEAR, type=int)
    if year not in rules.POLICIES:
        abort(404)
    with_decisions = queries.can_see_decisions(current_user)
    board = queries.dashboard(year, with_decisions=with_decisions)
    return render_template("aid/envelopes.html", board=board, with_decisions=with_decisions,
                           years=sorted(rules.POLICIES))


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
