"""Projects and territories (issue 20 §3): a proposal names its commune from the list, in
its department; a round winner's project takes its need's (else its event's) commune; the
projects listing filters by intercommunality (the store: tests/store/test_territories.py)."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.aid.projects import services
from inspir_events.aid.projects.models import Project
from tests.aid.projects.test_routes import signed_in  # noqa: F401  (fixture)
from tests.pages import parse

LENS_LIEVIN, AMIENS_METROPOLE = "246200364", "248000531"
PROPOSAL = {"title": "Fablab mobile", "summary": "Un **camion** atelier.", "department": "62",
            "theme": "culture"}


def test_a_proposal_names_its_commune_in_its_department(db, signed_in, make_user):  # noqa: F811
    client = signed_in(make_user(display_name="Awa"))
    page = client.get("/projects/propose").get_data(as_text=True)
    assert parse(page).find("input", id="commune").get("data-commune-combobox") is not None
    response = client.post_form("/projects/propose", {**PROPOSAL, "commune": "lievin"},
                                token_from="/projects/propose")
    assert response.status_code == 302
    project = db.session.scalar(select(Project).where(Project.title == "Fablab mobile"))
    assert project.commune_code == "62510"
    detail = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Liévin" in detail


def test_a_proposal_in_a_commune_of_another_department_is_refused(
        db, signed_in, make_user):  # noqa: F811
    client = signed_in(make_user())
    response = client.post_form("/projects/propose", {**PROPOSAL, "commune": "Amiens"},
                                token_from="/projects/propose")
    assert response.status_code == 422
    field = parse(response.get_data(as_text=True)).find("input", id="commune")
    assert field.get("value") == "Amiens" and field.get("aria-invalid") == "true"
    assert "it is in 80" in response.get_data(as_text=True)  # this client reads English
    assert db.session.scalar(select(Project)) is None


def test_a_round_winner_takes_its_needs_commune(db, confirmed_round, organiser):
    setup = confirmed_round()
    setup.need.commune_code = "80021"
    setup.event.venue_commune_code = "80164"
    db.session.commit()
    first, second = services.promote_winner(organiser, setup.round.id)
    assert first.commune_code == "80021"  # its need's
    assert second.commune_code == "80164"  # no need: its event's


def test_the_listing_filters_by_intercommunality(client, db, make_project):
    for title, code in (("Projet de Liévin", "62510"), ("Projet d'Amiens", "80021"),
                        ("Projet sans commune", None)):
        project = make_project(title=title, department=code[:2] if code else "59")
        project.commune_code = code
    db.session.commit()
    listing = client.get(f"/projects?epci={LENS_LIEVIN}").get_data(as_text=True)
    assert "Projet de Liévin" in listing
    assert "Projet d&#39;Amiens" not in listing and "Projet sans commune" not in listing
    assert "selected" in parse(listing).find("select", id="epci").find(
        "option", value=LENS_LIEVIN).attrs
