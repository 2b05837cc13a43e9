"""follows: who follows what, and periodic messages written once

Issue 17 §3-4. ``follow`` holds one row per person and followed subject (a need, an
event, a project, a support structure: ``subject_type`` as the feature owning it
registers it, ``subject_id`` its row), with an index answering "who follows this?".
Supporting a need follows it: the supports that exist before this revision become
follows too (but those of deleted accounts' shells), so today's supporters are told
what becomes of the needs they support.

``mail_outbox.once_key`` (unique, empty for most messages) makes a periodic message
unique: one daily digest per person and day, one committee digest per member and week,
even when several workers write them at the same minute. The outbox's new statuses
("held" for a daily digest, then "digested") are plain strings of its 16 characters:
no change of column.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 15:08:26.119024

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follow',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_follow_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'subject_type', 'subject_id', name=op.f('pk_follow'))
    )
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index('ix_follow_subject', ['subject_type', 'subject_id'], unique=False)

    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('once_key', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_mail_outbox_once_key'), ['once_key'])

    # Today's supporters follow the needs they support (deleted accounts' shells do not).
    supports = sa.table('need_support', sa.column('need_id', sa.Integer),
                        sa.column('user_id', sa.Integer),
                        sa.column('created_at', sa.DateTime))
    users = sa.table('user_account', sa.column('id', sa.Integer),
                     sa.column('email', sa.String))
    follows = sa.table('follow', sa.column('user_id', sa.Integer),
                       sa.column('subject_type', sa.String),
                       sa.column('subject_id', sa.Integer),
                       sa.column('created_at', sa.DateTime))
    op.execute(follows.insert().from_select(
        ['user_id', 'subject_type', 'subject_id', 'created_at'],
        sa.select(supports.c.user_id, sa.literal('need', sa.String), supports.c.need_id,
                  supports.c.created_at)
        .select_from(supports.join(users, users.c.id == supports.c.user_id))
        .where(~users.c.email.like('%@deleted.invalid'))))


def downgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_mail_outbox_once_key'), type_='unique')
        batch_op.drop_column('once_key')

    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_subject')

    op.drop_table('follow')
