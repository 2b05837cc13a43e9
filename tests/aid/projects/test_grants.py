"""Grants to projects and support structures: check_grants, then the envelopes, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Commitment, Envelope
from inspir_events.aid.envelopes.services import Beneficiary
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.aid.projects import (
    grants as project_grants,
)
from inspir_events.aid.projects import (
    queries as project_queries,
)
from inspir_events.aid.projects import (
    services,
)
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as aid_years
from inspir_events.audit.models import AuditEntry
from inspir_events.notifications.models import Notification
from tests.aid.conftest import RNA_OK, SIRET_OK

HOLDER = Beneficiary("Association Atelier Numérique", siret=SIRET_OK)
STRUCTURE = Beneficiary("Incubateur Euratechnologies", rna=RNA_OK)


def committed(db, envelopes_now, region, section) -> int:
    return db.session.scalar(select(Envelope.committed_cents).where(
        Envelope.id == envelopes_now[(region, section)].id))


def grant(member, project, operating=0, investment=0, structure=0, **overrides):
    data = project_grants.GrantInput(operating_cents=operating, investment_cents=investment,
                               structure_cents=structure, beneficiary=HOLDER,
                               structure_beneficiary=STRUCTURE)
    for name, value in overrides.items():
        setattr(data, name, value)
    return project_grants.grant_project(member, project.id, data)


def grant_rows(db, project) -> list[AidGrant]:
    return list(db.session.scalars(select(AidGrant).where(AidGrant.project_id == project.id)
                                   .order_by(AidGrant.id)))


def test_grants_within_the_caps_commit_the_envelopes_and_write_grants(
        db, envelopes_now, make_project, committee):
    project = make_project("projet")  # department 59: Nord-Pas-de-Calais
    grants = grant(committee, project, operating=300_000, investment=500_000,
                   structure=150_000)

    rows = grant_rows(db, project)
    assert [g.id for g in grants] == [g.id for g in rows]
    assert [(g.kind, g.section, g.amount_cents) for g in rows] == [
        (GrantKind.PROJECT_OPERATING, Section.OPERATING, 300_000),
        (GrantKind.PROJECT_INVESTMENT, Section.INVESTMENT, 500_000),
        (GrantKind.STRUCTURE, Section.OPERATING, 150_000)]
    year = aid_years.today().year  # the year it is decided in, and its rules' version
    assert {g.reference for g in rows} == {f"INSPIR-{year}-PRJ-{project.id}"}
    assert [(g.beneficiary_siret, g.beneficiary_rna) for g in rows] == [
        (SIRET_OK, None), (SIRET_OK, None), (None, RNA_OK)]
    assert all(g.year == year and g.decided_by_id == committee.id for g in rows)
    assert {(g.policy.year, g.policy.version) for g in rows} == {(year, 1)}
    assert aid_years.current(year).frozen_at is not None
    assert committed(db, envelopes_now, FormerRegion.NPDC, Section.OPERATING) == 450_000
    assert committed(db, envelopes_now, FormerRegion.NPDC, Section.INVESTMENT) == 500_000
    assert committed(db, envelopes_now, FormerRegion.PICARDIE, Section.OPERATING) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "project.grant")) == 1
    assert project.proposed_by_id in set(db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "project.granted")))


def test_one_cent_over_the_operating_cap_is_refused_with_every_violation(
        db, envelopes_now, make_project, committee):
    project = make_project("experimentation")
    with pytest.raises(services.GrantRefused) as refused:
        grant(committee, project, operating=500_001, investment=500_001)
    assert [v.code for v in refused.value.violations] == ["operating_cap_exceeded",
                                                          "investment_cap_exceeded"]
    assert grant_rows(db, project) == []
    grant(committee, project, operating=500_000)  # exactly the cap
    assert [g.amount_cents for g in grant_rows(db, project)] == [500_000]


def test_what_was_already_received_counts(db, envelopes_now, make_project, committee):
    project = make_project("projet")
    grant(committee, project, operating=300_000)
    with pytest.raises(services.GrantRefused) as refused:
        grant(committee, project, operating=200_001)
    [violation] = refused.value.violations
    assert violation.code == "operating_cap_exceeded"
    assert violation.params["received_cents"] == 300_000
    assert violation.params["remaining_cents"] == 200_000
    grant(committee, project, operating=200_000)
    assert sum(g.amount_cents for g in grant_rows(db, project)) == 500_000
    assert project_queries.received(project.id).operating_cents == 500_000


def test_a_structure_grant_needs_the_project_support_structure(
        db, envelopes_now, make_project, committee):
    project = make_project("projet")
    services.update_project_details(committee, project.id, services.DetailsInput(
        support_structure_id=None))
    with pytest.raises(services.ProjectError) as refused:
        grant(committee, project, operating=100_000, structure=100_000)
    assert refused.value.field == "structure"
    assert grant_rows(db, project) == []
    assert committed(db, envelopes_now, FormerRegion.NPDC, Section.OPERATING) == 0


def test_an_envelope_too_small_leaves_nothing_written(db, envelopes_now, make_project,
                                                     committee):
    investment = envelopes_now[(FormerRegion.NPDC, Section.INVESTMENT)]
    aid_envelopes.commit(committee, investment.id, investment.amount_cents - 100_000,
                         "event", 1, "Autre décision")
    project = make_project("projet")
    before = db.session.scalar(select(func.count()).select_from(Commitment))

    with pytest.raises(aid_envelopes.EnvelopeExceeded):
        grant(committee, project, operating=200_000, investment=200_000)

    db.session.rollback()
    assert grant_rows(db, project) == []
    assert db.session.scalar(select(func.count()).select_from(Commitment)) == before
    assert committed(db, envelopes_now, FormerRegion.NPDC, Section.OPERATING) == 0
    assert committed(db, envelopes_now, FormerRegion.NPDC, Section.INVESTMENT) == \
        investment.amount_cents - 100_000


@pytest.mark.parametrize("stage", ["idee", "diffusion", "abandonne"])
def test_only_projects_in_maturation_or_experiment_are_funded(db, envelopes_now,
                                                              make_project, committee, stage):
    project = make_project(stage)
    with pytest.raises(services.ProjectConflict):
        grant(committee, project, operating=100_000)
    assert grant_rows(db, project) == []


def test_the_department_picks_the_former_region(db, envelopes_now, make_project, committee):
    project = make_project("projet", department="60")  # Oise: Picardie
    grant(committee, project, investment=100_000)
    assert committed(db, envelopes_now, FormerRegion.PICARDIE, Section.INVESTMENT) == 100_000
    assert committed(db, envelopes_now, FormerRegion.NPDC, Section.INVESTMENT) == 0
    with pytest.raises(services.ProjectError) as refused:  # an envelope of the other region
        grant(committee, project, investment=1_000, envelope_ids={
            "investment": envelopes_now[(FormerRegion.NPDC, Section.INVESTMENT)].id})
    assert refused.value.field == "investment_envelope"


def test_only_deciders_grant(db, envelopes_now, make_project, organiser, support_structure):
    project = make_project("projet")
    for user in (organiser, support_structure):
        with pytest.raises(services.ProjectForbidden):
            grant(user, project, operating=100_000)
    assert grant_rows(db, project) == []


def test_beneficiaries_need_a_valid_siret_or_rna():
    assert project_grants.beneficiary(" Asso  X ", "732 829 320 00074", "beneficiary") == \
        Beneficiary("Asso X", siret=SIRET_OK)
    assert project_grants.beneficiary("Asso X", "w595001234", "beneficiary").rna == RNA_OK
    for name, number, field in (("Asso", "73282932000075", "beneficiary_id"),
                                ("Asso", "W12", "beneficiary_id"),
                                ("", SIRET_OK, "beneficiary_name")):
        with pytest.raises(services.ProjectError) as refused:
            project_grants.beneficiary(name, number, "beneficiary")
        assert refused.value.field == field
