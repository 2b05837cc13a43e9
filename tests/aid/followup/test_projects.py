"""A project's grants and its support structure's, followed up: two aids (the team's, the
structure's), each filed by its beneficiary and recomputed per section with the actual
expenses (« 5.000 euros de fonctionnement et 5.000 euros d'investissement maximum par
projet », « à hauteur de 5.000 euros maximum par projet, des structures »)."""

from __future__ import annotations

from datetime import date

import pytest

from inspir_events.accounts.models import User
from inspir_events.aid.cofunding.reading import ExpenseInput
from inspir_events.aid.envelopes.services import Beneficiary
from inspir_events.aid.followup import queries, services
from inspir_events.aid.followup.rules import Family
from inspir_events.aid.models import PaymentPart
from inspir_events.aid.projects import grants as project_grants
from inspir_events.aid.projects import queries as project_queries
from inspir_events.extensions import db as _db
from tests.aid.conftest import RNA_OK, SIRET_OK
from tests.aid.followup.conftest import report_input


@pytest.fixture
def funded_project(db, envelopes_now, make_project, committee):
    project = make_project("experimentation")
    project_grants.grant_project(committee, project.id, project_grants.GrantInput(
        operating_cents=500_000, investment_cents=300_000, structure_cents=400_000,
        beneficiary=Beneficiary("Association Atelier Numérique", siret=SIRET_OK),
        structure_beneficiary=Beneficiary("Incubateur Euratechnologies", rna=RNA_OK)))
    return project


def test_the_team_and_the_structure_each_have_their_aid(db, funded_project, committee,
                                                        support_structure, make_user):
    team, structure = sorted(queries.of_project(funded_project.id),
                             key=lambda aid: aid.family.value)
    assert (team.family, structure.family) == (Family.PROJECT, Family.STRUCTURE)
    assert team.granted_cents == 800_000 and structure.granted_cents == 400_000
    member = _db.session.get(User, project_queries.member_ids(funded_project)[0])
    assert queries.is_beneficiary(member, team) and not queries.is_beneficiary(member, structure)
    assert queries.is_beneficiary(support_structure, structure)
    assert [aid.id for aid in queries.mine(support_structure)] == [structure.id]
    assert [aid.id for aid in queries.mine(member)] == [team.id]


def test_each_section_within_its_actual_expenses(db, funded_project, committee):
    team = next(aid for aid in queries.of_project(funded_project.id)
                if aid.family == Family.PROJECT)
    member = _db.session.get(User, project_queries.member_ids(funded_project)[0])
    services.schedule(committee, team.id, services.ScheduleInput(
        40, date(2026, 1, 10), date(2026, 9, 30)))
    services.record_payment(committee, team.id, services.PaymentInput(
        PaymentPart.ADVANCE, 320_000, date(2026, 1, 12)))  # 40 % of 8,000 €
    # Operating spent 3,500 € of 5,000 €; investment 4,200 € of 3,000 € granted.
    services.save_report(member, team.id, report_input("3 500", "4 200"), submit=True)
    services.accept_report(committee, team.id)
    _db.session.expire_all()
    team = queries.aid_of(team.id)
    finals = {row.section.value: row.final_cents for row in team.rows}
    assert finals == {"operating": 350_000, "investment": 300_000}
    assert team.settlement.balance_cents == 650_000 - 320_000
    assert team.settlement.released_cents == 150_000


def test_the_structure_files_its_own_report(db, funded_project, committee, support_structure):
    structure = next(aid for aid in queries.of_project(funded_project.id)
                     if aid.family == Family.STRUCTURE)
    data = report_input(expenses=[ExpenseInput("Accompagnement", "4 500", "operating")])
    services.save_report(support_structure, structure.id, data, submit=True)
    services.accept_report(committee, structure.id)
    _db.session.expire_all()
    assert queries.aid_of(structure.id).final_cents == 400_000  # within the amount granted
