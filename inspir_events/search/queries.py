"""Reading the search index: the ranked results of a query, with their marked extracts.

Two engines, one answer (:class:`Result`): SQLite's FTS5 (``bm25``, the title weighing
ten times the text; ``snippet``) and PostgreSQL's full-text search (``ts_rank_cd`` on the
weighted ``search_vector``; ``ts_headline``). Both rank first and mark the extracts of
one page's results only (marking is the costly part).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

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


def _filter_sql(filters: rules.Filters, params: dict) -> str:
    where = []
    for column, value in (("kind", filters.kind), ("department_code", filters.department),
                          ("theme_code", filters.theme)):
        if value:
            where.append(f"d.{column} = :{column}")
            params[column] = value
    return "".join(f" AND {clause}" for clause in where)


def search(filters: rules.Filters, per_page: int = rules.PER_PAGE) -> tuple[list[Result], bool]:
    """One page of results for ``filters`` (best first) and whether another page follows."""
    words = rules.terms(filters.text)
    if not words:
        return [], False
    params = {"limit": per_page + 1, "offset": (filters.page - 1) * per_page}
    where = _filter_sql(filters, params)
    if db.engine.dialect.name == "postgresql":
        rows = _postgresql(words, where, params)
    else:
        rows = _sqlite(words, where, params)
    results = [Result(kind=r.kind, item_id=r.item_id, title=r.title, extract=r.extract or "",
                      department_code=r.department_code, theme_code=r.theme_code)
               for r in rows[:per_page]]
    return results, len(rows) > per_page


# The snippet: a dozen words around the first match, the matches marked.
_SQLITE_TOP = """
SELECT search_fts.rowid AS id, bm25(search_fts, 10.0, 1.0) AS score
FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid
WHERE search_fts MATCH :match{where}
ORDER BY score, id LIMIT :limit OFFSET :offset
"""
_SQLITE_MARKED = """
SELECT search_fts.rowid AS id,
       highlight(search_fts, 0, :start, :stop) AS title,
       snippet(search_fts, 1, :start, :stop, :ellipsis, 16) AS extract
FROM search_fts WHERE search_fts MATCH :match AND search_fts.rowid IN ({ids})
"""
_SQLITE_ROWS = """
SELECT id, kind, item_id, department_code, theme_code FROM search_document
WHERE id IN ({ids})
"""


@dataclass(frozen=True)
class _Row:
    kind: str
    item_id: int
    title: str
    extract: str
    department_code: str | None
    theme_code: str | None


def _sqlite(words: list[str], where: str, params: dict) -> list[_Row]:
    params["match"] = rules.fts5_query(words)
    session = db.session
    top = session.execute(text(_SQLITE_TOP.format(where=where)), params).all()
    if not top:
        return []
    ids = ", ".join(str(int(row.id)) for row in top)
    marked = {row.id: row for row in session.execute(
        text(_SQLITE_MARKED.format(ids=ids)),
        {"match": params["match"], "start": rules.START, "stop": rules.STOP,
         "ellipsis": rules.ELLIPSIS})}
    documents = {row.id: row for row in session.execute(text(_SQLITE_ROWS.format(ids=ids)))}
    rows = []
    for row in top:
        document, mark = documents[row.id], marked.get(row.id)
        rows.append(_Row(kind=document.kind, item_id=document.item_id,
                         title=mark.title if mark else "", extract=mark.extract if mark else "",
                         department_code=document.department_code,
                         theme_code=document.theme_code))
    return rows


_HEADLINE = (f"StartSel={rules.START}, StopSel={rules.STOP}, MaxWords=24, MinWords=10, "
             f"MaxFragments=1, FragmentDelimiter={rules.ELLIPSIS}")
_TITLE_HEADLINE = (f"StartSel={rules.START}, StopSel={rules.STOP}, HighlightAll=true")

_POSTGRESQL = """
WITH q AS (SELECT to_tsquery('fr_unaccent', :tsquery) AS query),
top AS (
    SELECT d.id, ts_rank_cd(d.search_vector, q.query) AS score
    FROM search_document AS d, q
    WHERE d.search_vector @@ q.query{where}
    ORDER BY score DESC, d.id LIMIT :limit OFFSET :offset
)
SELECT d.kind, d.item_id, d.department_code, d.theme_code,
       ts_headline('fr_unaccent', d.title, q.query, :title_options) AS title,
       ts_headline('fr_unaccent', d.body, q.query, :options) AS extract
FROM top JOIN search_document AS d ON d.id = top.id, q
ORDER BY top.score DESC, d.id
"""


def _postgresql(words: list[str], where: str, params: dict) -> list:
    params.update(tsquery=rules.tsquery(words), options=_HEADLINE,
                  title_options=_TITLE_HEADLINE)
    return list(db.session.execute(text(_POSTGRESQL.format(where=where)), params))
