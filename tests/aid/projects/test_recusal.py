"""Nobody qualifies, orients, moves or funds a project they are party to (« déport »).

A project's members (its team), its proposer and its support structure are party to
it; so is, by their own declaration, a member who declared a conflict of interest on
it. Their attempts are refused (403) and audited; the project's page does not show
them the committee's forms, and says why.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role, UserRole
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.services import Beneficiary
from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects import grants as project_grants
from inspir_events.aid.projects import services as pipeline
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.audit.models import AuditEntry
from inspir_events.recusal import services as recusal
from tests.aid.conftest import RNA_OK, SIRET_OK
from tests.events.conftest import text_of

HOLDER = Beneficiary("Association Atelier Numérique", siret=SIRET_OK)
GRANT_FORM = {"grant-operating": "3 000", "grant-beneficiary_name": "Association Atelier",
              "grant-beneficiary_id": SIRET_OK}


def project_row(db, project_id: int) -> Project:
    db.session.rollback()
    return db.session.get(Project, project_id)


def grants(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AidGrant))


def refused_attempts(db) -> list[tuple[int, str]]:
    db.session.rollback()
    return [(e.actor_id, e.details["attempted"]) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "recusal.refused")
        .order_by(AuditEntry.id))]


def test_a_member_of_a_project_can_neither_move_nor_fund_it(
        db, client, login, make_user, make_project, envelopes_now):
    member = make_user(display_name="Margot du comité et de l'équipe",
                       roles=(Role.COMMITTEE,))
    project = make_project("projet", proposer=member)  # the proposer is its first member
    with pytest.raises(recusal.Recused):
        pipeline.move_project(member, project.id, "experimentation", "On teste.")
    with pytest.raises(recusal.Recused):
        project_grants.grant_project(member, project.id, project_grants.GrantInput(
            operating_cents=300_000, beneficiary=HOLDER))
    login(member)
    page = text_of(client.get(f"/projects/{project.id}"))
    assert 'id="recused"' in page and "Vous êtes partie prenante de ce projet" in page
    assert f'action="/projects/{project.id}/move"' not in page
    assert f'action="/projects/{project.id}/grant"' not in page
    assert "/conflicts/project/" not in page  # already recused
    response = client.post_form(f"/projects/{project.id}/move", {
        "move-target": "experimentation", "move-note": "On teste."})
    assert response.status_code == 403
    assert client.post_form(f"/projects/{project.id}/grant", GRANT_FORM).status_code == 403
    assert project_row(db, project.id).stage == Stage.PROJET
    assert grants(db) == 0
    assert refused_attempts(db) == [(member.id, "project.move"),
                                    (member.id, "project.grant")] * 2


def test_the_proposer_does_not_answer_their_own_proposal(db, client, login, make_user,
                                                        make_project, support_structure):
    proposer = make_user(roles=(Role.COMMITTEE,))
    proposal = make_project(None, proposer=proposer)
    for attempt in (lambda: pipeline.qualify(proposer, proposal.id, "Oui."),
                    lambda: pipeline.orient_to_structure(proposer, proposal.id,
                                                         support_structure.id, "Incubateur."),
                    lambda: pipeline.orient_to_programme(proposer, proposal.id,
                                                         "projets_etudiants", "Ailleurs.")):
        with pytest.raises(recusal.Recused):
            attempt()
    login(proposer)
    assert f'action="/projects/{proposal.id}/qualify"' not in text_of(
        client.get(f"/projects/{proposal.id}"))
    assert client.post_form(f"/projects/{proposal.id}/qualify", {
        "qualify-decision": "qualify", "qualify-note": "Oui."}).status_code == 403
    assert project_row(db, proposal.id).qualification == Qualification.AWAITING


def test_the_support_structure_does_not_grant_itself_the_structure_aid(
        db, make_project, support_structure, envelopes_now):
    support_structure.role_rows.append(UserRole(role=Role.COMMITTEE))
    db.session.commit()
    project = make_project("projet")  # accompanied by that structure
    with pytest.raises(recusal.Recused):
        project_grants.grant_project(support_structure, project.id, project_grants.GrantInput(
            structure_cents=200_000,
            structure_beneficiary=Beneficiary("Incubateur Euratechnologies", rna=RNA_OK)))
    assert grants(db) == 0


def test_a_delegated_decider_in_the_team_does_not_fund_it(db, make_user, make_project,
                                                         envelopes_now):
    admin = make_user(roles=(Role.ADMIN,))
    top = envelopes_now[(FormerRegion.NPDC, Section.OPERATING)].id  # the project is in 59
    sub = aid_envelopes.delegate(admin, top, "Lille", 1_000_000)
    decider = make_user()
    delegation.add_member(admin, sub.id, decider.email)
    project = make_project("projet", proposer=decider)
    with pytest.raises(recusal.Recused):
        project_grants.grant_project(decider, project.id, project_grants.GrantInput(
            operating_cents=300_000, beneficiary=HOLDER, envelope_ids={"operating": sub.id}))
    assert grants(db) == 0
    other = make_project("projet")  # not theirs: they fund it from their envelope
    project_grants.grant_project(decider, other.id, project_grants.GrantInput(
        operating_cents=300_000, beneficiary=HOLDER, envelope_ids={"operating": sub.id}))
    assert grants(db) == 1


def test_a_member_who_declares_a_conflict_stops_deciding_on_the_project(
        db, client, login, committee, committee2, make_project):
    project = make_project("projet")
    login(committee2)
    page = text_of(client.get(f"/projects/{project.id}"))
    assert f'action="/projects/{project.id}/move"' in page
    assert f'action="/conflicts/project/{project.id}"' in page
    response = client.post_form(f"/conflicts/project/{project.id}",
                                {"reason": "J'ai conseillé l'équipe à titre privé."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/projects/{project.id}")
    page = text_of(client.get(f"/projects/{project.id}"))
    assert "Vous avez déclaré un conflit d’intérêts sur ce projet" in page
    assert f'action="/projects/{project.id}/move"' not in page
    assert client.post_form(f"/projects/{project.id}/move", {
        "move-target": "experimentation", "move-note": "On teste."}).status_code == 403
    pipeline.move_project(committee, project.id, "experimentation", "On teste.")  # another
    assert project_row(db, project.id).stage == Stage.EXPERIMENTATION
