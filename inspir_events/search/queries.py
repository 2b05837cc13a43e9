"""Reading the search index: one page of results for a query, with their marked extracts.

Two engines, one answer (:class:`Page`): SQLite's FTS5 (``bm25``, the title weighing ten
times the text) and PostgreSQL's full-text search (``ts_rank_cd`` on the weighted
``search_vector``); on both the marks are drawn by :func:`~inspir_events.search.rules.mark`
(on PostgreSQL with the query's stems too). Each search:

1. reads the ids of the newest matches, up to one past
   :data:`~inspir_events.search.rules.RANKED_MAX` (how many there are, and a broad
   query's pages);
2. picks one page: ranked by relevance among them when the query matches at most
   ``RANKED_MAX`` documents, else the newest first (ranking reads every match: a word in
   half the documents costs 50 ms to 150 ms to rank, whereas the newest come straight
   from the index's order; the page says so and invites more words or a filter);
3. marks the title and an extract of that page's documents only.

On SQLite the filters are words of the index's ``facets`` column (no join); on PostgreSQL
they are columns beside the GIN index.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from inspir_events.database import ONLY_READS
from inspir_events.extensions import db
from inspir_events.search import rules


@dataclass(frozen=True)
class Result:
    kind: str
    item_id: int
    title: str  # marked (rules.START / rules.STOP)
    extract: str  # marked
    department_code: str | None
    theme_code: str | None


@dataclass(frozen=True)
class Page:
    results: list[Result]
    more: bool  # another page follows
    ranked: bool  # by relevance (else: too many matches, the newest first)


def search(filters: rules.Filters, per_page: int = rules.PER_PAGE) -> Page:
    """One page of results for ``filters``."""
    words = rules.terms(filters.text)
    if not words:
        return Page([], False, True)
    params = {"limit": per_page + 1, "offset": (filters.page - 1) * per_page,
              "cap": rules.RANKED_MAX + 1}
    if db.engine.dialect.name == "postgresql":
        rows, ranked = _postgresql(words, filters, params)
    else:
        rows, ranked = _sqlite(words, filters, params)
    return Page(rows[:per_page], len(rows) > per_page, ranked)


# --- SQLite: FTS5 ----------------------------------------------------------------------

# The newest matches, up to one past the limit of ranking: how many there are (up to it),
# and the page of a broad query (one pass over the index).
_SQLITE_NEWEST = """
SELECT rowid AS id FROM search_fts WHERE search_fts MATCH :match
ORDER BY rowid DESC LIMIT :limit OFFSET :offset
"""
_SQLITE_RANKED = """
SELECT rowid AS id FROM search_fts WHERE search_fts MATCH :match
ORDER BY bm25(search_fts, 10.0, 1.0, 0.0), rowid LIMIT :limit OFFSET :offset
"""
_SQLITE_ROWS = """
SELECT id, kind, item_id, department_code, theme_code, title, body FROM search_document
WHERE id IN ({ids})
"""
EXTRACT_CHARS = 180


def _driver():
    """The driver's own connection under the session's (in its transaction)."""
    return db.session.connection().connection.driver_connection


def _ids(sql: str, params: dict, prepare: bool | None = None) -> list[int]:
    """The ids a top query gives, read by the driver itself on the session's connection
    (in its transaction): up to a thousand plain integers, no row objects. ``prepare``
    (psycopg's): False to have the statement planned for its values at every run."""
    connection = _driver()
    if prepare is None:
        cursor = connection.execute(sql, params)
    else:
        cursor = connection.execute(sql, params, prepare=prepare)
    return [row[0] for row in cursor.fetchall()]


# The index's own words (FTS5's vocabulary table, a view of the index: never stale),
# created once on each connection, outside any transaction (created in the request's
# transaction, it went with its rollback: 1 ms each search).
_SQLITE_VOCABULARY = ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms "
                      "USING fts5vocab(main, search_fts, 'row')")
_SQLITE_TERMS = "SELECT term FROM temp.search_terms WHERE term >= ? AND term < ? LIMIT ?"


@event.listens_for(Engine, "connect")
def _sqlite_vocabulary(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(_SQLITE_VOCABULARY)  # checked when first read


# FTS5's structure record (its segments and write counter): every committed change to the
# index writes a new one, so the index's words read under one structure stay true.
_SQLITE_STRUCTURE = "SELECT block FROM search_fts_data WHERE id = 10"
EXPANSIONS = "inspir.search_expansions"
EXPANSIONS_KEPT = 4096


def _expansions(words: list[str]) -> dict[str, list[str]] | None:
    """For each word long enough, the index's words starting with it (up to one past
    ``rules.EXPANDED_MAX``); None when one of them starts no word at all (nothing
    matches).

    Reading them from the vocabulary table costs up to 0.6 ms for a frequent word (FTS5
    counts its documents as it lists it): they are kept per process for the index's
    structure they were read under (2 µs to read), so a change to the index is seen at
    once."""
    wanted = [word for word in words if rules.expandable(word)]
    if not wanted:
        return {}
    connection = _driver()
    structure = connection.execute(_SQLITE_STRUCTURE).fetchone()
    kept = current_app.extensions.get(EXPANSIONS)
    if kept is None or kept[0] != structure or len(kept[1]) > EXPANSIONS_KEPT:
        kept = current_app.extensions[EXPANSIONS] = (structure, {})
    found = {}
    for word in wanted:
        terms = kept[1].get(word)
        if terms is None:
            terms = kept[1][word] = _terms_starting(connection, word)
        if not terms:
            return None
        found[word] = terms
    return found


def _terms_starting(connection, word: str) -> list[str]:
    bounds = (word, rules.after_prefix(word), rules.EXPANDED_MAX + 1)
    try:
        rows = connection.execute(_SQLITE_TERMS, bounds).fetchall()
    except sqlite3.OperationalError:  # a connection opened before this module
        connection.execute(_SQLITE_VOCABULARY)
        rows = connection.execute(_SQLITE_TERMS, bounds).fetchall()
    return [row[0] for row in rows]


def _sqlite(words: list[str], filters: rules.Filters, params: dict) -> tuple[list, bool]:
    """FTS5 finds and ranks; the marks are drawn here (``rules.mark``: FTS5's own snippet
    re-reads a frequent word's whole index entry for each document, 4 ms each)."""
    expansions = _expansions(words)
    if expansions is None:
        return [], True
    match = rules.fts5_query(words, filters, expansions)
    newest = _ids(_SQLITE_NEWEST, {"match": match, "limit": params["cap"], "offset": 0})
    ranked = len(newest) <= rules.RANKED_MAX
    start, stop = params["offset"], params["offset"] + params["limit"]
    if ranked:
        top = _ids(_SQLITE_RANKED, {"match": match, "limit": params["limit"],
                                    "offset": params["offset"]})
    elif stop <= len(newest):
        top = newest[start:stop]
    else:
        top = _ids(_SQLITE_NEWEST, {"match": match, "limit": params["limit"],
                                    "offset": params["offset"]})
    if not top:
        return [], ranked
    ids = ", ".join(str(int(i)) for i in top)  # integers from the index itself
    rows = {row.id: row for row in db.session.execute(text(_SQLITE_ROWS.format(ids=ids)))}
    return [_marked(rows[i], words) for i in top if i in rows], ranked


def _marked(row, words: list[str]) -> Result:
    """A result with its title and an extract of its text, the words found marked."""
    return Result(kind=row.kind, item_id=row.item_id, title=rules.mark(row.title, words),
                  extract=rules.mark(row.body, words, EXTRACT_CHARS),
                  department_code=row.department_code, theme_code=row.theme_code)


# --- PostgreSQL: full-text search -------------------------------------------------------

# Read by the driver itself (psycopg's placeholders): up to a thousand plain integers.
#
# Planned for its own words at every search, never prepared: how many documents hold a
# word decides the plan (the primary key read backwards until a thousand matches for a
# frequent word, 1 ms; every match through the GIN index for a rarer one). psycopg
# prepares a statement on its fifth run on a connection, and PostgreSQL then keeps one
# generic plan for every word once it seems no dearer than the custom ones: after a few
# searches for mid-frequency words, « quartier » took 24 ms instead of 1.
#
# Planned as in memory (``random_page_cost`` 1.1 for the search's transaction, as
# docs/deployment.md advises for the whole server): with the default 4, made for disks,
# a word of a few thousand documents read the primary key backwards through 30,000 rows
# (13 ms) rather than its matches through the index (3 ms).
_PG_PLANNING = "SET LOCAL random_page_cost = 1.1"
_PG_NEWEST = """
SELECT d.id FROM search_document AS d
WHERE d.search_vector @@ CAST(%(tsquery)s AS tsquery){where}
ORDER BY d.id DESC LIMIT %(limit)s OFFSET %(offset)s
"""
# One page among the candidates (their ids: primary-key lookups, no second index scan),
# ranked or newest first (the marks are drawn here as on SQLite: ts_headline parsed each
# whole text again, 2 ms to 6 ms of the database's time for a page).
_PG_PAGE = """
WITH q AS (SELECT CAST(:tsquery AS tsquery) AS query),
top AS (
    SELECT d.id, {score} AS score FROM search_document AS d, q
    WHERE d.id = ANY(CAST(:ids AS integer[]))
    ORDER BY {order} LIMIT :limit OFFSET :offset
)
SELECT d.kind, d.item_id, d.department_code, d.theme_code, d.title, d.body
FROM top JOIN search_document AS d ON d.id = top.id
ORDER BY {outer_order}
"""
_RANKED = {"score": "ts_rank_cd(d.search_vector, q.query)", "order": "score DESC, d.id",
           "outer_order": "top.score DESC, d.id"}
_NEWEST = {"score": "0", "order": "d.id DESC", "outer_order": "d.id DESC"}


# A word's stem as the index holds it (the ``fr_unaccent`` configuration, written by the
# migrations only: kept per process).
_PG_STEMS = """
SELECT w, (tsvector_to_array(to_tsvector('fr_unaccent', w)))[1]
FROM unnest(CAST(%(words)s AS text[])) AS w
"""
STEMS = "inspir.search_stems"
STEMS_KEPT = 4096
# Whether the index holds words starting with a cut word as typed: a count, which
# PostgreSQL reads through the GIN index (an EXISTS it planned as a sequential scan, hoping
# for an early row: 85 ms when there is none). Read at every search: never stale.
_PG_STARTS = "SELECT count(*) > 0 FROM search_document WHERE search_vector @@ CAST({} AS tsquery)"


def _pg_stems(words: list[str]) -> dict[str, str | None]:
    kept = current_app.extensions.setdefault(STEMS, {})
    missing = [word for word in words if word not in kept]
    if missing:
        if len(kept) > STEMS_KEPT:
            kept.clear()
        kept.update(_driver().execute(_PG_STEMS, {"words": missing}).fetchall())
    return {word: kept.get(word) for word in words}


def _pg_starts_longer(words: list[str], stems: dict[str, str | None]) -> dict[str, bool]:
    cut = [word for word in words if rules.cut_by_stemming(word, stems[word])]
    if not cut:
        return {}
    checks = ", ".join(f"({_PG_STARTS.format(f'%(p{n})s')})" for n in range(len(cut)))
    params = {f"p{n}": rules.quoted(word) + ":*" for n, word in enumerate(cut)}
    found = _driver().execute(f"SELECT {checks}", params, prepare=False).fetchone()
    return dict(zip(cut, found, strict=True))


def _pg_filters(filters: rules.Filters, params: dict) -> str:
    where = []
    for column, value in (("kind", filters.kind), ("department_code", filters.department),
                          ("theme_code", filters.theme)):
        if value:
            where.append(f" AND d.{column} = %({column})s")
            params[column] = value
    return "".join(where)


def _postgresql(words: list[str], filters: rules.Filters, params: dict) -> tuple[list, bool]:
    """The newest matches up to one past the limit of ranking (how many, and a broad
    query's pages), then one page among them, ranked when they are few."""
    stems = _pg_stems(words)
    # By the driver: a statement sent through SQLAlchemy that is not a SELECT counts as a
    # write (database.end_reads), and the page would end by a ROLLBACK that drops the
    # connection's prepared statements.
    _driver().execute(_PG_PLANNING, prepare=False)
    params.update(tsquery=rules.tsquery(words, stems, _pg_starts_longer(words, stems)))
    if not params["tsquery"]:
        return [], True
    where = _pg_filters(filters, params)
    newest_sql = _PG_NEWEST.format(where=where)
    newest = _ids(newest_sql, {**params, "limit": params["cap"], "offset": 0}, prepare=False)
    ranked = len(newest) <= rules.RANKED_MAX
    start, stop = params["offset"], params["offset"] + params["limit"]
    if ranked:
        ids, offset = newest, params["offset"]
    elif stop <= len(newest):
        ids, offset = newest[start:stop], 0
    else:
        ids, offset = _ids(newest_sql, params, prepare=False), 0
    if not ids:
        return [], ranked
    page = _PG_PAGE.format(**(_RANKED if ranked else _NEWEST))
    # The ids as one array literal: psycopg dumps a list of a thousand integers one by one
    # (0.3 ms of the application's time for a filtered query's 566).
    literal = "{" + ",".join(map(str, ids)) + "}"
    rows = db.session.execute(text(page).execution_options(**ONLY_READS),
                              {**params, "ids": literal, "offset": offset})
    # The words typed and their stems (PostgreSQL matched those): "ecoles" marks "école".
    marked = sorted(set(words) | set(rules.lexemes(params["tsquery"])), key=len, reverse=True)
    return [_marked(row, marked) for row in rows], ranked
