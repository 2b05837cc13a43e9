"""« Je cherche une équipe » and the suggestions shown to participants and to team leads."""

from __future__ import annotations

import pytest

from inspir_events.events import participation
from inspir_events.teams import queries, services
from inspir_events.teams.models import TeamSeeker
from tests.events.conftest import text_of
from tests.pages import parse

LISTED = "Vous figurez parmi les personnes qui cherchent une équipe."
UNLISTED = "Vous ne figurez plus parmi les personnes qui cherchent une équipe."


def seek(client, event, skills=(), seeking=True):
    data = {"skills": list(skills)}
    if seeking:
        data["seeking"] = "y"
    return client.post_form(f"/events/{event.id}/seeking", data)


def seeker(db, event, user) -> TeamSeeker | None:
    db.session.expire_all()
    return db.session.get(TeamSeeker, (event.id, user.id))


def seeking_form(client, event):
    doc = parse(client.get(f"/events/{event.id}/teams").get_data(as_text=True))
    return doc.find("form", action=f"/events/{event.id}/seeking")


def checked(form, name) -> set[str]:
    return {box.get("value") for box in form.find_all("input", name=name) if "checked" in box.attrs}


def suggested_teams(client, event) -> list[str]:
    """The names of the teams suggested on the event's teams page, in order."""
    doc = parse(client.get(f"/events/{event.id}/teams").get_data(as_text=True))
    listing = doc.find("ol", class_="suggestions")
    return [item.find("a").text for item in listing.find_all("li")] if listing else []


def suggested_people(client, team) -> list[str]:
    """The lines of the people suggested to the lead on the team's page, in order."""
    doc = parse(client.get(f"/teams/{team.id}").get_data(as_text=True))
    listing = doc.find("ol", class_="suggestions")
    return [item.text for item in listing.find_all("li")] if listing else []


# --- Marking oneself as looking for a team ---

def test_a_participant_marks_and_unmarks_themself(db, browser, make_participant, team_event):
    me = make_participant(name="Inès", skills=("developpement", "donnees"))
    client = browser(me)
    form = seeking_form(client, team_event)
    assert "Je cherche une équipe" in form.text
    # not looking yet; the skills offered are the profile's
    assert checked(form, "seeking") == set()
    assert checked(form, "skills") == {"developpement", "donnees"}

    response = seek(client, team_event, ["usager", "design"])
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{team_event.id}/teams"
    page = text_of(client.get(f"/events/{team_event.id}/teams"))
    assert LISTED in page
    assert seeker(db, team_event, me).skills == ["design", "usager"]
    form = seeking_form(client, team_event)
    assert checked(form, "seeking") == {"y"}
    assert checked(form, "skills") == {"design", "usager"}
    # adjusting the skills for this event leaves the profile alone
    db.session.refresh(me)
    assert [s.code for s in me.skills] == ["developpement", "donnees"]

    seek(client, team_event, ["usager"])
    assert seeker(db, team_event, me).skills == ["usager"]

    seek(client, team_event, ["usager"], seeking=False)
    assert UNLISTED in text_of(client.get(f"/events/{team_event.id}/teams"))
    assert seeker(db, team_event, me) is None
    assert checked(seeking_form(client, team_event), "skills") == {"developpement", "donnees"}


def test_skills_are_per_event(db, browser, make_event, make_participant, team_event):
    other_event = make_event()
    me = make_participant(skills=("animation",))
    participation.register(me, other_event.id)
    client = browser(me)
    seek(client, team_event, ["design"])
    seek(client, other_event, ["juridique_economie", "communication"])
    assert seeker(db, team_event, me).skills == ["design"]
    assert seeker(db, other_event, me).skills == ["communication", "juridique_economie"]
    assert queries.skills_at(team_event.id, [me.id]) == {me.id: frozenset({"design"})}
    seek(client, other_event, seeking=False)
    assert seeker(db, team_event, me).skills == ["design"]
    assert queries.skills_at(other_event.id, [me.id]) == {me.id: frozenset({"animation"})}


def test_unknown_skills_are_refused(db, browser, participant, team_event):
    client = browser(participant)
    seek(client, team_event, ["design", "magie"])
    assert "Compétence inconnue." in text_of(client.get(f"/events/{team_event.id}/teams"))
    assert seeker(db, team_event, participant) is None


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", None])
def test_only_confirmed_participants_look_for_a_team(db, browser, make_participant, team_event,
                                                     status):
    person = make_participant(status=status)
    client = browser(person)
    assert seeking_form(client, team_event) is None
    response = seek(client, team_event, ["design"])
    assert response.status_code == 403
    assert "Seuls les participants confirmés" in text_of(response)
    assert seeker(db, team_event, person) is None


def test_someone_in_a_team_does_not_look_for_one(db, browser, participant, make_team,
                                                 team_event):
    make_team(participant)
    client = browser(participant)
    assert seeking_form(client, team_event) is None
    seek(client, team_event, ["design"])
    assert ("Vous faites déjà partie d’une équipe à cet événement."
            in text_of(client.get(f"/events/{team_event.id}/teams")))
    assert seeker(db, team_event, participant) is None


# --- Suggestions for a participant ---

@pytest.fixture
def teams(make_participant, make_team):
    """Four teams; the leads' skills come from their profiles."""
    return {
        "A": make_team(make_participant(skills=("design",)), name="Appli covoiturage",
                       wanted_roles=["developpement", "design"], max_size=6),
        "B": make_team(make_participant(skills=("design",)), name="Complète",
                       wanted_roles=["developpement"], max_size=2,
                       members=[make_participant()]),
        "C": make_team(make_participant(skills=("usager",)), name="Carte des bus",
                       wanted_roles=["design"]),
        "D": make_team(make_participant(skills=("usager",)), name="Données ouvertes",
                       wanted_roles=["developpement", "donnees"], max_size=2),
    }


def test_a_participant_sees_the_teams_missing_what_they_bring(db, browser, make_participant,
                                                              team_event, teams):
    me = make_participant(skills=("developpement",))
    client = browser(me)
    # A: brings développement, room 5 (counts 3); D: brings it too, room 1; B is full;
    # C misses nothing I bring.
    assert suggested_teams(client, team_event) == ["Appli covoiturage", "Données ouvertes"]
    doc = parse(client.get(f"/events/{team_event.id}/teams").get_data(as_text=True))
    first = doc.find("ol", class_="suggestions").find("li")
    assert "vous apportez : Développement" in first.text  # .text folds the no-break space
    # the skills set for the event count, not the profile's
    seek(client, team_event, ["donnees"])
    assert suggested_teams(client, team_event) == ["Données ouvertes"]


def test_teams_without_an_inhabitant_are_favoured_for_inhabitants(db, browser,
                                                                  make_participant,
                                                                  team_event, teams):
    me = make_participant()
    client = browser(me)
    seek(client, team_event, ["usager"])
    # A and B lack an inhabitant, B is full; C and D have one and miss no "usager".
    assert suggested_teams(client, team_event) == ["Appli covoiturage"]
    doc = parse(client.get(f"/events/{team_event.id}/teams").get_data(as_text=True))
    item = doc.find("ol", class_="suggestions").find("li")
    assert "co-conception : l’équipe n’a pas encore d’habitant" in item.text


def test_no_suggestion_once_in_a_team_or_when_not_confirmed(db, browser, make_participant,
                                                            make_team, team_event, teams):
    member = make_participant(skills=("developpement",))
    services.join(member, teams["A"].id)
    assert suggested_teams(browser(member), team_event) == []
    waiting = make_participant(skills=("developpement",), status="waitlisted")
    assert suggested_teams(browser(waiting), team_event) == []


# --- Suggestions for a team lead ---

def test_a_lead_sees_the_people_who_cover_the_missing_roles(db, browser, make_participant,
                                                            make_team, team_event):
    lead = make_participant(skills=("design",))
    team = make_team(lead, name="Appli covoiturage",
                     wanted_roles=["developpement", "usager", "design"])
    people = {}
    for name, skills in [("Dev", ["developpement"]), ("Dev et habitante", ["developpement",
                                                                          "usager"]),
                         ("Animateur", ["animation"]), ("Designer", ["design"])]:
        people[name] = make_participant(name=name)
        services.set_seeking(people[name], team_event.id, True, skills)
    # with "développement" on the profile but not looking for a team
    make_participant(name="Pas en recherche", skills=("developpement",))
    # looking, then no longer a confirmed participant
    gone = make_participant(name="Désinscrite")
    services.set_seeking(gone, team_event.id, True, ["usager"])
    participation.unregister(gone, team_event.id)
    # profile says développement, but brings communication to this event
    adjusted = make_participant(name="Communicante", skills=("developpement",))
    services.set_seeking(adjusted, team_event.id, True, ["communication"])

    lines = suggested_people(browser(lead), team)
    assert [line.split(" — ")[0] for line in lines] == ["Dev et habitante", "Dev"]
    assert "Développement, Usager, citoyen" in lines[0]
    assert "habitant ou futur usager" in lines[0]
    assert "habitant ou futur usager" not in lines[1]
    # once in a team, no longer suggested
    services.join(people["Dev et habitante"], team.id)
    assert [line.split(" — ")[0] for line in suggested_people(browser(lead), team)] == ["Dev"]


def test_only_the_lead_sees_the_suggested_people(db, browser, make_participant, make_team,
                                                 team_event):
    lead = make_participant()
    member = make_participant()
    team = make_team(lead, wanted_roles=["developpement"], members=[member])
    services.set_seeking(make_participant(name="Dev"), team_event.id, True, ["developpement"])
    assert len(suggested_people(browser(lead), team)) == 1
    assert suggested_people(browser(member), team) == []
    page = text_of(browser(member).get(f"/teams/{team.id}"))
    assert "Personnes qui cherchent une équipe" not in page


def test_nobody_to_suggest_is_said(db, browser, make_participant, make_team):
    lead = make_participant()
    team = make_team(lead, wanted_roles=["developpement"])
    assert "Personne ne correspond pour l’instant." in text_of(browser(lead).get(
        f"/teams/{team.id}"))
