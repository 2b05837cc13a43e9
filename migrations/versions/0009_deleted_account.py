"""accounts: the register of deleted accounts

One row per deleted account (its id, the SHA-256 of its former e-mail address,
why and when), without a foreign key: ``flask restore`` replays it so that an
account deleted after a backup stays deleted once the backup is restored.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deleted_account',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('email_sha256', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_deleted_account'))
    )
    with op.batch_alter_table('deleted_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deleted_account_deleted_at'), ['deleted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('deleted_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deleted_account_deleted_at'))

    op.drop_table('deleted_account')
