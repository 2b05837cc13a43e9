"""Joining, requests, leaving, the lead's powers, dissolving; and every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from inspir_events.events import participation
from inspir_events.notifications.models import Notification
from inspir_events.teams import services
from inspir_events.teams.models import JoinRequest, Team, TeamMember, TeamSeeker, team_wanted_role
from inspir_events.teams.rules import JoinPolicy, RequestStatus
from inspir_events.timeutil import utcnow
from tests.events.conftest import text_of

FULL = "Cette équipe est complète."
FROZEN = ("Les équipes de cet événement sont figées\u00a0: plus personne ne les rejoint ni ne "
          "les quitte.")
ALREADY_IN_A_TEAM = "Vous faites déjà partie d’une équipe à cet événement."
LEAD_ONLY = "Seul le référent de l’équipe peut le faire."


def post(client, url, data=None):
    return client.post_form(url, data or {})


def join(client, team, message=None):
    return post(client, f"/teams/{team.id}/join", {"message": message} if message else None)


def leave(client, team):
    return post(client, f"/teams/{team.id}/leave")


def decide(client, team, request, decision):
    return post(client, f"/teams/{team.id}/requests/{request.id}/{decision}")


def fresh(db, team) -> Team | None:
    """The team as stored now (None once dissolved)."""
    [team_id] = inspect(team).identity  # without loading a possibly deleted row
    db.session.expire_all()
    return db.session.scalar(select(Team).where(Team.id == team_id))


def members(db, team) -> list[int]:
    return [m.user_id for m in db.session.scalars(
        select(TeamMember).where(TeamMember.team_id == team.id).order_by(TeamMember.joined_at))]


def notes(db, user, kind=None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def requests_of(db, user) -> list[JoinRequest]:
    return list(db.session.scalars(select(JoinRequest).where(JoinRequest.user_id == user.id)
                                   .order_by(JoinRequest.id)))


def snapshot(db, team):
    """What a refused action must leave untouched."""
    db.session.expire_all()
    row = db.session.get(Team, team.id)
    return (row.member_count, row.max_size, row.lead_id, members(db, team),
            db.session.scalar(select(func.count()).select_from(JoinRequest)),
            db.session.scalar(select(func.count()).select_from(TeamMember)))


@pytest.fixture
def lead(make_participant):
    return make_participant(name="Léa Référente")


# --- Open teams ---

def test_joining_an_open_team_is_immediate(db, browser, lead, participant, make_team):
    team = make_team(lead, name="Les Bus du Dimanche")
    services.set_seeking(participant, team.event_id, True, ["design"])
    client = browser(participant)
    response = join(client, team)
    assert response.status_code == 302 and response.headers["Location"] == f"/teams/{team.id}"
    assert "Vous avez rejoint l’équipe." in text_of(client.get(f"/teams/{team.id}"))
    assert members(db, team) == [lead.id, participant.id]
    assert fresh(db, team).member_count == 2
    # no longer looking for a team
    assert db.session.get(TeamSeeker, (team.event_id, participant.id)) is None
    assert requests_of(db, participant) == []


def test_joining_needs_the_csrf_token(db, browser, lead, participant, make_team):
    team = make_team(lead)
    response = browser(participant).post(f"/teams/{team.id}/join")
    assert response.status_code == 400
    assert members(db, team) == [lead.id]


# --- Teams on request ---

def test_a_request_notifies_the_lead_who_accepts(db, browser, lead, participant, make_team):
    team = make_team(lead, name="Les Bus du Dimanche", join_policy=JoinPolicy.ON_REQUEST)
    client = browser(participant)
    response = join(client, team, message="Je code en Python.")
    assert response.status_code == 302
    assert "Votre demande est transmise au référent de l’équipe." in text_of(
        client.get(f"/teams/{team.id}"))
    [request] = requests_of(db, participant)
    assert request.status == RequestStatus.PENDING and request.message == "Je code en Python."
    assert members(db, team) == [lead.id]  # not yet a member
    [note] = notes(db, lead, "team.request")
    assert note.url == f"/teams/{team.id}"
    # asking again keeps one request and one notification
    join(client, team)
    assert len(requests_of(db, participant)) == 1 and len(notes(db, lead, "team.request")) == 1

    lead_client = browser(lead)
    assert ("Paul Participant demande à rejoindre votre équipe « Les Bus du Dimanche »."
            .replace(" »", "\u00a0»").replace("« ", "«\u00a0")
            in text_of(lead_client.get("/notifications")))
    page = text_of(lead_client.get(f"/teams/{team.id}"))
    assert "Demandes pour rejoindre l’équipe" in page and "Je code en Python." in page
    response = decide(lead_client, team, request, "accept")
    assert response.status_code == 302
    assert "Demande acceptée." in text_of(lead_client.get(f"/teams/{team.id}"))
    assert members(db, team) == [lead.id, participant.id]
    assert fresh(db, team).member_count == 2
    assert requests_of(db, participant)[0].status == RequestStatus.ACCEPTED
    [accepted] = notes(db, participant, "team.accepted")
    assert accepted.params == {"team": "Les Bus du Dimanche"}
    assert "Bienvenue\u00a0: votre demande pour rejoindre «\u00a0Les Bus du Dimanche\u00a0» " \
           "est acceptée." in text_of(client.get("/notifications"))
    # answering twice is refused
    response = decide(lead_client, team, request, "decline")
    assert "Cette demande a déjà reçu une réponse." in text_of(
        lead_client.get(f"/teams/{team.id}"))
    assert requests_of(db, participant)[0].status == RequestStatus.ACCEPTED


def test_the_lead_declines_a_request(db, browser, lead, participant, make_team):
    team = make_team(lead, name="Vélos partagés", join_policy=JoinPolicy.ON_REQUEST)
    join(browser(participant), team)
    [request] = requests_of(db, participant)
    response = decide(browser(lead), team, request, "decline")
    assert response.status_code == 302
    assert members(db, team) == [lead.id]
    assert requests_of(db, participant)[0].status == RequestStatus.DECLINED
    assert notes(db, participant, "team.accepted") == []
    [declined] = notes(db, participant, "team.declined")
    assert declined.params == {"team": "Vélos partagés"}
    assert "Votre demande pour rejoindre «\u00a0Vélos partagés\u00a0» est refusée." in text_of(
        browser(participant).get("/notifications"))


def test_joining_a_team_withdraws_ones_other_requests(db, browser, lead, participant,
                                                      make_participant, make_team):
    asked = make_team(lead, name="Sur demande", join_policy=JoinPolicy.ON_REQUEST)
    other = make_team(make_participant(), name="Ouverte")
    client = browser(participant)
    join(client, asked)
    join(client, other)
    assert [r.status for r in requests_of(db, participant)] == [RequestStatus.WITHDRAWN]
    # the lead no longer sees it, and cannot accept it any more
    page = text_of(browser(lead).get(f"/teams/{asked.id}"))
    assert "Aucune demande en attente." in page
    before = snapshot(db, asked)
    decide(browser(lead), asked, requests_of(db, participant)[0], "accept")
    assert snapshot(db, asked) == before


def test_accepting_someone_no_longer_confirmed_is_refused(db, browser, lead, participant,
                                                          make_team):
    team = make_team(lead, join_policy=JoinPolicy.ON_REQUEST)
    join(browser(participant), team)
    participation.unregister(participant, team.event_id)
    [request] = requests_of(db, participant)
    lead_client = browser(lead)
    decide(lead_client, team, request, "accept")
    assert ("Cette personne ne fait plus partie des participants confirmés de l’événement."
            in text_of(lead_client.get(f"/teams/{team.id}")))
    assert members(db, team) == [lead.id]
    assert requests_of(db, participant)[0].status == RequestStatus.PENDING


def test_a_request_is_answered_through_its_own_team_only(db, browser, lead, participant,
                                                         make_participant, make_team):
    team = make_team(lead, join_policy=JoinPolicy.ON_REQUEST)
    mine = make_team(make_participant(), name="Une autre équipe")
    join(browser(participant), team)
    [request] = requests_of(db, participant)
    assert decide(browser(lead), mine, request, "accept").status_code == 404
    assert requests_of(db, participant)[0].status == RequestStatus.PENDING


# --- Refusals: full, frozen, a second team, not confirmed ---

@pytest.mark.parametrize("policy", [JoinPolicy.OPEN, JoinPolicy.ON_REQUEST])
def test_joining_a_full_team_is_refused(db, browser, lead, participant, make_participant,
                                        make_team, policy):
    team = make_team(lead, max_size=2, members=[make_participant()], join_policy=policy)
    before, told = snapshot(db, team), len(notes(db, lead))
    client = browser(participant)
    page = text_of(client.get(f"/teams/{team.id}"))
    assert FULL in page and "Rejoindre l’équipe" not in page
    join(client, team)
    assert FULL in text_of(client.get(f"/teams/{team.id}"))
    assert snapshot(db, team) == before
    assert len(notes(db, lead)) == told


def test_accepting_into_a_team_that_filled_up_is_refused(db, browser, lead, participant,
                                                         make_participant, make_team):
    team = make_team(lead, max_size=2, join_policy=JoinPolicy.ON_REQUEST)
    join(browser(participant), team)
    late = make_participant()
    services.join(late, team.id)
    [first, second] = db.session.scalars(select(JoinRequest).order_by(JoinRequest.id))
    lead_client = browser(lead)
    decide(lead_client, team, first, "accept")
    before = snapshot(db, team)
    decide(lead_client, team, second, "accept")
    assert FULL in text_of(lead_client.get(f"/teams/{team.id}"))
    assert snapshot(db, team) == before
    assert db.session.get(JoinRequest, second.id).status == RequestStatus.PENDING
    assert notes(db, late, "team.accepted") == []


def test_joining_or_leaving_a_frozen_team_is_refused(db, browser, organiser, lead, participant,
                                                     make_participant, make_team, team_event):
    member = make_participant()
    team = make_team(lead, members=[member])
    asked = make_team(make_participant(), name="Sur demande", join_policy=JoinPolicy.ON_REQUEST)
    services.join(make_participant(), asked.id)
    services.update_settings(organiser, team_event.id, 6, utcnow() - timedelta(minutes=1))
    before, before_asked = snapshot(db, team), snapshot(db, asked)
    client = browser(participant)
    page = text_of(client.get(f"/teams/{team.id}"))
    assert "Les équipes sont figées\u00a0: plus personne ne les rejoint ni ne les quitte." in page
    assert "Rejoindre l’équipe" not in page
    for action in (lambda: join(client, team), lambda: join(client, asked)):
        action()
        assert FROZEN in text_of(client.get(f"/teams/{team.id}"))
    member_client = browser(member)
    leave(member_client, team)
    assert FROZEN in text_of(member_client.get(f"/teams/{team.id}"))
    lead_client = browser(lead)
    post(lead_client, f"/teams/{team.id}/members/{member.id}/remove")
    assert FROZEN in text_of(lead_client.get(f"/teams/{team.id}"))
    [request] = db.session.scalars(select(JoinRequest))
    decide(browser(asked.lead), asked, request, "accept")
    assert snapshot(db, team) == before and snapshot(db, asked) == before_asked
    # no new team either
    response = client.post_form(f"/events/{team_event.id}/teams/new",
                                {"name": "Trop tard", "join_policy": "open"})
    assert response.status_code == 409 and FROZEN in text_of(response)


def test_joining_a_second_team_at_the_same_event_is_refused(db, browser, lead, participant,
                                                            make_participant, make_team,
                                                            make_event):
    mine = make_team(lead, members=[participant])
    others = [make_team(make_participant(), name="Ouverte"),
              make_team(make_participant(), name="Sur demande",
                        join_policy=JoinPolicy.ON_REQUEST)]
    client = browser(participant)
    for other in others:
        before = snapshot(db, other)
        join(client, other)
        assert ALREADY_IN_A_TEAM in text_of(client.get(f"/teams/{other.id}"))
        assert snapshot(db, other) == before
    assert members(db, mine) == [lead.id, participant.id]
    assert requests_of(db, participant) == []
    # at another event, one joins another team
    elsewhere = make_event()
    participation.register(participant, elsewhere.id)
    participation.register(lead, elsewhere.id)
    there = make_team(lead, elsewhere)
    join(client, there)
    assert members(db, there) == [lead.id, participant.id]


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", None])
def test_someone_not_confirmed_cannot_join(db, browser, lead, make_participant, make_team,
                                           status):
    team = make_team(lead)
    asked = make_team(make_participant(), name="Sur demande", join_policy=JoinPolicy.ON_REQUEST)
    person = make_participant(status=status)
    client = browser(person)
    assert "Rejoindre l’équipe" not in text_of(client.get(f"/teams/{team.id}"))
    for target in (team, asked):
        before = snapshot(db, target)
        response = join(client, target)
        assert response.status_code == 403
        assert "Seuls les participants confirmés de l’événement" in text_of(response)
        assert snapshot(db, target) == before


def test_a_visitor_is_sent_to_sign_in(db, client, lead, make_team):
    team = make_team(lead)
    response = client.post(f"/teams/{team.id}/join")
    assert response.status_code in (302, 400)
    assert members(db, team) == [lead.id]
    response = client.get(f"/teams/{team.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- Leaving, handing over, removing, dissolving ---

def test_a_member_leaves_and_may_join_another_team(db, browser, lead, participant,
                                                   make_participant, make_team):
    team = make_team(lead, members=[participant])
    other = make_team(make_participant(), name="Autre")
    client = browser(participant)
    response = leave(client, team)
    assert response.status_code == 302 and response.headers["Location"] == f"/teams/{team.id}"
    assert "Vous avez quitté l’équipe." in text_of(client.get(f"/teams/{team.id}"))
    assert members(db, team) == [lead.id] and fresh(db, team).member_count == 1
    join(client, other)
    assert participant.id in members(db, other)


def test_leaving_a_team_one_is_not_in_is_refused(db, browser, lead, participant, make_team):
    team = make_team(lead)
    before = snapshot(db, team)
    leave(browser(participant), team)
    assert snapshot(db, team) == before


def test_the_lead_hands_over(db, browser, lead, participant, make_participant, make_team):
    team = make_team(lead, name="Les Bus du Dimanche", members=[participant])
    lead_client = browser(lead)
    response = post(lead_client, f"/teams/{team.id}/members/{participant.id}/lead")
    assert response.status_code == 302
    assert "Le rôle de référent est transmis." in text_of(lead_client.get(f"/teams/{team.id}"))
    assert fresh(db, team).lead_id == participant.id
    assert members(db, team) == [lead.id, participant.id]
    [note] = notes(db, participant, "team.lead")
    assert note.params == {"team": "Les Bus du Dimanche"}
    assert ("Vous êtes désormais référent de l’équipe «\u00a0Les Bus du Dimanche\u00a0»."
            in text_of(browser(participant).get("/notifications")))
    # the former lead is now a member like the others
    assert lead_client.get(f"/teams/{team.id}/edit").status_code == 403


def test_the_lead_hands_over_to_members_only(db, browser, lead, participant, make_team):
    team = make_team(lead)
    lead_client = browser(lead)
    post(lead_client, f"/teams/{team.id}/members/{participant.id}/lead")
    assert "Le nouveau référent doit être membre de l’équipe." in text_of(
        lead_client.get(f"/teams/{team.id}"))
    assert fresh(db, team).lead_id == lead.id
    assert notes(db, participant) == []


def test_the_lead_removes_a_member_who_is_told(db, browser, lead, participant, make_team):
    team = make_team(lead, name="Les Bus du Dimanche", members=[participant])
    lead_client = browser(lead)
    response = post(lead_client, f"/teams/{team.id}/members/{participant.id}/remove")
    assert response.status_code == 302
    assert "Le membre est retiré de l’équipe." in text_of(lead_client.get(f"/teams/{team.id}"))
    assert members(db, team) == [lead.id] and fresh(db, team).member_count == 1
    [note] = notes(db, participant, "team.removed")
    assert note.params == {"team": "Les Bus du Dimanche"}
    assert ("Vous ne faites plus partie de l’équipe «\u00a0Les Bus du Dimanche\u00a0»."
            in text_of(browser(participant).get("/notifications")))


def test_the_lead_does_not_remove_themself(db, browser, lead, participant, make_team):
    team = make_team(lead, members=[participant])
    before = snapshot(db, team)
    lead_client = browser(lead)
    post(lead_client, f"/teams/{team.id}/members/{lead.id}/remove")
    assert "Pour quitter votre propre équipe, utilisez «\u00a0Quitter l’équipe\u00a0»." in \
        text_of(lead_client.get(f"/teams/{team.id}"))
    assert snapshot(db, team) == before


def test_a_lead_who_leaves_passes_the_lead_to_the_longest_standing_member(
        db, browser, lead, make_participant, make_team):
    # the later member has the lower id: seniority, not id, decides
    later = make_participant(name="Arrivée tard")
    earlier = make_participant(name="Arrivée tôt")
    team = make_team(lead, name="Les Bus du Dimanche", members=[earlier, later])
    assert members(db, team) == [lead.id, earlier.id, later.id]
    response = leave(browser(lead), team)
    assert response.headers["Location"] == f"/teams/{team.id}"
    row = fresh(db, team)
    assert row.lead_id == earlier.id and row.member_count == 2
    assert members(db, team) == [earlier.id, later.id]
    assert [n.params for n in notes(db, earlier, "team.lead")] == [
        {"team": "Les Bus du Dimanche"}]
    assert notes(db, later, "team.lead") == []


def test_a_team_left_empty_is_dissolved(db, browser, lead, participant, make_team):
    team = make_team(lead, name="Équipe à dissoudre", wanted_roles=["design"],
                     join_policy=JoinPolicy.ON_REQUEST)
    services.join(participant, team.id)  # a pending request
    team_id, event_id = team.id, team.event_id
    client = browser(lead)
    response = leave(client, team)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event_id}/teams"
    assert ("Vous avez quitté l’équipe\u00a0; n’ayant plus aucun membre, elle est dissoute."
            in text_of(client.get(response.headers["Location"])))
    name = "Équipe à dissoudre"
    assert fresh(db, team) is None
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == 0
    assert db.session.scalar(select(func.count()).select_from(JoinRequest)) == 0
    assert db.session.scalar(select(func.count()).select_from(team_wanted_role)) == 0
    assert client.get(f"/teams/{team_id}").status_code == 404
    # the name is free again
    assert make_team(participant, name=name).name == name


def test_a_team_emptied_by_removals_and_leaves_keeps_its_count(db, browser, lead, participant,
                                                               make_participant, make_team):
    third = make_participant()
    team = make_team(lead, members=[participant, third])
    post(browser(lead), f"/teams/{team.id}/members/{third.id}/remove")
    leave(browser(lead), team)
    row = fresh(db, team)
    assert row.lead_id == participant.id and row.member_count == 1
    leave(browser(participant), team)
    assert fresh(db, team) is None


# --- Editing; only the lead ---

def team_data(team, **overrides) -> dict:
    data = {"name": team.name, "pitch": team.pitch,
            "wanted_roles": [r.code for r in team.wanted_roles], "max_size": str(team.max_size),
            "join_policy": team.join_policy.value}
    data.update(overrides)
    return data


def test_the_lead_edits_the_team(db, browser, lead, make_participant, make_team):
    team = make_team(lead, name="Les Bus", wanted_roles=["design"])
    client = browser(lead)
    form = client.get(f"/teams/{team.id}/edit")
    assert form.status_code == 200 and 'value="Les Bus"' in form.get_data(as_text=True)
    response = client.post_form(f"/teams/{team.id}/edit", team_data(
        team, name="LES BUS", pitch="Nouveau pitch", wanted_roles=["usager", "donnees"],
        join_policy="on_request", max_size="9"))
    assert response.status_code == 302
    row = fresh(db, team)
    assert (row.name, row.pitch, row.max_size, row.join_policy) == (
        "LES BUS", "Nouveau pitch", 9, JoinPolicy.ON_REQUEST)
    assert [r.code for r in row.wanted_roles] == ["donnees", "usager"]


def test_renaming_to_another_teams_name_is_refused(db, browser, lead, make_participant,
                                                   make_team):
    make_team(make_participant(), name="Vélos partagés")
    team = make_team(lead, name="Les Bus")
    response = browser(lead).post_form(f"/teams/{team.id}/edit",
                                       team_data(team, name=" vélos  PARTAGÉS"))
    assert response.status_code == 422
    assert "Une autre équipe de cet événement porte déjà ce nom." in text_of(response)
    assert fresh(db, team).name == "Les Bus"


def test_a_maximum_size_below_the_member_count_is_refused(db, browser, lead, make_participant,
                                                          make_team):
    team = make_team(lead, max_size=6, members=[make_participant(), make_participant()])
    before = snapshot(db, team)
    response = browser(lead).post_form(f"/teams/{team.id}/edit", team_data(team, max_size="2"))
    assert response.status_code == 422
    text = text_of(response)
    assert ("L’équipe compte déjà 3 membres\u00a0: sa taille maximale ne peut pas être "
            "inférieure.") in text
    assert snapshot(db, team) == before
    # exactly the member count is fine
    browser(lead).post_form(f"/teams/{team.id}/edit", team_data(team, max_size="3"))
    assert fresh(db, team).max_size == 3


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_the_lead_edits_decides_removes_and_hands_over(db, browser, lead, participant,
                                                            make_participant, make_team, who):
    member = make_participant()
    team = make_team(lead, members=[member], join_policy=JoinPolicy.ON_REQUEST)
    services.join(participant, team.id)
    [request] = requests_of(db, participant)
    before = snapshot(db, team)
    other = member if who == "member" else make_participant()
    client = browser(other)
    page = text_of(client.get(f"/teams/{team.id}"))
    assert "Modifier l’équipe" not in page and "Je code" not in page
    assert client.get(f"/teams/{team.id}/edit").status_code == 403
    response = client.post_form(f"/teams/{team.id}/edit", team_data(team, name="Piratée"))
    assert response.status_code == 403
    for url in (f"/teams/{team.id}/requests/{request.id}/accept",
                f"/teams/{team.id}/requests/{request.id}/decline",
                f"/teams/{team.id}/members/{member.id}/remove",
                f"/teams/{team.id}/members/{lead.id}/remove",
                f"/teams/{team.id}/members/{other.id}/lead"):
        response = post(client, url)
        assert response.status_code == 403, url
        assert LEAD_ONLY in text_of(response), url
    assert snapshot(db, team) == before
    assert fresh(db, team).name != "Piratée"
    assert requests_of(db, participant)[0].status == RequestStatus.PENDING


def test_the_database_has_the_last_word_on_one_team_per_person(db, browser, lead, participant,
                                                                make_participant, make_team,
                                                                monkeypatch):
    """Should two joins of one person race past the membership check, the UNIQUE (event,
    user) constraint refuses the second one, with the same message (not a server error)."""
    mine = make_team(lead, members=[participant])
    other = make_team(make_participant(), name="Autre")
    before = snapshot(db, other)
    monkeypatch.setattr(services, "membership", lambda user_id, event_id: None)
    client = browser(participant)
    response = join(client, other)
    assert response.status_code == 303  # refused: back to the team (errors.on_refusal)
    assert ALREADY_IN_A_TEAM in text_of(client.get(f"/teams/{other.id}"))
    assert snapshot(db, other) == before
    assert members(db, mine) == [lead.id, participant.id]
