"""store index: the store's listing read from one covering index

Issue 21 §6 (pages as people see them). The store's page reads, over every listed project
(diffused or stopped, qualified), its page by the time each reached the store, their count
and its filters' choices (licences, years): three passes over 250 entries of the bench's
500 projects, each reading the project's long row (its summary, its search text) by the
stage's index. ``ix_project_store`` holds what the passes ask of a project — its stage,
qualification, time of reaching its stage and licence —, so that SQLite reads them from the
index alone: a quarter of the store's statement on SQLite (``bench/README.md``).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 23:16:07.625384

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_project_store', 'project',
                    ['stage', 'qualification', 'stage_changed_at', 'licence'], unique=False)


def downgrade():
    op.drop_index('ix_project_store', table_name='project')
