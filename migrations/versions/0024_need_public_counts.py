"""need public counts: the public needs per department, kept by triggers

Issue 21 §6 (pages as people see them). The need board's map and total, and the API's
total, counted the public needs of a department or of the region at every page: 1.7-2 ms
of a board on SQLite, 2 ms on PostgreSQL (10 ms before it was vacuumed), over 9,610 rows
of an index. ``need_public_count`` holds the figure per department; triggers on ``need``
change it in the very transaction that inserts, deletes or updates a need's visibility,
status or department, so it is never stale and no use case has to remember it.

The triggers' condition is the model's ``Need.is_public`` at this revision (visible and
not withdrawn); ``tests/needs/test_public_counts.py`` holds the two together. A
department's row is created by its first public need (an upsert) and stays at 0 after its
last one leaves.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

# The triggers add a need to its department's row when it is public (Need.is_public at
# this revision: visible and not withdrawn), and take it off when it was.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER need_public_count_insert AFTER INSERT ON need BEGIN
        INSERT INTO need_public_count (department_code, needs)
        SELECT NEW.department_code, 1
        WHERE NEW.visibility = 'public' AND NEW.status != 'withdrawn'
        ON CONFLICT (department_code) DO UPDATE SET needs = need_public_count.needs + 1;
    END""",
    """CREATE TRIGGER need_public_count_delete AFTER DELETE ON need BEGIN
        UPDATE need_public_count SET needs = needs - 1
        WHERE department_code = OLD.department_code
          AND OLD.visibility = 'public' AND OLD.status != 'withdrawn';
    END""",
    """CREATE TRIGGER need_public_count_update
    AFTER UPDATE OF visibility, status, department_code ON need
    WHEN OLD.department_code != NEW.department_code
      OR (OLD.visibility = 'public' AND OLD.status != 'withdrawn')
         != (NEW.visibility = 'public' AND NEW.status != 'withdrawn')
    BEGIN
        UPDATE need_public_count SET needs = needs - 1
        WHERE department_code = OLD.department_code
          AND OLD.visibility = 'public' AND OLD.status != 'withdrawn';
        INSERT INTO need_public_count (department_code, needs)
        SELECT NEW.department_code, 1
        WHERE NEW.visibility = 'public' AND NEW.status != 'withdrawn'
        ON CONFLICT (department_code) DO UPDATE SET needs = need_public_count.needs + 1;
    END""",
)
SQLITE_TRIGGER_NAMES = ("need_public_count_insert", "need_public_count_delete",
                        "need_public_count_update")

POSTGRESQL_FUNCTION = """
CREATE FUNCTION need_public_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A need that stays public, or not, in the same department changes no count (a
    -- published need becoming addressed): its department's row is not even locked.
    IF TG_OP = 'UPDATE' AND OLD.department_code = NEW.department_code
            AND (OLD.visibility = 'public' AND OLD.status != 'withdrawn')
                = (NEW.visibility = 'public' AND NEW.status != 'withdrawn') THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE need_public_count SET needs = needs - 1
        WHERE department_code = OLD.department_code
          AND OLD.visibility = 'public' AND OLD.status != 'withdrawn';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO need_public_count (department_code, needs)
        SELECT NEW.department_code, 1
        WHERE NEW.visibility = 'public' AND NEW.status != 'withdrawn'
        ON CONFLICT (department_code) DO UPDATE SET needs = need_public_count.needs + 1;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGER = (
    "CREATE TRIGGER need_public_count_keep "
    "AFTER INSERT OR DELETE OR UPDATE OF visibility, status, department_code ON need "
    "FOR EACH ROW EXECUTE FUNCTION need_public_count_keep()")


def upgrade():
    op.create_table(
        'need_public_count',
        sa.Column('department_code', sa.String(length=3), nullable=False),
        sa.Column('needs', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['department_code'], ['department.code'],
                                name=op.f('fk_need_public_count_department_code_department')),
        sa.PrimaryKeyConstraint('department_code', name=op.f('pk_need_public_count')),
    )
    op.execute("INSERT INTO need_public_count (department_code, needs) "
               "SELECT department_code, count(*) FROM need "
               "WHERE visibility = 'public' AND status != 'withdrawn' "
               "GROUP BY department_code")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS need_public_count_keep ON need")
        op.execute("DROP FUNCTION IF EXISTS need_public_count_keep()")
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('need_public_count')
