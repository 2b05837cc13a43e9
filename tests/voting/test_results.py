"""Results (voting/results.py): hidden tallies, ties, the chart, the CSV and the winners."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, select
from sqlalchemy import event as sa_event

from inspir_events.audit.models import AuditEntry
from inspir_events.voting import results as result_cases
from inspir_events.voting import rounds as round_cases
from inspir_events.voting import votes as vote_cases
from inspir_events.voting.models import RoundWinner, Vote, VotingRound
from inspir_events.voting.rules import RoundStatus
from tests.events.conftest import text_of


def test_a_hidden_tally_is_not_shown_until_closing(db, browser, organiser, voting_setup):
    s = voting_setup(visibility="at_close")
    vote_cases.cast_vote(s.outsider.id, s.round.id, s.ideas[0].id)
    client = browser(s.outsider)
    page = client.get(f"/rounds/{s.round.id}").get_data(as_text=True)
    assert 'data-visible="0"' in page and "data-tally-idea" not in page
    assert client.get(f"/rounds/{s.round.id}/results").status_code == 403
    assert client.get(f"/rounds/{s.round.id}/results.csv").status_code == 403
    round_cases.close_round(organiser, s.round.id)
    page = client.get(f"/rounds/{s.round.id}").get_data(as_text=True)
    assert f'data-tally-idea="{s.ideas[0].id}">1<' in page
    assert client.get(f"/rounds/{s.round.id}/results").status_code == 200


def _tied_results(s, organiser, make_voter):
    """Ideas 0 and 1 tie at 2 votes each; a third idea has none."""
    voters = [s.outsider, make_voter()]
    for voter in voters:
        for idea in s.ideas[:2]:
            assert vote_cases.cast_vote(voter.id, s.round.id, idea.id).outcome == "stored"
    round_cases.close_round(organiser, s.round.id)


def test_results_show_ties_chart_and_rule(db, client, organiser, voting_setup, make_voter,
                                          make_idea):
    s = voting_setup(open=False)
    third = make_idea(s.members[1][1], title="=HYPERLINK(\"http://evil\")")
    round_cases.open_round(organiser, s.round.id)
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
    ranked = result_cases.results(s.round)
    assert [(r.rank, r.idea_id, r.votes, r.tied) for r, _ in ranked] == [
        (1, s.ideas[0].id, 2, True), (1, s.ideas[1].id, 2, True), (3, third.id, 0, False)]


def test_results_csv_is_formula_safe(db, client, organiser, voting_setup, make_voter,
                                     make_idea):
    s = voting_setup(open=False)
    make_idea(s.members[1][1], title="=HYPERLINK(\"http://evil\")")
    round_cases.open_round(organiser, s.round.id)
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
    assert len(result_cases.winners_of(s.round.id)) == 2


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
    assert result_cases.winners_of(s.round.id) == []


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
    assert result_cases.winners_of(s.round.id) == []
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "round.winners")) is None


# ---- the broadcast tick's running counts -----------------------------------------------------

def _statements(db, action):
    """What ``action`` returns, and the SQL statements it ran."""
    ran = []

    def record(conn, cursor, statement, parameters, context, executemany):
        ran.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        return action(), ran
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_the_ticks_running_counts_are_a_count_of_every_vote(db, voting_setup, make_round):
    s = voting_setup()
    running = result_cases.RunningCounts()

    def tick():
        open_rounds = list(db.session.scalars(select(VotingRound).where(
            VotingRound.status == RoundStatus.OPEN).order_by(VotingRound.id)))
        kept, every = running.snapshots(open_rounds), result_cases.snapshots(open_rounds)
        db.session.rollback()
        assert kept == every
        return kept

    assert tick()[s.round.id]["total"] == 0
    ballots = ((s.outsider, s.ideas[0]), (s.members[0][1], s.ideas[1]),
               (s.members[1][0], s.ideas[0]), (s.outsider, s.ideas[1]))
    for voter, idea in ballots:
        assert vote_cases.cast_vote(voter.id, s.round.id, idea.id).outcome == "stored"
        tick()
    assert tick()[s.round.id]["tally"] == {str(s.ideas[0].id): 2, str(s.ideas[1].id): 2}
    second = make_round()  # a round opening while the first runs: counted from the start
    assert vote_cases.cast_vote(s.members[0][0].id, second.id, s.ideas[1].id).outcome \
        == "stored"
    snapshot = tick()
    assert snapshot[second.id]["total"] == 1 and snapshot[s.round.id]["total"] == 4
    assert snapshot[second.id]["version"] > snapshot[s.round.id]["version"]


def test_on_sqlite_a_tick_reads_only_the_votes_past_the_last_counted(db, setup):
    running = result_cases.RunningCounts()
    voting_round = db.session.get(VotingRound, setup.round.id)
    running.snapshots([voting_round])  # the first tick counts every vote
    vote_cases.cast_vote(setup.outsider.id, setup.round.id, setup.ideas[0].id)
    snapshot, ran = _statements(db, lambda: running.snapshots([voting_round]))
    assert snapshot[setup.round.id]["total"] == 1
    (read,) = [s for s in ran if "FROM vote" in s]
    assert "vote.id >" in read and "GROUP BY" not in read and "count" not in read.lower()


def test_every_vote_is_counted_again_every_so_many_ticks(db, setup, monkeypatch):
    """A vote gone with its idea (a cascade) leaves the counts by the next full count."""
    monkeypatch.setattr(result_cases, "RECOUNT_EVERY", 3)
    running = result_cases.RunningCounts()
    voting_round = db.session.get(VotingRound, setup.round.id)
    for idea in setup.ideas:
        vote_cases.cast_vote(setup.outsider.id, setup.round.id, idea.id)
    assert running.snapshots([voting_round])[setup.round.id]["total"] == 2
    db.session.execute(delete(Vote).where(Vote.idea_id == setup.ideas[1].id))
    db.session.commit()
    totals = [running.snapshots([voting_round])[setup.round.id]["total"] for _ in range(3)]
    assert totals == [2, 2, 1]
