"""Voting rounds: created, opened and closed by the organisers only; schedule; announce."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from inspir_events.audit.models import AuditEntry
from inspir_events.timeutil import paris_to_utc
from inspir_events.voting import realtime
from inspir_events.voting import rounds as round_cases
from inspir_events.voting.access import VotingConflict, VotingForbidden
from inspir_events.voting.models import VotingRound
from inspir_events.voting.rules import RoundStatus, TallyVisibility
from tests.events.conftest import text_of

ROUND_FORM = {"title": "Grand vote", "votes_per_participant": "3", "visibility": "live",
              "opens_at": "", "closes_at": ""}


def rounds_url(event) -> str:
    return f"/events/{event.id}/rounds"


def test_the_organiser_creates_a_round_with_its_rules(db, browser, organiser, voting_event):
    client = browser(organiser)
    url = rounds_url(voting_event)
    page = text_of(client.get(url))
    assert "Créer un tour de vote" in page and 'value="3"' in page
    response = client.post_form(url, {
        **ROUND_FORM, "votes_per_participant": "2", "allow_own_team": "y",
        "require_check_in": "y", "visibility": "at_close",
        "opens_at": "2031-07-14T10:00", "closes_at": "2031-07-14T11:30"}, token_from=url)
    assert response.status_code == 303
    voting_round = db.session.scalar(select(VotingRound))
    assert voting_round.status == RoundStatus.DRAFT
    assert (voting_round.votes_per_participant, voting_round.allow_own_team,
            voting_round.require_check_in, voting_round.visibility) == (
        2, True, True, TallyVisibility.AT_CLOSE)
    assert voting_round.opens_at == paris_to_utc(datetime(2031, 7, 14, 10, 0))
    assert voting_round.opens_at == datetime(2031, 7, 14, 8, 0)  # CEST = UTC+2
    assert voting_round.closes_at == datetime(2031, 7, 14, 9, 30)
    assert "Grand vote" in text_of(client.get(url))


def test_round_defaults(db, browser, organiser, voting_event):
    client = browser(organiser)
    url = rounds_url(voting_event)
    client.post_form(url, ROUND_FORM, token_from=url)
    voting_round = db.session.scalar(select(VotingRound))
    assert (voting_round.votes_per_participant, voting_round.allow_own_team,
            voting_round.require_check_in, voting_round.visibility) == (
        3, False, False, TallyVisibility.LIVE)


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"votes_per_participant": "0"}, "votes_per_participant"),
    ({"votes_per_participant": "21"}, "votes_per_participant"),
    ({"votes_per_participant": "beaucoup"}, "votes_per_participant"),
    ({"visibility": "whenever"}, "visibility"),
    ({"opens_at": "2031-07-14T10:00", "closes_at": "2031-07-14T09:00"}, "closes_at"),
    ({"opens_at": "demain"}, "opens_at"),
])
def test_bad_round_input_is_refused_with_field_errors(db, browser, organiser, voting_event,
                                                      changes, field):
    client = browser(organiser)
    url = rounds_url(voting_event)
    response = client.post_form(url, {**ROUND_FORM, **changes}, token_from=url)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(VotingRound)) is None


def test_only_organisers_run_rounds(db, browser, client, make_voter, make_team, make_idea,
                                    make_round, voting_event):
    lead = make_voter()
    make_team(lead)
    make_idea(lead)
    draft = make_round(open=False)
    other = browser(lead)
    url = rounds_url(voting_event)
    assert "Créer un tour de vote" not in text_of(other.get(url))
    assert other.post_form(url, ROUND_FORM, token_from=url).status_code == 403
    token = other.csrf_token(url)
    for action in ("open", "close"):
        response = other.post(f"/rounds/{draft.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403
    with pytest.raises(VotingForbidden):
        round_cases.open_round(lead, draft.id)
    db.session.refresh(draft)
    assert draft.status == RoundStatus.DRAFT
    # Anonymous visitors are sent to log in; the round list itself is public.
    assert client.post(f"/rounds/{draft.id}/open").status_code in (302, 400)
    assert client.get(url).status_code == 200


def test_open_then_close_by_hand_announces_and_audits(db, browser, organiser, make_voter,
                                                     make_team, make_idea, make_round,
                                                     monkeypatch):
    announced = []
    monkeypatch.setattr(realtime, "announce_round", lambda r: announced.append(
        (r.id, r.status.value)))
    lead = make_voter()
    make_team(lead)
    idea = make_idea(lead)
    draft = make_round(open=False)
    client = browser(organiser)
    page = f"/rounds/{draft.id}"
    token = client.csrf_token(page)
    response = client.post(f"/rounds/{draft.id}/open", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.refresh(draft)
    assert draft.status == RoundStatus.OPEN and [i.id for i in draft.ideas] == [idea.id]
    # Opening twice is refused with a reason, nothing announced.
    client.post(f"/rounds/{draft.id}/open", data={"csrf_token": token})
    assert "Seul un tour de vote en préparation peut être ouvert." in text_of(client.get(page))
    assert client.post(f"/rounds/{draft.id}/close",
                       data={"csrf_token": token}).status_code == 303
    db.session.refresh(draft)
    assert draft.status == RoundStatus.CLOSED
    assert announced == [(draft.id, "open"), (draft.id, "closed")]
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["round.open", "round.close"]


def test_a_round_without_ideas_cannot_open(db, organiser, make_round):
    draft = make_round(open=False)
    with pytest.raises(VotingConflict):
        round_cases.open_round(organiser, draft.id)


def test_the_schedule_opens_and_closes_rounds(db, make_voter, make_team, make_idea, make_round):
    lead = make_voter()
    make_team(lead)
    make_idea(lead)
    voting_round = make_round(open=False, opens_at=datetime(2030, 1, 1, 9),
                              closes_at=datetime(2030, 1, 1, 10))
    assert round_cases.apply_schedule(datetime(2030, 1, 1, 8)) == []
    assert round_cases.apply_schedule(datetime(2030, 1, 1, 9)) == [voting_round.id]
    db.session.refresh(voting_round)
    assert voting_round.status == RoundStatus.OPEN and voting_round.ideas
    assert round_cases.apply_schedule(datetime(2030, 1, 1, 10, 1)) == [voting_round.id]
    db.session.refresh(voting_round)
    assert voting_round.status == RoundStatus.CLOSED


def test_the_round_page_carries_the_live_protocol(db, browser, make_voter, make_team,
                                                  make_idea, make_round, voting_event):
    lead = make_voter()
    make_team(lead)
    idea = make_idea(lead)
    voting_round = make_round()
    voter = make_voter()
    page = browser(voter).get(f"/rounds/{voting_round.id}").get_data(as_text=True)
    assert (f'id="live-round" data-event-id="{voting_event.id}" '
            f'data-round-id="{voting_round.id}" data-status="open" data-visible="1"') in page
    assert f'action="/rounds/{voting_round.id}/vote"' in page
    assert f'name="idea_id" value="{idea.id}"' in page
    assert f'data-tally-idea="{idea.id}">0<' in page
    assert "data-total" in page and "data-connected" in page
    assert "vendor/socket.io/socket.io.min.js" in page and "js/voting.js" in page
    assert "<script>" not in page  # the CSP forbids inline scripts
