"""The pipeline's use cases: promoting winners, proposals and orientation, moves and gates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import User
from inspir_events.aid.projects import services
from inspir_events.aid.projects.models import Project, ProjectMember, ProjectMove
from inspir_events.aid.projects.stages import Origin, Qualification, Stage
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db as _db
from inspir_events.needs.models import Need
from inspir_events.needs.rules import NeedStatus
from inspir_events.notifications.models import Notification
from tests.conftest import run_together

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audits(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def notified(db, kind: str) -> set[int]:
    return set(db.session.scalars(select(Notification.user_id)
                                  .where(Notification.kind == kind)))


# --- promote_winner --------------------------------------------------------------------------

def test_promote_creates_one_project_per_confirmed_winner_with_its_lineage(
        db, confirmed_round, organiser):
    setup = confirmed_round()
    projects = services.promote_winner(organiser, setup.round.id)

    assert [p.idea_id for p in projects] == [setup.ideas[0].id, setup.ideas[1].id]
    first, second = projects
    assert (first.stage, first.origin, first.qualification) == (
        Stage.IDEE, Origin.ROUND_WINNER, Qualification.QUALIFIED)
    assert first.title == "Minibus à la demande"
    assert first.summary == setup.ideas[0].summary and "<strong>" in first.summary_html
    assert (first.round_id, first.event_id, first.team_id) == (
        setup.round.id, setup.event.id, setup.teams[0].id)
    assert (first.vote_rank, first.vote_count) == (1, 3)
    assert (second.vote_rank, second.vote_count) == (2, 1)
    assert first.need_id == setup.need.id and second.need_id is None
    # Department and theme come from the need, else from the event.
    assert (first.department_code, first.theme_code) == ("80", "transports")
    assert second.department_code == setup.event.department_code
    members = {(m.user_id, m.role) for m in first.member_rows}
    assert members == {(setup.members[0][0].id, "lead"), (setup.members[0][1].id, "member")}
    assert first.member_rows[0].role == "lead"
    # Audited, and the team members told.
    assert [e.object_id for e in audits(db, "project.promote")] == [str(first.id),
                                                                    str(second.id)]
    assert notified(db, "project.promoted") == {u.id for team in setup.members for u in team}


def test_promoting_twice_is_idempotent(db, confirmed_round, organiser):
    setup = confirmed_round()
    first = [p.id for p in services.promote_winner(organiser, setup.round.id)]
    rows = (count(db, Project), count(db, ProjectMember), count(db, Notification))

    again = [p.id for p in services.promote_winner(organiser, setup.round.id)]

    assert again == first
    assert (count(db, Project), count(db, ProjectMember), count(db, Notification)) == rows
    assert len(audits(db, "project.promote")) == 2


def test_only_an_organiser_of_the_event_promotes(db, confirmed_round, make_user, committee):
    setup = confirmed_round()
    for someone in (setup.members[0][0], committee, make_user(roles=("organiser",))):
        with pytest.raises(services.ProjectForbidden):
            services.promote_winner(someone, setup.round.id)
    assert count(db, Project) == 0


def test_a_round_without_confirmed_winners_is_refused(db, voting_setup, organiser):
    setup = voting_setup()
    with pytest.raises(services.ProjectConflict):
        services.promote_winner(organiser, setup.round.id)
    with pytest.raises(services.ProjectNotFound):
        services.promote_winner(organiser, 999_999)
    assert count(db, Project) == 0


@BACKENDS
def test_two_promotions_racing_give_one_project_per_winner(app, db, backend, confirmed_round,
                                                           organiser):
    setup = confirmed_round()
    round_id, organiser_id = setup.round.id, organiser.id
    results: list[list[int]] = []

    def promote(_index: int) -> None:
        user = _db.session.get(User, organiser_id)
        results.append([p.id for p in services.promote_winner(user, round_id)])

    errors, _elapsed = run_together(app, [promote, promote])
    db.session.rollback()

    assert errors == []
    assert count(db, Project) == 2
    assert results[0] == results[1]
    assert count(db, ProjectMember) == 4  # two teams of two, not doubled
    assert len(audits(db, "project.promote")) == 2


# --- proposals and orientation ----------------------------------------------------------------

def test_a_citizen_proposes_a_project_awaiting_qualification(db, make_user):
    citizen = make_user(display_name="Awa")
    project = services.propose_project(citizen, "  Un   fablab mobile ",
                                       "Un camion **atelier**<script>x()</script>", "02",
                                       "culture")
    assert (project.title, project.stage, project.origin, project.qualification) == (
        "Un fablab mobile", Stage.IDEE, Origin.PROPOSAL, Qualification.AWAITING)
    assert "<strong>atelier</strong>" in project.summary_html
    assert "<script>" not in project.summary_html
    assert [(m.user_id, m.role) for m in project.member_rows] == [(citizen.id, "author")]
    assert project.proposed_by_id == citizen.id


@pytest.mark.parametrize("title,summary,department,field", [
    ("Trop", "Un résumé.", "59", "title"),
    ("Un bon titre", "", "59", "summary"),
    ("Un bon titre", "x" * (services.SUMMARY_MAX + 1), "59", "summary"),
    ("Un bon titre", "Un résumé.", "75", "department"),
])
def test_a_proposal_is_refused_on_its_field(db, make_user, title, summary, department, field):
    with pytest.raises(services.ProjectError) as refused:
        services.propose_project(make_user(), title, summary, department, None)
    assert refused.value.field == field
    assert count(db, Project) == 0


def test_the_committee_qualifies_a_proposal(db, make_project, committee):
    project = make_project(None)
    services.qualify(committee, project.id, "Dans le périmètre.")
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.qualification == Qualification.QUALIFIED
    move = project.moves[-1]
    assert (move.from_stage, move.to_stage, move.qualification, move.note) == (
        Stage.IDEE, Stage.IDEE, Qualification.QUALIFIED, "Dans le périmètre.")
    [entry] = audits(db, "project.qualify")
    assert entry.details["note"] == "Dans le périmètre." and entry.actor_id == committee.id
    assert notified(db, "project.oriented") == {project.proposed_by_id}
    with pytest.raises(services.ProjectConflict):
        services.qualify(committee, project.id, "Encore")


def test_the_committee_orients_a_proposal_to_a_support_structure(db, make_project, committee,
                                                                 support_structure, make_user):
    project = make_project(None)
    with pytest.raises(services.ProjectError) as refused:
        services.orient_to_structure(committee, project.id, make_user().id, "Note")
    assert refused.value.field == "structure"
    services.orient_to_structure(committee, project.id, support_structure.id,
                                 "L'incubateur l'accompagne.")
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.qualification == Qualification.ORIENTED_STRUCTURE
    assert project.support_structure_id == support_structure.id
    assert audits(db, "project.orient_structure")[0].details["structure_id"] == \
        support_structure.id
    # With its structure, it may enter maturation.
    services.move_project(committee, project.id, "projet", "Maturation lancée")
    assert db.session.get(Project, project.id).stage == Stage.PROJET


def test_the_committee_orients_a_proposal_to_another_programme(db, make_project, committee):
    project = make_project(None)
    with pytest.raises(services.ProjectError) as refused:
        services.orient_to_programme(committee, project.id, "inconnu", "Note")
    assert refused.value.field == "programme"
    services.orient_to_programme(committee, project.id, "projets_etudiants",
                                 "Relève des projets d'étudiants.")
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.qualification == Qualification.ORIENTED_PROGRAMME
    assert project.oriented_programme == "projets_etudiants"
    # Subsidiarity: it left the pipeline.
    with pytest.raises(services.MoveRefused) as move:
        services.move_project(committee, project.id, "projet", "Essai")
    assert "not_qualified" in [m.code for m in move.value.missing]
    with pytest.raises(services.ProjectConflict):
        services.qualify(committee, project.id, "Finalement")


def test_only_the_committee_qualifies_orients_and_moves(db, make_project, organiser,
                                                        support_structure):
    project = make_project(None)
    for call in (lambda u: services.qualify(u, project.id, "n"),
                 lambda u: services.orient_to_programme(u, project.id, "projets_etudiants", "n"),
                 lambda u: services.orient_to_structure(u, project.id, support_structure.id,
                                                        "n"),
                 lambda u: services.move_project(u, project.id, "abandonne", "n")):
        for user in (organiser, support_structure):
            with pytest.raises(services.ProjectForbidden):
                call(user)
    assert count(db, ProjectMove) == 0


# --- moves ------------------------------------------------------------------------------------

def test_each_move_is_recorded_and_audited_with_its_note(db, make_project, committee):
    project = make_project("experimentation")
    entries = audits(db, "project.move")
    assert [(e.details["before"], e.details["after"], e.details["note"]) for e in entries] == [
        ("idee", "projet", "Vers projet"),
        ("projet", "experimentation", "Vers experimentation")]
    assert all(e.actor_id == committee.id for e in entries)
    assert [(m.from_stage, m.to_stage) for m in project.moves if m.from_stage != m.to_stage] \
        == [(Stage.IDEE, Stage.PROJET), (Stage.PROJET, Stage.EXPERIMENTATION)]
    assert project.proposed_by_id in notified(db, "project.moved")


def test_a_move_needs_a_note(db, make_project, committee):
    project = make_project("idee", lessons="Rien")
    with pytest.raises(services.ProjectError) as refused:
        services.move_project(committee, project.id, "projet", "   ")
    assert refused.value.field == "note"


def test_the_gate_refuses_with_every_missing_condition(db, make_project, committee):
    project = make_project("projet", licence=None, repository_url=None)
    with pytest.raises(services.MoveRefused) as refused:
        services.move_project(committee, project.id, "experimentation", "On teste")
    assert [m.code for m in refused.value.missing] == ["open_licence_required",
                                                       "repository_required"]
    db.session.expire_all()
    assert db.session.get(Project, project.id).stage == Stage.PROJET
    assert len(audits(db, "project.move")) == 1  # only idee -> projet


def test_diffusion_and_stopping_gates_through_the_service(db, make_project, committee):
    project = make_project("experimentation")
    with pytest.raises(services.MoveRefused) as refused:
        services.move_project(committee, project.id, "diffusion", "Diffusons")
    assert [m.code for m in refused.value.missing] == ["results_required"]
    with pytest.raises(services.MoveRefused) as refused:
        services.move_project(committee, project.id, "abandonne", "On arrête")
    assert [m.code for m in refused.value.missing] == ["lessons_required"]
    with pytest.raises(services.MoveRefused) as refused:
        services.move_project(committee, project.id, "idee", "Retour")
    assert [m.code for m in refused.value.missing] == ["not_allowed"]


def test_the_need_moves_to_in_experimentation_with_its_project(
        db, confirmed_round, organiser, committee, support_structure):
    setup = confirmed_round()
    project = services.promote_winner(organiser, setup.round.id)[0]
    lead = setup.members[0][0]
    services.update_project_details(lead, project.id, services.DetailsInput(
        licence="AGPL-3.0-or-later", repository_url="https://git.example.org/minibus",
        support_structure_id=support_structure.id))
    services.move_project(committee, project.id, "projet", "Accompagné par l'incubateur")
    assert db.session.get(Need, setup.need.id).status == NeedStatus.PUBLISHED

    services.move_project(committee, project.id, "experimentation", "En test à Amiens")

    db.session.expire_all()
    assert db.session.get(Need, setup.need.id).status == NeedStatus.IN_EXPERIMENTATION
    [entry] = audits(db, "need.in_experimentation")
    assert entry.object_id == str(setup.need.id) and entry.details["before"] == "published"


def test_a_closed_need_stays_closed(db, confirmed_round, organiser, committee,
                                   support_structure):
    setup = confirmed_round()
    project = services.promote_winner(organiser, setup.round.id)[0]
    need = db.session.get(Need, setup.need.id)
    need.status = NeedStatus.CLOSED
    db.session.commit()
    services.update_project_details(committee, project.id, services.DetailsInput(
        licence="MIT", repository_url="https://x.example.org",
        support_structure_id=support_structure.id))
    services.move_project(committee, project.id, "projet", "Go")
    services.move_project(committee, project.id, "experimentation", "Go")
    db.session.expire_all()
    assert db.session.get(Need, setup.need.id).status == NeedStatus.CLOSED
    assert db.session.get(Project, project.id).stage == Stage.EXPERIMENTATION
    assert audits(db, "need.in_experimentation") == []


# --- details --------------------------------------------------------------------------------

def test_members_edit_the_open_code_details_others_cannot(db, make_project, make_user,
                                                          support_structure):
    project = make_project("idee")
    proposer = db.session.get(User, project.proposed_by_id)
    services.update_project_details(proposer, project.id, services.DetailsInput(
        licence="EUPL-1.2", repository_url="https://code.example.org/x",
        results="## Résultats\n<img src=x onerror=alert(1)>", lessons="*Appris*",
        support_structure_id=support_structure.id))
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert (project.licence, project.repository_url) == ("EUPL-1.2", "https://code.example.org/x")
    assert "<h2>Résultats</h2>" in project.results_html and "onerror" not in project.results_html
    assert project.lessons_html == "<p><em>Appris</em></p>"
    with pytest.raises(services.ProjectForbidden):
        services.update_project_details(make_user(), project.id, services.DetailsInput())
    for bad, field in ((services.DetailsInput(licence="Proprietary"), "licence"),
                       (services.DetailsInput(repository_url="ftp://x"), "repository_url"),
                       (services.DetailsInput(support_structure_id=proposer.id),
                        "support_structure")):
        with pytest.raises(services.ProjectError) as refused:
            services.update_project_details(proposer, project.id, bad)
        assert refused.value.field == field


@BACKENDS
def test_two_members_moving_at_once_cannot_both_move_from_the_same_stage(
        app, db, backend, make_project, committee, committee2, support_structure):
    project = make_project("idee")
    services.update_project_details(committee, project.id, services.DetailsInput(
        support_structure_id=support_structure.id))
    project_id, member_ids = project.id, [committee.id, committee2.id]
    moved, refused = [], []

    def move(index: int) -> None:
        member = _db.session.get(User, member_ids[index])
        try:
            services.move_project(member, project_id, "projet", f"Décision {index}")
        except services.MoveRefused as exc:
            refused.append([m.code for m in exc.missing])
        else:
            moved.append(index)

    errors, _elapsed = run_together(app, [move, move])
    db.session.rollback()

    assert errors == []
    assert len(moved) == 1 and refused == [["not_allowed"]]
    assert count(db, ProjectMove, ProjectMove.project_id == project_id,
                 ProjectMove.to_stage == Stage.PROJET,
                 ProjectMove.from_stage == Stage.IDEE) == 1
    assert len(audits(db, "project.move")) == 1

