"""Changing a subject's picture (issue 20 §4): one use case each, audited.

Who may change it is the subject's feature's rule (:class:`subjects.PictureSubject`):
an event's organisers, a project's team and support structure, the structure itself.
The picture is checked and re-encoded by :mod:`inspir_events.uploads.pictures`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.pictures.subjects import PictureSubject, subject_of
from inspir_events.uploads import pictures
from inspir_events.uploads.models import Picture


class PictureNotFound(DomainError):
    status = 404

    def __init__(self):
        super().__init__(_l("There is nothing here to illustrate."))


class PictureForbidden(DomainError):
    status = 403

    def __init__(self):
        super().__init__(_l("You may not change this picture."))


def _subject(subject_type: str) -> PictureSubject:
    subject = subject_of(subject_type)
    if subject is None:
        raise PictureNotFound()
    return subject


def editable(user, subject_type: str, subject_id: int, lock: bool = False):
    """The subject whose picture ``user`` may change (else 404 or 403)."""
    kind = _subject(subject_type)
    if isinstance(subject_id, bool) or not isinstance(subject_id, int) \
            or not 0 < subject_id <= ID_MAX:
        raise PictureNotFound()
    row = kind.load(subject_id, lock=lock)
    if row is None:
        raise PictureNotFound()
    if not (user and getattr(user, "is_authenticated", False) and kind.may_change(user, row)):
        raise PictureForbidden()
    return kind, row


@use_case
def set_picture(user, subject_type: str, subject_id: int, data: bytes, alt: str) -> Picture:
    """Give the subject a picture (or a new one): checked, re-encoded, its alternative
    text required; the former picture's files go after the commit."""
    begin_write()
    editable(user, subject_type, subject_id, lock=True)
    picture = pictures.put(subject_type, subject_id, data, alt, user)
    audit.record(user, "picture.set", subject_type, subject_id, picture_id=picture.id,
                 width=picture.width, height=picture.height)
    db.session.commit()
    return picture


@use_case
def remove_picture(user, subject_type: str, subject_id: int) -> None:
    begin_write()
    editable(user, subject_type, subject_id, lock=True)
    picture = pictures.current(subject_type, subject_id)
    if picture is not None:
        pictures.drop(picture)
        audit.record(user, "picture.remove", subject_type, subject_id)
    db.session.commit()
