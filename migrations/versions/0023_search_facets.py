"""search facets: the kind joined to the department and to the theme as single words

Issue 20 §2 (the search bench's filtered query). SQLite's index finds filters as words of
its ``facets`` column; "kind need" was in nearly every document, and FTS5 reads a word's
whole list: a search with a kind and a department read all of it. The facets become
``k<kind> d<department> kd<kind><department> t<theme> kt<kind><theme>`` and a query asks
for the fewest of them (``search.rules.filter_words``). Every document's facets are
written again (SQLite's triggers re-index them; PostgreSQL, which filters on columns,
keeps them in step all the same), then SQLite's index merged as the ``search-reindex``
command leaves it; the downgrade writes the former words back.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 22:40:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

BATCH = 2000


def _word(prefix, *codes):
    return prefix + "".join(re.sub(r"[^0-9a-z]", "", (c or "").lower()) for c in codes)


def _facets(kind, department, theme):
    """search.rules.facets at this revision."""
    words = [_word("k", kind)]
    if department:
        words += [_word("d", department), _word("kd", kind, department)]
    if theme:
        words += [_word("t", theme), _word("kt", kind, theme)]
    return " ".join(words)[:120]


def _former_facets(kind, department, theme):
    """search.rules.facets at revision 0020."""
    words = [_word("kind", kind)]
    words += [_word("dep", department)] if department else []
    words += [_word("theme", theme)] if theme else []
    return " ".join(words)[:120]


def _rewrite(rule):
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, kind, department_code, theme_code, facets FROM search_document "
        "ORDER BY id")).all()
    changed = [{"id": r.id, "facets": facets} for r in rows
               if (facets := rule(r.kind, r.department_code, r.theme_code)) != r.facets]
    statement = sa.text("UPDATE search_document SET facets = :facets WHERE id = :id")
    for start in range(0, len(changed), BATCH):
        bind.execute(statement, changed[start:start + BATCH])
    if changed and bind.dialect.name == 'sqlite':
        # Every entry was deleted and written again: merge FTS5's segments into one, as
        # the search-reindex command does (a filtered search read twice as much before).
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


def upgrade():
    _rewrite(_facets)


def downgrade():
    _rewrite(_former_facets)
