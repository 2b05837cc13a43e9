"""The envelopes' pages: the public dashboard of a budget year, and (admins) the delegation
of part of an envelope to a territory or a digital venue, with its own deciders."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required
from inspir_events.aid.blueprint import bp
from inspir_events.aid.envelopes import delegation, queries, services
from inspir_events.aid.envelopes.forms import DelegationForm, MemberForm, RemoveMemberForm
from inspir_events.aid.envelopes.names import envelope_choices
from inspir_events.aid.forms import refusal_message
from inspir_events.aid.names import REGION_NAMES, SECTION_NAMES
from inspir_events.errors import on_refusal
from inspir_events.i18n import format_cents


@bp.get("/aid/envelopes")
def envelopes():
    """Public totals per envelope; committee members and admins also see the decisions."""
    year = queries.shown_year(request.args.get("year", type=int))
    if year is None:
        abort(404)
    with_decisions = queries.can_see_decisions(current_user)
    board = queries.dashboard(year, with_decisions=with_decisions)
    return render_template("aid/envelopes.html", board=board, with_decisions=with_decisions,
                           years=queries.envelope_years(),
                           follows_up=services.is_committee(current_user))


# --- Delegated envelopes (admins) ----------------------------------------------------------

def _delegate_page(form: DelegationForm, year: int, error: str | None = None) -> str:
    return render_template("aid/envelopes_delegate.html", form=form, year=year, error=error,
                           years=queries.envelope_years())


def _delegation_refused(form: DelegationForm, year: int, error) -> str:
    """The form again; an envelope too short says, next to the amount, what remains."""
    if isinstance(error, services.EnvelopeExceeded):
        form.amount.errors = [_("This envelope does not have enough money left for this "
                                "amount: %(remaining)s remain.",
                                remaining=format_cents(error.remaining_cents))]
    return _delegate_page(form, year, refusal_message(form, error))


@bp.route("/aid/envelopes/delegate", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def delegate():
    """An admin delegates part of a top-level envelope to a territory or a digital venue."""
    year = queries.shown_year(request.args.get("year", type=int))
    if year is None:
        abort(404)
    form = DelegationForm()
    form.envelope.choices = envelope_choices(delegation.delegable_envelopes(year))
    if form.validate_on_submit():
        on_refusal(page=lambda error: _delegation_refused(form, year, error), form=form)
        child = services.delegate(current_user, form.envelope.data, form.holder_name.data,
                                  form.amount.cents, form.reason.data or "")
        flash(_("Delegated to %(holder)s. Name the people who decide within it.",
                holder=child.holder_name), "success")
        return redirect(url_for("aid.envelope_members", envelope_id=child.id))
    return _delegate_page(form, year), 422 if request.method == "POST" else 200


def _members_page(envelope, form, error=None, status=200):
    return render_template(
        "aid/envelopes_members.html", envelope=envelope, form=form, error=error,
        members=delegation.members(envelope.id), remove_form=RemoveMemberForm(),
        region_labels=REGION_NAMES, section_labels=SECTION_NAMES), status


@bp.route("/aid/envelopes/<int:envelope_id>/members", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def envelope_members(envelope_id: int):
    """The deciders of a delegated envelope; an admin names one by e-mail."""
    envelope = delegation.delegated_envelope(envelope_id)
    form = MemberForm()
    if request.method == "GET":
        return _members_page(envelope, form)
    if form.validate_on_submit():
        on_refusal(page=lambda error: _members_page(envelope, form,
                                                    refusal_message(form, error))[0], form=form)
        member = delegation.add_member(current_user, envelope_id, form.email.data)
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
    delegation.remove_member(current_user, envelope_id, user_id)
    flash(_("The person no longer decides on this envelope."), "success")
    return redirect(url_for("aid.envelope_members", envelope_id=envelope_id))
