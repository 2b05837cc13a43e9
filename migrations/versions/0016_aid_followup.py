"""aid follow-up: payment schedule, final report, payments, release

Issue 19 §3. ``aid_followup`` holds one aid (the grant rows of one decision to one
beneficiary, by ``key``: the decision's reference, "/structure" for a support
structure's grant): the advance's share (0-100 %, a CHECK) and the planned dates, set by
the committee, and when it was closed. ``aid_report`` is the beneficiary's final report
(one per aid) with its expense, revenue and link rows.

The money stays on ``aid_grant``: ``paid_cents`` (moved by one conditional UPDATE,
never above ``amount_cents``: a CHECK), ``final_cents`` (set when the final report is
accepted, within the amount granted) and ``released_cents`` (the unpaid part given
back to the envelope at closing); ``aid_payment`` lists each payment (date, part,
amount). Existing grants start with nothing paid, no final amount, nothing released.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 16:32:39.918233

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('aid_followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('family', sa.Enum('event', 'project', 'structure', name='family', native_enum=False, length=16), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('advance_percent', sa.Integer(), nullable=True),
    sa.Column('advance_on', sa.Date(), nullable=True),
    sa.Column('balance_on', sa.Date(), nullable=True),
    sa.Column('scheduled_by_id', sa.Integer(), nullable=True),
    sa.Column('scheduled_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('advance_percent IS NULL OR (advance_percent >= 0 AND advance_percent <= 100)', name=op.f('ck_aid_followup_advance_percent_range')),
    sa.ForeignKeyConstraint(['application_id'], ['cofunding_application.id'], name=op.f('fk_aid_followup_application_id_cofunding_application'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_aid_followup_project_id_project'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['scheduled_by_id'], ['user_account.id'], name=op.f('fk_aid_followup_scheduled_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_followup')),
    sa.UniqueConstraint('key', name=op.f('uq_aid_followup_key'))
    )
    with op.batch_alter_table('aid_followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_followup_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_followup_project_id'), ['project_id'], unique=False)

    op.create_table('aid_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Enum('advance', 'balance', name='paymentpart', native_enum=False, length=16), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_aid_payment_amount_positive')),
    sa.ForeignKeyConstraint(['grant_id'], ['aid_grant.id'], name=op.f('fk_aid_payment_grant_id_aid_grant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_aid_payment_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_payment'))
    )
    with op.batch_alter_table('aid_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_payment_grant_id'), ['grant_id'], unique=False)

    op.create_table('aid_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'accepted', name='reportstatus', native_enum=False, length=24), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('narrative_html', sa.Text(), nullable=False),
    sa.Column('expenses_cents', sa.Integer(), nullable=False),
    sa.Column('revenues_cents', sa.Integer(), nullable=False),
    sa.Column('committee_note', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_aid_report_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_aid_report_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['followup_id'], ['aid_followup.id'], name=op.f('fk_aid_report_followup_id_aid_followup'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_report')),
    sa.UniqueConstraint('followup_id', name=op.f('uq_aid_report_followup_id'))
    )
    with op.batch_alter_table('aid_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_report_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_report_status'), ['status'], unique=False)

    op.create_table('aid_report_expense',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=150), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('section', sa.Enum('investment', 'operating', name='section', native_enum=False, length=16), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_aid_report_expense_amount_not_negative')),
    sa.ForeignKeyConstraint(['report_id'], ['aid_report.id'], name=op.f('fk_aid_report_expense_report_id_aid_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_report_expense'))
    )
    with op.batch_alter_table('aid_report_expense', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_report_expense_report_id'), ['report_id'], unique=False)

    op.create_table('aid_report_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['aid_report.id'], name=op.f('fk_aid_report_link_report_id_aid_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_report_link'))
    )
    with op.batch_alter_table('aid_report_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_report_link_report_id'), ['report_id'], unique=False)

    op.create_table('aid_report_revenue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('co_funder', 'own_funds', 'receipts', name='revenuekind', native_enum=False, length=16), nullable=False),
    sa.Column('label', sa.String(length=150), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_aid_report_revenue_amount_not_negative')),
    sa.ForeignKeyConstraint(['report_id'], ['aid_report.id'], name=op.f('fk_aid_report_revenue_report_id_aid_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_report_revenue'))
    )
    with op.batch_alter_table('aid_report_revenue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_report_revenue_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('aid_grant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('final_cents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('released_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            'paid_within_amount', sa.text('paid_cents >= 0 AND paid_cents <= amount_cents'))
        batch_op.create_check_constraint(
            'final_within_amount',
            sa.text('final_cents IS NULL OR (final_cents >= 0 AND final_cents <= amount_cents)'))
        batch_op.create_check_constraint(
            'released_within_amount',
            sa.text('released_cents >= 0 AND released_cents <= amount_cents'))


def downgrade():
    with op.batch_alter_table('aid_grant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_aid_grant_released_within_amount'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_aid_grant_final_within_amount'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_aid_grant_paid_within_amount'), type_='check')
        batch_op.drop_column('released_cents')
        batch_op.drop_column('final_cents')
        batch_op.drop_column('paid_cents')

    with op.batch_alter_table('aid_report_revenue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_report_revenue_report_id'))

    op.drop_table('aid_report_revenue')
    with op.batch_alter_table('aid_report_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_report_link_report_id'))

    op.drop_table('aid_report_link')
    with op.batch_alter_table('aid_report_expense', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_report_expense_report_id'))

    op.drop_table('aid_report_expense')
    with op.batch_alter_table('aid_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_report_status'))
        batch_op.drop_index(batch_op.f('ix_aid_report_author_id'))

    op.drop_table('aid_report')
    with op.batch_alter_table('aid_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_payment_grant_id'))

    op.drop_table('aid_payment')
    with op.batch_alter_table('aid_followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_followup_project_id'))
        batch_op.drop_index(batch_op.f('ix_aid_followup_application_id'))

    op.drop_table('aid_followup')
