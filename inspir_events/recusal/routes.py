"""Declaring a conflict of interest (thin view): the form sits on the subject's page
(an application's review, a project's page, the label queue) and sends the member back
there; a refusal is flashed there (:func:`inspir_events.errors.on_refusal`)."""

from __future__ import annotations

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspir_events.errors import on_refusal
from inspir_events.recusal import services
from inspir_events.recusal.blueprint import bp
from inspir_events.recusal.forms import ConflictForm


@bp.post("/conflicts/<subject_type>/<int:subject_id>")
@login_required
def declare(subject_type: str, subject_id: int):
    """« Déclarer un conflit d'intérêts » on a subject one may decide on."""
    back = services.page_of(subject_type, subject_id)
    if back is None:
        abort(404)
    form = ConflictForm()
    if not form.validate_on_submit():
        abort(400)
    on_refusal(back=back)
    services.declare_conflict(current_user, subject_type, subject_id, form.reason.data or "")
    flash(_("Your conflict of interest is recorded: you no longer take part in deciding on "
            "it."), "success")
    return redirect(back, 303)
