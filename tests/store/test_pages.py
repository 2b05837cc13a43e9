"""The store's pages: the catalogue (GET filters, no JavaScript) and the lineage page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from inspir_events import demo
from inspir_events.aid.projects import services as aid
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Qualification, Stage
from inspir_events.needs.models import Need
from inspir_events.needs.rules import Visibility
from tests.pages import parse


def card_titles(client, query: str = "") -> list[str]:
    page = parse(client.get(f"/store{query}").get_data(as_text=True))
    return [h.text for h in page.find_all("h2", class_="store-card-title")]


def test_the_catalogue_lists_store_projects_and_marks_the_stopped_ones(client, db, make_project):
    make_project("Navette solidaire", reproductions=4)
    stopped = make_project("Cantine partagée", stage=Stage.ABANDONNE)
    make_project("Encore en expérimentation", stage=Stage.EXPERIMENTATION)
    make_project("Proposition en attente", qualification=Qualification.AWAITING)
    response = client.get("/store")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    assert card_titles(client) == ["Cantine partagée", "Navette solidaire"]
    cards = page.find_all("article", class_=True)
    stopped_card = next(c for c in cards if f"store-{stopped.id}-title" == c.get("aria-labelledby"))
    assert "store-card-stopped" in stopped_card.get("class")
    assert stopped_card.find("span", class_="store-stopped") is not None
    counts = [dd.text for dd in page.find_all("dd", class_="store-count")]
    assert counts == ["0", "4"]
    assert "Encore en expérimentation" not in response.get_data(as_text=True)
    assert "Proposition en attente" not in response.get_data(as_text=True)


def test_filters_search_sort_and_pages_through_the_get_form(client, db, make_project):
    make_project("Bus déjà là", department="80", reached=datetime(2025, 3, 1), reproductions=1)
    make_project("Santé Nord", department="59", theme="sante", licence="CC-BY-4.0",
                 reached=datetime(2024, 3, 1), reproductions=9)
    page = parse(client.get("/store").get_data(as_text=True))
    form = page.find("form", role="search")
    assert form.get("method") == "get"
    assert {e.get("name") for e in form.find_all("select")} == {
        "theme", "department", "epci", "licence", "stage", "year", "sort"}
    for select_ in form.find_all("select"):
        assert page.find("label", **{"for": select_.get("id")}) is not None
    assert card_titles(client, "?q=DEJA") == ["Bus déjà là"]
    assert card_titles(client, "?department=59") == ["Santé Nord"]
    assert card_titles(client, "?theme=sante") == ["Santé Nord"]
    assert card_titles(client, "?licence=MIT") == ["Bus déjà là"]
    assert card_titles(client, "?year=2025") == ["Bus déjà là"]
    assert card_titles(client, "?stage=abandonne") == []
    assert card_titles(client, "?sort=reproduced") == ["Santé Nord", "Bus déjà là"]
    assert card_titles(client, "?sort=newest") == ["Bus déjà là", "Santé Nord"]
    assert client.get("/store?year=zz&page=abc&stage=idee").status_code == 200


def test_pagination_twenty_per_page(client, db, make_project):
    for n in range(23):
        make_project(f"Projet {n:02d}")
    assert len(card_titles(client)) == 20
    second = card_titles(client, "?page=2")
    assert second == ["Projet 02", "Projet 01", "Projet 00"]
    page = parse(client.get("/store?page=2&q=projet").get_data(as_text=True))
    prev = page.find("a", rel="prev")
    assert prev is not None and "q=projet" in prev.get("href") and "page=1" in prev.get("href")
    assert card_titles(client, "?page=999") == second  # past the end: the last page


def test_the_lineage_page_tells_every_step_in_order_for_a_demo_project(client, db):
    demo.seed()
    diffused = db.session.scalar(select(Project).where(Project.stage == Stage.DIFFUSION))
    response = client.get(f"/store/{diffused.id}")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    steps = [li.get("id") for li in page.find("ol", class_="timeline").find_all(
        "li", class_=True) if (li.get("id") or "").startswith("step-")]
    assert steps == ["step-need", "step-event", "step-team", "step-vote", "step-committee",
                     "step-open", "step-results"]
    for step in page.find_all("li", class_=True):
        if (step.get("id") or "").startswith("step-"):
            assert step.find("h3") is not None  # each step has a heading
    text = page.text
    assert diffused.need.title in text and diffused.event.title in text
    assert f"{diffused.need.supporters_count}" in page.find("li", id="step-need").text
    assert diffused.event.venue_commune in page.find("li", id="step-event").text
    assert str(diffused.vote_count) in page.find("li", id="step-vote").text
    grants = page.find("table", id="grants")
    assert "5 000,00 €" in grants.text and "3 000,00 €" in grants.text
    assert "8 000,00 €" in grants.find("caption").text
    assert len(page.find("ol", class_="decisions").find_all("blockquote")) == 3
    assert page.find("a", href=diffused.repository_url) is not None
    assert "40 familles" in page.find("li", id="step-results").text

    stopped = db.session.scalar(select(Project).where(Project.stage == Stage.ABANDONNE))
    page = parse(client.get(f"/store/{stopped.id}").get_data(as_text=True))
    assert page.find("li", id="step-lessons") is not None
    assert page.find("li", id="step-results") is None
    assert page.find("span", class_="store-stopped") is not None
    link = page.find("link", rel="stylesheet", href="/static/css/store.css")
    assert link is not None


def test_a_direct_proposal_omits_the_missing_steps(client, db, make_user, make_project):
    citizen = make_user(display_name="Chloé citoyenne")
    proposal = make_project("Covoiturage des petites communes", origin="proposal",
                            members=[citizen], proposed_by_id=citizen.id)
    page = parse(client.get(f"/store/{proposal.id}").get_data(as_text=True))
    ids = [li.get("id") for li in page.find("ol", class_="timeline").find_all("li")
           if (li.get("id") or "").startswith("step-")]
    assert ids == ["step-team", "step-open", "step-results"]
    assert "Chloé citoyenne" in page.find("li", id="step-team").text


def test_a_hidden_need_does_not_appear_in_a_lineage(client, db, make_user, make_project):
    from inspir_events.needs import services as needs

    author = make_user()
    need = needs.submit(author, needs.NeedInput(
        title="Besoin masqué par la modération",
        description="Le dimanche, **aucun bus** ne relie nos villages à la gare.",
        department_code="80", theme_code="transports"))
    project = make_project("Projet au besoin masqué", need_id=need.id)
    assert "Besoin masqué" in client.get(f"/store/{project.id}").get_data(as_text=True)
    db.session.get(Need, need.id).visibility = Visibility.HIDDEN
    db.session.commit()
    body = client.get(f"/store/{project.id}").get_data(as_text=True)
    assert "Besoin masqué" not in body and 'id="step-need"' not in body


def test_projects_not_in_the_store_are_404(client, db, make_project):
    for project in (make_project(stage=Stage.IDEE), make_project(stage=Stage.EXPERIMENTATION),
                    make_project(qualification=Qualification.AWAITING),
                    make_project(qualification=Qualification.ORIENTED_PROGRAMME)):
        assert client.get(f"/store/{project.id}").status_code == 404
    assert client.get("/store/999999").status_code == 404
    assert client.get(f"/store/{2**40}").status_code == 404


def test_the_aid_use_cases_keep_the_search_text(client, db, login, make_user, committee):
    citizen = make_user()
    project = aid.propose_project(citizen, "Épicerie déjà solidaire",
                                  "Une épicerie **mobile** à Péronne.", "80", None)
    assert "deja" in project.search_text and "peronne" in project.search_text
    details = aid.DetailsInput(licence="MIT", repository_url="https://forge.example.org/x",
                               results="Résultats très encourageants à Ham.")
    aid.update_project_details(citizen, project.id, details)
    db.session.expire_all()
    stored = db.session.get(Project, project.id)
    assert "encourageants a ham" in stored.search_text and "epicerie" in stored.search_text
