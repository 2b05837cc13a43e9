"""Storing and letting go of pictures, inside the caller's use case (no commit here).

The renditions are written before the row (a file without a row is harmless, a row
without its files is not); the files of a picture replaced or removed go after the
commit, unless another picture holds the same bytes (storage.discard_after_commit).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, cast, select

from inspir_events.extensions import db
from inspir_events.uploads import images, rules, storage
from inspir_events.uploads.errors import UploadRefused
from inspir_events.uploads.models import Picture

AREA = "images"


# Built once: every event, project and structure page asks it.
CURRENT = select(Picture).where(Picture.subject_type == bindparam("subject_type"),
                                Picture.subject_id == bindparam("subject_id"))


def current(subject_type: str, subject_id: int) -> Picture | None:
    return db.session.scalar(CURRENT, {"subject_type": subject_type, "subject_id": subject_id})


def pictures_of(subject_type: str, subject_ids) -> dict[int, Picture]:
    """The pictures of several subjects of one kind (one query), by subject id."""
    ids = list(subject_ids)
    if not ids:
        return {}
    return {p.subject_id: p for p in db.session.scalars(select(Picture).where(
        Picture.subject_type == subject_type, Picture.subject_id.in_(ids)))}


def _in_use(name: str) -> bool:
    """Whether a picture still holds a rendition named ``name`` (the same bytes sent for
    two subjects are stored once)."""
    return db.session.scalar(select(Picture.id).where(
        cast(Picture.renditions, String).contains(name)).limit(1)) is not None


def clean_alt(alt: str | None) -> str:
    """The alternative text, required (RGAA 4.1, criterion 1.1: an informative picture
    has one)."""
    text = " ".join((alt or "").split())
    if not text:
        raise UploadRefused(_l("Describe the picture for people who cannot see it."),
                            field="alt")
    if len(text) > rules.ALT_MAX:
        raise UploadRefused(_l("At most %(count)s characters.", count=rules.ALT_MAX),
                            field="alt")
    return text


def put(subject_type: str, subject_id: int, data: bytes, alt: str, user) -> Picture:
    """Check, re-encode and store the picture of a subject, replacing its former one."""
    alt = clean_alt(alt)
    prepared = images.prepare(data)
    renditions = [{"width": r.width, "height": r.height,
                   "name": storage.put(AREA, r.data, prepared.extension)}
                  for r in prepared.renditions]
    picture = current(subject_type, subject_id)
    former = picture.names if picture is not None else []
    if picture is None:
        picture = Picture(subject_type=subject_type, subject_id=subject_id)
        db.session.add(picture)
    picture.width, picture.height = prepared.width, prepared.height
    picture.renditions = renditions
    picture.alt = alt
    picture.uploaded_by_id = getattr(user, "id", None)
    db.session.flush()
    storage.discard_after_commit(AREA, set(former) - set(picture.names), _in_use)
    return picture


def drop(picture: Picture) -> None:
    """Remove a picture: its row now, its files after the commit."""
    names = picture.names
    db.session.delete(picture)
    db.session.flush()
    storage.discard_after_commit(AREA, names, _in_use)
