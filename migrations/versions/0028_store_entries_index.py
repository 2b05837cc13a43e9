"""store entries index: the store's entries in the order they reached it, on their own

Issue 21 §6 (pages as people see them). On PostgreSQL the store's page read its entries
(and counted them) by the index of every project's ``stage_changed_at``, checking each
project's stage and qualification in its row: 500 rows read for 250 entries, 0.45 ms of
the page's statement. ``ix_project_store_listed`` holds only the store's entries, in that
order: PostgreSQL reads it alone (an index-only scan), the statement 1.0 -> 0.55 ms
(bench/README.md). Its condition is the store's rule at this revision
(``store.queries.listed``: diffusion or stopped, qualification listed), which the
statement states in the same words since its constants are written into its text on
PostgreSQL (``database.with_constants_written``); SQLite, whose statement takes them as
parameters, reads ``ix_project_store`` as before. ``tests/store/test_queries.py`` holds the
condition to the rule.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

LISTED = ("stage IN ('diffusion', 'abandonne') "
          "AND qualification NOT IN ('awaiting', 'oriented_programme')")


def upgrade():
    op.create_index('ix_project_store_listed', 'project', ['stage_changed_at', 'id'],
                    unique=False, postgresql_where=sa.text(LISTED),
                    sqlite_where=sa.text(LISTED))


def downgrade():
    op.drop_index('ix_project_store_listed', table_name='project',
                  postgresql_where=sa.text(LISTED), sqlite_where=sa.text(LISTED))
