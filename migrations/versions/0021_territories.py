"""territories: communes and intercommunalities; a need's, an event's, a project's commune

Issue 20 §3. ``epci`` (intercommunalities with their own taxation, by SIREN) and
``commune`` (the region's current communes by INSEE code, with their department, EPCI and
folded name) are loaded from the extract shipped in inspir_events/reference/data/
(Etalab's découpage administratif 2026, Licence Ouverte: SOURCE.md there). A later refresh
of the extract (``make territories``) comes with its own revision loading the changes.

``need.commune_code``, ``event.venue_commune_code`` and ``project.commune_code`` name the
commune. Today's free-text communes (``need.commune``, ``event.venue_commune``) are mapped
where the text names exactly one commune of the row's department, compared without case,
accents, hyphens or apostrophes ("saint-omer" → Saint-Omer, 62765); then the text is
written as the commune's official name. A text naming no commune of the department (a typo,
a commune of another department, a place that is no commune) keeps its text and no code:
nothing is lost, and the next edit of the need or event asks for a commune of the list.
Projects had no commune. The downgrade drops the codes and the tables; the texts stay.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-05 17:30:00

"""
import csv
import re
import unicodedata
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0019'
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / "inspir_events" / "reference" / "data"


def fold_name(name):
    """As inspir_events.reference.rules.fold_name at this revision (frozen here)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    folded = re.sub(r"[^a-z0-9]+", " ", ascii_name.lower()).strip()
    return re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", folded))


def _rows(name):
    with (DATA / name).open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def upgrade():
    epci = op.create_table('epci',
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.PrimaryKeyConstraint('siren', name=op.f('pk_epci'))
    )
    commune = op.create_table('commune',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('epci_siren', sa.String(length=9), nullable=True),
    sa.Column('folded_name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['department.code'], name=op.f('fk_commune_department_code_department')),
    sa.ForeignKeyConstraint(['epci_siren'], ['epci.siren'], name=op.f('fk_commune_epci_siren_epci')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_commune'))
    )
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commune_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_commune_epci_siren'), ['epci_siren'], unique=False)
        batch_op.create_index(batch_op.f('ix_commune_folded_name'), ['folded_name'], unique=False)

    op.bulk_insert(epci, [{"siren": r["siren"], "name": r["name"], "kind": r["kind"]}
                          for r in _rows("epci-hdf.csv")])
    communes = _rows("communes-hdf.csv")
    op.bulk_insert(commune, [{"code": r["code"], "name": r["name"],
                              "department_code": r["department"], "epci_siren": r["epci"] or None,
                              "folded_name": fold_name(r["name"])} for r in communes])

    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune_code', sa.String(length=5), nullable=True))
        batch_op.create_index(batch_op.f('ix_need_commune_code'), ['commune_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_need_commune_code_commune'), 'commune', ['commune_code'], ['code'])
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue_commune_code', sa.String(length=5), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_venue_commune_code'), ['venue_commune_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_venue_commune_code_commune'), 'commune', ['venue_commune_code'], ['code'])
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune_code', sa.String(length=5), nullable=True))
        batch_op.create_index(batch_op.f('ix_project_commune_code'), ['commune_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_project_commune_code_commune'), 'commune', ['commune_code'], ['code'])

    map_free_text(communes)


def map_free_text(communes):
    """Give today's needs and events the code of the commune their text names, if one."""
    by_name = {}
    for row in communes:
        by_name.setdefault((row["department"], fold_name(row["name"])), []).append(row)
    bind = op.get_bind()
    for table_name, text_column, code_column in (("need", "commune", "commune_code"),
                                                 ("event", "venue_commune", "venue_commune_code")):
        table = sa.table(table_name, sa.column("id", sa.Integer),
                         sa.column("department_code", sa.String),
                         sa.column(text_column, sa.String), sa.column(code_column, sa.String))
        rows = bind.execute(sa.select(table.c.id, table.c.department_code,
                                      table.c[text_column])
                            .where(table.c[text_column].is_not(None))).all()
        for row_id, department, text in rows:
            found = by_name.get((department, fold_name(text or "")), [])
            if len(found) != 1:
                continue
            bind.execute(table.update().where(table.c.id == row_id).values(
                {code_column: found[0]["code"], text_column: found[0]["name"]}))


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_project_commune_code_commune'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_project_commune_code'))
        batch_op.drop_column('commune_code')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_venue_commune_code_commune'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_venue_commune_code'))
        batch_op.drop_column('venue_commune_code')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_need_commune_code_commune'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_need_commune_code'))
        batch_op.drop_column('commune_code')
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_folded_name'))
        batch_op.drop_index(batch_op.f('ix_commune_epci_siren'))
        batch_op.drop_index(batch_op.f('ix_commune_department_code'))
    op.drop_table('commune')
    op.drop_table('epci')
