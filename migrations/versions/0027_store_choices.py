"""store choices: the store's licences and years, kept by triggers

Issue 21 §6 (pages as people see them). The store's filters offer the licences its entries
use and the years in which they reached it: two distinct lists over every listed project,
read at every page (0.57 ms of the store's 1.7 ms statement on SQLite, 0.43 ms on
PostgreSQL, with the bench's 250 entries; more as the store grows). ``store_choice`` holds
how many entries the store has per (year, licence); triggers on ``project`` change it in the
very transaction that inserts, deletes or updates a project's stage, qualification, licence
or time of reaching its stage, so it is never stale and no use case has to remember it.

The triggers' conditions are the rules at this revision: an entry of the store is a project
at ``diffusion`` or ``abandonne`` whose qualification is listed (neither ``awaiting`` nor
``oriented_programme``: ``aid.projects.rules.NOT_LISTED``); its year is the year in Paris of
its ``stage_changed_at``, which the database tells as the UTC year an hour later
(``store.rules.store_year_by_offset``). A project without a licence counts under ``''``.
``tests/store/test_choices.py`` holds the triggers to the rules. A row is created by its
first entry (an upsert) and stays at 0 after its last one leaves.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

# An entry of the store: at diffusion or abandonne, with a listed qualification. Its year:
# the UTC year an hour later; on SQLite from the stored text (YYYY-MM-DD HH:MM:SS...), its
# year plus one in the year's last hour.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER store_choice_insert AFTER INSERT ON project
    WHEN NEW.stage IN ('diffusion', 'abandonne')
      AND NEW.qualification NOT IN ('awaiting', 'oriented_programme')
    BEGIN
        INSERT INTO store_choice (year, licence, entries)
        SELECT CAST(substr(NEW.stage_changed_at, 1, 4) AS INTEGER)
               + (substr(NEW.stage_changed_at, 6, 8) >= '12-31 23'),
               coalesce(NEW.licence, ''), 1
        WHERE true
        ON CONFLICT (year, licence) DO UPDATE SET entries = store_choice.entries + 1;
    END""",
    """CREATE TRIGGER store_choice_delete AFTER DELETE ON project
    WHEN OLD.stage IN ('diffusion', 'abandonne')
      AND OLD.qualification NOT IN ('awaiting', 'oriented_programme')
    BEGIN
        UPDATE store_choice SET entries = entries - 1
        WHERE year = CAST(substr(OLD.stage_changed_at, 1, 4) AS INTEGER)
                     + (substr(OLD.stage_changed_at, 6, 8) >= '12-31 23')
          AND licence = coalesce(OLD.licence, '');
    END""",
    """CREATE TRIGGER store_choice_update
    AFTER UPDATE OF stage, qualification, licence, stage_changed_at ON project
    WHEN (OLD.stage IN ('diffusion', 'abandonne')
          AND OLD.qualification NOT IN ('awaiting', 'oriented_programme'))
      OR (NEW.stage IN ('diffusion', 'abandonne')
          AND NEW.qualification NOT IN ('awaiting', 'oriented_programme'))
    BEGIN
        UPDATE store_choice SET entries = entries - 1
        WHERE year = CAST(substr(OLD.stage_changed_at, 1, 4) AS INTEGER)
                     + (substr(OLD.stage_changed_at, 6, 8) >= '12-31 23')
          AND licence = coalesce(OLD.licence, '')
          AND OLD.stage IN ('diffusion', 'abandonne')
          AND OLD.qualification NOT IN ('awaiting', 'oriented_programme');
        INSERT INTO store_choice (year, licence, entries)
        SELECT CAST(substr(NEW.stage_changed_at, 1, 4) AS INTEGER)
               + (substr(NEW.stage_changed_at, 6, 8) >= '12-31 23'),
               coalesce(NEW.licence, ''), 1
        WHERE NEW.stage IN ('diffusion', 'abandonne')
          AND NEW.qualification NOT IN ('awaiting', 'oriented_programme')
        ON CONFLICT (year, licence) DO UPDATE SET entries = store_choice.entries + 1;
    END""",
)
SQLITE_TRIGGER_NAMES = ("store_choice_insert", "store_choice_delete", "store_choice_update")
SQLITE_FILL = """INSERT INTO store_choice (year, licence, entries)
    SELECT CAST(substr(stage_changed_at, 1, 4) AS INTEGER)
           + (substr(stage_changed_at, 6, 8) >= '12-31 23') AS year,
           coalesce(licence, '') AS licence, count(*)
    FROM project
    WHERE stage IN ('diffusion', 'abandonne')
      AND qualification NOT IN ('awaiting', 'oriented_programme')
    GROUP BY 1, 2"""

POSTGRESQL_FUNCTION = """
CREATE FUNCTION store_choice_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_entry boolean := TG_OP != 'INSERT' AND OLD.stage IN ('diffusion', 'abandonne')
        AND OLD.qualification NOT IN ('awaiting', 'oriented_programme');
    is_entry boolean := TG_OP != 'DELETE' AND NEW.stage IN ('diffusion', 'abandonne')
        AND NEW.qualification NOT IN ('awaiting', 'oriented_programme');
BEGIN
    -- A project in the store neither before nor after (most of the pipeline's moves)
    -- changes no row: none is even locked.
    IF was_entry THEN
        UPDATE store_choice SET entries = entries - 1
        WHERE year = CAST(EXTRACT(YEAR FROM OLD.stage_changed_at + INTERVAL '1 hour')
                          AS INTEGER)
          AND licence = coalesce(OLD.licence, '');
    END IF;
    IF is_entry THEN
        INSERT INTO store_choice (year, licence, entries)
        VALUES (CAST(EXTRACT(YEAR FROM NEW.stage_changed_at + INTERVAL '1 hour') AS INTEGER),
                coalesce(NEW.licence, ''), 1)
        ON CONFLICT (year, licence) DO UPDATE SET entries = store_choice.entries + 1;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGER = (
    "CREATE TRIGGER store_choice_keep "
    "AFTER INSERT OR DELETE OR UPDATE OF stage, qualification, licence, stage_changed_at "
    "ON project FOR EACH ROW EXECUTE FUNCTION store_choice_keep()")
POSTGRESQL_FILL = """INSERT INTO store_choice (year, licence, entries)
    SELECT CAST(EXTRACT(YEAR FROM stage_changed_at + INTERVAL '1 hour') AS INTEGER) AS year,
           coalesce(licence, '') AS licence, count(*)
    FROM project
    WHERE stage IN ('diffusion', 'abandonne')
      AND qualification NOT IN ('awaiting', 'oriented_programme')
    GROUP BY 1, 2"""


def upgrade():
    op.create_table(
        'store_choice',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('licence', sa.String(length=40), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'licence', name=op.f('pk_store_choice')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL_FILL)
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        op.execute(SQLITE_FILL)
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS store_choice_keep ON project")
        op.execute("DROP FUNCTION IF EXISTS store_choice_keep()")
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('store_choice')
