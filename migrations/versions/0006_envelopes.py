"""aid: envelopes and commitments

Envelopes per budget year, former region and section (one top-level envelope
each: a partial unique index), delegated sub-envelopes (parent_id + holder_name),
and the commitments on them. CHECKs keep committed_cents within 0..amount_cents.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:28:50.972216

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('envelope',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('former_region', sa.Enum('npdc', 'picardie', name='formerregion', native_enum=False, length=16), nullable=False),
    sa.Column('section', sa.Enum('investment', 'operating', name='section', native_enum=False, length=16), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('committed_cents', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(parent_id IS NULL) = (holder_name IS NULL)', name=op.f('ck_envelope_delegation_holder')),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_envelope_amount_not_negative')),
    sa.CheckConstraint('committed_cents <= amount_cents', name=op.f('ck_envelope_committed_within_amount')),
    sa.CheckConstraint('committed_cents >= 0', name=op.f('ck_envelope_committed_not_negative')),
    sa.ForeignKeyConstraint(['parent_id'], ['envelope.id'], name=op.f('fk_envelope_parent_id_envelope'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_envelope'))
    )
    with op.batch_alter_table('envelope', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_envelope_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('uq_envelope_top_level', ['year', 'former_region', 'section'], unique=True, sqlite_where=sa.text('parent_id IS NULL'), postgresql_where=sa.text('parent_id IS NULL'))

    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('envelope_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=40), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_commitment_amount_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_commitment_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['envelope_id'], ['envelope.id'], name=op.f('fk_commitment_envelope_id_envelope'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment'))
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_envelope_id'), ['envelope_id'], unique=False)



def downgrade():
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_envelope_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_decided_by_id'))

    op.drop_table('commitment')
    with op.batch_alter_table('envelope', schema=None) as batch_op:
        batch_op.drop_index('uq_envelope_top_level')
        batch_op.drop_index(batch_op.f('ix_envelope_parent_id'))

    op.drop_table('envelope')
