"""The pipeline's pages: listing, proposals, the committee's forms, refusals shown in place.

Clients read the pages in English (the ``lang`` cookie), so the assertions do not
depend on the French catalogue.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.aid.years import services as aid_years
from inspir_events.audit.models import AuditEntry
from tests.aid.conftest import SIRET_OK
from tests.pages import parse


@pytest.fixture
def signed_in(app, login):
    """``signed_in(user)``: a client of its own, signed in, reading English pages."""

    def factory(user=None):
        client = app.test_client()
        client.set_cookie("lang", "en")
        if user is not None:
            login(user, on=client)
        return client

    return factory


def text(response) -> str:
    return response.get_data(as_text=True)


def project_row(db, project_id) -> Project:
    db.session.expire_all()
    return db.session.get(Project, project_id)


# --- listing and proposals ---------------------------------------------------------------------

def test_the_list_shows_projects_by_stage_and_proposals_to_the_committee_only(
        db, make_project, signed_in, committee):
    listed = make_project("projet", title="Minibus des villages")
    awaiting = make_project(None, title="Fablab mobile à étudier")

    public = text(signed_in().get("/projects"))
    assert "Minibus des villages" in public
    assert "Fablab mobile à étudier" not in public
    assert 'id="stage-projet"' in public

    seen_by_committee = text(signed_in(committee).get("/projects"))
    assert "Fablab mobile à étudier" in seen_by_committee
    assert 'id="awaiting-title"' in seen_by_committee
    # The proposal's page is not public either.
    assert signed_in().get(f"/projects/{awaiting.id}").status_code == 404
    assert signed_in(committee).get(f"/projects/{awaiting.id}").status_code == 200
    assert signed_in().get(f"/projects/{listed.id}").status_code == 200


def test_filters_by_stage_and_department(db, make_project, signed_in):
    make_project("projet", title="Projet du Nord", department="59")
    make_project("idee", title="Idée de la Somme", department="80")
    client = signed_in()
    by_stage = text(client.get("/projects?stage=idee"))
    assert "Idée de la Somme" in by_stage and "Projet du Nord" not in by_stage
    by_department = text(client.get("/projects?department=59"))
    assert "Projet du Nord" in by_department and "Idée de la Somme" not in by_department
    assert client.get("/projects?stage=nowhere&theme=x").status_code == 200


def test_a_signed_in_citizen_proposes_a_project(db, signed_in, make_user):
    assert signed_in().get("/projects/propose").status_code == 302  # to the log-in page
    citizen = make_user(display_name="Awa")
    client = signed_in(citizen)
    response = client.post_form("/projects/propose", {
        "title": "Fablab mobile", "summary": "Un **camion** atelier.",
        "department": "02", "theme": "culture"}, token_from="/projects/propose")
    assert response.status_code == 302
    project = db.session.scalar(select(Project).where(Project.title == "Fablab mobile"))
    assert project.qualification == Qualification.AWAITING
    assert project.proposed_by_id == citizen.id
    # Its proposer sees its page.
    assert client.get(f"/projects/{project.id}").status_code == 200


def test_a_refused_proposal_keeps_what_was_typed(db, signed_in, make_user):
    client = signed_in(make_user())
    response = client.post_form("/projects/propose", {
        "title": "Fab", "summary": "Mon résumé gardé", "department": "59"},
        token_from="/projects/propose")
    assert response.status_code == 422
    page = parse(text(response))
    title = page.find("input", id="title")
    assert title.get("value") == "Fab" and title.get("aria-invalid") == "true"
    assert "Mon résumé gardé" in page.find("textarea", id="summary").text
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


# --- the committee's moves -----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["organiser", "participant", "anonymous"])
def test_only_the_committee_moves_projects(db, make_project, signed_in, organiser, make_user,
                                           who):
    project = make_project("idee", lessons="Appris")
    user = {"organiser": organiser, "participant": make_user(), "anonymous": None}[who]
    client = signed_in(user)
    response = client.post_form(f"/projects/{project.id}/move",
                                {"move-target": "abandonne", "move-note": "Stop"})
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert project_row(db, project.id).stage == Stage.IDEE
    assert client.post_form(f"/projects/{project.id}/qualify", {
        "qualify-decision": "qualify", "qualify-note": "Oui"}).status_code in (302, 403)


def test_the_committee_moves_a_project_and_the_note_is_audited(db, make_project, signed_in,
                                                               committee):
    project = make_project("projet")
    client = signed_in(committee)
    response = client.post_form(f"/projects/{project.id}/move", {
        "move-target": "experimentation", "move-note": "Test grandeur nature à Lille"})
    assert response.status_code == 303
    assert project_row(db, project.id).stage == Stage.EXPERIMENTATION
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "project.move")
                              .order_by(AuditEntry.id.desc()).limit(1))
    assert entry.details["note"] == "Test grandeur nature à Lille"
    page = text(client.get(f"/projects/{project.id}"))
    assert "Test grandeur nature à Lille" in parse(page).find("table", id="moves").text


def test_the_gate_lists_every_missing_condition_and_keeps_the_note(
        db, make_project, signed_in, committee):
    project = make_project("projet", licence=None, repository_url=None)
    client = signed_in(committee)
    # Before trying, the page lists what the next stage misses.
    before = parse(text(client.get(f"/projects/{project.id}")))
    codes = [li.get("data-code") for li in before.find("ul", class_="gates").find_all("li")
             if li.get("data-code")]
    assert codes == ["open_licence_required", "repository_required", "lessons_required"]

    response = client.post_form(f"/projects/{project.id}/move", {
        "move-target": "experimentation", "move-note": "Ma note tapée"})

    assert response.status_code == 422
    page = parse(text(response))
    refused = page.find("div", id="move-refused").text
    assert "open licence" in refused and "public repository" in refused
    assert page.find("textarea", id="move-note").text == "Ma note tapée"
    # Each missing condition also sits next to the field that would provide it.
    assert "open licence" in page.find("p", id="details-licence-error").text
    assert "public repository" in page.find("p", id="details-repository_url-error").text
    assert page.find("select", id="details-licence").get("aria-describedby").endswith(
        "details-licence-error")
    assert project_row(db, project.id).stage == Stage.PROJET


def test_the_committee_orients_a_proposal_through_the_page(db, make_project, signed_in,
                                                           committee, support_structure):
    project = make_project(None)
    client = signed_in(committee)
    response = client.post_form(f"/projects/{project.id}/qualify", {
        "qualify-decision": "structure", "qualify-structure": "0", "qualify-note": "Incubez"})
    assert response.status_code == 422  # no structure chosen
    assert "Incubez" in parse(text(response)).find("textarea", id="qualify-note").text
    response = client.post_form(f"/projects/{project.id}/qualify", {
        "qualify-decision": "structure", "qualify-structure": str(support_structure.id),
        "qualify-note": "Incubez"})
    assert response.status_code == 303
    row = project_row(db, project.id)
    assert (row.qualification, row.support_structure_id) == (
        Qualification.ORIENTED_STRUCTURE, support_structure.id)


def test_members_fill_the_open_code_details(db, make_project, signed_in, make_user):
    project = make_project("idee")
    proposer = project.proposed_by
    client = signed_in(proposer)
    response = client.post_form(f"/projects/{project.id}/details", {
        "details-licence": "MIT", "details-repository_url": "https://git.example.org/a",
        "details-support_structure": "0", "details-results": "", "details-lessons": ""})
    assert response.status_code == 303
    assert project_row(db, project.id).licence == "MIT"
    response = client.post_form(f"/projects/{project.id}/details", {
        "details-licence": "MIT", "details-repository_url": "ftp://nope",
        "details-support_structure": "0"})
    assert response.status_code == 422
    assert parse(text(response)).find("p", id="details-repository_url-error") is not None
    outsider = signed_in(make_user())
    assert outsider.post_form(f"/projects/{project.id}/details", {
        "details-licence": "MIT"}).status_code == 403


# --- grants -------------------------------------------------------------------------------------

def test_grants_through_the_page(db, envelopes_now, make_project, signed_in, committee):
    project = make_project("projet")
    client = signed_in(committee)
    form = {"grant-operating": "5 000,01", "grant-investment": "",
            "grant-structure": "", "grant-beneficiary_name": "Association Atelier",
            "grant-beneficiary_id": SIRET_OK}
    response = client.post_form(f"/projects/{project.id}/grant", form)
    assert response.status_code == 422
    page = parse(text(response))
    assert page.find("input", id="grant-operating").get("value") == "5 000,01"
    assert "cap" in page.find("p", id="grant-operating-error").text
    assert db.session.scalar(select(func.count()).select_from(AidGrant)) == 0

    form["grant-operating"] = "3 000,50"
    response = client.post_form(f"/projects/{project.id}/grant", form)
    assert response.status_code == 303
    [row] = db.session.scalars(select(AidGrant)).all()
    assert (row.amount_cents, row.beneficiary_siret) == (300_050, SIRET_OK)
    grants_table = parse(text(client.get(f"/projects/{project.id}"))).find("table", id="grants")
    assert f"INSPIR-{aid_years.today().year}-PRJ-{project.id}" in grants_table.text


def test_no_grant_form_for_those_who_decide_no_envelope(db, envelopes_now, make_project,
                                                        signed_in, organiser):
    project = make_project("projet")
    client = signed_in(organiser)
    assert 'id="grant-title"' not in text(client.get(f"/projects/{project.id}"))
    response = client.post_form(f"/projects/{project.id}/grant", {
        "grant-operating": "100", "grant-beneficiary_name": "A",
        "grant-beneficiary_id": SIRET_OK})
    assert response.status_code == 403


# --- promotion from the results page --------------------------------------------------------------

def test_the_organiser_promotes_the_confirmed_winners_from_the_results_page(
        db, confirmed_round, signed_in, organiser):
    setup = confirmed_round()
    client = signed_in(organiser)
    results = text(client.get(f"/rounds/{setup.round.id}/results"))
    assert f'action="/rounds/{setup.round.id}/promote"' in results
    response = client.post_form(f"/rounds/{setup.round.id}/promote", {})
    assert response.status_code == 303
    titles = set(db.session.scalars(select(Project.title)))
    assert titles == {"Minibus à la demande", "Covoiturage solidaire"}
    listing = text(client.get("/projects?stage=idee"))
    assert "Minibus à la demande" in listing
    # A participant sees no button and is refused.
    participant = signed_in(setup.outsider)
    assert "/promote" not in text(participant.get(f"/rounds/{setup.round.id}/results"))
    assert participant.post_form(f"/rounds/{setup.round.id}/promote", {}).status_code == 403


def test_the_project_page_shows_its_lineage(db, confirmed_round, signed_in, organiser):
    from inspir_events.aid.projects import services
    setup = confirmed_round()
    project = services.promote_winner(organiser, setup.round.id)[0]
    page = text(signed_in().get(f"/projects/{project.id}"))
    for expected in ("Se rendre à la gare sans voiture", setup.event.title,
                     setup.round.title, setup.teams[0].name, "Léa", "Inès"):
        assert expected in page, expected
