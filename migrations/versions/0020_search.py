"""one search for the whole site: the search index

Issue 20 §2. ``search_document`` holds one row per item a visitor may see (needs,
published events, ideas of closed rounds, listed projects and store entries, support
structures): its source and id, its kind, department and theme (the filters), its title
and text. The application writes it in the transaction of every change
(inspir_events/search/index.py); this revision fills it from the existing rows, by the
same rules as the sources (``flask search-reindex`` rebuilds it the same way).

Each engine gets its own full-text index, which the models do not describe
(search/models.py keeps them out of the comparison):

- SQLite: the FTS5 table ``search_fts`` (tokenizer ``unicode61 remove_diacritics 2``:
  "écologie" and "ecologie" are one word), an external-content index over
  ``search_document`` kept in step by three triggers; its third column, ``facets``, holds
  the filter values as words ("kindneed dep80 themetransports"): the filters are words
  of the query, without a join;
- PostgreSQL: the ``unaccent`` extension (created when missing, in ``public`` when that
  schema exists; the downgrade leaves it, other schemas and databases may use it), the
  text search configuration ``fr_unaccent`` (French with ``unaccent`` before the French
  stemmer), the generated column ``search_vector`` (title weighted A, text B) and its GIN
  index.

Revision ID: 0020
Revises: 0021
Create Date: 2026-12-05 17:30:00

"""
import html
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0021'
branch_labels = None
depends_on = None

FTS_TRIGGERS = (
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title, body, facets) "
    "VALUES (new.id, new.title, new.body, new.facets); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body, facets) "
    "VALUES ('delete', old.id, old.title, old.body, old.facets); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body, facets) "
    "VALUES ('delete', old.id, old.title, old.body, old.facets); "
    "INSERT INTO search_fts(rowid, title, body, facets) "
    "VALUES (new.id, new.title, new.body, new.facets); END",
)


def upgrade():
    op.create_table('search_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=True),
    sa.Column('theme_code', sa.String(length=32), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('facets', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document')),
    sa.UniqueConstraint('source', 'item_id', name='uq_search_document_item')
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_filters',
                              ['kind', 'department_code', 'theme_code'], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        _postgresql_upgrade(bind)
    else:
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, facets, "
                   "content='search_document', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 2')")
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
    _fill(bind)


def _postgresql_upgrade(bind):
    schema = bind.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'")).scalar()
    if schema is None:
        has_public = bind.execute(sa.text(
            "SELECT 1 FROM pg_namespace WHERE nspname = 'public'")).scalar()
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent"
                   + (" SCHEMA public" if has_public else ""))
        schema = bind.execute(sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'")).scalar()
    dictionary = '"{}".unaccent'.format(schema.replace('"', '""'))
    op.execute("CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = pg_catalog.french)")
    op.execute("ALTER TEXT SEARCH CONFIGURATION fr_unaccent ALTER MAPPING FOR "
               f"hword, hword_part, word WITH {dictionary}, french_stem")
    op.execute(
        "ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('fr_unaccent'::regconfig, title), 'A') || "
        "setweight(to_tsvector('fr_unaccent'::regconfig, body), 'B')) STORED")
    op.execute("CREATE INDEX ix_search_document_vector ON search_document "
               "USING gin (search_vector)")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_search_document_vector")
        op.execute("ALTER TABLE search_document DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent")
    else:
        for name in ('search_document_ai', 'search_document_ad', 'search_document_au'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_index('ix_search_document_filters')
    op.drop_table('search_document')


# --- Filling the index from the existing rows (the sources' rules at this revision) ------

_TAG = re.compile(r"<[^>]*>")
_MARKERS = re.compile("[\ue000\ue001]")


def _facet(prefix, code):
    return prefix + re.sub(r"[^0-9a-z]", "", (code or "").lower())


def _facets(kind, department, theme):
    words = [_facet("kind", kind)]
    words += [_facet("dep", department)] if department else []
    words += [_facet("theme", theme)] if theme else []
    return " ".join(words)[:120]


def _plain(*parts):
    text = " ".join(html.unescape(_TAG.sub(" ", p or "")) for p in parts)
    return " ".join(_MARKERS.sub("", text).split())


def _fill(bind):
    q = lambda sql: bind.execute(sa.text(sql)).mappings().all()  # noqa: E731
    rows = []
    for r in q("SELECT id, title, description_html, department_code, theme_code FROM need "
               "WHERE visibility = 'public' AND status <> 'withdrawn'"):
        rows.append(("need", r["id"], "need", r["department_code"], r["theme_code"],
                     r["title"], _plain(r["description_html"])))
    for r in q("SELECT id, title, description_html, venue_name, venue_commune, "
               "department_code FROM event WHERE status = 'published'"):
        rows.append(("event", r["id"], "event", r["department_code"], None, r["title"],
                     _plain(r["description_html"], r["venue_name"], r["venue_commune"])))
    for r in q("SELECT i.id, i.title, i.summary_html, e.department_code, n.theme_code "
               "FROM idea i JOIN event e ON e.id = i.event_id "
               "LEFT JOIN need n ON n.id = i.need_id WHERE i.id IN ("
               "SELECT ri.idea_id FROM round_idea ri JOIN voting_round r "
               "ON r.id = ri.round_id WHERE r.status = 'closed')"):
        rows.append(("idea", r["id"], "idea", r["department_code"], r["theme_code"],
                     r["title"], _plain(r["summary_html"])))
    for r in q("SELECT id, title, summary_html, results_html, lessons_html, stage, "
               "department_code, theme_code FROM project "
               "WHERE qualification NOT IN ('awaiting', 'oriented_programme')"):
        kind = "store" if r["stage"] in ("diffusion", "abandonne") else "project"
        rows.append(("project", r["id"], kind, r["department_code"], r["theme_code"],
                     r["title"], _plain(r["summary_html"], r["results_html"],
                                        r["lessons_html"])))
    for r in q("SELECT u.id, u.display_name, u.bio, u.department_code FROM user_account u "
               "WHERE u.id IN (SELECT user_id FROM user_role WHERE role = 'support_structure') "
               "AND u.id NOT IN (SELECT user_id FROM deleted_account)"):
        rows.append(("structure", r["id"], "structure", r["department_code"], None,
                     r["display_name"], _plain(r["bio"])))
    table = sa.table('search_document', sa.column('source'), sa.column('item_id'),
                     sa.column('kind'), sa.column('department_code'),
                     sa.column('theme_code'), sa.column('title'), sa.column('body'),
                     sa.column('facets'))
    keys = ('source', 'item_id', 'kind', 'department_code', 'theme_code', 'title', 'body')
    values = [dict(zip(keys, row, strict=True)) for row in rows]
    for value in values:
        value['title'] = " ".join(_MARKERS.sub("", value['title'] or "").split())[:200]
        value['body'] = value['body'][:20000]
        value['facets'] = _facets(value['kind'], value['department_code'], value['theme_code'])
    if values:
        op.bulk_insert(table, values)
