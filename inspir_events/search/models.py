"""The search index: one row per item a visitor may see (hidden, pending, withdrawn and
draft items have none), written in the transaction that changes the item
(:mod:`inspir_events.search.index`).

Each engine reads it through an index of its own, made by migration 0020 and not
described here (SQLAlchemy has no words for them; :func:`include_in_comparison` keeps them out
of the models' comparison with the database):

- SQLite: the FTS5 table ``search_fts`` (``unicode61 remove_diacritics 2``) over the
  title, the text and the facets (the filters as words), an external-content index over
  ``search_document`` kept in step by three triggers;
- PostgreSQL: the generated column ``search_vector`` (title weighted A, text B, through
  the ``fr_unaccent`` configuration: French stemming after ``unaccent``) and its GIN
  index ``ix_search_document_vector``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspir_events.extensions import db

FTS_TABLE = "search_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_search_document_vector"


class SearchDocument(db.Model):
    __tablename__ = "search_document"
    __table_args__ = (
        UniqueConstraint("source", "item_id", name="uq_search_document_item"),
        Index("ix_search_document_filters", "kind", "department_code", "theme_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    department_code: Mapped[str | None] = mapped_column(String(3))
    theme_code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The filter values as words (search.rules.facets), for SQLite's index.
    facets: Mapped[str] = mapped_column(String(120), default="")


class SearchState(db.Model):
    """One row whose ``version`` changes with every committed change to ``search_document``:
    the index's state, under which a search's matches are kept (search/queries.py).

    Written by the database alone (migration 0025): triggers on ``search_document`` set a
    new random version in every transaction that writes it, by the application or by
    hand; none at all when the row is missing, until the next change writes it again."""

    __tablename__ = "search_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


def include_in_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object``: False for the engines' own search objects, which the
    database has and the models do not describe (the FTS5 table and its shadow tables,
    PostgreSQL's generated column and its index)."""
    if type_ == "table" and reflected and name and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and reflected and name == VECTOR_COLUMN:
        return False
    return not (type_ == "index" and reflected and name == VECTOR_INDEX)
