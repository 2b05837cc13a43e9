"""Reading the search index: one page of results for a query, with their marked extracts.

Two engines, one answer (:class:`Page`): SQLite's FTS5 (``bm25``, the title weighing ten
times the text) and PostgreSQL's full-text search (``ts_rank_cd`` on the weighted
``search_vector``); on both the marks are drawn by :func:`~inspir_events.search.rules.mark`
(on PostgreSQL with the query's stems too). A query's **matches** are:

1. the ids of its newest documents, up to one past
   :data:`~inspir_events.search.rules.RANKED_MAX` (how many there are, and a broad
   query's pages);
2. when there are at most ``RANKED_MAX``, all of them ranked by relevance; else the
   newest first (ranking reads every match: a word in half the documents costs 50 ms to
   150 ms to rank, whereas the newest come straight from the index's order; the page says
   so and invites more words or a filter).

A query's matches are kept per process for the index's **state** they were read under
(``search_state``'s version, which the database changes with every change to the index:
migration 0025): the next page of a query, or the same query again, reads only its page's
rows. Each search reads the state first; matches kept under another state are dropped, so
the index never goes stale. A page then marks the title and an extract of its documents.

On SQLite the filters are words of the index's ``facets`` column (no join); on PostgreSQL
they are columns beside the GIN index.
"""

from __future__ import annotations

import contextlib
import sqlite3
from array import array
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from inspir_events.database import ONLY_READS, READS_ONLY
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


@dataclass(frozen=True)
class Matches:
    """What a query matches under one state of the index."""

    ids: array  # all of them ranked, or the newest up to RANKED_MAX + 1 (8 bytes each)
    ranked: bool
    marked: tuple[str, ...]  # the words to mark, longest first
    query: str = ""  # the engine's query (its pages past the newest kept)


NOTHING = Matches(array("q"), True, ())


@dataclass
class Kept:
    """What a process keeps for one state of the index (``search_state``'s version)."""

    state: object
    matches: dict = field(default_factory=dict)  # (words, kind, department, theme) -> Matches
    expansions: dict = field(default_factory=dict)  # SQLite: word -> the index's words


KEPT = "inspir.search_kept"
MATCHES_KEPT = 512  # queries (up to 1,001 ids each): about 4 MB per process at most
EXPANSIONS_KEPT = 4096
_STATE = "SELECT version FROM search_state WHERE id = 1"


def _kept() -> Kept:
    """What this process keeps for the index's state now (read at every search: 2 µs on
    SQLite, one round trip on PostgreSQL, beside the page's own).

    Nothing is kept, nor used, by a transaction that changed something (or holds changes
    not yet written): on PostgreSQL the state changes only when it commits (the trigger is
    deferred), and what it sees of the index may never be committed."""
    session = db.session()
    connection = session.connection()
    if (session.new or session.dirty or session.deleted
            or not connection.info.get(READS_ONLY, connection.dialect.name != "postgresql")):
        return Kept(None)  # not kept
    state = _driver().execute(_STATE).fetchone()
    kept = current_app.extensions.get(KEPT)
    if kept is None or kept.state != state:
        kept = current_app.extensions[KEPT] = Kept(state)
    if len(kept.matches) > MATCHES_KEPT:
        kept.matches.clear()
    if len(kept.expansions) > EXPANSIONS_KEPT:
        kept.expansions.clear()
    return kept


def search(filters: rules.Filters, per_page: int = rules.PER_PAGE) -> Page:
    """One page of results for ``filters``."""
    words = rules.terms(filters.text)
    if not words:
        return Page([], False, True)
    postgresql = db.engine.dialect.name == "postgresql"
    kept = _kept()
    key = (tuple(words), filters.kind, filters.department, filters.theme)
    matches = kept.matches.get(key)
    if matches is None:
        matches = _postgresql(words, filters) if postgresql else _sqlite(words, filters, kept)
        kept.matches[key] = matches
    start = (filters.page - 1) * per_page
    stop = start + per_page + 1
    if matches.ranked or stop <= len(matches.ids):
        ids = list(matches.ids[start:stop])
    elif postgresql:  # past the newest kept: read that far
        with _pg_planned_in_memory():
            ids = _pg_newest(matches.query, filters, stop - start, start)
    else:
        ids = _ids(_SQLITE_NEWEST, {"match": matches.query, "limit": stop - start,
                                    "offset": start})
    if not ids:
        return Page([], False, matches.ranked)
    found = ", ".join(str(int(i)) for i in ids[:per_page])  # integers from the index itself
    rows = {row.id: row for row in db.session.execute(
        text(_ROWS.format(ids=found)).execution_options(**ONLY_READS))}
    results = [_marked(rows[i], matches.marked) for i in ids[:per_page] if i in rows]
    return Page(results, len(ids) > per_page, matches.ranked)


_ROWS = """
SELECT id, kind, item_id, department_code, theme_code, title, body FROM search_document
WHERE id IN ({ids})
"""
EXTRACT_CHARS = 180


def _marked(row, words) -> Result:
    """A result with its title and an extract of its text, the words found marked."""
    return Result(kind=row.kind, item_id=row.item_id, title=rules.mark(row.title, words),
                  extract=rules.mark(row.body, words, EXTRACT_CHARS),
                  department_code=row.department_code, theme_code=row.theme_code)


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


# --- SQLite: FTS5 ----------------------------------------------------------------------

# The newest matches, up to one past the limit of ranking: how many there are (up to it),
# and the pages of a broad query (one pass over the index).
_SQLITE_NEWEST = """
SELECT rowid AS id FROM search_fts WHERE search_fts MATCH :match
ORDER BY rowid DESC LIMIT :limit OFFSET :offset
"""
_SQLITE_RANKED = """
SELECT rowid AS id FROM search_fts WHERE search_fts MATCH :match
ORDER BY bm25(search_fts, 10.0, 1.0, 0.0), rowid LIMIT :limit
"""

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


def _expansions(words: list[str], kept: Kept) -> dict[str, list[str]] | None:
    """For each word long enough, the index's words starting with it (up to one past
    ``rules.EXPANDED_MAX``); None when one of them starts no word at all (nothing
    matches).

    Reading them from the vocabulary table costs up to 0.6 ms for a frequent word (FTS5
    counts its documents as it lists it): they are kept for the index's state."""
    found = {}
    for word in words:
        if not rules.expandable(word):
            continue
        terms = kept.expansions.get(word)
        if terms is None:
            terms = kept.expansions[word] = _terms_starting(_driver(), word)
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


def _sqlite(words: list[str], filters: rules.Filters, kept: Kept) -> Matches:
    """FTS5 finds and ranks; the marks are drawn by ``rules.mark`` (FTS5's own snippet
    re-reads a frequent word's whole index entry for each document, 4 ms each)."""
    expansions = _expansions(words, kept)
    if expansions is None:
        return NOTHING
    match = rules.fts5_query(words, filters, expansions)
    cap = rules.RANKED_MAX + 1
    ids = _ids(_SQLITE_NEWEST, {"match": match, "limit": cap, "offset": 0})
    ranked = len(ids) < cap
    if ranked and len(ids) > 1:
        ids = _ids(_SQLITE_RANKED, {"match": match, "limit": cap})
    return Matches(array("q", ids), ranked, tuple(sorted(set(words), key=len, reverse=True)),
                   match)


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
# The candidates ranked (their ids: primary-key lookups, no second index scan; the marks
# are drawn here as on SQLite: ts_headline parsed each whole text again, 2 ms to 6 ms of
# the database's time for a page).
_PG_RANKED = """
WITH q AS (SELECT CAST(%(tsquery)s AS tsquery) AS query)
SELECT d.id FROM search_document AS d, q WHERE d.id = ANY(CAST(%(ids)s AS integer[]))
ORDER BY ts_rank_cd(d.search_vector, q.query) DESC, d.id
"""


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
# for an early row: 85 ms when there is none).
_PG_STARTS = "SELECT count(*) > 0 FROM search_document WHERE search_vector @@ CAST({} AS tsquery)"


@contextlib.contextmanager
def _pg_planned_in_memory():
    """The statements of the block planned as for data in memory (_PG_PLANNING). By the
    driver: a statement sent through SQLAlchemy that is not a SELECT counts as a write
    (database.end_reads). ``SET LOCAL`` lasts a transaction: on a connection reading
    without one (a page's reads, extensions.Session), the block is one of its own."""
    driver = _driver()
    with driver.transaction() if driver.autocommit else contextlib.nullcontext():
        driver.execute(_PG_PLANNING, prepare=False)
        yield


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


def _pg_newest(tsquery: str, filters: rules.Filters, limit: int, offset: int) -> list[int]:
    params = {"tsquery": tsquery, "limit": limit, "offset": offset}
    where = []
    for column, value in (("kind", filters.kind), ("department_code", filters.department),
                          ("theme_code", filters.theme)):
        if value:
            where.append(f" AND d.{column} = %({column})s")
            params[column] = value
    return _ids(_PG_NEWEST.format(where="".join(where)), params, prepare=False)


def _postgresql(words: list[str], filters: rules.Filters) -> Matches:
    """The newest matches up to one past the limit of ranking (how many, and a broad
    query's pages), then all of them ranked when they are few."""
    stems = _pg_stems(words)
    with _pg_planned_in_memory():
        tsquery = rules.tsquery(words, stems, _pg_starts_longer(words, stems))
        if not tsquery:
            return NOTHING
        cap = rules.RANKED_MAX + 1
        ids = _pg_newest(tsquery, filters, cap, 0)
        ranked = len(ids) < cap
        if ranked and len(ids) > 1:
            # The ids as one array literal: psycopg dumps a list of a thousand integers one
            # by one (0.3 ms of the application's time for a filtered query's 566).
            literal = "{" + ",".join(map(str, ids)) + "}"
            ids = _ids(_PG_RANKED, {"tsquery": tsquery, "ids": literal}, prepare=False)
    # The words typed and their stems (PostgreSQL matched those): "ecoles" marks "école".
    marked = sorted(set(words) | set(rules.lexemes(tsquery)), key=len, reverse=True)
    return Matches(array("q", ids), ranked, tuple(marked), tsquery)
