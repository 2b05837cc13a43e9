"""The event's teams page (multidisciplinarity), the organisers' settings and CSV export, and
every team page in French and in English with nothing of the other language left."""

from __future__ import annotations

import csv
import html
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.events import participation
from inspir_events.events.models import Event
from inspir_events.teams import services
from inspir_events.teams.models import JoinRequest, Team
from inspir_events.teams.rules import JoinPolicy, RequestStatus
from inspir_events.timeutil import utc_to_paris, utcnow
from tests.events.conftest import text_of
from tests.pages import parse
from tests.test_i18n import leftover_strings

FROZEN_NOTICE = "Les équipes sont figées\u00a0: plus personne ne les rejoint ni ne les quitte."
FROZEN = ("Les équipes de cet événement sont figées\u00a0: plus personne ne les rejoint ni ne "
          "les quitte.")


def stored_event(db, event) -> Event:
    db.session.expire_all()
    return db.session.get(Event, event.id)


def card(client, event, name):
    """The card of the team called ``name`` on the event's teams page."""
    doc = parse(client.get(f"/events/{event.id}/teams").get_data(as_text=True))
    for article in doc.find_all("article", class_="team-card"):
        if article.find("h2").text == name:
            return article
    raise AssertionError(f"no card for {name!r}")


def roles(article, state) -> list[str]:
    return [li.text.split(" (")[0].lstrip("✓○ ").strip()
            for li in article.find_all("li", class_=f"role-{state}")]


# --- The teams page and the multidisciplinarity indicator ---

def test_each_team_shows_its_covered_and_missing_roles(db, client, make_participant,
                                                       make_team, team_event):
    lead = make_participant(skills=("design",))
    make_team(lead, name="Appli covoiturage", max_size=5,
              wanted_roles=["developpement", "design", "usager"],
              members=[make_participant(skills=("developpement", "animation"))])
    make_team(make_participant(skills=("usager",)), name="Carte des bus",
              wanted_roles=["donnees"], join_policy=JoinPolicy.ON_REQUEST)
    make_team(make_participant(skills=("usager",)), name="Sans rôle")

    # visitors see the teams too
    appli = card(client, team_event, "Appli covoiturage")
    assert roles(appli, "covered") == ["Design", "Développement"]
    assert roles(appli, "missing") == ["Usager, citoyen"]
    assert "(couvert)" in appli.text and "(manquant)" in appli.text
    assert "Pas encore d’habitant ni de futur usager dans l’équipe." in appli.text
    assert "2 / 5" in appli.text
    assert "Ouverte" in appli.text

    carte = card(client, team_event, "Carte des bus")
    assert roles(carte, "covered") == []
    assert roles(carte, "missing") == ["Données"]
    assert "Pas encore d’habitant" not in carte.text  # its lead is an inhabitant
    assert "Sur demande" in carte.text

    sans = card(client, team_event, "Sans rôle")
    assert sans.find("ul", class_="roles") is None
    assert "Pas encore d’habitant" not in sans.text


def test_the_indicator_follows_the_members(db, client, make_participant, make_team,
                                           team_event):
    team = make_team(make_participant(skills=("design",)), name="Appli covoiturage",
                     wanted_roles=["usager", "design"])
    assert roles(card(client, team_event, "Appli covoiturage"), "missing") == ["Usager, citoyen"]
    inhabitant = make_participant(skills=("usager",))
    services.join(inhabitant, team.id)
    appli = card(client, team_event, "Appli covoiturage")
    assert roles(appli, "missing") == []
    assert roles(appli, "covered") == ["Design", "Usager, citoyen"]
    assert "Pas encore d’habitant" not in appli.text
    # also on the team's own page
    page = text_of(client.get(f"/teams/{team.id}"))
    assert "Multidisciplinarité" in page and "Pas encore d’habitant" not in page


def test_an_event_without_teams_says_so(client, team_event):
    page = text_of(client.get(f"/events/{team_event.id}/teams"))
    assert "Aucune équipe pour l’instant." in page
    # the event page links to its teams
    doc = parse(client.get(f"/events/{team_event.id}").get_data(as_text=True))
    assert doc.find("a", href=f"/events/{team_event.id}/teams") is not None


def test_draft_events_have_no_teams_page(client, browser, make_event, make_user):
    draft = make_event(published=False)
    assert client.get(f"/events/{draft.id}/teams").status_code == 404
    assert browser(make_user()).get(f"/events/{draft.id}/teams").status_code == 404


# --- The organisers' settings ---

def settings_url(event) -> str:
    return f"/events/{event.id}/teams/settings"


def save_settings(client, event, size="6", frozen_at=""):
    return client.post_form(settings_url(event), {"team_size_default": size,
                                                  "teams_frozen_at": frozen_at},
                            token_from=settings_url(event))


@pytest.mark.parametrize(("typed", "stored"), [
    ("07-14T18:30", datetime(2000, 7, 14, 16, 30)),  # summer: UTC+2
    ("01-15T09:00", datetime(2000, 1, 15, 8, 0)),    # winter: UTC+1
])
def test_the_organiser_sets_the_default_size_and_the_freeze_time_in_paris_time(
        db, browser, organiser, team_event, typed, stored):
    client = browser(organiser)
    doc = parse(client.get(f"/events/{team_event.id}/teams").get_data(as_text=True))
    assert doc.find("a", href=settings_url(team_event)) is not None
    form = parse(client.get(settings_url(team_event)).get_data(as_text=True))
    assert form.find("input", name="team_size_default").get("value") == "6"
    assert form.find("input", name="teams_frozen_at").get("value") in (None, "")

    year = utcnow().year + 1  # still to come: teams are not frozen yet
    typed, stored = f"{year}-{typed}", stored.replace(year=year)
    response = save_settings(client, team_event, "4", typed)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{team_event.id}/teams"
    assert "Paramètres des équipes enregistrés." in text_of(
        client.get(f"/events/{team_event.id}/teams"))
    row = stored_event(db, team_event)
    assert (row.team_size_default, row.teams_frozen_at) == (4, stored)
    form = parse(client.get(settings_url(team_event)).get_data(as_text=True))
    assert form.find("input", name="team_size_default").get("value") == "4"
    assert form.find("input", name="teams_frozen_at").get("value") == typed
    # the new default fills the creation form
    participation.register(organiser, team_event.id)
    creation = parse(client.get(f"/events/{team_event.id}/teams/new").get_data(as_text=True))
    assert creation.find("input", name="max_size").get("value") == "4"


@pytest.mark.parametrize("size", ["1", "13", ""])
def test_a_default_size_outside_2_to_12_is_refused(db, browser, organiser, team_event, size):
    response = save_settings(browser(organiser), team_event, size)
    assert response.status_code == 422
    assert "Une équipe compte entre 2 et 12 membres." in text_of(response)
    assert stored_event(db, team_event).team_size_default == 6


def test_only_the_organisers_change_the_settings(db, client, browser, participant, make_user,
                                                 team_event):
    for person in (participant, make_user(roles=(Role.ORGANISER,))):
        other = browser(person)
        assert other.get(settings_url(team_event)).status_code == 403
        assert save_settings(other, team_event, "3", "2027-07-14T18:30").status_code == 403
        assert "Paramètres des équipes" not in text_of(other.get(
            f"/events/{team_event.id}/teams"))
    response = client.get(settings_url(team_event))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    row = stored_event(db, team_event)
    assert (row.team_size_default, row.teams_frozen_at) == (6, None)


def test_freezing_blocks_joins_and_leaves_until_unfrozen(db, browser, organiser,
                                                         make_participant, make_team,
                                                         team_event):
    lead = make_participant()
    member = make_participant()
    team = make_team(lead, name="Les Bus", members=[member])
    newcomer = make_participant()
    organiser_client = browser(organiser)
    # a freeze time still to come changes nothing yet
    later = utc_to_paris(utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    save_settings(organiser_client, team_event, "6", later)
    assert FROZEN_NOTICE not in text_of(browser(newcomer).get(f"/events/{team_event.id}/teams"))
    # frozen from a minute ago (Paris time, as typed)
    earlier = utc_to_paris(utcnow() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    save_settings(organiser_client, team_event, "6", earlier)

    newcomer_client = browser(newcomer)
    index = text_of(newcomer_client.get(f"/events/{team_event.id}/teams"))
    assert FROZEN_NOTICE in index and "Créer une équipe" not in index
    newcomer_client.post_form(f"/teams/{team.id}/join")
    assert FROZEN in text_of(newcomer_client.get(f"/teams/{team.id}"))
    member_client = browser(member)
    assert "Quitter l’équipe" not in text_of(member_client.get(f"/teams/{team.id}"))
    member_client.post_form(f"/teams/{team.id}/leave")
    assert FROZEN in text_of(member_client.get(f"/teams/{team.id}"))
    db.session.expire_all()
    assert [m.user_id for m in db.session.get(Team, team.id).member_rows] == [lead.id, member.id]

    # unfrozen: joins and leaves again
    save_settings(organiser_client, team_event, "6", "")
    assert stored_event(db, team_event).teams_frozen_at is None
    newcomer_client.post_form(f"/teams/{team.id}/join")
    member_client.post_form(f"/teams/{team.id}/leave")
    db.session.expire_all()
    assert [m.user_id for m in db.session.get(Team, team.id).member_rows] == [lead.id,
                                                                             newcomer.id]


# --- The CSV export ---

def test_the_organiser_exports_the_teams_as_csv(db, browser, organiser, make_participant,
                                                make_team, make_need, team_event):
    need = make_need(title="Bus du dimanche")
    lead = make_participant(name="=HYPERLINK(\"http://evil.example\")", skills=("design",))
    make_team(lead, name="+Les Bus", wanted_roles=["design", "usager"], need_ids=[need.id],
              max_size=4, members=[make_participant(name="Inès", skills=("developpement",))])
    make_team(make_participant(name="Zoé"), name="@Carte", join_policy=JoinPolicy.ON_REQUEST)
    make_team(make_participant(name="Yann"), name="-1 Vélos")
    response = browser(organiser).get(f"/events/{team_event.id}/teams.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == ["team", "lead", "members", "size", "max_size", "join_policy",
                             "wanted_roles", "missing_roles", "needs"]
    by_name = {row["team"]: row for row in rows}
    # cells that a spreadsheet would take for formulas start with an apostrophe
    assert set(by_name) == {"'+Les Bus", "'@Carte", "'-1 Vélos"}
    bus = by_name["'+Les Bus"]
    assert bus["lead"] == "'=HYPERLINK(\"http://evil.example\")"
    assert bus["members"] == "'=HYPERLINK(\"http://evil.example\"); Inès"
    assert (bus["size"], bus["max_size"], bus["join_policy"]) == ("2", "4", "open")
    assert bus["wanted_roles"] == "design; usager"
    assert bus["missing_roles"] == "usager"
    assert bus["needs"] == f"#{need.id}"
    assert by_name["'@Carte"]["join_policy"] == "on_request"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_only_the_organisers_export_the_teams(db, client, browser, participant, make_team,
                                              team_event):
    make_team(participant)
    url = f"/events/{team_event.id}/teams.csv"
    assert browser(participant).get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "Exporter les équipes" not in text_of(browser(participant).get(
        f"/events/{team_event.id}/teams"))


# --- French and English, nothing of the other language left ---

@pytest.fixture
def pages(db, client, login, make_user, make_event, make_need, make_participant, make_team):
    """Every team page with every section shown, seen by an organiser who also takes part."""
    me = make_user(display_name="Olivia", roles=(Role.ORGANISER,))
    login(me)
    need = make_need(title="Un bus le dimanche")
    mine = make_event(by=me, title="Atelier des mobilités", need_ids=[need.id])
    participation.register(me, mine.id)
    team = make_team(me, mine, name="Les Navettes", wanted_roles=["developpement", "usager"],
                     need_ids=[need.id], join_policy=JoinPolicy.ON_REQUEST)
    services.join(make_participant(mine, name="Bruno"), team.id, "Je code.")
    services.set_seeking(make_participant(mine, name="Chloé"), mine.id, True, ["usager"])
    services.update_settings(me, mine.id, 5, utcnow() + timedelta(days=30))

    # at another event: declined, accepted, made lead, removed; then looking again
    other = make_event(title="Forum de l’habitat")
    participation.register(me, other.id)
    their_lead = make_participant(other, name="Dora")
    theirs = make_team(their_lead, other, name="Les Jardins", wanted_roles=["usager"],
                       join_policy=JoinPolicy.ON_REQUEST)
    for accept in (False, True):
        services.join(me, theirs.id)
        services.decide_request(their_lead, _pending(db, theirs).id, accept)
    services.hand_over(their_lead, theirs.id, me.id)
    services.hand_over(me, theirs.id, their_lead.id)
    services.remove_member(their_lead, theirs.id, me.id)
    services.set_seeking(me, other.id, True, ["usager"])

    # a frozen event
    frozen = make_event(by=me, title="Hackathon figé")
    frozen_team = make_team(make_participant(frozen), frozen, name="Les Figés")
    services.update_settings(me, frozen.id, 6, utcnow() - timedelta(days=1))

    client.get("/")  # shows the log-in message
    return [f"/events/{mine.id}/teams", f"/teams/{team.id}", f"/teams/{team.id}/edit",
            f"/events/{mine.id}/teams/settings", "/notifications", f"/events/{other.id}/teams",
            f"/events/{other.id}/teams/new", f"/teams/{theirs.id}",
            f"/events/{frozen.id}/teams", f"/teams/{frozen_team.id}", f"/events/{mine.id}"]


def _pending(db, team):
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.team_id == team.id, JoinRequest.status == RequestStatus.PENDING))


def test_the_pages_show_every_section(client, pages):
    """The fixture reaches what the language checks below must cover."""
    texts = [html.unescape(client.get(path).get_data(as_text=True)) for path in pages]
    everything = "\n".join(texts)
    for expected in ["Demandes pour rejoindre l’équipe", "Je code.",
                     "Personnes qui cherchent une équipe et apportent ce qui vous manque",
                     "Chloé", "Équipes qui ont besoin de ce que vous apportez",
                     "co-conception", FROZEN_NOTICE, "Multidisciplinarité",
                     "Bruno demande à rejoindre votre équipe",
                     "Votre demande pour rejoindre «\u00a0Les Jardins\u00a0» est refusée.",
                     "est acceptée", "Vous êtes désormais référent", "Vous ne faites plus partie",
                     "Paramètres des équipes", "Exporter les équipes (CSV)",
                     "Taille maximale d’une équipe par défaut", "Rôles recherchés par l’équipe"]:
        assert expected in everything, expected


def test_team_pages_have_no_english_left_in_french(client, pages):
    for path in pages:
        status, leaked, text = leftover_strings(client, path, "fr")
        assert status == 200, path
        assert not leaked, f"{path} shows untranslated strings: {leaked}"


def test_team_pages_have_no_french_left_in_english(client, pages):
    for path in pages:
        status, leaked, text = leftover_strings(client, path, "en")
        assert status == 200, path
        assert not leaked, f"{path} in English shows French strings: {leaked}"
        assert "Teams" in text or "Notifications" in text, path


def test_the_form_errors_follow_the_language(client, pages):
    url = pages[2]  # the edit form
    data = {"name": "Les Navettes", "max_size": "20", "join_policy": "open"}
    french = text_of(client.post_form(url, data, token_from=url))
    assert "Une équipe compte entre 2 et 12 membres." in french
    english = text_of(client.post_form(url, data, token_from=url,
                                       headers={"Accept-Language": "en"}))
    assert "A team has between 2 and 12 members." in english
    assert "Une équipe compte" not in english
