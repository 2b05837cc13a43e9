"""Applying to a call for projects: who may ask what, drafts, the check and submission.

Issue 19 §1: "The team of a project at stage *projet* or later, and support structures,
apply between the dates. An application carries expense lines (as co-funding
applications do), a description and links. The rules check the request before it can be
submitted: the caps, counting what the project already received."

- the experimentation grant is asked by a member of the project's team
  (:class:`~inspir_events.aid.projects.models.ProjectMember`), the structure grant by the
  project's support structure (``Project.support_structure_id``, an account holding the
  support structure role); only what the call allows, only while it accepts
  applications (:func:`services.accepting`), for a listed project at ``projet``,
  ``experimentation`` or ``diffusion``;
- a draft may be saved as it is; submitting runs :func:`inspir_events.aid.rules.check_grants`
  under the rules of the call's budget year, counting what the project already received
  (:func:`inspir_events.aid.projects.queries.received`), and :func:`rules.check_lines`
  (the lines add up to the amounts asked); every problem is reported next to its field;
- after a request for changes, the applicant edits and submits again, until the call
  closes (closing freezes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events import markdown
from inspir_events.accounts.models import Role, User
from inspir_events.aid import identifiers, messages
from inspir_events.aid import rules as money_rules
from inspir_events.aid.calls import rules
from inspir_events.aid.calls.models import Call, CallApplication, CallExpenseLine
from inspir_events.aid.calls.rules import ApplicationStatus, Kind
from inspir_events.aid.calls.services import (
    JURY_SUBJECT,
    CallConflict,
    CallError,
    CallForbidden,
    CallNotFound,
    accepting,
    get_for_viewer,
    valid_id,
)
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.jury import services as jury
from inspir_events.aid.projects.models import Project, ProjectMember
from inspir_events.aid.projects.queries import member_ids, received
from inspir_events.aid.years import services as years
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.notifications import services as notifications
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for

DESCRIPTION_MAX = 10_000
LINKS_MAX = 10
LINK_MAX = 300
LINES_MAX = 30
NAME_MAX = 150
LABEL_MAX = 150


class ApplicationInvalid(CallError):
    """Every problem found, each next to its field: ``problems`` holds (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(_l("The application cannot be sent as it is: see each problem "
                            "below."))
        self.problems = problems


@dataclass(frozen=True)
class ApplicationInput:
    """What the applicant typed, amounts read in cents by the form."""

    description: str = ""
    links: str = ""
    beneficiary_name: str = ""
    beneficiary_identifier: str = ""
    operating_cents: int = 0
    investment_cents: int = 0
    structure_cents: int = 0
    lines: list[rules.Line] = field(default_factory=list)

    def asked(self, kind: Kind) -> rules.Asked:
        if kind == Kind.EXPERIMENTATION:
            return rules.Asked(self.operating_cents, self.investment_cents, 0)
        return rules.Asked(0, 0, self.structure_cents)


# --- Who may apply -----------------------------------------------------------------------

def _signed_in(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


def applicant_problem(user, call: Call, project: Project, kind: Kind) -> CallError | None:
    """Why this person cannot ask this for this project in this call (None: they may)."""
    if not rules.allowed(kind, call.allows_experimentation, call.allows_structure):
        return CallError(_l("This call does not accept this kind of request."), field="kind")
    if kind == Kind.EXPERIMENTATION and user.id not in member_ids(project):
        return CallForbidden(_l("Only a member of the project's team asks for the "
                                "experimentation grant."))
    if kind == Kind.STRUCTURE and not (user.id == project.support_structure_id
                                       and user.has_role(Role.SUPPORT_STRUCTURE)):
        return CallForbidden(_l("Only the project's support structure asks for the support "
                                "structure grant."))
    if project.stage not in rules.ELIGIBLE_STAGES or not project.is_listed:
        return CallError(_l("Only a project in maturation or later applies to a call."),
                         field="kind")
    return None


def choices_for(user, call: Call) -> list[tuple[Project, Kind]]:
    """What this person may ask in this call: their team's projects (experimentation),
    the projects they support as a structure (structure grant)."""
    if not _signed_in(user):
        return []
    found = []
    if call.allows_experimentation:
        for project in db.session.scalars(select(Project).join(
                ProjectMember, ProjectMember.project_id == Project.id)
                .where(ProjectMember.user_id == user.id).order_by(Project.title)):
            if applicant_problem(user, call, project, Kind.EXPERIMENTATION) is None:
                found.append((project, Kind.EXPERIMENTATION))
    if call.allows_structure:
        for project in db.session.scalars(select(Project).where(
                Project.support_structure_id == user.id).order_by(Project.title)):
            if applicant_problem(user, call, project, Kind.STRUCTURE) is None:
                found.append((project, Kind.STRUCTURE))
    return found


def application_for(call_id: int, project_id: int, kind: Kind,
                    lock: bool = False) -> CallApplication | None:
    query = select(CallApplication).where(CallApplication.call_id == call_id,
                                          CallApplication.project_id == project_id,
                                          CallApplication.kind == kind)
    return db.session.scalar(query.with_for_update() if lock else query)


def _kind(kind) -> Kind:
    try:
        return Kind(kind)
    except ValueError:
        raise CallNotFound() from None


def for_applicant(user, call_id: int, project_id: int, kind) -> tuple[Call, Project,
                                                                      CallApplication | None]:
    """The call, the project and its request (None before the first save), for the one
    who may apply; a request already made stays readable to its applicant."""
    if not _signed_in(user):
        raise CallForbidden(_l("Sign in to apply."))
    kind = _kind(kind)
    call = get_for_viewer(user, call_id)
    project = db.session.get(Project, project_id) if valid_id(project_id) else None
    if project is None:
        raise CallNotFound()
    application = application_for(call.id, project.id, kind)
    problem = applicant_problem(user, call, project, kind)
    if problem is not None:
        raise problem
    return call, project, application


def editable(call: Call, application: CallApplication | None) -> bool:
    """Typed into while the call accepts applications: a new one, a draft, a request for
    changes."""
    return accepting(call) and (application is None or application.status in rules.EDITABLE)


# --- Checking ------------------------------------------------------------------------------

def _identifier(data: ApplicationInput) -> tuple[str | None, str | None]:
    number = identifiers.normalise_identifier(data.beneficiary_identifier)
    if identifiers.valid_siret(number):
        return number, None
    if identifiers.valid_rna(number):
        return None, number
    return None, None


def problems(call: Call, project: Project, kind: Kind, data: ApplicationInput,
             complete: bool) -> list[tuple[str, str]]:
    """Every problem of the request, as (field, message): its shape always; when
    ``complete`` (submission), also the beneficiary, the lines against the amounts and
    the caps of the call's budget year counting what the project already received."""
    found: list[tuple[str, str]] = []
    if len(data.description or "") > DESCRIPTION_MAX:
        found.append(("description", str(_l("At most %(max)d characters.",
                                             max=DESCRIPTION_MAX))))
    links = [line.strip() for line in (data.links or "").splitlines() if line.strip()]
    if len(links) > LINKS_MAX or any(
            len(link) > LINK_MAX or not link.startswith(("https://", "http://"))
            for link in links):
        found.append(("links", str(_l("At most %(count)d addresses, one per line, each "
                                      "starting with https:// or http://.", count=LINKS_MAX))))
    if len(data.lines) > LINES_MAX or any(
            not line.label.strip() or len(line.label) > LABEL_MAX for line in data.lines):
        found.append(("expenses", str(_l("Each line needs a label (at most %(max)d "
                                         "characters).", max=LABEL_MAX))))
    if data.beneficiary_identifier.strip() and _identifier(data) == (None, None):
        found.append(("beneficiary_id", str(_l("Enter a valid SIRET (14 digits) or RNA "
                                               "number (W and 9 digits)."))))
    if not complete:
        return found
    if not data.description.strip():
        found.append(("description", str(_l("Describe what the grant would pay for."))))
    name = " ".join((data.beneficiary_name or "").split())
    if not name or len(name) > NAME_MAX:
        found.append(("beneficiary_name", str(_l("Name the beneficiary (at most %(max)d "
                                                 "characters).", max=NAME_MAX))))
    if not data.beneficiary_identifier.strip():
        found.append(("beneficiary_id", str(_l("Give the beneficiary's SIRET or RNA "
                                               "number."))))
    asked = data.asked(kind)
    for violation in rules.check_lines(kind, asked, data.lines).violations:
        found.append((violation.params["field"], messages.message(violation)))
    policy = years.policy_for(call.year)
    verdict = money_rules.check_grants(*asked.as_grants(), received(project.id), policy)
    for violation in verdict.violations:
        kind_name = violation.code.removesuffix("_cap_exceeded")
        found.append((kind_name if kind_name in ("operating", "investment", "structure")
                      else "operating", messages.message(violation)))
    return found


# --- Saving and submitting -------------------------------------------------------------------

def _writable(user, call_id: int, project_id: int, kind
              ) -> tuple[Call, Project, CallApplication | None]:
    call, project, _application = for_applicant(user, call_id, project_id, kind)
    begin_write()
    call = db.session.scalar(select(Call).where(Call.id == call.id).with_for_update()
                             .execution_options(populate_existing=True))
    application = application_for(call.id, project.id, _kind(kind), lock=True)
    if not accepting(call):
        raise CallConflict(_l("This call does not accept applications now: it is closed or "
                              "not open yet."))
    if application is not None and application.status not in rules.EDITABLE:
        raise CallConflict(_l("This application is with the jury or decided: it can no "
                              "longer be changed."))
    return call, project, application


def _store(user: User, call: Call, project: Project, kind: Kind,
           application: CallApplication | None, data: ApplicationInput) -> CallApplication:
    if application is None:
        application = CallApplication(call_id=call.id, project_id=project.id, kind=kind,
                                      applicant_id=user.id, status=ApplicationStatus.DRAFT)
        db.session.add(application)
    asked = data.asked(kind)
    application.description = (data.description or "").strip()
    application.description_html = markdown.render(application.description)
    application.links = "\n".join(line.strip() for line in (data.links or "").splitlines()
                                  if line.strip())
    application.beneficiary_name = " ".join((data.beneficiary_name or "").split())[:NAME_MAX]
    application.beneficiary_siret, application.beneficiary_rna = _identifier(data)
    application.operating_cents = asked.operating_cents
    application.investment_cents = asked.investment_cents
    application.structure_cents = asked.structure_cents
    application.expense_lines = [
        CallExpenseLine(position=i, label=line.label.strip()[:LABEL_MAX],
                        amount_cents=line.amount_cents, section=line.section)
        for i, line in enumerate(data.lines)]
    application.updated_at = utcnow()
    db.session.flush()
    return application


def _amounts(application: CallApplication) -> dict:
    return {"operating_cents": application.operating_cents,
            "investment_cents": application.investment_cents,
            "structure_cents": application.structure_cents}


@use_case
def save_draft(user: User, call_id: int, project_id: int, kind,
               data: ApplicationInput) -> CallApplication:
    """Save the request as it is (a draft), while the call accepts applications."""
    call, project, application = _writable(user, call_id, project_id, kind)
    found = problems(call, project, _kind(kind), data, complete=False)
    if found:
        raise ApplicationInvalid(found)
    created = application is None
    application = _store(user, call, project, _kind(kind), application, data)
    audit.record(user, "call_application.create" if created else "call_application.save",
                 "call_application", application.id, call_id=call.id, project_id=project.id,
                 kind=application.kind.value, **_amounts(application))
    db.session.commit()
    return application


@use_case
def submit(user: User, call_id: int, project_id: int, kind,
           data: ApplicationInput) -> CallApplication:
    """Save and submit the request, if it follows every rule (nothing saved otherwise):
    the jury scores it, the committee decides. The committee is told."""
    call, project, application = _writable(user, call_id, project_id, kind)
    found = problems(call, project, _kind(kind), data, complete=True)
    if found:
        raise ApplicationInvalid(found)
    before = application.status.value if application is not None else None
    application = _store(user, call, project, _kind(kind), application, data)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()
    audit.record(user, "call_application.submit", "call_application", application.id,
                 before=before, after="submitted", call_id=call.id, project_id=project.id,
                 kind=application.kind.value, **_amounts(application))
    jury_row = jury.jury_of(JURY_SUBJECT, call.id)
    members = [m.user_id for m in jury_row.members] if jury_row else []
    notifications.notify(sorted(set(members) - {user.id}), "call_application.submitted",
                         url=path_for("aid.call_application", application_id=application.id),
                         call=call.title, project=project.title)
    db.session.commit()
    return application


def as_input(application: CallApplication) -> ApplicationInput:
    """A saved request as the form's input."""
    identifier = application.beneficiary_siret or application.beneficiary_rna or ""
    return ApplicationInput(
        application.description, application.links, application.beneficiary_name,
        identifier, application.operating_cents, application.investment_cents,
        application.structure_cents,
        [rules.Line(line.label, line.amount_cents, line.section)
         for line in application.expense_lines])


# --- Reading one application -----------------------------------------------------------------

def parties(application: CallApplication) -> set[int]:
    """Its applicant, the project's team and its support structure."""
    people = set(member_ids(application.project))
    if application.project.support_structure_id:
        people.add(application.project.support_structure_id)
    if application.applicant_id:
        people.add(application.applicant_id)
    return people


def can_read(viewer, application: CallApplication) -> bool:
    """Its parties, the committee, the administrators and the call's jury."""
    if not _signed_in(viewer):
        return False
    if viewer.id in parties(application) or is_committee(viewer) or viewer.is_admin:
        return True
    return jury.membership(viewer, jury.jury_of(JURY_SUBJECT, application.call_id)) \
        is not None


def get_for_viewer_application(viewer, application_id: int) -> CallApplication:
    """An application for those who may read it (403 for others, 404 if none; a draft is
    its parties' and the committee's only)."""
    application = db.session.get(CallApplication, application_id) \
        if valid_id(application_id) else None
    if application is None:
        raise CallNotFound()
    if not can_read(viewer, application):
        raise CallForbidden(_l("Only the applicants, the jury and the committee read an "
                               "application."))
    if application.status == ApplicationStatus.DRAFT and not (
            viewer.id in parties(application) or is_committee(viewer)):
        raise CallNotFound()
    return application
