"""Voting through the services and the form post; closing; results, CSV and winners."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from inspir_events.audit.models import AuditEntry
from inspir_events.voting import services
from inspir_events.voting.models import RoundWinner, Vote
from tests.events.conftest import text_of


def votes_count(db, **where) -> int:
    stmt = select(func.count()).select_from(Vote)
    for name, value in where.items():
        stmt = stmt.where(getattr(Vote, name) == value)
    return db.session.scalar(stmt)


def test_a_vote_is_stored_and_a_duplicate_answered_as_such(db, voting_setup):
    s = voting_setup()
    voter, idea = s.outsider, s.ideas[0]
    first = services.cast_vote(voter.id, s.round.id, idea.id)
    assert (first.outcome, first.votes_used, first.votes_allowed) == ("stored", 1, 3)
    again = services.cast_vote(voter.id, s.round.id, idea.id)
    assert (again.outcome, again.votes_used, again.accepted) == ("duplicate", 1, True)
    assert votes_count(db, round_id=s.round.id) == 1
    assert services.tally(s.round.id) == {idea.id: 1}


def test_voting_by_form_post_flashes_and_redirects(db, browser, voting_setup):
    s = voting_setup()
    client = browser(s.outsider)
    page = f"/rounds/{s.round.id}"
    token = client.csrf_token(page)
    url = f"/rounds/{s.round.id}/vote"
    response = client.post(url, data={"csrf_token": token, "idea_id": str(s.ideas[1].id)})
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    shown = text_of(client.get(page))
    assert "Votre vote est enregistré." in shown and "Il vous reste 2 votes." in shown
    assert f'data-tally-idea="{s.ideas[1].id}">1<' in shown
    client.post(url, data={"csrf_token": token, "idea_id": str(s.ideas[1].id)})
    assert str(services.VOTE_MESSAGES["duplicate"]) in text_of(client.get(page))
    assert votes_count(db) == 1
    for bad in ("", "abc"):
        assert client.post(url, data={"csrf_token": token, "idea_id": bad}).status_code == 400
    assert client.post(url, data={"idea_id": str(s.ideas[0].id)}).status_code == 400  # no CSRF
    assert client.post("/rounds/999/vote", data={"csrf_token": token,
                                                 "idea_id": "1"}).status_code == 404


def test_own_team_idea_refused_unless_the_round_allows_it(db, voting_setup, make_round):
    s = voting_setup()
    mate = s.members[0][1]
    assert services.cast_vote(mate.id, s.round.id, s.ideas[0].id).outcome == "own_team"
    assert services.cast_vote(mate.id, s.round.id, s.ideas[1].id).outcome == "stored"
    lenient = make_round(allow_own_team=True)
    assert services.cast_vote(mate.id, lenient.id, s.ideas[0].id).outcome == "stored"
    assert votes_count(db, voter_id=mate.id) == 2


def test_over_quota_is_refused(db, voting_setup, make_idea, make_voter):
    s = voting_setup(votes_per_participant=1)
    voter = s.outsider
    assert services.cast_vote(voter.id, s.round.id, s.ideas[0].id).outcome == "stored"
    result = services.cast_vote(voter.id, s.round.id, s.ideas[1].id)
    assert (result.outcome, result.votes_used, result.votes_allowed) == ("quota", 1, 1)
    assert votes_count(db, voter_id=voter.id) == 1


@pytest.mark.parametrize("status", [None, "waitlisted", "cancelled"])
def test_non_participants_are_refused(db, voting_setup, make_voter, status):
    s = voting_setup()
    stranger = make_voter(status=status)
    assert services.cast_vote(stranger.id, s.round.id, s.ideas[0].id).outcome == "not_eligible"
    assert votes_count(db) == 0


def test_non_participants_see_no_vote_form(browser, voting_setup, make_voter):
    s = voting_setup()
    page = text_of(browser(make_voter(status=None)).get(f"/rounds/{s.round.id}"))
    assert 'class="vote-form"' not in page
    assert "Seuls les participants confirmés de l’événement votent" in page


def test_check_in_required(db, voting_setup, make_voter, make_round):
    s = voting_setup()
    strict = make_round(require_check_in=True)
    absent = s.outsider
    present = make_voter(present=True)
    assert services.cast_vote(absent.id, strict.id, s.ideas[0].id).outcome == "not_eligible"
    assert services.cast_vote(present.id, strict.id, s.ideas[0].id).outcome == "stored"


def test_a_vote_for_an_idea_outside_the_round_is_refused(db, voting_setup, make_idea):
    s = voting_setup()
    late = make_idea(s.members[1][1], title="Idée arrivée après l’ouverture")
    assert services.cast_vote(s.outsider.id, s.round.id, late.id).outcome == "unknown_idea"
    assert services.cast_vote(s.outsider.id, s.round.id, 999_999).outcome == "unknown_idea"


def test_a_draft_round_refuses_votes(db, voting_setup, make_round):
    s = voting_setup()
    draft = make_round(open=False)
    assert services.cast_vote(s.outsider.id, draft.id, s.ideas[0].id).outcome == "not_open"


def test_closing_then_voting_is_refused_and_final_tally_equals_stored_votes(
        db, browser, organiser, voting_setup):
    s = voting_setup()
    voters = [s.outsider, s.members[0][0], s.members[0][1], s.members[1][0]]
    for voter in voters:  # own-team votes are refused: 2 for the first idea, 3 for the other
        for idea in s.ideas:
            services.cast_vote(voter.id, s.round.id, idea.id)
    services.close_round(organiser, s.round.id)
    refused = services.cast_vote(s.members[1][1].id, s.round.id, s.ideas[0].id)
    assert refused.outcome == "closed" and not refused.accepted
    client = browser(s.members[1][1])
    token = client.csrf_token(f"/rounds/{s.round.id}")
    client.post(f"/rounds/{s.round.id}/vote",
                data={"csrf_token": token, "idea_id": str(s.ideas[0].id)})
    page = text_of(client.get(f"/rounds/{s.round.id}"))
    assert "Ce tour de vote est clos : les votes ne sont plus acceptés." in page
    stored = db.session.execute(select(Vote.idea_id, func.count()).where(
        Vote.round_id == s.round.id).group_by(Vote.idea_id)).all()
    assert services.tally(s.round.id) == dict(stored) == {s.ideas[0].id: 2, s.ideas[1].id: 3}
    close = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "round.close"))
    assert close.details["votes"] == 5


def test_a_hidden_tally_is_not_shown_until_closing(db, browser, organiser, voting_setup):
    s = voting_setup(visibility="at_close")
    services.cast_vote(s.outsider.id, s.round.id, s.ideas[0].id)
    client = browser(s.outsider)
    page = client.get(f"/rounds/{s.round.id}").get_data(as_text=True)
    assert 'data-visible="0"' in page and "data-tally-idea" not in page
    assert client.get(f"/rounds/{s.round.id}/results").status_code == 403
    assert client.get(f"/rounds/{s.round.id}/results.csv").status_code == 403
    services.close_round(organiser, s.round.id)
    page = client.get(f"/rounds/{s.round.id}").get_data(as_text=True)
    assert f'data-tally-idea="{s.ideas[0].id}">1<' in page
    assert client.get(f"/rounds/{s.round.id}/results").status_code == 200


def _tied_results(s, organiser, make_voter):
    """Ideas 0 and 1 tie at 2 votes each; a third idea has none."""
    voters = [s.outsider, make_voter()]
    for voter in voters:
        for idea in s.ideas[:2]:
            assert services.cast_vote(voter.id, s.round.id, idea.id).outcome == "stored"
    services.close_round(organiser, s.round.id)


def test_results_show_ties_chart_and_rule(db, client, organiser, voting_setup, make_voter,
                                          make_idea):
    s = voting_setup(open=False)
    third = make_idea(s.members[1][1], title="=HYPERLINK(\"http://evil\")")
    services.open_round(organiser, s.round.id)
    s.ideas.append(third)
    _tied_results(s, organiser, make_voter)
    response = client.get(f"/rounds/{s.round.id}/results")
    page = text_of(response)
    assert response.status_code == 200
    assert page.count(">ex æquo<") == 2
    assert "en faveur de l’idée publiée en premier" in page
    assert "<svg" in page and 'role="img"' in page and "<table" in page
    assert 'width="500.0"' in page and 'width="0.0"' in page  # bars drawn server-side
    assert 'style="' not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    order = [page.index(i.title) for i in (s.ideas[0], s.ideas[1])]
    assert order == sorted(order)
    ranked = services.results(s.round)
    assert [(r.rank, r.idea_id, r.votes, r.tied) for r, _ in ranked] == [
        (1, s.ideas[0].id, 2, True), (1, s.ideas[1].id, 2, True), (3, third.id, 0, False)]


def test_results_csv_is_formula_safe(db, client, organiser, voting_setup, make_voter,
                                     make_idea):
    s = voting_setup(open=False)
    make_idea(s.members[1][1], title="=HYPERLINK(\"http://evil\")")
    services.open_round(organiser, s.round.id)
    _tied_results(s, organiser, make_voter)
    response = client.get(f"/rounds/{s.round.id}/results.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["rank", "tied", "idea_id", "idea", "team", "votes", "winner"]
    assert [r[0] for r in rows[1:]] == ["1", "1", "3"]
    assert rows[1][1] == rows[2][1] == "yes"
    assert rows[3][3] == "'=HYPERLINK(\"http://evil\")"


def test_the_organiser_confirms_the_winners_and_it_is_audited(
        db, browser, organiser, voting_setup, make_voter):
    s = voting_setup()
    _tied_results(s, organiser, make_voter)
    client = browser(organiser)
    url = f"/rounds/{s.round.id}/results"
    page = text_of(client.get(url))
    assert "Confirmer les lauréats" in page and 'value="2"' in page  # min(3, ideas)
    response = client.post_form(f"/rounds/{s.round.id}/winners", {"k": "1"}, token_from=url)
    assert response.status_code == 303
    winners = list(db.session.scalars(select(RoundWinner)))
    assert [(w.idea_id, w.rank, w.votes) for w in winners] == [(s.ideas[0].id, 1, 2)]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "round.winners"))
    assert entry.actor_id == organiser.id and entry.details["winners"] == [s.ideas[0].id]
    assert entry.details["tie_break"] == "earliest idea first"
    page = text_of(client.get(url))
    assert "Les lauréats sont confirmés." in page and "Confirmés par les organisateurs" in page
    # Confirming again replaces the list.
    client.post_form(f"/rounds/{s.round.id}/winners", {"k": "2"}, token_from=url)
    assert len(services.winners_of(s.round.id)) == 2


@pytest.mark.parametrize("k", ["0", "3", "", "deux"])
def test_a_bad_number_of_winners_is_refused_on_its_field(db, browser, organiser, voting_setup,
                                                         make_voter, k):
    s = voting_setup()
    _tied_results(s, organiser, make_voter)
    client = browser(organiser)
    url = f"/rounds/{s.round.id}/results"
    response = client.post_form(f"/rounds/{s.round.id}/winners", {"k": k}, token_from=url)
    assert response.status_code == 422
    assert 'id="k-error"' in response.get_data(as_text=True)
    assert services.winners_of(s.round.id) == []


def test_only_organisers_confirm_winners_and_only_once_closed(db, browser, organiser,
                                                              voting_setup, make_voter):
    s = voting_setup()
    client = browser(organiser)
    url = f"/rounds/{s.round.id}/results"
    response = client.post_form(f"/rounds/{s.round.id}/winners", {"k": "1"}, token_from=url)
    assert response.status_code == 303
    assert "Les lauréats se confirment une fois le tour de vote clos." in text_of(client.get(url))
    _tied_results(s, organiser, make_voter)
    other = browser(s.outsider)
    assert "Confirmer les lauréats" not in text_of(other.get(url))
    response = other.post_form(f"/rounds/{s.round.id}/winners", {"k": "1"}, token_from=url)
    assert response.status_code == 403
    assert services.winners_of(s.round.id) == []
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "round.winners")) is None
