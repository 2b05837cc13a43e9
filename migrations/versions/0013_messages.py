"""messages: when a registration was reminded of its event

Issue 17 §3. ``registration.reminded_at`` is when the 48-hour reminder of the event was
written for that registration. The periodic reminder claims a registration by setting
it with a conditional UPDATE (``WHERE reminded_at IS NULL``), so each registration is
reminded once even when several workers run the task at the same time. Registrations
that exist before this revision have none: those of events starting within the next 48
hours are reminded by the next run, the others when their time comes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
