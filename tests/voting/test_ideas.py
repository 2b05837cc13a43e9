"""Posting and editing ideas: who may, until when, and the need they answer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.voting import ideas as idea_cases
from inspir_events.voting import rounds as round_cases
from inspir_events.voting.access import VotingForbidden
from inspir_events.voting.models import Idea
from tests.events.conftest import text_of

FORM = {"title": "Minibus à la demande", "summary": "Un **minibus** le dimanche.", "need": ""}


def test_a_team_member_posts_an_idea_through_the_form(db, browser, make_voter, make_team,
                                                      voting_event, make_need):
    lead = make_voter()
    team = make_team(lead)
    need = make_need(title="Aller à la gare le dimanche")
    client = browser(lead)
    url = f"/events/{voting_event.id}/ideas/new"
    page = client.get(url)
    assert page.status_code == 200 and "Aller à la gare le dimanche" in text_of(page)
    response = client.post_form(url, {**FORM, "need": str(need.id)}, token_from=url)
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea))
    assert (idea.team_id, idea.author_id, idea.need_id) == (team.id, lead.id, need.id)
    assert "<strong>minibus</strong>" in idea.summary_html
    page = text_of(client.get(response.headers["Location"]))
    assert "Minibus à la demande" in page and team.name in page
    assert "Minibus à la demande" in text_of(client.get(f"/events/{voting_event.id}/ideas"))


def test_the_need_page_lists_the_ideas_answering_it(client, make_voter, make_team, make_idea,
                                                    make_need):
    lead = make_voter()
    make_team(lead)
    need = make_need()
    idea = make_idea(lead, title="Covoiturage des aînés", need=need)
    page = text_of(client.get(f"/needs/{need.id}"))
    assert "Covoiturage des aînés" in page and f"/ideas/{idea.id}" in page


def test_the_event_page_links_ideas_and_voting(client, voting_event):
    page = text_of(client.get(f"/events/{voting_event.id}"))
    assert f"/events/{voting_event.id}/ideas" in page
    assert f"/events/{voting_event.id}/rounds" in page


def test_bad_input_is_refused_with_field_errors_and_kept(db, browser, make_voter, make_team,
                                                         voting_event):
    lead = make_voter()
    make_team(lead)
    client = browser(lead)
    url = f"/events/{voting_event.id}/ideas/new"
    response = client.post_form(url, {"title": "ab", "summary": "  ", "need": ""},
                                token_from=url)
    assert response.status_code == 422
    page = text_of(response)
    assert 'aria-invalid="true"' in page and 'value="ab"' in page
    assert db.session.scalar(select(Idea)) is None


def test_a_need_that_is_not_public_is_refused_on_its_field(db, browser, make_voter, make_team,
                                                          voting_event, make_need):
    lead = make_voter()
    make_team(lead)
    hidden = make_need(visibility="hidden")
    client = browser(lead)
    url = f"/events/{voting_event.id}/ideas/new"
    response = client.post_form(url, {**FORM, "need": str(hidden.id)}, token_from=url)
    assert response.status_code == 422
    assert 'id="need-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Idea)) is None


def test_without_a_team_a_participant_posts_only_if_solo_ideas_are_allowed(
        db, browser, make_voter, voting_event):
    solo = make_voter()
    client = browser(solo)
    url = f"/events/{voting_event.id}/ideas/new"
    assert client.post_form(url, FORM, token_from=url).status_code == 403
    voting_event.solo_ideas_allowed = True
    db.session.commit()
    assert client.post_form(url, FORM, token_from=url).status_code == 302
    idea = db.session.scalar(select(Idea))
    assert idea.team_id is None and idea.author_id == solo.id


@pytest.mark.parametrize("status", [None, "waitlisted"])
def test_non_participants_cannot_post(db, make_voter, voting_event, status):
    user = make_voter(status=status)
    with pytest.raises(VotingForbidden):
        idea_cases.post_idea(user, voting_event.id, idea_cases.IdeaInput("Une idée", "Texte"))


def test_anonymous_visitors_are_sent_to_log_in(client, voting_event):
    response = client.get(f"/events/{voting_event.id}/ideas/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_team_edits_its_idea_until_a_round_including_it_opens(
        db, browser, make_voter, make_team, make_idea, make_round):
    lead = make_voter()
    team = make_team(lead)
    mate = make_voter(team=team)
    idea = make_idea(lead)
    client = browser(mate)  # any member of the team, not only its author
    url = f"/ideas/{idea.id}/edit"
    assert client.get(url).status_code == 200
    response = client.post_form(url, {**FORM, "title": "Minibus du dimanche"}, token_from=url)
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.title == "Minibus du dimanche"

    draft = make_round(open=False)
    assert idea_cases.can_edit_idea(mate, idea)  # a round in preparation freezes nothing
    round_cases.open_round(draft.event.organiser_rows[0].user, draft.id)
    assert not idea_cases.can_edit_idea(mate, idea)
    assert client.get(url).status_code == 403
    token = client.csrf_token(f"/ideas/{idea.id}")
    response = client.post(url, data={**FORM, "title": "Trop tard", "csrf_token": token})
    assert response.status_code == 409
    db.session.refresh(idea)
    assert idea.title == "Minibus du dimanche"


def test_others_cannot_edit_an_idea(db, browser, make_voter, make_team, make_idea):
    lead = make_voter()
    make_team(lead)
    idea = make_idea(lead)
    stranger = make_voter()
    client = browser(stranger)
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 403
    with pytest.raises(VotingForbidden):
        idea_cases.edit_idea(stranger, idea.id, idea_cases.IdeaInput("Autre titre", "Texte"))
    page = text_of(client.get(f"/ideas/{idea.id}"))
    assert f"/ideas/{idea.id}/edit" not in page


def test_ideas_of_a_draft_event_are_not_found(client, make_event):
    draft = make_event(published=False)
    assert client.get(f"/events/{draft.id}/ideas").status_code == 404
    assert client.get("/ideas/999").status_code == 404
