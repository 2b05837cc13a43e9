"""Votes by form post are rate-limited per user; organisers allow ideas without a team."""

from sqlalchemy import func, select

from inspir_events.events.models import Event
from inspir_events.voting.models import Idea, Vote


def test_form_post_votes_are_limited_per_user(app, db, browser, voting_setup):
    app.config["VOTE_HTTP_LIMIT"] = "2 per second"
    s = voting_setup()
    client = browser(s.outsider)
    token = client.csrf_token(f"/rounds/{s.round.id}")
    url = f"/rounds/{s.round.id}/vote"
    codes = [client.post(url, data={"csrf_token": token, "idea_id": str(idea.id)}).status_code
             for idea in (s.ideas[0], s.ideas[1], s.ideas[0])]
    assert codes == [303, 303, 429]
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 2


def test_organisers_allow_ideas_from_participants_without_a_team(
        app, db, browser, voting_event, organiser, make_voter):
    solo = make_voter(name="Sans équipe")
    solo_client = browser(solo)
    data = {"title": "Une idée en solo", "summary": "Un résumé de l'idée."}
    new_idea = f"/events/{voting_event.id}/ideas/new"
    refused = solo_client.post_form(new_idea, data, token_from=new_idea)
    assert refused.status_code == 403
    organiser_client = browser(organiser)
    settings = f"/events/{voting_event.id}/teams/settings"
    response = organiser_client.post_form(settings, {
        "team_size_default": "6", "solo_ideas_allowed": "y"}, token_from=settings)
    assert response.status_code == 302
    assert db.session.get(Event, voting_event.id).solo_ideas_allowed
    accepted = solo_client.post_form(new_idea, data, token_from=new_idea)
    assert accepted.status_code in (302, 303)
    idea = db.session.scalar(select(Idea).where(Idea.title == "Une idée en solo"))
    assert idea is not None and idea.team_id is None
