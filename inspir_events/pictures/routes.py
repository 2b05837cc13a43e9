"""The picture's page of an event, a project or a support structure (thin views), and
what the pages need to show a picture.

A refused file (not a picture, too large, a decompression bomb) or a missing
alternative text comes back on the form, under its field, the text typed kept.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from inspir_events import limits
from inspir_events.accounts.permissions import verified_required
from inspir_events.errors import on_refusal
from inspir_events.pictures import services, subjects
from inspir_events.pictures.blueprint import bp
from inspir_events.pictures.forms import PictureForm
from inspir_events.uploads import pictures
from inspir_events.uploads.storage import read_upload


@bp.app_template_global("picture_of")
def picture_of(subject_type: str, subject_id: int):
    """The subject's picture (for its page), or None."""
    return pictures.current(subject_type, subject_id)


@bp.app_template_global("may_change_picture")
def may_change_picture(subject_type: str, subject) -> bool:
    kind = subjects.subject_of(subject_type)
    return bool(kind and current_user.is_authenticated
                and kind.may_change(current_user, subject))


def _page(kind, row, subject_type: str, subject_id: int, form: PictureForm, status=200):
    return render_template(
        "pictures/edit.html", form=form, remove_form=FlaskForm(), subject_type=subject_type,
        subject_id=subject_id, title=kind.title(row), back_url=kind.url(row),
        picture=pictures.current(subject_type, subject_id)), status


@bp.route("/pictures/<subject_type>/<int:subject_id>", methods=["GET", "POST"])
@verified_required
@limits.limit("upload", shared=True)
def edit(subject_type: str, subject_id: int):
    """The subject's picture: send one (or a new one) with its alternative text."""
    kind, row = services.editable(current_user, subject_type, subject_id)
    form = PictureForm()
    if not form.validate_on_submit():
        return _page(kind, row, subject_type, subject_id, form,
                     422 if form.is_submitted() else 200)
    on_refusal(page=lambda error: _page(kind, row, subject_type, subject_id, form, 422)[0],
               form=form)
    data = read_upload(form.image.data)
    services.set_picture(current_user, subject_type, subject_id, data, form.alt.data)
    flash(_("The picture is saved."), "success")
    return redirect(kind.url(row), 303)


@bp.route("/pictures/<subject_type>/<int:subject_id>/remove", methods=["POST"])
@verified_required
def remove(subject_type: str, subject_id: int):
    kind, row = services.editable(current_user, subject_type, subject_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.remove_picture(current_user, subject_type, subject_id)
    flash(_("The picture is removed."), "success")
    return redirect(kind.url(row), 303)
