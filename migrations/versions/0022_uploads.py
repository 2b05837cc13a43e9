"""uploads: pictures of events, projects and structures; co-funding applications' PDFs

Issue 20 §4. ``picture`` holds one current picture per subject (an event, a project, a
support structure: ``subject_type`` as the feature owning it registers it,
``subject_id`` its row), its renditions (JSON: width, height and the stored file's
name, the SHA-256 of its bytes) and its alternative text. ``application_file`` holds a
co-funding application's PDFs, one per kind (budget, statutes, bank details), each
named by the hash of its bytes in the uploads folder's private ``documents`` area.

The files themselves live in ``UPLOADS_DIR`` (instance/uploads by default), not in the
database: downgrading drops the rows and leaves the folder as it is (remove it by hand
once the rows are gone for good).

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-05 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('picture',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('renditions', sa.JSON(), nullable=False),
    sa.Column('alt', sa.String(length=250), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_picture_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_picture')),
    sa.UniqueConstraint('subject_type', 'subject_id', name=op.f('uq_picture_subject_type_subject_id'))
    )
    with op.batch_alter_table('picture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_picture_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('application_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('budget', 'statutes', 'bank_details', name='filekind', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_application_file_size_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['cofunding_application.id'], name=op.f('fk_application_file_application_id_cofunding_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_application_file_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_file')),
    sa.UniqueConstraint('application_id', 'kind', name=op.f('uq_application_file_application_id_kind'))
    )
    with op.batch_alter_table('application_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_file_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_file_uploaded_by_id'), ['uploaded_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('application_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_file_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_application_file_application_id'))
    op.drop_table('application_file')

    with op.batch_alter_table('picture', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_picture_uploaded_by_id'))
    op.drop_table('picture')
