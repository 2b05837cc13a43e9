"""The committee's decisions on applications to a call, and how the jury and recusal
read them.

Issue 19 §2: "The committee takes the decision: grant within the caps and the envelope,
refuse, or ask for changes. The decision cites the jury's ranking." Each decision:

- is the Region's committee's, never a member party to the application or who declared
  a conflict on it (« déport »: 403, the attempt audited, :func:`recusal.check`);
- needs the jury's quorum on the application (:func:`jury.require_quorum`: enough
  members not recused who scored every criterion, enough disciplines among them);
- stores the jury's ranking as the decision cites it (:func:`jury.ranking_citation`,
  ``ranking_citation``) and the version of the year's rules it is taken under;
- grants through the pipeline's own path: :func:`inspir_events.aid.rules.check_grants`
  counting what the project already received, at most what was asked, each amount
  committed on one of the call's envelopes (:func:`envelopes.add_grant`, all or nothing)
  with ``aid_grant.project_id`` and ``aid_grant.call_application_id``;
- asks for changes only while the call accepts applications (the applicant edits and
  submits again before it closes); refusing and asking for changes need a note;
- is audited, and the applicant and the project's team are told (in the app and by
  e-mail: the notices of :mod:`inspir_events.notifications.mails`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.aid import messages
from inspir_events.aid import rules as money_rules
from inspir_events.aid.calls import rules
from inspir_events.aid.calls.applying import can_read, parties
from inspir_events.aid.calls.models import Call, CallApplication
from inspir_events.aid.calls.rules import ApplicationStatus, CallStatus, Kind
from inspir_events.aid.calls.services import (
    JURY_SUBJECT,
    CallConflict,
    CallError,
    CallForbidden,
    CallNotFound,
    accepting,
    valid_id,
)
from inspir_events.aid.envelopes import services as envelopes
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.envelopes.names import envelope_name
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.jury import services as jury
from inspir_events.aid.jury.registry import JuriedApplication, JuriedSubject
from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects.queries import GRANT_KINDS, former_region, member_ids, received
from inspir_events.aid.years import services as years
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, retrying, use_case
from inspir_events.extensions import db
from inspir_events.i18n import format_cents
from inspir_events.notifications import services as notifications
from inspir_events.recusal import services as recusal
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for

RECUSAL_SUBJECT = "call_application"
NOTE_MAX = 2000
KIND_SHORT = {Kind.EXPERIMENTATION: _l("experimentation grant"),
              Kind.STRUCTURE: _l("support-structure grant")}


class GrantRefused(CallError):
    """The grant breaks the caps: ``problems`` holds (field, message) for each."""

    def __init__(self, problems):
        super().__init__(_l("This grant breaks the programme's rules: see each problem."))
        self.problems = list(problems)


def application_path(application_id: int) -> str:
    return path_for("aid.call_application", application_id=application_id)


# --- Recusal and the jury read the applications from here ----------------------------------

def recusal_parties(application_id: int) -> set[int]:
    """Who is party to an application: its applicant, the project's team and its support
    structure."""
    application = db.session.get(CallApplication, application_id) \
        if valid_id(application_id) else None
    return parties(application) if application is not None else set()


def may_decide(user, application_id: int) -> bool:
    """The committee decides; the call's jury judges: both may declare a conflict."""
    application = db.session.get(CallApplication, application_id) \
        if valid_id(application_id) else None
    return application is not None and can_read(user, application) and (
        is_committee(user) or jury.membership(
            user, jury.jury_of(JURY_SUBJECT, application.call_id)) is not None)


def _call(call_id: int) -> Call | None:
    call = db.session.get(Call, call_id) if valid_id(call_id) else None
    return call if call is not None and call.status != CallStatus.DRAFT else None


def juried_applications(call_id: int) -> list[JuriedApplication]:
    """The applications the jury scores: submitted ones, and those decided."""
    rows = db.session.scalars(select(CallApplication).where(
        CallApplication.call_id == call_id,
        CallApplication.status.in_((ApplicationStatus.SUBMITTED, *rules.DECIDED)))
        .order_by(CallApplication.id))
    return [JuriedApplication(
        row.id, f"{row.project.title} ({gettext(KIND_SHORT[row.kind])})",
        application_path(row.id), RECUSAL_SUBJECT, row.id,
        row.status != ApplicationStatus.SUBMITTED) for row in rows]


JURIED_CALL = JuriedSubject(
    name=_l("this call for projects"),
    title=lambda call_id: call.title if (call := _call(call_id)) else None,
    url=lambda call_id: path_for("aid.call", call_id=call_id),
    applications=juried_applications,
    scoring_open=lambda call_id: (call := _call(call_id)) is not None
    and call.status != CallStatus.PUBLISHED,
    published=lambda call_id: (call := _call(call_id)) is not None
    and call.status == CallStatus.PUBLISHED,
)


# --- Deciding --------------------------------------------------------------------------------

def _to_decide(member: User, application_id: int, action: str) -> CallApplication:
    if not is_committee(member):
        raise CallForbidden(_l("Only the committee decides on applications to a call."))
    if not valid_id(application_id):
        raise CallNotFound()
    recusal.check(member, RECUSAL_SUBJECT, application_id, action)
    begin_write()
    application = db.session.scalar(select(CallApplication).where(
        CallApplication.id == application_id).with_for_update()
        .execution_options(populate_existing=True))
    if application is None:
        raise CallNotFound()
    if application.status != ApplicationStatus.SUBMITTED \
            or application.call.status == CallStatus.PUBLISHED:
        raise CallConflict(_l("This application is not awaiting a decision (someone may "
                              "have just decided it)."))
    jury.require_quorum(JURY_SUBJECT, application.call_id, application.id)
    return application


def _decided(member: User, application: CallApplication, status: ApplicationStatus,
             note: str | None) -> str:
    before = application.status.value
    application.policy = years.decision_policy(application.call.year)
    application.ranking_citation = jury.ranking_citation(JURY_SUBJECT, application.call_id,
                                                         application.id)
    application.status, application.decision_note = status, note
    application.decided_at, application.decided_by_id = utcnow(), member.id
    return before


def _told(application: CallApplication) -> list[int]:
    people = set(member_ids(application.project))
    if application.applicant_id:
        people.add(application.applicant_id)
    return sorted(people)


def _notify(application: CallApplication, kind: str, **params) -> None:
    notifications.notify(_told(application), kind, url=application_path(application.id),
                         call=application.call.title, project=application.project.title,
                         **params)


def envelope_choices(user, application: CallApplication) -> dict[str, list[Envelope]]:
    """Per kind of grant, the call's envelopes this member may draw on for the project:
    its section, the project's former region."""
    region = former_region(application.project)
    kinds = ("structure",) if application.kind == Kind.STRUCTURE else ("operating",
                                                                       "investment")
    return {kind: [e for e in application.call.envelopes
                   if e.section == GRANT_KINDS[kind][1] and e.former_region == region
                   and envelopes.can_decide_on(user, e)] for kind in kinds}


@dataclass(frozen=True)
class GrantInput:
    operating_cents: int = 0
    investment_cents: int = 0
    structure_cents: int = 0
    envelope_ids: dict[str, int | None] = field(default_factory=dict)
    note: str = ""


def _check_grant(application: CallApplication, data: GrantInput, policy) -> dict[str, int]:
    amounts = {"operating": data.operating_cents, "investment": data.investment_cents,
               "structure": data.structure_cents}
    if application.kind == Kind.STRUCTURE:
        amounts["operating"] = amounts["investment"] = 0
    else:
        amounts["structure"] = 0
    problems = []
    asked = {"operating": application.operating_cents,
             "investment": application.investment_cents,
             "structure": application.structure_cents}
    for kind, cents in amounts.items():
        if cents > asked[kind]:
            problems.append((kind, gettext("At most the %(asked)s asked.",
                                           asked=format_cents(asked[kind]))))
    verdict = money_rules.check_grants(*amounts.values(), received(application.project_id),
                                       policy)
    for violation in verdict.violations:
        name = violation.code.removesuffix("_cap_exceeded")
        problems.append((name if name in amounts else "operating",
                         messages.message(violation)))
    if problems:
        raise GrantRefused(problems)
    if not any(amounts.values()):
        raise CallError(_l("Grant more than zero in all."),
                        field="structure" if application.kind == Kind.STRUCTURE
                        else "operating")
    return amounts


@retrying
def grant(member: User, application_id: int, data: GrantInput) -> CallApplication:
    """Grant the request, within the caps (counting what the project received), at most
    what was asked, from the call's envelopes (all or nothing); cites the jury's ranking."""
    application = _to_decide(member, application_id, "call_application.grant")
    policy_row = years.decision_policy(application.call.year)
    amounts = _check_grant(application, data, years.policy_of(policy_row))
    choices = envelope_choices(member, application)
    beneficiary = envelopes.Beneficiary(application.beneficiary_name,
                                        application.beneficiary_siret,
                                        application.beneficiary_rna)
    reference = envelopes.decision_reference(application.call.year, "AAP", application.id)
    grants = []
    for kind, cents in amounts.items():
        if not cents:
            continue
        allowed = {e.id: e for e in choices.get(kind, [])}
        chosen = data.envelope_ids.get(kind)
        envelope_id = chosen if chosen is not None else next(iter(allowed), None)
        if envelope_id not in allowed:
            raise CallError(_l("Choose one of the call's envelopes of the project's former "
                               "region and of this section."), field=f"{kind}_envelope")
        try:
            row = envelopes.add_grant(
                member, kind=GRANT_KINDS[kind][0], year=application.call.year,
                reference=reference, envelope_id=envelope_id, section=GRANT_KINDS[kind][1],
                amount_cents=cents, beneficiary=beneficiary,
                purpose=application.project.title, project_id=application.project_id,
                reason=data.note, policy_id=policy_row.id)
        except envelopes.EnvelopeExceeded as exc:  # the whole decision is rolled back
            raise CallError(_l("The envelope “%(envelope)s” has only %(remaining)s left.",
                               envelope=envelope_name(allowed[envelope_id]),
                               remaining=format_cents(exc.remaining_cents)),
                            field=f"{kind}_envelope") from None
        row.call_application_id = application.id
        grants.append(row)
    db.session.flush()
    before = _decided(member, application, ApplicationStatus.GRANTED,
                      (data.note or "").strip()[:NOTE_MAX] or None)
    audit.record(member, "call_application.grant", RECUSAL_SUBJECT, application.id,
                 before=before, after="granted", reference=reference,
                 grant_ids=[g.id for g in grants], citation=application.ranking_citation,
                 **{f"{kind}_cents": cents for kind, cents in amounts.items()})
    _notify(application, "call_application.granted")
    db.session.commit()
    return application


def _note(text: str, field_name: str, missing) -> str:
    note = (text or "").strip()
    if not note:
        raise CallError(missing, field=field_name)
    if len(note) > NOTE_MAX:
        raise CallError(_l("At most %(max)d characters.", max=NOTE_MAX), field=field_name)
    return note


@use_case
def refuse(member: User, application_id: int, reason: str) -> CallApplication:
    """Refuse the request, with a reason the applicant reads; cites the jury's ranking."""
    application = _to_decide(member, application_id, "call_application.refuse")
    reason = _note(reason, "reason", _l("Give the reason for the refusal."))
    before = _decided(member, application, ApplicationStatus.REFUSED, reason)
    audit.record(member, "call_application.refuse", RECUSAL_SUBJECT, application.id,
                 before=before, after="refused", reason=reason,
                 citation=application.ranking_citation)
    _notify(application, "call_application.refused", reason=reason)
    db.session.commit()
    return application


@use_case
def ask_changes(member: User, application_id: int, note: str) -> CallApplication:
    """Send the request back to its applicant with a note, while the call accepts
    applications (they edit and submit again before it closes)."""
    application = _to_decide(member, application_id, "call_application.changes")
    note = _note(note, "note", _l("Say what should change."))
    if not accepting(application.call):
        raise CallConflict(_l("The call is closed: grant or refuse."))
    before = _decided(member, application, ApplicationStatus.CHANGES_REQUESTED, note)
    audit.record(member, "call_application.changes", RECUSAL_SUBJECT, application.id,
                 before=before, after="changes_requested", note=note,
                 citation=application.ranking_citation)
    _notify(application, "call_application.changes", note=note)
    db.session.commit()
    return application


def grants_of(application: CallApplication) -> list[AidGrant]:
    return list(db.session.scalars(select(AidGrant).where(
        AidGrant.call_application_id == application.id).order_by(AidGrant.id)))
