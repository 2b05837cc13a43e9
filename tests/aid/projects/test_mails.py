"""The pipeline by e-mail (issue 17 §3), end to end: a project's team is told of its
stage moves and of its grants, with the link to the project."""

from __future__ import annotations

from inspir_events.aid.envelopes.services import Beneficiary
from inspir_events.aid.projects import grants, services
from tests.aid.conftest import SIRET_OK
from tests.conftest import text_body


def test_a_projects_team_is_told_of_its_moves_and_grants(db, make_project, make_user,
                                                         committee, envelopes_now, mailbox):
    proposer = make_user("porteuse@example.org", display_name="Porteuse", locale="en")
    project = make_project("projet", proposer=proposer, title="Atelier des aidants")
    moved = mailbox.find(proposer.email, "“Atelier des aidants” moves to a new stage")
    assert f"http://localhost/projects/{project.id}" in text_body(moved)
    services.move_project(committee, project.id, "experimentation", "On teste")
    grants.grant_project(committee, project.id, grants.GrantInput(
        operating_cents=300_000, beneficiary=Beneficiary("Association Atelier", siret=SIRET_OK)))
    message = mailbox.find(proposer.email, "“Atelier des aidants” receives a grant")
    assert "Hello Porteuse," in text_body(message)
