"""The need as the site's search finds it (search/registry.py), registered with the needs
blueprint: a need on the public boards (not pending, hidden or withdrawn), its title and
its description's words, its department and theme."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.needs.models import Need
from inspir_events.search.registry import SearchSource, Watch
from inspir_events.search.rules import Document, plain_text
from inspir_events.urls import path_for

SOURCE = "need"


def documents(connection, ids) -> list[Document]:
    statement = select(Need.id, Need.title, Need.description_html, Need.department_code,
                       Need.theme_code).where(Need.is_public)
    if ids is not None:
        statement = statement.where(Need.id.in_(ids))
    return [Document(source=SOURCE, item_id=row.id, kind="need", title=row.title,
                     body=plain_text(row.description_html),
                     department_code=row.department_code, theme_code=row.theme_code)
            for row in connection.execute(statement)]


SEARCH_SOURCE = SearchSource(
    kinds={"need": _l("Needs")},
    load=documents,
    url=lambda kind, item_id: path_for("needs.detail", need_id=item_id),
    watches=(Watch(Need, lambda connection, need: [need.id],
                   fields=("title", "description_html", "department_code", "theme_code",
                           "status", "visibility")),),
)
