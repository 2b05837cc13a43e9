"""Maturation pipeline use cases: promoting a round's winners, proposals, moves, grants.

The deliberation's steps « Faire naître des idées », « Les expérimenter », « Les
diffuser », the committee guiding « les idées et projets vers des structures
existantes permettant de faire murir ces projets »: a voting round's confirmed
winners, or a citizen's proposal, become projects at ``idee``; the committee qualifies or orients
proposals (subsidiarity) and moves projects through the gates of
:mod:`inspir_events.aid.projects.stages`. Grants to projects are in
:mod:`inspir_events.aid.projects.grants`.

Each use case loads, checks the rules, changes, audits, notifies and commits
once; a refusal is a :class:`ProjectError` and rolls the transaction back.
Envelopes and :func:`~inspir_events.aid.envelopes.services.add_grant` live in
:mod:`inspir_events.aid.envelopes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events import markdown
from inspir_events.accounts.models import Role, User
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.projects import following, stages
from inspir_events.aid.projects.models import Project, ProjectMember, ProjectMove
from inspir_events.aid.projects.queries import RECUSAL_SUBJECT, can_edit_details, facts, member_ids
from inspir_events.aid.projects.rules import search_text_of
from inspir_events.aid.projects.stages import Origin, Qualification, Stage
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, insert_ignoring_conflicts, use_case
from inspir_events.domain import DomainError
from inspir_events.events.access import is_organiser
from inspir_events.extensions import db
from inspir_events.needs import services as needs
from inspir_events.notifications import services as notifications
from inspir_events.recusal import services as recusal
from inspir_events.reference import services as reference
from inspir_events.reference.models import Department, Theme
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for
from inspir_events.voting.models import RoundWinner, VotingRound

TITLE_MIN, TITLE_MAX = 5, 120
SUMMARY_MAX = 5_000
NOTE_MAX = 2_000
TEXT_MAX = 20_000  # results, lessons learned
NAME_MAX = 150

class ProjectError(DomainError):
    """A pipeline use case refused (422 unless a subclass says otherwise)."""


class ProjectNotFound(ProjectError):
    status = 404

    def __init__(self, message=None):
        super().__init__(message or _l("This project does not exist."))


class ProjectForbidden(ProjectError):
    status = 403


class ProjectConflict(ProjectError):
    status = 409


class MoveRefused(ProjectError):
    """The gate is not met: ``missing`` lists every missing condition (stages.Missing)."""

    def __init__(self, missing):
        super().__init__(_l("This move is not possible yet: see each missing condition."))
        self.missing = tuple(missing)


class GrantRefused(ProjectError):
    """The grants break the caps: ``violations`` lists every one (rules.Violation)."""

    def __init__(self, violations):
        super().__init__(_l("These grants break the programme's rules: see each one."))
        self.violations = tuple(violations)


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def locked_project(project_id) -> Project:
    """The project's row, locked (PostgreSQL; SQLite's write lock is already held), fresh."""
    project = db.session.scalar(
        select(Project).where(Project.id == project_id).with_for_update()
        .execution_options(populate_existing=True)) if _valid_id(project_id) else None
    if project is None:
        raise ProjectNotFound()
    return project


def _require_committee(user) -> None:
    if not is_committee(user):
        raise ProjectForbidden(_l("Only committee members guide projects through the "
                                  "pipeline."))


def refuse_if_recused(user, project_id: int, action: str) -> None:
    """« Déport »: a party to the project (:func:`queries.parties`), or a member who declared
    a conflict on it, is refused (403) and the attempt audited (:func:`recusal.check`)."""
    recusal.check(user, RECUSAL_SUBJECT, project_id, action)


def _clean_note(note: str | None, required: bool = True) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ProjectError(_l("Write a note explaining the decision."), field="note")
    if len(note) > NOTE_MAX:
        raise ProjectError(_l("At most %(max)d characters.", max=NOTE_MAX), field="note")
    return note


def project_url(project: Project) -> str:
    """The project's page: the link its notifications carry."""
    return path_for("aid.project", project_id=project.id)


# --- Promotion of a round's winners -----------------------------------------------------

def _lineage_values(winner: RoundWinner, voting_round: VotingRound) -> dict:
    idea, event = winner.idea, voting_round.event
    need = idea.need
    theme = need.theme_code if need else (event.themes[0].code if event.themes else None)
    title = idea.title[:TITLE_MAX]
    return dict(
        title=title, summary=idea.summary,
        summary_html=markdown.render(idea.summary), stage=Stage.IDEE,
        search_text=search_text_of(SimpleNamespace(title=title, summary=idea.summary,
                                                   results="", lessons="")),
        origin=Origin.ROUND_WINNER, qualification=Qualification.QUALIFIED,
        idea_id=idea.id, round_id=voting_round.id, event_id=event.id, need_id=idea.need_id,
        team_id=idea.team_id, vote_rank=winner.rank, vote_count=winner.votes,
        proposed_by_id=idea.author_id,
        department_code=need.department_code if need else event.department_code,
        commune_code=need.commune_code if need else event.venue_commune_code,
        theme_code=theme, created_at=utcnow(), updated_at=utcnow(),
        stage_changed_at=utcnow())


def _idea_people(idea) -> list[tuple[int, str]]:
    """(user id, role) of the idea's team (its lead first), or its author alone."""
    team = idea.team
    if team is not None and team.member_rows:
        people = [(row.user_id, "lead" if row.user_id == team.lead_id else "member")
                  for row in team.member_rows]
        return sorted(people, key=lambda person: person[1] != "lead")
    return [(idea.author_id, "author")] if idea.author_id else []


@use_case
def promote_winner(organiser: User, round_id: int) -> list[Project]:
    """An organiser's confirmed winners of a voting round become projects at ``idee``.

    Each carries its lineage (idea, round, event, the need answered, team and
    votes); the team's members become the project's members and are notified.
    Idempotent, even when two calls race: a winner already promoted (``idea_id``
    is unique) is left as it is, and an INSERT ... ON CONFLICT DO NOTHING settles
    a race between two promotions in the database.
    """
    begin_write()
    voting_round = db.session.get(VotingRound, round_id) if _valid_id(round_id) else None
    if voting_round is None:
        raise ProjectNotFound(_l("This voting round does not exist."))
    if not is_organiser(organiser, voting_round.event):
        raise ProjectForbidden(_l("Only the event's organisers promote its winners."))
    winners = list(db.session.scalars(select(RoundWinner).where(
        RoundWinner.round_id == voting_round.id).order_by(RoundWinner.rank,
                                                          RoundWinner.idea_id)))
    if voting_round.winners_confirmed_at is None or not winners:
        raise ProjectConflict(_l("Confirm the round's winners before promoting them."))
    projects, created = [], []
    for winner in winners:
        result = insert_ignoring_conflicts(Project, **_lineage_values(winner, voting_round))
        project = db.session.scalar(select(Project).where(Project.idea_id == winner.idea_id))
        projects.append(project)
        if result.rowcount != 1:
            continue  # promoted before (or by the other of two racing calls)
        created.append(project)
        for position, (user_id, role) in enumerate(_idea_people(winner.idea)):
            db.session.add(ProjectMember(project_id=project.id, user_id=user_id, role=role,
                                         position=position))
        db.session.flush()
        db.session.refresh(project)
        audit.record(organiser, "project.promote", "project", project.id,
                     idea_id=winner.idea_id, round_id=voting_round.id, rank=winner.rank,
                     votes=winner.votes)
        notifications.notify(member_ids(project), "project.promoted", url=project_url(project),
                             project=project.title)
        following.project_created(organiser, project)
    db.session.commit()
    return projects


# --- Proposals and their qualification ----------------------------------------------------

@use_case
def propose_project(citizen: User, title: str, summary: str, department: str | None,
                    theme: str | None, commune: str = "") -> Project:
    """Any signed-in person proposes a project directly to the committee.

    It enters ``idee``, awaiting qualification; the proposer is its first member. Its
    commune, when given, is one of the reference list in its department (issue 20 §3).
    """
    if not (citizen and getattr(citizen, "is_authenticated", False)):
        raise ProjectForbidden(_l("Sign in to propose a project."))
    title = " ".join((title or "").split())
    summary = (summary or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise ProjectError(_l("The title must have between %(min)d and %(max)d characters.",
                              min=TITLE_MIN, max=TITLE_MAX), field="title")
    if not summary or len(summary) > SUMMARY_MAX:
        raise ProjectError(_l("Describe the project in at most %(max)d characters.",
                              max=SUMMARY_MAX), field="summary")
    begin_write()
    if db.session.get(Department, department or "") is None:
        raise ProjectError(_l("Choose a department of Hauts-de-France."), field="department")
    if theme and db.session.get(Theme, theme) is None:
        raise ProjectError(_l("Choose a theme from the list."), field="theme")
    place = reference.find_commune(commune, department)
    project = Project(title=title, summary=summary, summary_html=markdown.render(summary),
                      stage=Stage.IDEE, origin=Origin.PROPOSAL,
                      qualification=Qualification.AWAITING, proposed_by_id=citizen.id,
                      department_code=department, theme_code=theme or None,
                      commune_code=place.code if place else None)
    project.search_text = search_text_of(project)
    project.member_rows = [ProjectMember(user_id=citizen.id, role="author", position=0)]
    db.session.add(project)
    db.session.flush()
    audit.record(citizen, "project.propose", "project", project.id)
    db.session.commit()
    return project


@use_case
def _decide_qualification(member: User, project_id: int, qualification: Qualification,
                          note: str, action: str, **details) -> Project:
    """Record a qualification decision (a move without a stage change); the caller has
    begun the transaction and loaded the project."""
    project = db.session.get(Project, project_id)
    before = project.qualification
    project.qualification = qualification
    project.updated_at = utcnow()
    db.session.add(ProjectMove(project_id=project.id, from_stage=project.stage,
                               to_stage=project.stage, qualification=qualification, note=note,
                               decided_by_id=member.id))
    audit.record(member, action, "project", project.id, before=before.value,
                 after=qualification.value, note=note, **details)
    recipients = {project.proposed_by_id, *member_ids(project)} - {None}
    notifications.notify(sorted(recipients), "project.oriented", url=project_url(project),
                         project=project.title)
    db.session.commit()
    return project


def _open_for_qualification(member: User, project_id: int, note: str,
                            action: str) -> tuple[Project, str]:
    _require_committee(member)
    refuse_if_recused(member, project_id, action)
    note = _clean_note(note)
    begin_write()
    project = locked_project(project_id)
    if project.stage != Stage.IDEE or project.qualification == Qualification.ORIENTED_PROGRAMME:
        raise ProjectConflict(_l("This project is no longer awaiting the committee's "
                                 "orientation."))
    return project, note


@use_case
def qualify(member: User, project_id: int, note: str) -> Project:
    """The committee takes a proposal into the INS'pir pipeline (AWAITING -> QUALIFIED)."""
    project, note = _open_for_qualification(member, project_id, note, "project.qualify")
    if project.qualification != Qualification.AWAITING:
        raise ProjectConflict(_l("This proposal is already qualified."))
    return _decide_qualification(member, project.id, Qualification.QUALIFIED, note,
                                 "project.qualify")


@use_case
def orient_to_structure(member: User, project_id: int, structure_user_id: int,
                        note: str) -> Project:
    """The committee orients a project towards a support structure that will mature it.

    « des structures chargées d'aider la maturation d'idées en projets ».
    """
    project, note = _open_for_qualification(member, project_id, note,
                                            "project.orient_structure")
    structure = db.session.get(User, structure_user_id) if _valid_id(structure_user_id) else None
    if structure is None or not structure.has_role(Role.SUPPORT_STRUCTURE):
        raise ProjectError(_l("Choose a support structure from the list."), field="structure")
    project.support_structure_id = structure.id
    return _decide_qualification(member, project.id, Qualification.ORIENTED_STRUCTURE, note,
                                 "project.orient_structure", structure_id=structure.id)


@use_case
def orient_to_programme(member: User, project_id: int, programme_code: str,
                        note: str) -> Project:
    """Subsidiarity: the committee orients a proposal towards another regional programme
    (:data:`stages.OTHER_PROGRAMMES`); it then leaves the INS'pir pipeline."""
    project, note = _open_for_qualification(member, project_id, note,
                                            "project.orient_programme")
    if programme_code not in stages.OTHER_PROGRAMMES:
        raise ProjectError(_l("Choose a programme from the list."), field="programme")
    project.oriented_programme = programme_code
    return _decide_qualification(member, project.id, Qualification.ORIENTED_PROGRAMME, note,
                                 "project.orient_programme", programme=programme_code)


# --- Moves through the stages -------------------------------------------------------------

@use_case
def move_project(member: User, project_id: int, target_stage: str, note: str) -> Project:
    """A committee member moves a project to its next stage (or stops it), with a note.

    The gate (:func:`stages.check_move`) must be met: a refusal lists every
    missing condition. The row is locked, so two members moving at once cannot
    both move from the same stage. Reaching ``experimentation`` moves the need
    the project answers to "in experimentation" in the same transaction.
    """
    _require_committee(member)
    refuse_if_recused(member, project_id, "project.move")
    note = _clean_note(note)
    begin_write()
    project = locked_project(project_id)
    verdict = stages.check_move(facts(project), target_stage)
    if not verdict.allowed:
        raise MoveRefused(verdict.missing)
    before, target = Stage(project.stage), Stage(target_stage)
    project.stage, project.stage_changed_at = target, utcnow()
    project.updated_at = project.stage_changed_at
    db.session.add(ProjectMove(project_id=project.id, from_stage=before, to_stage=target,
                               note=note, decided_by_id=member.id))
    audit.record(member, "project.move", "project", project.id, before=before.value,
                 after=target.value, note=note)
    if target is Stage.EXPERIMENTATION and project.need_id is not None:
        need_before = needs.mark_in_experimentation(project.need_id)
        if need_before is not None:
            audit.record(member, "need.in_experimentation", "need", project.need_id,
                         before=need_before.value, project_id=project.id)
    notifications.notify(member_ids(project), "project.moved", url=project_url(project),
                         project=project.title)
    following.project_moved(member, project, target)
    db.session.commit()
    return project


@dataclass
class DetailsInput:
    licence: str | None = None
    repository_url: str | None = None
    results: str = ""
    lessons: str = ""
    support_structure_id: int | None = None


@use_case
def update_project_details(user: User, project_id: int, data: DetailsInput) -> Project:
    """The open-code details the gates look at: licence, repository, results, lessons.

    « en code ouvert » (an open licence and a public repository or documentation)
    and « en permettant l'échec (qui est apprenant) » (lessons learned, rendered and
    sanitised).
    """
    licence = (data.licence or "").strip() or None
    url = (data.repository_url or "").strip() or None
    if licence is not None and licence not in stages.OPEN_LICENCES:
        raise ProjectError(_l("Choose an open licence from the list."), field="licence")
    if url is not None and not stages.is_public_url(url):
        raise ProjectError(_l("Enter a public address starting with http:// or https://."),
                           field="repository_url")
    for name in ("results", "lessons"):
        if len(getattr(data, name) or "") > TEXT_MAX:
            raise ProjectError(_l("At most %(max)d characters.", max=TEXT_MAX), field=name)
    begin_write()
    project = locked_project(project_id)
    if not can_edit_details(user, project):
        raise ProjectForbidden(_l("Only the project's members and the committee edit it."))
    structure_id = data.support_structure_id
    if structure_id is not None:
        structure = db.session.get(User, structure_id) if _valid_id(structure_id) else None
        if structure is None or not structure.has_role(Role.SUPPORT_STRUCTURE):
            raise ProjectError(_l("Choose a support structure from the list."),
                               field="support_structure")
    project.licence, project.repository_url = licence, url
    project.results = (data.results or "").strip()
    project.results_html = markdown.render(project.results)
    project.lessons = (data.lessons or "").strip()
    project.lessons_html = markdown.render(project.lessons)
    project.search_text = search_text_of(project)
    project.support_structure_id = structure_id
    project.updated_at = utcnow()
    audit.record(user, "project.details", "project", project.id, licence=licence,
                 repository_url=url, support_structure_id=structure_id)
    db.session.commit()
    return project
