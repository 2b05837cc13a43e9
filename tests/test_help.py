"""The help section (one guide per kind of user), the accessibility statement, the footer's
RGAA mention and the contextual « Aide » links from the pages where users need them."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

import config
from inspir_events import demo
from inspir_events.accounts.models import User
from inspir_events.aid import rules as aid_rules
from inspir_events.aid.cofunding.models import CofundingApplication
from inspir_events.aid.projects.models import Project
from inspir_events.events.models import Event
from inspir_events.main.routes import HELP_GUIDES, programme_figures
from inspir_events.teams.models import Team
from inspir_events.voting.models import VotingRound
from inspir_events.voting.rules import RoundStatus
from tests.pages import parse
from tests.test_i18n import leftover_strings

HELP_PAGES = ["/aide", *(f"/aide/{slug}" for slug in HELP_GUIDES), "/accessibilite"]
TITLES = {  # (French, English) h1 of each page
    "/aide": ("Aide", "Help"),
    "/aide/citoyen": ("Aide aux citoyens", "Help for citizens"),
    "/aide/participant": ("Aide aux participants", "Help for participants"),
    "/aide/organisateur": ("Aide aux organisateurs", "Help for organisers"),
    "/aide/comite": ("Aide aux membres du comité", "Help for committee members"),
    "/accessibilite": ("Déclaration d’accessibilité", "Accessibility statement"),
}
MENTION = {"fr": "Accessibilité\u00a0: non conforme",
           "en": "Accessibility: not compliant"}


def words(text: str) -> str:
    """Whitespace (no-break spaces included) collapsed, as ``Element.text`` does."""
    return " ".join(text.split())


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- The pages, in both languages ---

@pytest.mark.parametrize("path", HELP_PAGES)
def test_help_pages_read_in_french_with_no_english_left(client, path):
    status, leaked, text = leftover_strings(client, path, "fr")
    assert status == 200
    assert not leaked, f"{path} shows untranslated strings: {leaked}"
    doc = parse(text)
    assert doc.find("html").get("lang") == "fr"
    assert doc.find("h1").text == TITLES[path][0]


@pytest.mark.parametrize("path", HELP_PAGES)
def test_help_pages_read_in_english_with_no_french_left(client, path):
    status, leaked, text = leftover_strings(client, path, "en")
    assert status == 200
    assert not leaked, f"{path} in English shows French strings: {leaked}"
    doc = parse(text)
    assert doc.find("html").get("lang") == "en"
    assert doc.find("h1").text == TITLES[path][1]


def test_the_index_leads_to_every_guide_and_the_statement(client):
    doc = parse(client.get("/aide").get_data(as_text=True))
    links = {a.get("href") for a in doc.find("main").find_all("a")}
    assert {f"/aide/{slug}" for slug in HELP_GUIDES} <= links
    assert "/accessibilite" in links
    assert client.get("/aide/inconnu").status_code == 404


@pytest.mark.parametrize("slug", list(HELP_GUIDES))
def test_each_guide_has_a_table_of_contents_to_its_sections_and_working_links(client, slug):
    doc = parse(client.get(f"/aide/{slug}").get_data(as_text=True))
    toc = doc.find("nav", class_="help-toc")
    anchors = [a.get("href") for a in toc.find_all("a")]
    assert len(anchors) >= 5
    for anchor in anchors:
        section = doc.by_id(anchor.removeprefix("#"))
        assert section is not None and section.tag == "h2", anchor
    # Step by step, with links to the pages themselves; every internal link answers.
    assert doc.find("ol", class_="help-steps") is not None
    for a in doc.find("main").find_all("a"):
        href = a.get("href")
        if href.startswith("/"):
            assert client.get(urlsplit(href).path).status_code in (200, 302), href


def test_the_guides_quote_the_programmes_rules_from_the_data(app, client):
    policy = aid_rules.POLICY_2016  # the only year opened here: its rules are quoted
    french = text_of(client.get("/aide/organisateur"))
    assert "au plus de 50\u00a0% du coût total" in french
    # French groups thousands with a narrow no-break space (CLDR), as the money filter does.
    assert "au plus de 12\u202f500\u00a0€" in french and "25\u202f000\u00a0€" in french
    english = text_of(client.get("/aide/comite", headers={"Accept-Language": "en"}))
    assert "at most 50% of the total cost and at most 12,500\u00a0€" in english
    assert "at most 5,000\u00a0€ for operating" in english
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert programme_figures(policy)["cap"] == "12,500\u00a0€"


# --- The accessibility statement (RGAA 4.1, DINUM model) ---

def test_the_statement_follows_the_official_model(client):
    response = client.get("/accessibilite")
    doc = parse(response.get_data(as_text=True))
    headings = [h.text for h in doc.find("main").find_all("h2")]
    assert headings == ["État de conformité", "Contenus non accessibles",
                        "Établissement de cette déclaration d’accessibilité",
                        "Retour d’information et contact", "Voies de recours"]
    text = text_of(response)
    for expected in ("non conforme", "aucun audit en cours de validité", "RGAA), version 4.1",
                     "article 47 de la loi n°\u00a02005-102 du 11 février 2005",
                     "L’audit de conformité par un organisme indépendant n’a pas encore",
                     "Cette déclaration a été établie le 30 novembre 2026.",
                     "Technologies utilisées pour la réalisation du site", "Environnement de test",
                     "Défenseur des droits", "Libre réponse 71120"):
        assert expected in text, expected
    links = {a.get("href") for a in doc.find_all("a")}
    assert "https://formulaire.defenseurdesdroits.fr/" in links


def test_the_statement_gives_the_configured_contact(make_app, client):
    assert "mailto:" not in client.get("/accessibilite").get_data(as_text=True)
    app = make_app(ACCESSIBILITY_CONTACT="accessibilite@hautsdefrance.example")
    page = app.test_client().get("/accessibilite").get_data(as_text=True)
    assert 'href="mailto:accessibilite@hautsdefrance.example"' in page
    settings = config.load("testing", environ={"ACCESSIBILITY_CONTACT": " https://x.example/a11y "})
    assert settings.ACCESSIBILITY_CONTACT == "https://x.example/a11y"


# --- The footer's mention and the header's link, on every page ---

def footer_mention(response, language: str = "fr"):
    doc = parse(response.get_data(as_text=True))
    footer = doc.find("footer")
    assert footer is not None, "no footer"
    return [a for a in footer.find_all("a")
            if a.get("href") == "/accessibilite" and a.text == words(MENTION[language])]


def test_every_page_has_the_rgaa_mention_and_the_help_link(app, client, db):
    demo.seed()
    paths = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and r.endpoint != "static"]
    paths += [f"/events/{e.id}" for e in db.session.scalars(select(Event))]
    paths += [f"/projects/{p.id}" for p in db.session.scalars(select(Project))]
    paths += ["/no-such-page"]
    checked = 0
    for path in paths:
        response = client.get(path)
        if response.status_code in (301, 302, 303) or \
                not response.content_type.startswith("text/html"):
            continue
        assert footer_mention(response), path
        nav = parse(response.get_data(as_text=True)).find("nav", class_="main-nav")
        assert nav.find("a", href="/aide") is not None, path
        checked += 1
    assert checked >= 20
    english = client.get("/", headers={"Accept-Language": "en"})
    assert footer_mention(english, "en")


def test_the_help_menu_item_is_marked_current_on_help_pages(client):
    nav = parse(client.get("/aide/participant").get_data(as_text=True)).find("nav",
                                                                              class_="main-nav")
    assert nav.find("a", href="/aide").get("aria-current") == "page"
    home_nav = parse(client.get("/").get_data(as_text=True)).find("nav", class_="main-nav")
    assert home_nav.find("a", href="/aide").get("aria-current") is None


# --- Contextual links from the pages where users need help ---

@pytest.fixture
def story(app, db):
    """The demo's story: its people by login, and the objects the pages show."""
    assert demo.seed()
    people = {u.email.split("@")[0]: u for u in db.session.scalars(select(User))}
    live = db.session.scalar(select(VotingRound).where(VotingRound.status == RoundStatus.OPEN))
    team = db.session.scalar(select(Team).where(Team.event_id == live.event_id))
    application = db.session.scalar(select(CofundingApplication).where(
        CofundingApplication.status == "submitted"))
    project = db.session.scalar(select(Project).where(Project.stage == "projet"))
    return {"people": people, "round": live, "team": team, "application": application,
            "project": project}


def contextual_pages(story):
    """(who, page, help guide, section) for every page that links to its help."""
    event_id = story["round"].event_id
    return [
        (None, "/needs", "citoyen", "soutenir"),
        ("citoyenne", "/needs/new", "citoyen", "publier-un-besoin"),
        (None, f"/events/{event_id}", "participant", "inscription"),
        ("citoyenne", f"/events/{event_id}/teams", "participant", "equipes"),
        ("citoyenne", f"/teams/{story['team'].id}", "participant", "equipes"),
        ("citoyenne", f"/events/{event_id}/teams/new", "participant", "equipes"),
        ("orga2", f"/events/{event_id}/teams/settings", "organisateur", "equipes"),
        ("citoyenne", f"/rounds/{story['round'].id}", "participant", "vote"),
        ("orga", f"/events/{story['application'].event_id}/cofunding", "organisateur",
         "cofinancement"),
        ("comite", "/aid/applications", "comite", "cofinancement"),
        ("comite", f"/projects/{story['project'].id}", "comite", "parcours"),
        ("comite", "/committee/labels", "comite", "labels"),
    ]


def test_each_page_links_to_the_right_help_section(app, story):
    clients = {}
    for who, path, guide, section in contextual_pages(story):
        if who not in clients:
            clients[who] = app.test_client()
            if who is not None:
                clients[who].post_form("/login", {"email": story["people"][who].email,
                                                  "password": demo.DEMO_PASSWORD},
                                       token_from="/login")
        client = clients[who]
        response = client.get(path)
        assert response.status_code == 200, path
        doc = parse(response.get_data(as_text=True))
        links = [a for a in doc.find("main").find_all("a")
                 if (a.get("href") or "").startswith("/aide/")]
        assert [a.get("href") for a in links] == [f"/aide/{guide}#{section}"], path
        assert links[0].text.startswith("Aide :"), (path, links[0].text)
        target = parse(client.get(f"/aide/{guide}").get_data(as_text=True))
        heading = target.by_id(section)
        assert heading is not None and heading.tag == "h2", (path, section)


def test_contextual_links_follow_the_language(client, story):
    response = client.get("/needs", headers={"Accept-Language": "en"})
    link = parse(response.get_data(as_text=True)).find("a", href="/aide/citoyen#soutenir")
    assert link.text == "Help: how to post and support needs"
