"""store: reproduction requests, projects' search text and reproductions count

"Je veux le reproduire" rows (one per user and project), the project's folded
search text (filled here with a plain lower-cased copy of its texts; the
application rewrites it, accents folded, at the project's next change) and its
reproductions counter; stage_changed_at indexed for the store's order.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 05:49:32.306156

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reproduction_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_reproduction_request_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_reproduction_request_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reproduction_request')),
    sa.UniqueConstraint('project_id', 'user_id', name=op.f('uq_reproduction_request_project_id_user_id'))
    )
    with op.batch_alter_table('reproduction_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reproduction_request_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reproduction_request_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reproductions_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_project_stage_changed_at'), ['stage_changed_at'], unique=False)

    op.execute("UPDATE project SET search_text = lower(title || ' ' || summary || ' ' "
               "|| results || ' ' || lessons)")


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_stage_changed_at'))
        batch_op.drop_column('reproductions_count')
        batch_op.drop_column('search_text')

    with op.batch_alter_table('reproduction_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reproduction_request_user_id'))
        batch_op.drop_index(batch_op.f('ix_reproduction_request_project_id'))

    op.drop_table('reproduction_request')

