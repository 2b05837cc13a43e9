"""A co-funding application's PDF documents (thin views): the organisers send and remove
them on the application's page; the people allowed download them (documents.py).

A refused file comes back on the application's page, the message under the file's
field, the application's typed values as saved. A download is an attachment, never shown
inline, and ``nosniff`` forbids the browser to read it as anything but a PDF.
"""

from __future__ import annotations

import io

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from inspir_events import limits
from inspir_events.accounts.permissions import verified_required
from inspir_events.aid.blueprint import bp
from inspir_events.aid.cofunding import documents
from inspir_events.aid.cofunding import services as applications
from inspir_events.aid.cofunding.forms import ApplicationForm, FileForm
from inspir_events.aid.cofunding.reading import ApplicationInput
from inspir_events.aid.cofunding.routes import _organiser_page
from inspir_events.errors import on_refusal
from inspir_events.uploads.storage import read_upload


def _page_with(event_id: int, file_form: FileForm):
    event, current = applications.for_organiser(current_user, event_id)
    data = (applications.as_input(current) if current is not None
            else ApplicationInput(purpose=event.title))
    form = ApplicationForm(obj=data)
    form.add_empty_rows()
    return _organiser_page(event, current, form, file_form=file_form)


@bp.route("/events/<int:event_id>/cofunding/files", methods=["POST"])
@verified_required
@limits.limit("upload", shared=True)
def upload_file(event_id: int):
    """Send a PDF (budget, statutes, bank details), replacing the former of its kind."""
    form = FileForm()
    if not form.validate_on_submit():
        return _page_with(event_id, form), 422
    on_refusal(page=lambda error: _page_with(event_id, form), form=form)
    documents.upload(current_user, event_id, form.kind.data, read_upload(form.file.data))
    flash(_("The document is saved."), "success")
    return redirect(url_for("aid.application", event_id=event_id) + "#files", 303)


@bp.route("/events/<int:event_id>/cofunding/files/<kind>/remove", methods=["POST"])
@verified_required
def remove_file(event_id: int, kind: str):
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = url_for("aid.application", event_id=event_id) + "#files"
    on_refusal(back=back)
    documents.remove(current_user, event_id, kind)
    flash(_("The document is removed."), "success")
    return redirect(back, 303)


@bp.route("/aid/applications/<int:application_id>/files/<kind>")
@login_required
def download_file(application_id: int, kind: str):
    """The document, for the people allowed (else 403); each download audited."""
    row, path = documents.download(current_user, application_id, kind)
    # Read whole (10 MB at most): no file handle outlives the request.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype="application/pdf",
                         as_attachment=True,
                         download_name=f"{row.kind.value}-{application_id}.pdf",
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
