"""The jury's pure rules: completeness, means, spread, ranking, quorum (no app)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from inspir_events.aid.jury import rules
from inspir_events.aid.jury.rules import Discipline, MemberScores

CRITERIA = ("co_design", "feasibility")


def member(user_id, discipline, co_design=None, feasibility=None, recused=False):
    scores = {k: v for k, v in (("co_design", co_design), ("feasibility", feasibility))
              if v is not None}
    return MemberScores(user_id, discipline, scores, recused)


def test_default_criteria_are_the_charter_plus_feasibility_and_reproducibility():
    assert len(rules.CRITERIA) == 9
    assert rules.CRITERION_CODES[:7] == ("co_design", "user_involvement", "collective",
                                         "regional_need", "subsidiarity",
                                         "multidisciplinarity", "open_innovation")
    assert rules.CRITERION_CODES[7:] == ("feasibility", "reproducibility")
    assert rules.valid_criteria(["reproducibility", "co_design"]) == ("co_design",
                                                                      "reproducibility")


def test_a_member_mean_needs_every_criterion_scored():
    assert rules.member_mean({"co_design": 4}, CRITERIA) is None
    assert rules.member_mean({"co_design": 4, "feasibility": 3}, CRITERIA) == Fraction(7, 2)
    assert not rules.is_complete({"co_design": 6, "feasibility": 3}, CRITERIA)
    assert not rules.is_complete({"co_design": True, "feasibility": 3}, CRITERIA)


def test_quorum_counts_complete_non_recused_members_and_their_disciplines():
    members = [member(1, Discipline.DIGITAL, 4, 4), member(2, Discipline.DIGITAL, 3, 5),
               member(3, Discipline.ECONOMY, 2, 2, recused=True),
               member(4, Discipline.TERRITORY, 5)]  # not finished
    verdict = rules.quorum(members, CRITERIA, 2, 2)
    assert verdict.scorers == 2 and verdict.disciplines == (Discipline.DIGITAL,)
    assert not verdict.reached and len(verdict.missing) == 1
    members[3] = member(4, Discipline.TERRITORY, 5, 1)
    assert rules.quorum(members, CRITERIA, 2, 2).reached
    assert not rules.quorum(members, CRITERIA, 4, 2).reached  # the recused one never counts


def test_result_mean_and_spread_are_over_members_means():
    members = [member(1, Discipline.DIGITAL, 4, 4), member(2, Discipline.ECONOMY, 2, 2)]
    result = rules.result(7, members, CRITERIA, 2, 2)
    assert result.mean == 3 and result.spread == 1
    assert rules.rounded(Fraction(19, 5)) == Decimal("3.8")


def test_ranking_shares_ranks_and_puts_the_unscored_last():
    def made(app_id, mean):
        verdict = rules.quorum([], CRITERIA, 1, 1)
        return rules.Result(app_id, mean, None, 0, (), verdict)

    ranked = rules.ranking([made(1, Fraction(3)), made(2, None), made(3, Fraction(4)),
                            made(4, Fraction(3)), made(5, Fraction(1))])
    assert [(r.application_id, r.rank) for r in ranked] == [(3, 1), (1, 2), (4, 2), (5, 4),
                                                             (2, None)]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=8))
def test_mean_lies_within_the_scores_and_spread_is_not_negative(pairs):
    members = [member(i, Discipline.OTHER, a, b) for i, (a, b) in enumerate(pairs, 1)]
    result = rules.result(1, members, CRITERIA, 1, 1)
    means = [Fraction(a + b, 2) for a, b in pairs]
    assert min(means) <= result.mean <= max(means)
    assert result.spread >= 0
    assert result.scorers == len(pairs)
    if len(set(means)) == 1:
        assert result.spread == 0
