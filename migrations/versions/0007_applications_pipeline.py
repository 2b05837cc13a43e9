"""aid: co-funding applications, projects and the pipeline, grants

Co-funding applications of third-party events (one per event) with their
expense, revenue and document lines; the deciders of delegated envelopes;
projects of the maturation pipeline (idea_id unique: promoting a winner twice
gives one project), their members and stage moves; granted aid (one row per
decision and section, beneficiary identified by SIRET or RNA), read by the
SCDL export.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 05:19:13.741086

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('envelope_member',
    sa.Column('envelope_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'], name=op.f('fk_envelope_member_added_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['envelope_id'], ['envelope.id'], name=op.f('fk_envelope_member_envelope_id_envelope'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_envelope_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('envelope_id', 'user_id', name=op.f('pk_envelope_member'))
    )
    with op.batch_alter_table('envelope_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_envelope_member_user_id'), ['user_id'], unique=False)

    op.create_table('cofunding_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'granted', 'refused', name='applicationstatus', native_enum=False, length=24), nullable=False),
    sa.Column('beneficiary_name', sa.String(length=150), nullable=False),
    sa.Column('beneficiary_siret', sa.String(length=14), nullable=True),
    sa.Column('beneficiary_rna', sa.String(length=10), nullable=True),
    sa.Column('purpose', sa.String(length=255), nullable=False),
    sa.Column('region_share_cents', sa.Integer(), nullable=False),
    sa.Column('total_cost_cents', sa.Integer(), nullable=False),
    sa.Column('other_revenues_cents', sa.Integer(), nullable=False),
    sa.Column('committee_note', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(beneficiary_siret IS NOT NULL) OR (beneficiary_rna IS NOT NULL) OR status = 'draft'", name=op.f('ck_cofunding_application_beneficiary_identified')),
    sa.CheckConstraint('region_share_cents >= 0', name=op.f('ck_cofunding_application_region_share_not_negative')),
    sa.ForeignKeyConstraint(['applicant_id'], ['user_account.id'], name=op.f('fk_cofunding_application_applicant_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_cofunding_application_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_cofunding_application_event_id_event'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cofunding_application')),
    sa.UniqueConstraint('event_id', name=op.f('uq_cofunding_application_event_id'))
    )
    with op.batch_alter_table('cofunding_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cofunding_application_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cofunding_application_status'), ['status'], unique=False)

    op.create_table('application_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['cofunding_application.id'], name=op.f('fk_application_document_application_id_cofunding_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_document'))
    )
    with op.batch_alter_table('application_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_document_application_id'), ['application_id'], unique=False)

    op.create_table('expense_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=150), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('section', sa.Enum('investment', 'operating', name='section', native_enum=False, length=16), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_expense_line_amount_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['cofunding_application.id'], name=op.f('fk_expense_line_application_id_cofunding_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_line'))
    )
    with op.batch_alter_table('expense_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_line_application_id'), ['application_id'], unique=False)

    op.create_table('revenue_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('co_funder', 'own_funds', 'receipts', name='revenuekind', native_enum=False, length=16), nullable=False),
    sa.Column('label', sa.String(length=150), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_revenue_line_amount_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['cofunding_application.id'], name=op.f('fk_revenue_line_application_id_cofunding_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revenue_line'))
    )
    with op.batch_alter_table('revenue_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revenue_line_application_id'), ['application_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('summary_html', sa.Text(), nullable=False),
    sa.Column('stage', sa.Enum('idee', 'projet', 'experimentation', 'diffusion', 'abandonne', name='stage', native_enum=False, length=20), nullable=False),
    sa.Column('origin', sa.Enum('round_winner', 'proposal', name='origin', native_enum=False, length=20), nullable=False),
    sa.Column('qualification', sa.Enum('awaiting', 'qualified', 'oriented_structure', 'oriented_programme', name='qualification', native_enum=False, length=20), nullable=False),
    sa.Column('oriented_programme', sa.String(length=40), nullable=True),
    sa.Column('idea_id', sa.Integer(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('vote_rank', sa.Integer(), nullable=True),
    sa.Column('vote_count', sa.Integer(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('department_code', sa.String(length=3), nullable=True),
    sa.Column('theme_code', sa.String(length=32), nullable=True),
    sa.Column('support_structure_id', sa.Integer(), nullable=True),
    sa.Column('licence', sa.String(length=40), nullable=True),
    sa.Column('repository_url', sa.String(length=300), nullable=True),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('results_html', sa.Text(), nullable=False),
    sa.Column('lessons', sa.Text(), nullable=False),
    sa.Column('lessons_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('stage_changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_project_department_code_department')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_project_event_id_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_project_idea_id_idea'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_project_need_id_need'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_project_proposed_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['voting_round.id'], name=op.f('fk_project_round_id_voting_round'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['support_structure_id'], ['user_account.id'], name=op.f('fk_project_support_structure_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_project_team_id_team'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_code'], ['theme.code'], name=op.f('fk_project_theme_code_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('idea_id', name=op.f('uq_project_idea_id'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_proposed_by_id'), ['proposed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_support_structure_id'), ['support_structure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_theme_code'), ['theme_code'], unique=False)

    op.create_table('aid_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('event_cofunding', 'project_operating', 'project_investment', 'structure', name='grantkind', native_enum=False, length=24), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('envelope_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.Enum('investment', 'operating', name='section', native_enum=False, length=16), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('total_cost_cents', sa.Integer(), nullable=True),
    sa.Column('beneficiary_name', sa.String(length=150), nullable=False),
    sa.Column('beneficiary_siret', sa.String(length=14), nullable=True),
    sa.Column('beneficiary_rna', sa.String(length=10), nullable=True),
    sa.Column('purpose', sa.String(length=255), nullable=False),
    sa.Column('payment_terms', sa.String(length=16), nullable=False),
    sa.Column('payment_start', sa.Date(), nullable=True),
    sa.Column('payment_end', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(application_id IS NOT NULL) OR (project_id IS NOT NULL)', name=op.f('ck_aid_grant_granted_for_something')),
    sa.CheckConstraint('(beneficiary_siret IS NOT NULL) OR (beneficiary_rna IS NOT NULL)', name=op.f('ck_aid_grant_beneficiary_identified')),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_aid_grant_amount_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['cofunding_application.id'], name=op.f('fk_aid_grant_application_id_cofunding_application'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_aid_grant_commitment_id_commitment'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_aid_grant_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['envelope_id'], ['envelope.id'], name=op.f('fk_aid_grant_envelope_id_envelope'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_aid_grant_project_id_project'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_grant')),
    sa.UniqueConstraint('commitment_id', name='one_grant_per_commitment')
    )
    with op.batch_alter_table('aid_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_grant_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_grant_envelope_id'), ['envelope_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_grant_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_grant_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_grant_reference'), ['reference'], unique=False)

    op.create_table('project_member',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_member_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_project_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'user_id', name=op.f('pk_project_member'))
    )
    with op.batch_alter_table('project_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_member_user_id'), ['user_id'], unique=False)

    op.create_table('project_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.Enum('idee', 'projet', 'experimentation', 'diffusion', 'abandonne', name='stage', native_enum=False, length=20), nullable=True),
    sa.Column('to_stage', sa.Enum('idee', 'projet', 'experimentation', 'diffusion', 'abandonne', name='stage', native_enum=False, length=20), nullable=False),
    sa.Column('qualification', sa.Enum('awaiting', 'qualified', 'oriented_structure', 'oriented_programme', name='qualification', native_enum=False, length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_project_move_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_move_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_move'))
    )
    with op.batch_alter_table('project_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_move_project_id'), ['project_id'], unique=False)



def downgrade():
    with op.batch_alter_table('project_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_move_project_id'))

    op.drop_table('project_move')
    with op.batch_alter_table('project_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_member_user_id'))

    op.drop_table('project_member')
    with op.batch_alter_table('aid_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_grant_reference'))
        batch_op.drop_index(batch_op.f('ix_aid_grant_project_id'))
        batch_op.drop_index(batch_op.f('ix_aid_grant_kind'))
        batch_op.drop_index(batch_op.f('ix_aid_grant_envelope_id'))
        batch_op.drop_index(batch_op.f('ix_aid_grant_application_id'))

    op.drop_table('aid_grant')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_theme_code'))
        batch_op.drop_index(batch_op.f('ix_project_support_structure_id'))
        batch_op.drop_index(batch_op.f('ix_project_stage'))
        batch_op.drop_index(batch_op.f('ix_project_round_id'))
        batch_op.drop_index(batch_op.f('ix_project_proposed_by_id'))
        batch_op.drop_index(batch_op.f('ix_project_need_id'))
        batch_op.drop_index(batch_op.f('ix_project_event_id'))
        batch_op.drop_index(batch_op.f('ix_project_department_code'))

    op.drop_table('project')
    with op.batch_alter_table('revenue_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revenue_line_application_id'))

    op.drop_table('revenue_line')
    with op.batch_alter_table('expense_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_line_application_id'))

    op.drop_table('expense_line')
    with op.batch_alter_table('application_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_document_application_id'))

    op.drop_table('application_document')
    with op.batch_alter_table('cofunding_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cofunding_application_status'))
        batch_op.drop_index(batch_op.f('ix_cofunding_application_applicant_id'))

    op.drop_table('cofunding_application')
    with op.batch_alter_table('envelope_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_envelope_member_user_id'))

    op.drop_table('envelope_member')
