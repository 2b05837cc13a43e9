"""The committee's label queue: a member recused from a request (« déport ») sees why in
place of its decision form, and may declare a conflict of interest on the others."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspir_events.accounts.models import Role
from inspir_events.accounts.permissions import role_required
from inspir_events.errors import on_refusal
from inspir_events.labels import services
from inspir_events.labels.blueprint import bp
from inspir_events.labels.charter import PRINCIPLES
from inspir_events.labels.forms import DecisionForm
from inspir_events.recusal import services as recusal


@bp.route("/committee/labels")
@role_required(Role.COMMITTEE)
def queue():
    pending = services.queue()
    return render_template("labels/queue.html", pending=pending,
                           decided=services.decided(), principles=PRINCIPLES,
                           form=DecisionForm(), recused=services.recusals(current_user, pending))


@bp.route("/committee/labels/<int:request_id>/decide", methods=["POST"])
@role_required(Role.COMMITTEE)
def decide(request_id: int):
    # A recused member is refused (403, audited) whatever the form says.
    recusal.check(current_user, services.RECUSAL_SUBJECT, request_id, "label.decide")
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision and give a reason."), "error")
        return redirect(url_for("labels.queue"))
    on_refusal(back=url_for("labels.queue"))
    request = services.decide(current_user, request_id, form.decision.data == "grant",
                              form.reason.data)
    flash(_("Label granted to “%(subject)s”.", subject=request.subject_title)
          if form.decision.data == "grant"
          else _("Label refused to “%(subject)s”.", subject=request.subject_title), "success")
    return redirect(url_for("labels.queue"))
