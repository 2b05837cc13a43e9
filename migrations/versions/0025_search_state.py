"""search state: a value that changes with every change to the search index

Issue 20 §2 (the search bench). A search's matches — the ids of its documents, ranked —
are kept per process for the index's state they were read under, so that the next page
of a query, or the same query again, reads only its page's rows. ``search_state`` holds
one row whose ``version`` the database itself changes in every transaction that inserts,
updates, deletes or empties rows of ``search_document`` (even by hand): a search reads it
first, and matches kept under another version are dropped, so the index still never
goes stale.

The version is a random number (64 bits on SQLite, 53 on PostgreSQL), not a counter: a database restored from a backup
takes a state it had before, and a counter would hand that state's number to different
documents.

- SQLite: triggers on each row (SQLite serialises its writers: no waiting between them).
- PostgreSQL: a constraint trigger deferred to the transaction's commit, which changes the
  row once per transaction (a setting local to it remembers that it did), plus one on
  TRUNCATE. Taken at commit, the row's lock is the last any writer takes: two writers
  cannot wait on each other through it, and it is held only while committing.

A missing row (a table emptied by hand) is written again by the next change; until then
the version reads as none, one state like any other.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

SQLITE_BUMP = ("INSERT INTO search_state (id, version) VALUES (1, random()) "
               "ON CONFLICT (id) DO UPDATE SET version = excluded.version;")
SQLITE_TRIGGERS = {
    f"search_state_{operation.lower()}":
        f"CREATE TRIGGER search_state_{operation.lower()} AFTER {operation} ON search_document "
        f"BEGIN {SQLITE_BUMP} END"
    for operation in ("INSERT", "UPDATE", "DELETE")
}

POSTGRESQL_FUNCTION = """
CREATE FUNCTION search_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction: the setting is local to it.
    IF current_setting('inspir.search_state_bumped', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('inspir.search_state_bumped', 'on', true);
    INSERT INTO search_state (id, version)
    VALUES (1, floor(random() * 9007199254740991)::bigint)
    ON CONFLICT (id) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGERS = (
    "CREATE CONSTRAINT TRIGGER search_state_bump "
    "AFTER INSERT OR UPDATE OR DELETE ON search_document "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION search_state_bump()",
    "CREATE TRIGGER search_state_truncate AFTER TRUNCATE ON search_document "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_state_bump()",
)


def upgrade():
    op.create_table(
        'search_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_state')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("INSERT INTO search_state (id, version) "
                   "VALUES (1, floor(random() * 9007199254740991)::bigint)")
        op.execute(POSTGRESQL_FUNCTION)
        for trigger in POSTGRESQL_TRIGGERS:
            op.execute(trigger)
    else:
        op.execute("INSERT INTO search_state (id, version) VALUES (1, random())")
        for trigger in SQLITE_TRIGGERS.values():
            op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS search_state_truncate ON search_document")
        op.execute("DROP TRIGGER IF EXISTS search_state_bump ON search_document")
        op.execute("DROP FUNCTION IF EXISTS search_state_bump()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('search_state')
