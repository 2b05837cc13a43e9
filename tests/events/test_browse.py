"""Browsing events: upcoming and past, filters, the event page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from inspir_events.accounts.models import Role
from inspir_events.events import participation, services
from inspir_events.events.rules import EventKind
from inspir_events.labels import services as labels
from inspir_events.labels.charter import PRINCIPLE_CODES
from inspir_events.needs.rules import Visibility
from inspir_events.timeutil import utcnow
from tests.events.conftest import soon, text_of
from tests.needs.test_queries import count_get
from tests.pages import parse


def titles(response) -> list[str]:
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    return [card.find("h3").text for card in doc.find_all("article", class_="event-card")]


@pytest.fixture
def varied(db, make_event, make_user, organiser):
    """Five public events (one past, one cancelled, one labelled) and a draft."""
    past_start = utcnow() - timedelta(days=20)
    make_event(title="Rencontre passée à Lille", kind=EventKind.MEETING, department_code="59",
               starts_at=past_start, ends_at=past_start + timedelta(hours=2))
    make_event(title="Hackathon santé à Laon", department_code="02", theme_codes=["sante"],
               starts_at=soon(5))
    workshop = make_event(title="Atelier mobilités à Amiens", kind=EventKind.WORKSHOP,
                          theme_codes=["transports"], starts_at=soon(3))
    make_event(title="Groupe de travail annulé", kind=EventKind.WORKING_GROUP,
               starts_at=soon(4), cancelled=True)
    make_event(title="Brouillon invisible", starts_at=soon(6), published=False)
    make_event(title="Rencontre à Beauvais", kind=EventKind.MEETING, department_code="60",
               theme_codes=["transports", "sante"], starts_at=soon(8))
    request = services.request_label(organiser, workshop.id,
                                     {c: "Oui." for c in PRINCIPLE_CODES}, "/x")
    labels.decide(make_user(roles=(Role.COMMITTEE,)), request.id, True, "Exemplaire.")


UPCOMING = ["Atelier mobilités à Amiens", "Groupe de travail annulé", "Hackathon santé à Laon",
            "Rencontre à Beauvais"]


def test_upcoming_events_soonest_first(client, varied):
    response = client.get("/events")
    assert titles(response) == UPCOMING
    text = text_of(response)
    assert "Événements à venir" in text and "4 événements" in text


def test_past_events_latest_first(client, varied):
    response = client.get("/events?when=past")
    assert titles(response) == ["Rencontre passée à Lille"]
    assert "Événements passés" in text_of(response)


def test_a_cancelled_event_stays_listed_as_cancelled(client, varied):
    doc = parse(client.get("/events").get_data(as_text=True))
    card = next(c for c in doc.find_all("article", class_="event-card")
                if c.find("h3").text == "Groupe de travail annulé")
    assert card.find("strong", class_="cancelled").text == "Annulé"


@pytest.mark.parametrize(("query", "expected"), [
    ("department=80", ["Atelier mobilités à Amiens", "Groupe de travail annulé"]),
    ("department=60", ["Rencontre à Beauvais"]),
    ("kind=rencontre", ["Rencontre à Beauvais"]),
    ("kind=rencontre&when=past", ["Rencontre passée à Lille"]),
    ("kind=atelier", ["Atelier mobilités à Amiens"]),
    ("theme=sante", ["Hackathon santé à Laon", "Rencontre à Beauvais"]),
    ("theme=transports&department=60", ["Rencontre à Beauvais"]),
    ("labelled=1", ["Atelier mobilités à Amiens"]),
    ("labelled=1&department=02", []),
    ("kind=nonsense", UPCOMING),
    ("when=nonsense", UPCOMING),
])
def test_filters(client, varied, query, expected):
    assert titles(client.get(f"/events?{query}")) == expected


def test_filters_are_kept_in_the_form_and_the_feed_link(client, varied):
    doc = parse(client.get("/events?department=80&kind=atelier&labelled=1").get_data(
        as_text=True))
    assert doc.find("select", id="department").find("option", value="80").attrs.keys() >= {
        "selected"}
    assert doc.find("select", id="kind").find("option", value="atelier").attrs.keys() >= {
        "selected"}
    assert doc.find("input", id="labelled").attrs.keys() >= {"checked"}
    feed = doc.find("p", class_="open-data").find("a")
    assert feed.get("href") == "/events.ics?department=80&kind=atelier&labelled=1"


def test_an_empty_listing_says_so(client):
    assert "Aucun événement ne correspond à ces filtres." in text_of(client.get("/events"))


def test_listing_pages(client, make_event):
    for day in range(1, 23):
        make_event(title=f"Atelier du jour {day:02d}", starts_at=soon(day))
    first = titles(client.get("/events"))
    assert len(first) == 20 and first[0] == "Atelier du jour 01"
    assert titles(client.get("/events?page=2")) == ["Atelier du jour 21", "Atelier du jour 22"]
    assert "Page 1 sur 2" in text_of(client.get("/events"))


@pytest.mark.parametrize(("page", "shown"), [
    ("99999999999999999999", "Page 2 sur 2"), ("3", "Page 2 sur 2"), ("0", "Page 1 sur 2"),
    ("-4", "Page 1 sur 2"), ("deux", "Page 1 sur 2"),
])
def test_odd_page_numbers_show_a_real_page(client, make_event, page, shown):
    for day in range(1, 22):
        make_event(starts_at=soon(day))
    response = client.get(f"/events?page={page}")
    assert response.status_code == 200
    assert shown in text_of(response)
    assert len(titles(response)) == (1 if shown == "Page 2 sur 2" else 20)


def test_the_event_page(client, db, make_event, make_need, make_user, organiser):
    bus = make_need(title="Un bus le dimanche")
    doctor = make_need(title="Un médecin à Laon")
    event = make_event(title="Hackathon des mobilités", capacity=10, need_ids=[bus.id, doctor.id],
                       theme_codes=["transports"])
    colleague = make_user("sami@example.org", display_name="Sami", roles=(Role.ORGANISER,))
    services.add_organiser(organiser, event.id, "sami@example.org")
    for _ in range(3):
        participation.register(make_user(), event.id)
    response = client.get(f"/events/{event.id}")
    assert response.status_code == 200
    doc = parse(response.get_data(as_text=True))
    assert doc.find("h1").text == "Hackathon des mobilités"
    facts = doc.find("dl", class_="facts").text
    assert "Hackathon" in facts and "Amiens" in facts and "80 Somme" in facts
    assert "7 places restantes / 10" in facts
    assert "Un tiers (association, tiers-lieu, collectivité…)" in facts
    assert doc.find("strong").text == "des transports"  # Markdown rendered
    needs = doc.by_id("needs-title").parent
    assert [a.text for a in needs.find_all("a")] == ["Un bus le dimanche", "Un médecin à Laon"]
    organisers = [li.text for li in doc.by_id("organisers-title").parent.find_all("li")]
    assert organisers == ["Olivia Organisatrice", colleague.display_name]
    assert doc.find("a", href=f"/events/{event.id}.ics") is not None
    # visitors get no organiser tools
    assert doc.find("section", class_="organiser-tools") is None


def test_an_event_without_limit_or_needs(client, make_event):
    event = make_event(run_by="region")
    text = text_of(client.get(f"/events/{event.id}"))
    assert "Sans limite" in text and "Aucun besoin lié pour l’instant." in text
    assert "La Région elle-même" in text


def test_a_missing_event_is_not_found(client):
    assert client.get("/events/4242").status_code == 404


def test_needs_hidden_after_the_link_are_not_shown(client, db, make_event, make_need):
    need = make_need(title="Un besoin bientôt masqué")
    event = make_event(need_ids=[need.id])
    assert "Un besoin bientôt masqué" in text_of(client.get(f"/events/{event.id}"))
    need.visibility, need.hidden_reason = Visibility.HIDDEN, "Propos hors sujet"
    db.session.commit()
    text = text_of(client.get(f"/events/{event.id}"))
    assert "Un besoin bientôt masqué" not in text
    assert "Aucun besoin lié pour l’instant." in text


HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [
    f"/events/{HUGE}", f"/events/{HUGE}.ics", f"/events/{HUGE}/edit", f"/events/{HUGE}/label",
    f"/events/{HUGE}/registrations", f"/events/{HUGE}/registrations.csv", "/events/2147483648",
])
def test_ids_beyond_the_database_are_not_found(client, login, organiser, url):
    login(organiser)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    f"/events/{HUGE}/register", f"/events/{HUGE}/publish",
    f"/events/1/registrations/{HUGE}/attendance", f"/committee/labels/{HUGE}/decide",
])
def test_posts_to_ids_beyond_the_database_are_not_found(client, login, make_user, make_event,
                                                        url):
    make_event()
    login(make_user(roles=(Role.ORGANISER, Role.COMMITTEE)))
    response = client.post_form(url, {"decision": "grant", "reason": "x",
                                      "attendance": "present"})
    assert response.status_code == 404


def test_times_are_shown_in_paris_time(client, make_event):
    event = make_event(title="Atelier d’été", starts_at=datetime(2031, 7, 14, 8, 0),
                       ends_at=datetime(2031, 7, 14, 16, 0))
    facts = parse(client.get(f"/events/{event.id}").get_data(as_text=True)).find(
        "dl", class_="facts").text
    assert "lundi 14 juillet 2031, 10:00 – 14/07/2031 18:00" in facts
    card = parse(client.get("/events?when=all").get_data(as_text=True)).find("p", class_="when")
    assert card.text == "lundi 14 juillet 2031, 10:00"
    assert card.find("time").get("datetime") == "2031-07-14T08:00:00Z"


BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@BACKENDS
def test_the_viewer_s_registration_and_the_themes_come_with_the_event(
        client, db, make_event, make_user, login):
    """EVENT_PAGE reads the signed-in viewer's registration, the event's organisers and
    themes, its label request, its picture and whether the viewer follows it with the event
    (each was a statement of its own); a visitor, or someone not registered, gets none, and a draft
    stays hidden from them."""
    event_id = make_event(theme_codes=["transports", "sante"]).id
    other_id = make_event(theme_codes=[]).id
    draft_id = make_event(published=False).id
    viewer = make_user(display_name="Nadia")
    participation.register(viewer, event_id)
    anonymous = text_of(client.get(f"/events/{event_id}"))
    assert "Santé" in anonymous and "Vous êtes inscrit" not in anonymous
    login(viewer)
    db.session.expunge_all()  # nothing already loaded: every statement counted
    statements = count_get(client, db, f"/events/{event_id}")
    alone = [sql for sql in statements
             if re.match(r"\s*SELECT (registration|event_theme|label_request|picture|follow|"
                         r"event_organiser)\.", sql)]
    assert alone == [], alone
    shown = text_of(client.get(f"/events/{event_id}"))
    assert "Vous êtes inscrit" in shown and "Transports" in shown and "Santé" in shown
    assert "Vous êtes inscrit" not in text_of(client.get(f"/events/{other_id}"))
    assert client.get(f"/events/{draft_id}").status_code == 404


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_the_event_page_loads_what_it_shows_with_the_event(client, db, backend, make_event,
                                                           make_need, make_user, organiser):
    """The event's territory, organisers, themes and public needs come with it (EVENT_PAGE):
    one statement whatever it links and however many organise it, none for its department,
    commune, intercommunality or needs alone."""
    bare = make_event(theme_codes=["transports"])
    needs = [make_need(title=f"Besoin {n}") for n in range(3)]
    linked = make_event(need_ids=[n.id for n in needs], theme_codes=["transports", "sante"])
    for email in ("sami@example.org", "lea@example.org"):
        make_user(email, roles=(Role.ORGANISER,))
        services.add_organiser(organiser, linked.id, email)
    titles, linked_id = [n.title for n in needs], linked.id
    need_ids = [n.id for n in needs]
    client.get(f"/events/{bare.id}")  # the reference rows, read once per process
    counts = []
    for event_id in (bare.id, linked_id):
        db.session.expunge_all()  # nothing already loaded: every statement counted
        statements = count_get(client, db, f"/events/{event_id}")
        assert not any(re.search(r"FROM (department|commune|epci) WHERE", sql)
                       for sql in statements)
        assert not any(re.match(r"\s*SELECT need\.", sql) for sql in statements)
        counts.append(statements)
    assert len(counts[0]) == len(counts[1]) == 1, counts
    page = parse(client.get(f"/events/{linked_id}").get_data(as_text=True))
    listed = page.by_id("needs-title").parent.find_all("li")
    assert [li.find("a").text for li in listed] == titles  # by id, as linked
    assert [li.find("a").get("href") for li in listed] == [f"/needs/{n}" for n in need_ids]
    assert all("0 soutien" in li.text for li in listed)
    assert "Aucun besoin lié" in text_of(client.get(f"/events/{bare.id}"))


def test_the_co_organiser_form_is_made_for_organisers_only(client, login, make_event,
                                                          make_user, organiser, monkeypatch):
    """The form adding a co-organiser is part of the organisers' tools: a visitor's or a
    participant's page does not build it (a tenth of a signed-in event page's own work)."""
    from inspir_events.events import routes

    made = []
    real, real_form = routes.OrganiserForm, routes.FlaskForm
    monkeypatch.setattr(routes, "OrganiserForm", lambda: made.append(1) or real())
    monkeypatch.setattr(routes, "FlaskForm", lambda: made.append("form") or real_form())
    event = make_event()
    login(make_user())
    page = client.get(f"/events/{event.id}")
    assert page.status_code == 200
    assert made == []  # its buttons' forms carry the session's token, no form object
    token = re.search(r'action="/events/\d+/register">\s*<input type="hidden" '
                      r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert client.post(f"/events/{event.id}/register",
                       data={"csrf_token": token.group(1)}).status_code == 302
    client.post_form("/logout", token_from="/")
    login(organiser)
    page = parse(client.get(f"/events/{event.id}").get_data(as_text=True))
    assert made == [1]
    assert page.find("section", class_="organiser-tools").find("input", id="email") is not None


def test_the_event_page_reads_its_needs_through_its_links(client, db, make_event, make_need):
    """SQLite, without statistics, read the event's needs' ids and supporters (columns of
    the public needs' index) through that whole index — 2.5 ms with 10,000 needs — when each
    list had its own selection (database.related_lists): the event's links lead, each need
    read by its id."""
    from sqlalchemy import event as sa_event

    for n in range(30):
        make_need(title=f"Besoin {n}")
    linked = make_event(need_ids=[make_need(title="Lié").id])
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "event_need" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert "Lié" in text_of(client.get(f"/events/{linked.id}"))
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = seen[-1]
    with db.engine.connect() as connection:
        plan = [row[3] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters)]
    reads_of_needs = [step for step in plan if re.search(r"\bneed\b", step)]
    assert reads_of_needs and all("INTEGER PRIMARY KEY" in step for step in reads_of_needs), plan


def test_an_event_page_s_macros_are_imported_once(client, make_event, make_user, login,
                                                  monkeypatch):
    """The layout's helpers and the signed-in account are template globals, so the event
    page imports its macros (follow button, picture, label badge) without its context: their
    modules are made once, not again at each page (a tenth of its template's work). The
    macros still see the account: the follow button for a signed-in person, the sign-in link
    for a visitor."""
    import jinja2

    event = make_event()
    assert "Connectez-vous pour le suivre" in text_of(client.get(f"/events/{event.id}"))
    login(make_user(display_name="Suzanne"))
    client.get(f"/events/{event.id}")
    made = []
    real = jinja2.Template.make_module
    monkeypatch.setattr(jinja2.Template, "make_module",
                        lambda self, *args, **kwargs: made.append(self.name)
                        or real(self, *args, **kwargs))
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'class="follow-button"' in page
    assert made == [], made


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_the_event_page_loads_its_territory_and_label_as_columns(client, db, backend,
                                                                 make_event, organiser,
                                                                 login):
    """What the event page shows of its department (the reference rows), intercommunality
    and label request comes without loading them as objects (the ORM's work on them was a
    tenth of the page): the same page."""
    from sqlalchemy import event as sa_event

    from inspir_events.labels.models import LabelRequest
    from inspir_events.reference.models import Commune, Department, Epci

    event_id = make_event(venue_commune="Abbeville", department_code="80").id
    services.request_label(organiser, event_id, {c: "Oui." for c in PRINCIPLE_CODES}, "/x")
    login(organiser)
    client.get(f"/events/{event_id}")
    loaded = []

    def on_load(target, context):
        loaded.append(type(target).__name__)

    for kind in (Department, Commune, Epci, LabelRequest):
        sa_event.listen(kind, "load", on_load)
    try:
        db.session.expunge_all()
        page = text_of(client.get(f"/events/{event_id}"))
    finally:
        for kind in (Department, Commune, Epci, LabelRequest):
            sa_event.remove(kind, "load", on_load)
    assert loaded == []
    assert "Abbeville" in page and "80 Somme" in page
    assert "Intercommunalité" in page and "en attente de la décision du comité" in page


@BACKENDS
def test_the_event_page_reads_columns_not_objects(client, db, backend, make_event, make_user,
                                                  organiser, login):
    """The event page's statement is one of columns (EVENT_PAGE): no ORM execution for the
    event, its organisers, the viewer's registration or its picture (the ORM's work on them
    was a fifth of a signed-in event page); the page shows the same, and its organisers'
    tools still know them."""
    from sqlalchemy import event as sa_event

    from inspir_events.database import begin_write
    from inspir_events.extensions import db as extension
    from inspir_events.uploads.models import Picture

    event_id = make_event().id
    make_user("sami@example.org", display_name="Sami Coorganisateur", roles=(Role.ORGANISER,))
    services.add_organiser(organiser, event_id, "sami@example.org")
    begin_write()
    db.session.add(Picture(subject_type="event", subject_id=event_id, width=640, height=480,
                           renditions=[{"width": 640, "height": 480, "name": "abc123"}],
                           alt="La salle du hackathon"))
    db.session.commit()
    viewer = make_user(display_name="Nadia")
    participation.register(viewer, event_id)
    executions = []

    def seen(state):
        executions.append(str(state.statement)[:80])

    pages = {}
    people = [(SimpleNamespace(email=user.email), user.display_name)
              for user in (viewer, organiser)]
    for person, name in people:
        login(person)
        client.get(f"/events/{event_id}")
        db.session.expunge_all()
        sa_event.listen(extension.session, "do_orm_execute", seen)
        try:
            pages[name] = client.get(f"/events/{event_id}")
        finally:
            sa_event.remove(extension.session, "do_orm_execute", seen)
        client.post_form("/logout", token_from="/")
    assert executions == []
    seen_by_viewer = parse(pages["Nadia"].get_data(as_text=True))
    organisers = seen_by_viewer.by_id("organisers-title").parent.find_all("li")
    assert [li.text for li in organisers] == ["Olivia Organisatrice", "Sami Coorganisateur"]
    image = seen_by_viewer.find("img", class_="subject-picture")
    assert image.get("alt") == "La salle du hackathon" and image.get("src").endswith("/abc123")
    assert "Vous êtes inscrit" in text_of(pages["Nadia"])
    assert seen_by_viewer.find("section", class_="organiser-tools") is None
    seen_by_organiser = parse(pages["Olivia Organisatrice"].get_data(as_text=True))
    assert seen_by_organiser.find("section", class_="organiser-tools") is not None
    assert "Changer l'image" in text_of(pages["Olivia Organisatrice"])
