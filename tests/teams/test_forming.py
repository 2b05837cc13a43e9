"""Forming a team: who may, the name, pitch, needs, wanted roles and the maximum size."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.events import participation
from inspir_events.events import services as events
from inspir_events.needs.rules import Visibility
from inspir_events.teams import queries, services
from inspir_events.teams.models import Team, TeamMember
from inspir_events.teams.rules import JoinPolicy
from tests.events.conftest import text_of
from tests.pages import parse

NOT_CONFIRMED = ("Seuls les participants confirmés de l’événement peuvent le faire "
                 "(la liste d’attente ne compte pas).")
ALREADY_IN_A_TEAM = "Vous faites déjà partie d’une équipe à cet événement."
NAME_TAKEN = "Une autre équipe de cet événement porte déjà ce nom."
SIZE_RANGE = "Une équipe compte entre 2 et 12 membres."


def team_form(**overrides) -> dict:
    data = {"name": "Les Bus du Dimanche", "pitch": "Un bus à la demande le dimanche.",
            "wanted_roles": ["developpement", "usager"], "max_size": "5",
            "join_policy": "open"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def create(client, event, **overrides):
    url = f"/events/{event.id}/teams/new"
    return client.post_form(url, team_form(**overrides), token_from=url)


def teams_at(db, event) -> list[Team]:
    return list(db.session.scalars(select(Team).where(Team.event_id == event.id)
                                   .order_by(Team.id)))


def member_rows(db) -> int:
    return db.session.scalar(select(func.count()).select_from(TeamMember))


def test_a_confirmed_participant_creates_a_team_and_leads_it(db, browser, participant,
                                                             team_event, make_need):
    need = make_need(title="Pas de bus le dimanche")
    client = browser(participant)
    response = create(client, team_event, name="  Les   Bus du Dimanche ",
                      wanted_roles=["design", "usager"], needs=[str(need.id)], max_size="4",
                      join_policy="on_request")
    [team] = teams_at(db, team_event)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/teams/{team.id}"
    assert team.name == "Les Bus du Dimanche"  # spacing tidied
    assert team.pitch == "Un bus à la demande le dimanche."
    assert [r.code for r in team.wanted_roles] == ["design", "usager"]
    assert [n.id for n in team.needs] == [need.id]
    assert team.max_size == 4
    assert team.join_policy == JoinPolicy.ON_REQUEST
    assert team.lead_id == participant.id
    assert team.member_count == 1
    assert [m.user_id for m in team.member_rows] == [participant.id]

    page = text_of(client.get(f"/teams/{team.id}"))
    assert "Votre équipe est créée. Vous en êtes le référent." in page
    assert "Un bus à la demande le dimanche." in page
    assert "Pas de bus le dimanche" in page
    assert "1 / 4" in page


def test_the_form_offers_the_roles_the_events_needs_and_its_default_size(
        db, browser, organiser, participant, make_event, make_need, make_participant):
    need = make_need(title="Covoiturage vers le lycée")
    event = make_event(need_ids=[need.id])
    services.update_settings(organiser, event.id, 8, None)
    me = make_participant(event)
    doc = parse(browser(me).get(f"/events/{event.id}/teams/new").get_data(as_text=True))
    roles = {box.get("value") for box in doc.find_all("input", name="wanted_roles")}
    assert roles == {"developpement", "design", "donnees", "usager", "expert_metier",
                     "animation", "communication", "juridique_economie", "fabrication"}
    assert [box.get("value") for box in doc.find_all("input", name="needs")] == [str(need.id)]
    assert doc.find("input", name="max_size").get("value") == "8"
    assert "checked" in doc.find("input", name="join_policy", value="open").attrs


def test_an_empty_maximum_size_takes_the_events_default(db, browser, organiser, participant,
                                                        team_event):
    services.update_settings(organiser, team_event.id, 3, None)
    create(browser(participant), team_event, max_size="")
    [team] = teams_at(db, team_event)
    assert team.max_size == 3


@pytest.mark.parametrize("size", ["2", "12"])
def test_sizes_from_2_to_12_are_accepted(db, browser, participant, team_event, size):
    assert create(browser(participant), team_event, max_size=size).status_code == 302
    assert teams_at(db, team_event)[0].max_size == int(size)


@pytest.mark.parametrize("size", ["1", "13", "0", "-3"])
def test_a_size_outside_2_to_12_is_refused(db, browser, participant, team_event, size):
    response = create(browser(participant), team_event, max_size=size)
    assert response.status_code == 422
    assert SIZE_RANGE in text_of(response)
    assert teams_at(db, team_event) == [] and member_rows(db) == 0


def test_a_name_is_required(db, browser, participant, team_event):
    response = create(browser(participant), team_event, name="   ")
    assert response.status_code == 422
    assert "Donnez un nom à l’équipe." in text_of(response)
    assert teams_at(db, team_event) == []


def test_unknown_roles_are_refused(db, browser, participant, team_event):
    response = create(browser(participant), team_event, wanted_roles=["design", "pirate"])
    assert response.status_code == 422
    assert "Rôle inconnu." in text_of(response)
    assert teams_at(db, team_event) == [] and member_rows(db) == 0


def test_only_public_needs_can_be_chosen(db, browser, participant, team_event, make_need):
    hidden = make_need(visibility=Visibility.HIDDEN)
    response = create(browser(participant), team_event, needs=[str(hidden.id)])
    assert response.status_code == 422
    assert "Choisissez des besoins publics." in text_of(response)
    assert teams_at(db, team_event) == []


@pytest.mark.parametrize("taken", ["les bus du dimanche", "  LES BUS   DU DIMANCHE ",
                                   "Les\tBus du Dimanche"])
def test_the_name_is_unique_within_the_event_whatever_the_case_and_spacing(
        db, browser, make_participant, make_team, participant, team_event, taken):
    make_team(make_participant(), name="Les Bus du Dimanche")
    response = create(browser(participant), team_event, name=taken, pitch="Autre chose")
    assert response.status_code == 422
    page = text_of(response)
    assert NAME_TAKEN in page
    # what was typed is kept
    doc = parse(response.get_data(as_text=True))
    assert doc.find("textarea", name="pitch").text == "Autre chose"
    assert [t.name for t in teams_at(db, team_event)] == ["Les Bus du Dimanche"]
    assert queries.team_of(participant, team_event.id) is None


def test_another_event_may_reuse_a_name(db, browser, make_event, make_participant, make_team,
                                        team_event):
    make_team(make_participant(), name="Les Bus du Dimanche")
    other_event = make_event()
    someone = make_participant(other_event)
    assert create(browser(someone), other_event, name="LES BUS DU DIMANCHE").status_code == 302
    assert [t.name for t in teams_at(db, other_event)] == ["LES BUS DU DIMANCHE"]
    assert len(teams_at(db, team_event)) == 1


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", None])
def test_someone_not_confirmed_cannot_create_a_team(db, browser, make_participant, team_event,
                                                    status):
    person = make_participant(status=status)
    client = browser(person)
    # no button to create one on the teams page
    index = text_of(client.get(f"/events/{team_event.id}/teams"))
    assert "Créer une équipe" not in index
    assert "Les équipes sont formées par les participants confirmés de l’événement." in index
    # the form itself says why
    response = client.get(f"/events/{team_event.id}/teams/new")
    assert response.status_code == 403
    assert NOT_CONFIRMED in text_of(response)
    response = create(client, team_event)
    assert response.status_code == 403
    assert NOT_CONFIRMED in text_of(response)
    assert teams_at(db, team_event) == [] and member_rows(db) == 0


def test_no_team_at_a_cancelled_event(db, browser, make_event, make_participant):
    event = make_event()
    person = make_participant(event)
    events.cancel(event.created_by, event.id)
    response = create(browser(person), event)
    assert response.status_code == 409
    assert "Les équipes se forment uniquement lors d’événements publiés." in text_of(response)
    assert teams_at(db, event) == []


def test_no_team_at_a_draft_event(db, browser, make_event, make_user, organiser):
    draft = make_event(published=False)
    client = browser(make_user())
    assert client.get(f"/events/{draft.id}/teams/new").status_code == 404
    assert create(client, draft).status_code == 404
    assert teams_at(db, draft) == []


def test_one_team_per_person_per_event(db, browser, make_team, make_participant, participant,
                                       team_event, make_event):
    make_team(participant, name="Première")
    client = browser(participant)
    response = create(client, team_event, name="Seconde")
    assert response.status_code == 409
    assert ALREADY_IN_A_TEAM in text_of(response)
    # a member (not the lead) of a team cannot create one either
    member = make_participant()
    make_team(make_participant(), name="Troisième", members=[member])
    response = create(browser(member), team_event, name="Quatrième")
    assert response.status_code == 409
    assert [t.name for t in teams_at(db, team_event)] == ["Première", "Troisième"]
    assert member_rows(db) == 3
    # at another event, the same person may lead another team
    other_event = make_event()
    participation.register(participant, other_event.id)
    assert create(client, other_event, name="Seconde").status_code == 302
    assert len(teams_at(db, other_event)) == 1


def test_a_visitor_is_sent_to_sign_in(db, client, team_event):
    url = f"/events/{team_event.id}/teams/new"
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = client.post(url, data=team_form())
    assert response.status_code in (302, 400)
    assert teams_at(db, team_event) == []


def test_creating_needs_the_csrf_token(db, browser, participant, team_event):
    response = browser(participant).post(f"/events/{team_event.id}/teams/new", data=team_form())
    assert response.status_code == 400
    assert teams_at(db, team_event) == []
