"""aid: budget years as data (versioned rules and envelopes), recusal

Each budget year's rules become rows (aid_policy, one per version, with its envelopes per
former region and section in aid_policy_envelope). The first row is the deliberation of
the Conseil régional's commission permanente of 23 September 2016 (« au maximum à 50% et
dans la limite de 12.500 euros de part Région », « 5.000 euros de fonctionnement et 5.000
euros d'investissement maximum par projet », « 5.000 euros maximum par projet » for
support structures; investment NPDC 150,000 €, operating NPDC 150,000 €, investment
Picardie 100,000 €, operating Picardie 200,000 €). Grants and decided co-funding
applications of 2016 are linked to it, and it is frozen if any exist.

Decisions keep the version they were taken under (aid_grant.policy_id,
cofunding_application.policy_id); an application may be entrusted to a delegated
envelope (cofunding_application.envelope_id); declared_conflict holds the conflicts of
interest members declare (recusal, « déport »).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 13:53:34.639221

"""
from datetime import date, datetime, UTC

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('aid_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('cofunding_rate_numerator', sa.Integer(), nullable=False),
    sa.Column('cofunding_rate_denominator', sa.Integer(), nullable=False),
    sa.Column('cofunding_cap_cents', sa.Integer(), nullable=False),
    sa.Column('operating_cap_cents', sa.Integer(), nullable=False),
    sa.Column('investment_cap_cents', sa.Integer(), nullable=False),
    sa.Column('structure_cap_cents', sa.Integer(), nullable=False),
    sa.Column('vote_reference', sa.String(length=200), nullable=False),
    sa.Column('vote_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('frozen_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('cofunding_cap_cents >= 0 AND operating_cap_cents >= 0 AND investment_cap_cents >= 0 AND structure_cap_cents >= 0', name=op.f('ck_aid_policy_caps_not_negative')),
    sa.CheckConstraint('cofunding_rate_numerator > 0 AND cofunding_rate_denominator > 0 AND cofunding_rate_numerator <= cofunding_rate_denominator', name=op.f('ck_aid_policy_rate_in_range')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_aid_policy_version_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_aid_policy_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_policy')),
    sa.UniqueConstraint('year', 'version', name='one_row_per_version')
    )
    with op.batch_alter_table('aid_policy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_policy_year'), ['year'], unique=False)

    op.create_table('declared_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_declared_conflict_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declared_conflict')),
    sa.UniqueConstraint('user_id', 'subject_type', 'subject_id', name='declared_once')
    )
    with op.batch_alter_table('declared_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declared_conflict_user_id'), ['user_id'], unique=False)

    op.create_table('aid_policy_envelope',
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('former_region', sa.Enum('npdc', 'picardie', name='formerregion', native_enum=False, length=16), nullable=False),
    sa.Column('section', sa.Enum('investment', 'operating', name='section', native_enum=False, length=16), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_aid_policy_envelope_amount_not_negative')),
    sa.ForeignKeyConstraint(['policy_id'], ['aid_policy.id'], name=op.f('fk_aid_policy_envelope_policy_id_aid_policy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('policy_id', 'former_region', 'section', name=op.f('pk_aid_policy_envelope'))
    )
    with op.batch_alter_table('aid_grant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_aid_grant_policy_id'), ['policy_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_aid_grant_policy_id_aid_policy'), 'aid_policy', ['policy_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('cofunding_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('envelope_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cofunding_application_envelope_id'), ['envelope_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cofunding_application_policy_id'), ['policy_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cofunding_application_policy_id_aid_policy'), 'aid_policy', ['policy_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_cofunding_application_envelope_id_envelope'), 'envelope', ['envelope_id'], ['id'], ondelete='RESTRICT')

    _seed_2016()


DELIBERATION_2016 = {
    "year": 2016, "version": 1,
    "cofunding_rate_numerator": 1, "cofunding_rate_denominator": 2,
    "cofunding_cap_cents": 1_250_000, "operating_cap_cents": 500_000,
    "investment_cap_cents": 500_000, "structure_cap_cents": 500_000,
    "vote_reference": "Délibération cadre INS'pir, commission permanente du Conseil "
                      "régional Nord Pas de Calais – Picardie",
    "vote_date": date(2016, 9, 23),
}
ENVELOPES_2016 = [("npdc", "investment", 15_000_000), ("npdc", "operating", 15_000_000),
                  ("picardie", "investment", 10_000_000), ("picardie", "operating", 20_000_000)]


def _seed_2016():
    """The 2016 rules as the first row; what was decided in 2016 points at it."""
    now = datetime.now(UTC).replace(tzinfo=None)
    policy = sa.table("aid_policy", *(sa.column(name) for name in (
        "id", "year", "version", "cofunding_rate_numerator", "cofunding_rate_denominator",
        "cofunding_cap_cents", "operating_cap_cents", "investment_cap_cents",
        "structure_cap_cents", "vote_reference", "vote_date", "created_at", "frozen_at")))
    envelope = sa.table("aid_policy_envelope", sa.column("policy_id"),
                        sa.column("former_region"), sa.column("section"),
                        sa.column("amount_cents"))
    grant = sa.table("aid_grant", sa.column("policy_id"), sa.column("year"))
    application = sa.table("cofunding_application", sa.column("policy_id"), sa.column("year"),
                           sa.column("status"))
    bind = op.get_bind()
    bind.execute(policy.insert().values(created_at=now, **DELIBERATION_2016))
    policy_id = bind.execute(sa.select(policy.c.id).where(policy.c.year == 2016)).scalar_one()
    bind.execute(envelope.insert(), [
        {"policy_id": policy_id, "former_region": region, "section": section,
         "amount_cents": amount} for region, section, amount in ENVELOPES_2016])
    decided = ("granted", "refused", "changes_requested")
    grants = bind.execute(grant.update().where(grant.c.year == 2016)
                          .values(policy_id=policy_id)).rowcount
    applications = bind.execute(
        application.update().where(application.c.year == 2016,
                                   application.c.status.in_(decided))
        .values(policy_id=policy_id)).rowcount
    if grants or applications:
        bind.execute(policy.update().where(policy.c.id == policy_id).values(frozen_at=now))



def downgrade():
    with op.batch_alter_table('cofunding_application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cofunding_application_envelope_id_envelope'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cofunding_application_policy_id_aid_policy'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cofunding_application_policy_id'))
        batch_op.drop_index(batch_op.f('ix_cofunding_application_envelope_id'))
        batch_op.drop_column('envelope_id')
        batch_op.drop_column('policy_id')

    with op.batch_alter_table('aid_grant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_aid_grant_policy_id_aid_policy'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_aid_grant_policy_id'))
        batch_op.drop_column('policy_id')

    op.drop_table('aid_policy_envelope')
    with op.batch_alter_table('declared_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declared_conflict_user_id'))

    op.drop_table('declared_conflict')
    with op.batch_alter_table('aid_policy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_policy_year'))

    op.drop_table('aid_policy')
