"""hardening: calendar tokens hashed, one report per person per need, deleted names unstored

Issue 18:

- 1.8: a private calendar feed keeps only its token's SHA-256 (calendar_feed.token_hash),
  as sessions do. The existing tokens are hashed here, so the addresses people already
  subscribed to keep working (the URL carries the token, the feed is found by its hash);
  the clear tokens are dropped, and no page can show them again: a person who lost their
  address makes a new one. A downgrade cannot bring a token back from its hash: it deletes
  the feeds (each person makes a new address).
- 1.6: one report per person per need (unique need_id, reporter_id). Duplicate reports
  already stored are removed first, the earliest of each kept (reports of deleted accounts,
  with no reporter, are all kept).
- 4.3: a deleted account's name is no longer stored in French (« Compte supprimé »): it is
  emptied, and pages show « Deleted account » in the reader's language. A downgrade
  writes the French name back.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 14:35:49.527433

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

DELETED_PASSWORD = "!deleted"  # noqa: S105 - the marker of deleted accounts, no password
DELETED_NAME_FR = "Compte supprimé"

calendar_feed = sa.table(
    "calendar_feed",
    sa.column("user_id", sa.Integer),
    sa.column("token", sa.String),
    sa.column("token_hash", sa.String),
)
user_account = sa.table(
    "user_account",
    sa.column("display_name", sa.String),
    sa.column("password_hash", sa.String),
)


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
    for user_id, token in bind.execute(sa.select(calendar_feed.c.user_id,
                                                 calendar_feed.c.token)).all():
        digest = hashlib.sha256(token.encode()).hexdigest()
        bind.execute(calendar_feed.update().where(calendar_feed.c.user_id == user_id)
                     .values(token_hash=digest))
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_calendar_feed_token'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_calendar_feed_token_hash'), ['token_hash'])
        batch_op.drop_column('token')

    op.execute(
        "DELETE FROM need_report WHERE reporter_id IS NOT NULL AND id NOT IN ("
        "SELECT first_id FROM (SELECT MIN(id) AS first_id FROM need_report "
        "WHERE reporter_id IS NOT NULL GROUP BY need_id, reporter_id) AS firsts)")
    with op.batch_alter_table('need_report', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_need_report_need_id_reporter_id'), ['need_id', 'reporter_id'])

    bind.execute(user_account.update()
                 .where(user_account.c.password_hash == DELETED_PASSWORD)
                 .values(display_name=""))


def downgrade():
    op.get_bind().execute(user_account.update()
                          .where(user_account.c.password_hash == DELETED_PASSWORD)
                          .values(display_name=DELETED_NAME_FR))

    with op.batch_alter_table('need_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_need_report_need_id_reporter_id'), type_='unique')

    # A token cannot be rebuilt from its hash: the feeds go, people make new addresses.
    op.execute("DELETE FROM calendar_feed")
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.VARCHAR(length=64), nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_calendar_feed_token_hash'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_calendar_feed_token'), ['token'])
        batch_op.drop_column('token_hash')
