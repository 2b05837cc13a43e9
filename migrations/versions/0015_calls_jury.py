"""calls for projects and the jury (issue 19 §1-2)

The multidisciplinary jury, generic: ``jury`` (one per juried subject: its
``subject_type`` and ``subject_id`` as the feature owning it registers it, its quorum,
the number of disciplines needed and its criteria), ``jury_member`` (a person named
with a discipline, once per jury) and ``jury_score`` (a member's 0-5 score of an
application on a criterion, with a comment; a CHECK keeps it within 0-5, a unique key
makes it one per member, application and criterion).

Calls for projects: ``call`` (its text, budget year, dates, what may be asked, status)
with its themes, territories and envelopes (``call_theme``, ``call_department``,
``call_envelope``), ``call_application`` (one request per call, project and kind, with
its amounts, beneficiary, decision and the jury's ranking it cites) and its
``call_expense_line`` rows; ``aid_grant.call_application_id`` (nullable) ties a grant to
the application it answers.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 16:32:45.519019

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jury',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('quorum', sa.Integer(), nullable=False),
    sa.Column('min_disciplines', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('min_disciplines >= 1', name=op.f('ck_jury_min_disciplines_positive')),
    sa.CheckConstraint('quorum >= 1', name=op.f('ck_jury_quorum_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury')),
    sa.UniqueConstraint('subject_type', 'subject_id', name='one_jury_per_subject')
    )
    op.create_table('jury_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('discipline', sa.Enum('digital', 'social_innovation', 'domain', 'territory', 'inhabitant', 'economy', 'research', 'other', name='discipline', native_enum=False, length=24), nullable=False),
    sa.Column('named_by_id', sa.Integer(), nullable=True),
    sa.Column('named_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['jury_id'], ['jury.id'], name=op.f('fk_jury_member_jury_id_jury'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['named_by_id'], ['user_account.id'], name=op.f('fk_jury_member_named_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_jury_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_member')),
    sa.UniqueConstraint('jury_id', 'user_id', name='member_once')
    )
    with op.batch_alter_table('jury_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jury_member_jury_id'), ['jury_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jury_member_user_id'), ['user_id'], unique=False)

    op.create_table('jury_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('application_type', sa.String(length=40), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('scored_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 5', name=op.f('ck_jury_score_score_in_range')),
    sa.ForeignKeyConstraint(['jury_id'], ['jury.id'], name=op.f('fk_jury_score_jury_id_jury'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_jury_score_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_score')),
    sa.UniqueConstraint('jury_id', 'user_id', 'application_type', 'application_id', 'criterion', name='scored_once')
    )
    with op.batch_alter_table('jury_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jury_score_jury_id'), ['jury_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jury_score_user_id'), ['user_id'], unique=False)

    op.create_table('call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('allows_experimentation', sa.Boolean(), nullable=False),
    sa.Column('allows_structure', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', 'published', name='callstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('allows_experimentation OR allows_structure', name=op.f('ck_call_asks_something')),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_call_closes_after_opening')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_call_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call'))
    )
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_year'), ['year'], unique=False)

    op.create_table('call_department',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_call_department_call_id_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_call_department_department_code_department')),
    sa.PrimaryKeyConstraint('call_id', 'department_code', name=op.f('pk_call_department'))
    )
    op.create_table('call_envelope',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('envelope_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_call_envelope_call_id_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['envelope_id'], ['envelope.id'], name=op.f('fk_call_envelope_envelope_id_envelope'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('call_id', 'envelope_id', name=op.f('pk_call_envelope'))
    )
    op.create_table('call_theme',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('theme_code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_call_theme_call_id_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_code'], ['theme.code'], name=op.f('fk_call_theme_theme_code_theme')),
    sa.PrimaryKeyConstraint('call_id', 'theme_code', name=op.f('pk_call_theme'))
    )
    op.create_table('call_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('experimentation', 'structure', name='kind', native_enum=False, length=16), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'granted', 'refused', 'frozen', name='applicationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('links', sa.Text(), nullable=False),
    sa.Column('beneficiary_name', sa.String(length=150), nullable=False),
    sa.Column('beneficiary_siret', sa.String(length=14), nullable=True),
    sa.Column('beneficiary_rna', sa.String(length=10), nullable=True),
    sa.Column('operating_cents', sa.Integer(), nullable=False),
    sa.Column('investment_cents', sa.Integer(), nullable=False),
    sa.Column('structure_cents', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('ranking_citation', sa.Text(), nullable=True),
    sa.Column('policy_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('operating_cents >= 0 AND investment_cents >= 0 AND structure_cents >= 0', name=op.f('ck_call_application_amounts_not_negative')),
    sa.ForeignKeyConstraint(['applicant_id'], ['user_account.id'], name=op.f('fk_call_application_applicant_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_call_application_call_id_call'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_call_application_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['policy_id'], ['aid_policy.id'], name=op.f('fk_call_application_policy_id_aid_policy'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_call_application_project_id_project'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_application')),
    sa.UniqueConstraint('call_id', 'project_id', 'kind', name='one_request_per_kind')
    )
    with op.batch_alter_table('call_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_application_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_application_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_application_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_application_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_application_status'), ['status'], unique=False)

    op.create_table('call_expense_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=150), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('section', sa.Enum('investment', 'operating', name='section', native_enum=False, length=16), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_call_expense_line_amount_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['call_application.id'], name=op.f('fk_call_expense_line_application_id_call_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_expense_line'))
    )
    with op.batch_alter_table('call_expense_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_expense_line_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('aid_grant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('call_application_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_aid_grant_call_application_id'), ['call_application_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_aid_grant_call_application_id_call_application'), 'call_application', ['call_application_id'], ['id'], ondelete='RESTRICT')


def downgrade():
    with op.batch_alter_table('aid_grant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_aid_grant_call_application_id_call_application'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_aid_grant_call_application_id'))
        batch_op.drop_column('call_application_id')

    with op.batch_alter_table('call_expense_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_expense_line_application_id'))

    op.drop_table('call_expense_line')
    with op.batch_alter_table('call_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_application_status'))
        batch_op.drop_index(batch_op.f('ix_call_application_project_id'))
        batch_op.drop_index(batch_op.f('ix_call_application_policy_id'))
        batch_op.drop_index(batch_op.f('ix_call_application_call_id'))
        batch_op.drop_index(batch_op.f('ix_call_application_applicant_id'))

    op.drop_table('call_application')
    op.drop_table('call_theme')
    op.drop_table('call_envelope')
    op.drop_table('call_department')
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_year'))
        batch_op.drop_index(batch_op.f('ix_call_status'))

    op.drop_table('call')

    with op.batch_alter_table('jury_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jury_score_user_id'))
        batch_op.drop_index(batch_op.f('ix_jury_score_jury_id'))

    op.drop_table('jury_score')
    with op.batch_alter_table('jury_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jury_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_jury_member_jury_id'))

    op.drop_table('jury_member')
    op.drop_table('jury')
