"""Teams by e-mail (issue 17 §3), end to end through a real worker and a real SMTP server
on loopback: a join request goes to the team's lead, the answer to the person."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.events import participation
from inspir_events.teams import services
from inspir_events.teams.models import JoinRequest
from inspir_events.teams.rules import JoinPolicy
from tests.conftest import text_body


def request_of(db, user) -> JoinRequest:
    return db.session.scalar(select(JoinRequest).where(JoinRequest.user_id == user.id))


def test_a_request_goes_to_the_lead_and_the_answer_to_the_person(
        db, make_participant, make_user, make_team, team_event, mailbox):
    lead = make_participant(name="Léa Référente")
    paul = make_participant(name="Paul Participant")
    sam = make_user(display_name="Sam", locale="en")
    participation.register(sam, team_event.id)
    team = make_team(lead, name="Les Bus du Dimanche", join_policy=JoinPolicy.ON_REQUEST)
    services.join(paul, team.id, "Je code en Python.")
    services.join(sam, team.id)
    asked = mailbox.find(lead.email, "Paul Participant demande")
    assert str(asked["Subject"]).strip() == \
        "Paul Participant demande à rejoindre votre équipe « Les Bus du Dimanche »"
    assert mailbox.find(lead.email, "Sam demande à rejoindre votre équipe")
    assert f"http://localhost/teams/{team.id}" in text_body(asked)
    assert "List-Unsubscribe" in asked  # a notice may be switched off
    services.decide_request(lead, request_of(db, paul).id, True)
    services.decide_request(lead, request_of(db, sam).id, False)
    accepted = mailbox.find(paul.email, "Votre demande pour rejoindre")
    assert "est acceptée" in str(accepted["Subject"])
    assert "Bienvenue" in text_body(accepted)
    declined = mailbox.find(sam.email, "Your request to join")
    assert str(declined["Subject"]).strip() == \
        "Your request to join “Les Bus du Dimanche” is declined"
    assert f"http://localhost/teams/{team.id}" in text_body(declined)
