"""A jury member party to an application is recused from it (« déport », issue 19 §2.3):
they cannot score it (403, the attempt audited), they do not count towards its quorum, the
scoring page shows them recused; the same for a conflict they declared. On SQLite and
PostgreSQL, as the co-funding's recusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.aid.calls import decisions
from inspir_events.aid.calls import services as calls
from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.models import JuryScore
from inspir_events.aid.projects.models import ProjectMember
from inspir_events.audit.models import AuditEntry
from inspir_events.recusal import services as recusal
from inspir_events.recusal.services import Recused
from tests.aid.calls.conftest import all_scores

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@BACKENDS
def test_a_jury_member_party_to_an_application_is_recused_from_scoring_it(
        app, db, backend, client, login, call_setup, submitted, scored):
    """Dominique sits on the jury and is a member of the project's team: refused with 403
    on the page and in the use case, the attempt audited, no score written; the two other
    members score it, and the quorum counts them only."""
    party = call_setup.members[0]
    db.session.add(ProjectMember(project_id=call_setup.project.id, user_id=party.id,
                                 role="member"))
    db.session.commit()
    application = submitted()
    with pytest.raises(Recused):
        jury.score(party, calls.JURY_SUBJECT, call_setup.call.id, application.id,
                   all_scores(5))
    login(party)
    page = f"/aid/jury/call/{call_setup.call.id}/applications/{application.id}"
    assert "déport" in client.get(page).get_data(as_text=True)
    form = {f"score_{code}": "5" for code in all_scores(5)}
    response = client.post_form(page, form, token_from=page)
    assert response.status_code == 403
    assert db.session.scalar(select(JuryScore.id).where(JuryScore.user_id == party.id)) \
        is None
    refused = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "recusal.refused")).all()
    assert len(refused) == 2 and {e.details["attempted"] for e in refused} == {"jury.score"}
    # The quorum: the party never counts, even with two others' scores (3 needed).
    jury.set_quorum(call_setup.committee, calls.JURY_SUBJECT, call_setup.call.id, 3, 2)
    for member in call_setup.members[1:]:
        jury.score(member, calls.JURY_SUBJECT, call_setup.call.id, application.id,
                   all_scores(3))
    with pytest.raises(jury.QuorumNotReached):
        decisions.refuse(call_setup.committee, application.id, "Non.")
    jury.set_quorum(call_setup.committee, calls.JURY_SUBJECT, call_setup.call.id, 2, 2)
    assert decisions.refuse(call_setup.committee, application.id, "Non.").ranking_citation \
        .endswith("2 membres, 2 disciplines.")


@BACKENDS
def test_a_jury_member_who_declared_a_conflict_is_recused_too(
        app, db, backend, call_setup, submitted):
    application = submitted()
    member = call_setup.members[1]
    recusal.declare_conflict(member, decisions.RECUSAL_SUBJECT, application.id,
                             "Je conseille l'équipe.")
    with pytest.raises(Recused):
        jury.score(member, calls.JURY_SUBJECT, call_setup.call.id, application.id,
                   all_scores(4))


def test_a_committee_member_party_to_an_application_does_not_decide(
        db, call_setup, submitted, scored, committee2):
    application = submitted()
    scored(application, 4, 4)
    db.session.add(ProjectMember(project_id=call_setup.project.id, user_id=committee2.id,
                                 role="member"))
    db.session.commit()
    with pytest.raises(Recused):
        decisions.grant(committee2, application.id,
                        decisions.GrantInput(operating_cents=100_000))
