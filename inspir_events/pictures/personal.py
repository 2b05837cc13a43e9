"""The pictures' part of a person's account (accounts/registry.py).

An event's or a project's picture belongs to the event or the project: it stays when
the person who sent it deletes their account, without their name (``uploaded_by_id``
emptied). A support structure's picture is the account's own: it goes with the account
(the erasure step below; its files are removed after the commit). The export carries
the pictures the person sent, each rendition's file included (accounts/privacy.py).
"""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts.registry import (
    NULL,
    ExportedFile,
    PersonalData,
    TableData,
    add_personal_data,
)
from inspir_events.extensions import db
from inspir_events.pictures.blueprint import bp
from inspir_events.uploads import pictures, rules, storage
from inspir_events.uploads.models import Picture

STRUCTURE = "support_structure"


def _erase(user_id: int) -> None:
    picture = pictures.current(STRUCTURE, user_id)
    if picture is not None:
        pictures.drop(picture)


def _files(user_id: int) -> list[ExportedFile]:
    rows = db.session.scalars(select(Picture).where(Picture.uploaded_by_id == user_id)
                              .order_by(Picture.id))
    return [ExportedFile(section="pictures", name=name, content_type=rules.content_type(name),
                         path=storage.path(pictures.AREA, name))
            for picture in rows for name in picture.names]


add_personal_data(bp, PersonalData(
    {"picture": TableData({"uploaded_by_id": NULL}, export="pictures")},
    erase=_erase, files=_files))
