"""A co-funding application's PDF documents (issue 20 §4): the budget, the statutes and
the bank details, beside the links.

- Sent by the event's organisers while the application is theirs to change (a draft, or
  back from the committee for changes); one file per kind, a new one replacing the
  former. A file must start with the PDF signature (``%PDF-``) and weigh at most 10 MB:
  its name and the type the browser gives are never trusted (uploads/rules.py).
- Stored privately: the uploads folder's ``documents`` area, under the hash of the
  bytes; no public address serves them.
- Read only by the applicant, the event's organisers, the Region's committee and the
  decider of a delegated envelope the application is entrusted to
  (:func:`decisions.may_decide`), and whoever a feature adds with :func:`add_reader`:
  **the jury's hook**: the jury of the application's session registers its members' right
  (``add_reader(bp, sessions.may_read_documents)`` in aid/views.py: a recused member
  excepted), and this module need not change. Each download is audited
  (``application.file.download``), as the uploads and removals are.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.aid.cofunding import decisions
from inspir_events.aid.cofunding.models import ApplicationFile, CofundingApplication, FileKind
from inspir_events.aid.cofunding.services import (
    EDITABLE,
    ApplicationConflict,
    ApplicationError,
    ApplicationForbidden,
    ApplicationNotFound,
    application_of,
    organisers_event,
)
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.events.access import is_organiser
from inspir_events.extensions import db
from inspir_events.uploads import rules, storage

AREA = "documents"
READERS = "inspir.cofunding_document_readers"


# --- Who reads them -----------------------------------------------------------------------

def add_reader(bp: Blueprint, may_read: Callable[[object, CofundingApplication], bool]) -> None:
    """Let a feature above aid (the jury, when it exists) give its people the right to
    read an application's documents: ``may_read(user, application)``."""
    bp.record_once(lambda state: state.app.extensions.setdefault(READERS, []).append(may_read))


def may_read(user, application: CofundingApplication) -> bool:
    """The applicant, the event's organisers, those who decide on it, the readers added."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    if user.id == application.applicant_id or is_organiser(user, application.event):
        return True
    if decisions.may_decide(user, application.id):
        return True
    return any(reader(user, application)
               for reader in current_app.extensions.get(READERS, []))


def _kind(kind: str) -> FileKind:
    try:
        return FileKind(kind)
    except ValueError:
        raise ApplicationNotFound() from None


@use_case
def download(user, application_id: int, kind: str) -> tuple[ApplicationFile, object]:
    """The file and its path on disk, for a person allowed to read it; audited."""
    if isinstance(application_id, bool) or not isinstance(application_id, int) \
            or not 0 < application_id <= ID_MAX:
        raise ApplicationNotFound()
    kind = _kind(kind)
    begin_write()
    application = db.session.get(CofundingApplication, application_id)
    if application is None:
        raise ApplicationNotFound()
    if not may_read(user, application):
        raise ApplicationForbidden(_l("Only the applicant, the event's organisers, the "
                                      "committee and the jury read these documents."),
                                   code="forbidden")
    row = db.session.scalar(select(ApplicationFile).where(
        ApplicationFile.application_id == application.id, ApplicationFile.kind == kind))
    if row is None or not storage.exists(AREA, row.name):
        raise ApplicationNotFound()
    audit.record(user, "application.file.download", "cofunding_application", application.id,
                 kind=kind.value, name=row.name, size=row.size)
    db.session.commit()
    return row, storage.path(AREA, row.name)


# --- Sending and removing them -------------------------------------------------------------

def _in_use(name: str) -> bool:
    return db.session.scalar(select(ApplicationFile.id).where(
        ApplicationFile.name == name).limit(1)) is not None


def _changeable(user, event_id: int) -> CofundingApplication:
    begin_write()
    event = organisers_event(user, event_id, lock=True)
    application = application_of(event.id, lock=True)
    if application is None:
        raise ApplicationError(_l("Save the application's draft first, then send its "
                                  "documents."), field="file", code="no_application")
    if application.status not in EDITABLE:
        raise ApplicationConflict(_l("This application is with the committee or decided: it "
                                     "can no longer be changed."), code="not_editable")
    return application


def check_pdf(data: bytes) -> None:
    """A PDF of at most 10 MB, judged by its bytes."""
    if not data:
        raise ApplicationError(_l("Choose a PDF file to send."), field="file", code="empty")
    if rules.too_large(len(data), rules.DOCUMENT_MAX_BYTES):
        raise ApplicationError(_l("This file weighs more than %(size)s MB.",
                                  size=rules.megabytes(rules.DOCUMENT_MAX_BYTES)),
                               field="file", code="too_large")
    if not rules.is_pdf(data):
        raise ApplicationError(_l("This file is not a PDF, whatever its name says: export "
                                  "the document as PDF and send it again."),
                               field="file", code="not_pdf")


@use_case
def upload(user, event_id: int, kind: str, data: bytes) -> ApplicationFile:
    """Attach a PDF of this kind to the event's application (replacing the former)."""
    kind = _kind(kind)
    application = _changeable(user, event_id)
    check_pdf(data)
    name = storage.put(AREA, data, "pdf")
    row = db.session.scalar(select(ApplicationFile).where(
        ApplicationFile.application_id == application.id, ApplicationFile.kind == kind))
    former = row.name if row is not None else None
    if row is None:
        row = ApplicationFile(application_id=application.id, kind=kind)
        db.session.add(row)
    row.name, row.size, row.uploaded_by_id = name, len(data), user.id
    db.session.flush()
    if former and former != name:
        storage.discard_after_commit(AREA, [former], _in_use)
    audit.record(user, "application.file.upload", "cofunding_application", application.id,
                 kind=kind.value, name=name, size=len(data))
    db.session.commit()
    return row


@use_case
def remove(user, event_id: int, kind: str) -> None:
    kind = _kind(kind)
    application = _changeable(user, event_id)
    row = db.session.scalar(select(ApplicationFile).where(
        ApplicationFile.application_id == application.id, ApplicationFile.kind == kind))
    if row is not None:
        name = row.name
        db.session.delete(row)
        db.session.flush()
        storage.discard_after_commit(AREA, [name], _in_use)
        audit.record(user, "application.file.remove", "cofunding_application",
                     application.id, kind=kind.value, name=name)
    db.session.commit()


def files_of(application: CofundingApplication | None) -> dict[FileKind, ApplicationFile]:
    if application is None:
        return {}
    return {row.kind: row for row in application.files}
