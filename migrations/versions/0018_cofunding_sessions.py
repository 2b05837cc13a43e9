"""co-funding sessions: the jury of each session of co-funding applications

Issue 19 §2.1 ("and for each session of co-funding applications"): ``cofunding_session``
groups submitted applications of one budget year for one committee meeting (``open``,
then ``closed`` once every one is decided; ``published_at`` once its results, the jury's
ranking, are public). Its jury is the jury core's (``jury`` with ``subject_type``
"cofunding_session"). ``cofunding_application.session_id`` (empty for the applications
that exist before: none of them can be decided until the committee puts it in a
session) and ``jury_citation``, the jury's ranking its last decision cited.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-05 16:42:26.427746

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cofunding_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('meeting_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='sessionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_cofunding_session_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cofunding_session'))
    )
    with op.batch_alter_table('cofunding_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cofunding_session_year'), ['year'], unique=False)

    with op.batch_alter_table('cofunding_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('jury_citation', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cofunding_application_session_id'), ['session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cofunding_application_session_id_cofunding_session'), 'cofunding_session', ['session_id'], ['id'], ondelete='RESTRICT')



def downgrade():
    with op.batch_alter_table('cofunding_application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cofunding_application_session_id_cofunding_session'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cofunding_application_session_id'))
        batch_op.drop_column('jury_citation')
        batch_op.drop_column('session_id')

    with op.batch_alter_table('cofunding_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cofunding_session_year'))

    op.drop_table('cofunding_session')
