"""The jury's use cases on a subject of the tests' own: naming, scoring, recusal, quorum,
the ranking's privacy and its citation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.rules import CRITERION_CODES
from inspir_events.audit.models import AuditEntry
from inspir_events.recusal.services import Recused
from tests.aid.jury.conftest import SUBJECT


def all_scores(value: int, comment: str = ""):
    return {code: jury.ScoreInput(value, comment) for code in CRITERION_CODES}


@pytest.fixture
def panel(db, juried, committee, make_user):
    state = juried(2)
    jury.setup(SUBJECT, 1)
    db.session.commit()
    members = [make_user(display_name=f"Juré {i}") for i in range(3)]
    for person, discipline in zip(members, ("digital", "economy", "territory"), strict=True):
        jury.name_member(committee, SUBJECT, 1, person.id, discipline)
    state.members = members
    return state


def test_the_committee_names_the_jury_and_others_cannot(db, panel, committee, make_user):
    outsider = make_user()
    with pytest.raises(jury.JuryForbidden):
        jury.name_member(outsider, SUBJECT, 1, outsider.id, "digital")
    row = jury.jury_of(SUBJECT, 1)
    assert [m.discipline.value for m in row.members] == ["digital", "economy", "territory"]
    jury.set_quorum(committee, SUBJECT, 1, 3, 3)
    assert (row.quorum, row.min_disciplines) == (3, 3)
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("jury.name") == 3 and "jury.quorum" in actions


def test_scoring_is_audited_and_the_quorum_needs_two_members_of_two_disciplines(db, panel):
    first, second = panel.projects
    with pytest.raises(jury.QuorumNotReached):
        jury.require_quorum(SUBJECT, 1, first.id)
    jury.score(panel.members[0], SUBJECT, 1, first.id, all_scores(4, "Solide."))
    with pytest.raises(jury.QuorumNotReached):
        jury.require_quorum(SUBJECT, 1, first.id)
    jury.score(panel.members[1], SUBJECT, 1, first.id, all_scores(2))
    result = jury.require_quorum(SUBJECT, 1, first.id)
    assert result.mean == 3 and result.spread == 1 and result.scorers == 2
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "jury.score")
                               ).first()
    assert entry.details["scores"]["co_design"] == 4
    assert entry.details["comments"]["co_design"] == "Solide."
    jury.score(panel.members[0], SUBJECT, 1, second.id, all_scores(5))
    jury.score(panel.members[2], SUBJECT, 1, second.id, all_scores(5))
    citation = jury.ranking_citation(SUBJECT, 1, first.id)
    assert citation == ("Classement du jury : rang 2 sur 2, moyenne 3,0/5, écart 1,0, "
                        "2 membres, 2 disciplines.")


def test_a_score_out_of_range_is_refused_next_to_its_criterion(db, panel):
    scores = all_scores(3)
    scores["feasibility"] = jury.ScoreInput(6)
    with pytest.raises(jury.JuryError) as refused:
        jury.score(panel.members[0], SUBJECT, 1, panel.projects[0].id, scores)
    assert refused.value.field == "score_feasibility"


def test_a_member_party_to_an_application_is_recused_and_does_not_count(
        db, panel, committee, make_user):
    """A member of the project's team cannot score it (403, audited) nor count."""
    from inspir_events.aid.projects.models import ProjectMember

    project = panel.projects[0]
    member = panel.members[2]
    db.session.add(ProjectMember(project_id=project.id, user_id=member.id, role="member"))
    db.session.commit()
    with pytest.raises(Recused):
        jury.score(member, SUBJECT, 1, project.id, all_scores(5))
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "recusal.refused")).details["attempted"] == "jury.score"
    jury.score(panel.members[0], SUBJECT, 1, project.id, all_scores(5))
    jury.set_quorum(committee, SUBJECT, 1, 2, 1)
    with pytest.raises(jury.QuorumNotReached):
        jury.require_quorum(SUBJECT, 1, project.id)


def test_scores_are_private_until_published_then_only_means_show(db, panel, make_user):
    outsider = make_user()
    jury.score(panel.members[0], SUBJECT, 1, panel.projects[0].id, all_scores(4))
    with pytest.raises(jury.JuryForbidden):
        jury.ranking(outsider, SUBJECT, 1)
    assert jury.public_ranking(SUBJECT, 1) == []
    rows = jury.ranking(panel.members[1], SUBJECT, 1)
    assert rows[0].members
    panel.published = True
    public = jury.public_ranking(SUBJECT, 1)
    assert public[0].result.mean == 4 and public[0].members == []


def test_nothing_is_scored_once_decided(db, panel):
    panel.decided.add(panel.projects[0].id)
    with pytest.raises(jury.JuryConflict):
        jury.score(panel.members[0], SUBJECT, 1, panel.projects[0].id, all_scores(4))
