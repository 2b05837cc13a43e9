"""Reading the pipeline: the projects list by stage, one project's page, who sees what,
what the gates and the grant caps look at.

Read-only: the use cases that change projects are in :mod:`inspir_events.aid.projects.services`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from inspir_events.accounts.models import Role, User, UserRole
from inspir_events.aid import rules
from inspir_events.aid.envelopes import services as envelopes
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.aid.projects import stages
from inspir_events.aid.projects.models import Project, ProjectMember, ProjectMove
from inspir_events.aid.projects.stages import ProjectFacts, Qualification, Stage
from inspir_events.aid.years import services as years
from inspir_events.database import ID_MAX
from inspir_events.extensions import db
from inspir_events.recusal import services as recusal
from inspir_events.reference.models import Commune, Department
from inspir_events.urls import path_for

# The grant kinds, their section and the key of rules.Received they count in.
GRANT_KINDS = {
    "operating": (GrantKind.PROJECT_OPERATING, rules.Section.OPERATING),
    "investment": (GrantKind.PROJECT_INVESTMENT, rules.Section.INVESTMENT),
    "structure": (GrantKind.STRUCTURE, rules.Section.OPERATING),
}
GRANTABLE_STAGES = (Stage.PROJET, Stage.EXPERIMENTATION)


def member_ids(project: Project) -> list[int]:
    """The account ids of the project's team."""
    return [row.user_id for row in project.member_rows]


def facts(project: Project) -> ProjectFacts:
    """What the gates look at, read from the project."""
    return ProjectFacts(stage=Stage(project.stage), licence=project.licence,
                        repository_url=project.repository_url, results=project.results or "",
                        lessons=project.lessons or "",
                        support_structure=project.support_structure_id is not None,
                        qualification=Qualification(project.qualification))


# --- Recusal (« déport ») -------------------------------------------------------------------
# Nobody qualifies, orients, moves or funds a project they are party to.

RECUSAL_SUBJECT = "project"


def parties(project_id: int) -> set[int]:
    """Who is party to a project: its members (its team), its proposer and its support
    structure (an account: a structure grant for the project goes to it)."""
    people = set(db.session.scalars(select(ProjectMember.user_id).where(
        ProjectMember.project_id == project_id)))
    row = db.session.execute(select(Project.proposed_by_id, Project.support_structure_id)
                             .where(Project.id == project_id)).first()
    return people | ({user_id for user_id in row if user_id is not None} if row else set())


def may_decide(user, project_id: int) -> bool:
    """May this person decide on the project (recusal aside)? The committee, or a decider
    of an envelope it can draw on (they may declare a conflict on it)."""
    if not (user and getattr(user, "is_authenticated", False)) or not 0 < project_id <= ID_MAX:
        return False
    project = db.session.get(Project, project_id)
    return project is not None and (is_committee(user)
                                    or any(grant_envelopes(user, project).values()))


def page(project_id: int) -> str:
    """The project's page (where the committee decides on it)."""
    return path_for("aid.project", project_id=project_id)


def recusal_of(user, project: Project) -> str | None:
    """Why this person takes no part in deciding on the project (None: they may)."""
    return recusal.refusal(user, RECUSAL_SUBJECT, project.id)


def can_edit_details(user, project: Project) -> bool:
    """The project's members, its support structure and the committee."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    return (is_committee(user) or user.id in member_ids(project)
            or user.id == project.support_structure_id)


def received(project_id: int) -> rules.Received:
    """What the project already received, per kind (sums of its grants)."""
    sums = dict(db.session.execute(
        select(AidGrant.kind, func.coalesce(func.sum(AidGrant.amount_cents), 0))
        .where(AidGrant.project_id == project_id).group_by(AidGrant.kind)).all())
    return rules.Received(*(int(sums.get(kind, 0)) for kind, _section in GRANT_KINDS.values()))


def former_region(project: Project) -> rules.FormerRegion | None:
    """The former region of the project's department (None without a department)."""
    department = db.session.get(Department, project.department_code or "")
    return rules.FormerRegion[department.former_region.name] if department else None



STAGES_SHOWN = (*stages.ORDER, Stage.ABANDONNE)


@dataclass
class Filters:
    stage: Stage | None = None
    department: str | None = None
    theme: str | None = None
    epci: str | None = None  # an intercommunality's SIREN: projects in its communes


@dataclass
class Listing:
    by_stage: dict[Stage, list[Project]]
    awaiting: list[Project] = field(default_factory=list)  # for the committee
    oriented: list[Project] = field(default_factory=list)  # sent to another programme

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.by_stage.values())


def filters_from(args) -> Filters:
    """The listing's filters from a query string; unknown values are ignored."""
    stage = args.get("stage", "")
    return Filters(stage=Stage(stage) if stage in Stage._value2member_map_ else None,
                   department=args.get("department") or None, theme=args.get("theme") or None,
                   epci=args.get("epci") or None)


def listing(filters: Filters, viewer) -> Listing:
    """Projects by stage (filtered); the committee also sees the proposals to answer."""
    query = select(Project)
    if filters.stage is not None:
        query = query.where(Project.stage == filters.stage)
    if filters.department:
        query = query.where(Project.department_code == filters.department)
    if filters.epci:
        query = query.where(Project.commune_code.in_(
            select(Commune.code).where(Commune.epci_siren == filters.epci)))
    if filters.theme:
        query = query.where(Project.theme_code == filters.theme)
    projects = db.session.scalars(query.order_by(Project.stage_changed_at.desc(),
                                                 Project.id.desc())).all()
    result = Listing(by_stage={stage: [] for stage in STAGES_SHOWN})
    committee = is_committee(viewer)
    for project in projects:
        if project.qualification == Qualification.AWAITING:
            if committee:
                result.awaiting.append(project)
        elif project.qualification == Qualification.ORIENTED_PROGRAMME:
            if committee:
                result.oriented.append(project)
        else:
            result.by_stage[Stage(project.stage)].append(project)
    return result


def can_view(viewer, project: Project) -> bool:
    """Listed projects are public; a proposal not (or no longer) in the pipeline is shown
    to the committee, its proposer and its members only."""
    if project.is_listed:
        return True
    if not (viewer and getattr(viewer, "is_authenticated", False)):
        return False
    return (is_committee(viewer) or viewer.id == project.proposed_by_id
            or viewer.id in member_ids(project))


def get_for_viewer(project_id: int, viewer) -> Project | None:
    """The project if this viewer may see it, else None."""
    project = db.session.scalar(
        select(Project).where(Project.id == project_id)
        .options(selectinload(Project.member_rows).joinedload(ProjectMember.user),
                 selectinload(Project.moves).joinedload(ProjectMove.decided_by))
    ) if 0 < project_id <= ID_MAX else None
    return project if project is not None and can_view(viewer, project) else None


@dataclass(frozen=True)
class Gate:
    """A next stage and what its gate still misses (shown before anyone tries)."""

    stage: Stage
    verdict: stages.MoveVerdict


def gates(project: Project) -> list[Gate]:
    """Each next stage with what its gate still misses (shown before anyone tries)."""
    current = facts(project)
    return [Gate(stage, stages.check_move(current, stage))
            for stage in stages.next_stages(current.stage)]


def grants_of(project_id: int) -> list[AidGrant]:
    """The grants to the project and its support structure, in decision order."""
    return list(db.session.scalars(
        select(AidGrant).where(AidGrant.project_id == project_id)
        .order_by(AidGrant.decided_at, AidGrant.id)))


def support_structures() -> list[User]:
    """The accounts holding the support structure role, by name."""
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.SUPPORT_STRUCTURE).order_by(User.display_name, User.id)))


def grant_envelopes(viewer, project: Project, year: int | None = None) -> dict:
    """Per kind of grant, the envelopes this viewer may draw on for the project."""
    region = former_region(project)
    if region is None or not (viewer and getattr(viewer, "is_authenticated", False)):
        return {kind: [] for kind in GRANT_KINDS}
    year = year or years.today().year
    return {kind: envelopes.decidable_envelopes(viewer, year, region, section)
            for kind, (_grant_kind, section) in GRANT_KINDS.items()}


def can_grant(viewer, project: Project, choices: dict) -> bool:
    """A project in maturation or experimentation, and an envelope the viewer decides on."""
    return project.stage in GRANTABLE_STAGES and any(choices.values())
