"""The committee's side of co-funding applications: the queue, the review, the decisions.

« la Région interviendra au maximum à 50% et dans la limite de 12.500 euros de
part Région »: a grant is at most the verdict's maximum for the event's cost
(and at most the share asked), split into investment and operating, each drawn
from an envelope of the event's former region (Nord-Pas-de-Calais or Picardie).
A delegated envelope's own committee decides within it « dans les mêmes
conditions »: only on the applications the Region's committee entrusted to that
envelope (:mod:`.entrusting`), and only from it; the Region's committee decides on
every application.

Nobody decides on an application they are party to (« déport »): its applicant and
the event's organisers, co-organisers included, are recused (:func:`parties`,
:func:`inspir_events.recusal.services.check`), and so is a member who declared a
conflict of interest on it.

No decision without the jury (issue 19 §2.3, §2.5): the application must be in an open
session of co-funding applications (:mod:`.sessions`) whose jury reached its quorum and
its number of disciplines for it (:func:`inspir_events.aid.jury.services.require_quorum`,
recused members not counted); the decision stores the jury's ranking it cites
(``jury_citation``, also in its audit entry), for the committee and a delegated
envelope's deciders alike.

Each decision is one use case: the application's row is locked and must still
be ``submitted``, so two members deciding at the same moment give one decision;
it is audited (who, from what to what, the amounts) and the applicant and the
event's organisers are notified in-app.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from inspir_events.accounts.models import User
from inspir_events.aid import rules
from inspir_events.aid.cofunding.models import (
    JURY_SUBJECT,
    RECUSAL_SUBJECT,
    ApplicationStatus,
    CofundingApplication,
    SessionStatus,
)
from inspir_events.aid.cofunding.services import (
    ApplicationConflict,
    ApplicationError,
    ApplicationForbidden,
    ApplicationNotFound,
)
from inspir_events.aid.envelopes import services as envelopes
from inspir_events.aid.envelopes.models import Envelope, EnvelopeMember
from inspir_events.aid.envelopes.names import envelope_name
from inspir_events.aid.jury import services as jury
from inspir_events.aid.models import GrantKind
from inspir_events.aid.years import services as years
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, retrying, use_case
from inspir_events.events.models import Event
from inspir_events.events.rules import RunBy
from inspir_events.extensions import db
from inspir_events.i18n import format_cents
from inspir_events.notifications import services as notifications
from inspir_events.recusal import services as recusal
from inspir_events.reference.models import Department
from inspir_events.timeutil import utcnow
from inspir_events.urls import path_for

NOTE_MAX = 2000
DECIDED = (ApplicationStatus.GRANTED, ApplicationStatus.REFUSED,
           ApplicationStatus.CHANGES_REQUESTED)


class GrantRefused(ApplicationError):
    """A grant the rules or the envelopes do not allow; ``field`` names the culprit."""


def organiser_path(application: CofundingApplication) -> str:
    """The organisers' page of the application: the link the decisions' notices carry."""
    return path_for("aid.application", event_id=application.event_id)


def former_region(event: Event) -> rules.FormerRegion | None:
    """The former region (Nord-Pas-de-Calais or Picardie) of the event's department."""
    department = db.session.get(Department, event.department_code)
    return rules.FormerRegion[department.former_region.name] if department else None


# Built once: the header asks it on every signed-in page (can_review).
DELEGATED_ENVELOPES = (
    select(Envelope.id).join(EnvelopeMember, EnvelopeMember.envelope_id == Envelope.id)
    .where(EnvelopeMember.user_id == bindparam("user_id"), Envelope.parent_id.is_not(None)))


def _delegated_envelopes(user: User) -> set[int]:
    """The delegated envelopes this user decides on (their own committee's)."""
    return set(db.session.scalars(DELEGATED_ENVELOPES, {"user_id": user.id}))


def reviews(user, has_delegated_envelope: bool) -> bool:
    """The Region's committee, and the members of a delegated envelope (the header's link
    reads ``has_delegated_envelope`` with its other facts: DELEGATED_ENVELOPES.exists())."""
    return envelopes.is_committee(user) or has_delegated_envelope


def can_review(user) -> bool:
    """The Region's committee, and the members of a delegated envelope."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    return reviews(user, bool(_delegated_envelopes(user)))


def _may_review(user: User, application: CofundingApplication) -> bool:
    """The Region's committee reviews every application; a delegated envelope's deciders
    only those entrusted to their envelope (« dans les mêmes conditions », within it)."""
    if envelopes.is_committee(user):
        return True
    return application.envelope_id in _delegated_envelopes(user)


def _visible(user: User, query):
    """``query`` narrowed to the applications this user may review (:func:`_may_review`)."""
    if envelopes.is_committee(user):
        return query
    return query.where(CofundingApplication.envelope_id.in_(_delegated_envelopes(user)))


def queue(user: User) -> list[CofundingApplication]:
    """Submitted applications this user may decide on, oldest first."""
    if not can_review(user):
        raise ApplicationForbidden(_l("Only committee members review co-funding "
                                      "applications."), code="forbidden")
    return list(db.session.scalars(_visible(user, select(CofundingApplication).where(
        CofundingApplication.status == ApplicationStatus.SUBMITTED))
        .order_by(CofundingApplication.submitted_at, CofundingApplication.id)))


def recent_decisions(user: User, limit: int = 30) -> list[CofundingApplication]:
    """The latest decided applications this user may review, newest first."""
    return list(db.session.scalars(_visible(user, select(CofundingApplication).where(
        CofundingApplication.status.in_(DECIDED)))
        .order_by(CofundingApplication.decided_at.desc()).limit(limit)))


def for_review(user: User, application_id: int) -> CofundingApplication:
    """An application (any status) for a member allowed to decide on it."""
    if not can_review(user):
        raise ApplicationForbidden(_l("Only committee members review co-funding "
                                      "applications."), code="forbidden")
    application = _get(application_id)
    if not _may_review(user, application):
        raise ApplicationForbidden(_l("This application is outside your envelopes."),
                                   code="forbidden")
    return application


def _get(application_id: int, lock: bool = False) -> CofundingApplication:
    if isinstance(application_id, bool) or not isinstance(application_id, int) \
            or not 0 < application_id <= ID_MAX:
        raise ApplicationNotFound()
    stmt = select(CofundingApplication).where(CofundingApplication.id == application_id)
    application = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if application is None:
        raise ApplicationNotFound()
    return application


def rules_of(application: CofundingApplication) -> rules.Policy:
    """The rules an application is judged by: those its decision was taken under once
    decided, else those in force for its budget year."""
    if application.policy is not None:
        return years.policy_of(application.policy)
    return years.policy_for(application.year)


def verdict(application: CofundingApplication) -> rules.Verdict:
    """The rules' verdict on the application as saved."""
    return rules.check_event_cofunding(
        application.total_cost_cents, application.region_share_cents,
        application.other_revenues_cents, application.event.run_by == RunBy.REGION,
        rules_of(application))


def envelope_choices(user: User, application: CofundingApplication
                     ) -> dict[rules.Section, list[Envelope]]:
    """Per section, the envelopes this user may grant from (the top-level one first); a
    delegated envelope's decider grants only from the envelope the application was
    entrusted to."""
    region = former_region(application.event)
    choices = {section: envelopes.decidable_envelopes(user, application.year, region, section)
               for section in rules.Section}
    if envelopes.is_committee(user):
        return choices
    return {section: [e for e in rows if e.id == application.envelope_id]
            for section, rows in choices.items()}


# --- Recusal (« déport ») ----------------------------------------------------------------



def parties(application_id: int) -> set[int]:
    """Who is party to an application: its applicant and the event's parties (its
    organisers, co-organisers included)."""
    row = db.session.execute(select(CofundingApplication.applicant_id,
                                    CofundingApplication.event_id)
                             .where(CofundingApplication.id == application_id)).first()
    if row is None:
        return set()
    applicant, event_id = row
    return recusal.parties("event", event_id) | ({applicant} if applicant else set())


def may_decide(user, application_id: int) -> bool:
    """May this person decide on the application (recusal aside)? The Region's committee,
    or a decider of the delegated envelope it is entrusted to."""
    application = db.session.get(CofundingApplication, application_id) \
        if isinstance(application_id, int) and 0 < application_id <= ID_MAX else None
    return application is not None and can_review(user) and _may_review(user, application)


def review_path(application_id: int) -> str:
    """The application's review page (the deciders' notices link to it)."""
    return path_for("aid.review", application_id=application_id)


def recusal_of(user, application: CofundingApplication) -> str | None:
    """Why this person takes no part in deciding on the application (None: they may)."""
    return recusal.refusal(user, RECUSAL_SUBJECT, application.id)


def refuse_if_recused(user, application_id: int, action: str) -> None:
    """A recused person's decision is refused (403) and audited, before anything else."""
    recusal.check(user, RECUSAL_SUBJECT, application_id, action)


def _to_decide(member: User, application_id: int,
               action: str = "application.decide") -> CofundingApplication:
    if not can_review(member):
        raise ApplicationForbidden(_l("Only committee members decide on co-funding."),
                                   code="forbidden")
    if may_decide(member, application_id):  # a decider party to it is refused (« déport »)
        refuse_if_recused(member, application_id, action)
    begin_write()
    application = _get(application_id, lock=True)
    if not _may_review(member, application):
        raise ApplicationForbidden(_l("This application is outside your envelopes."),
                                   code="forbidden")
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationConflict(_l("This application is not awaiting a decision (someone "
                                     "may have just decided it)."), code="already_decided")
    return application


def jury_citation(application: CofundingApplication) -> str:
    """The jury's ranking a decision on the application cites, if the jury lets the
    deciders decide: refused (409) when the application is in no session, in a closed
    one, or when its jury has not reached its quorum or its disciplines for it."""
    session = application.session
    if session is None:
        raise ApplicationConflict(_l("This application is in no session: the committee puts "
                                     "it in a session of co-funding applications, whose jury "
                                     "scores it, before any decision."), code="no_session")
    if session.status != SessionStatus.OPEN:
        raise ApplicationConflict(_l("The session “%(title)s” is closed: the committee puts "
                                     "the application in an open session first.",
                                     title=session.title), code="session_closed")
    jury.require_quorum(JURY_SUBJECT, session.id, application.id)
    return jury.ranking_citation(JURY_SUBJECT, session.id, application.id)


def _told(application: CofundingApplication) -> list[int]:
    """The applicant and the event's organisers."""
    ids = set(application.event.organiser_ids)
    if application.applicant_id:
        ids.add(application.applicant_id)
    return sorted(ids)


def _decided(member: User, application: CofundingApplication, status: ApplicationStatus,
             note: str | None, citation: str) -> str:
    before = application.status.value
    application.jury_citation = citation
    # The version of the year's rules the decision is taken under (freezing it).
    application.policy = years.decision_policy(application.year)
    application.status = status
    application.committee_note = note
    application.decided_at, application.decided_by_id = utcnow(), member.id
    return before


def _note(text: str, field: str, message) -> str:
    note = (text or "").strip()
    if not note:
        raise ApplicationError(message, field=field, code="note_required")
    if len(note) > NOTE_MAX:
        raise ApplicationError(_l("At most %(max)d characters.", max=NOTE_MAX), field=field,
                               code="note_too_long")
    return note


@dataclass(frozen=True)
class GrantInput:
    investment_cents: int = 0
    operating_cents: int = 0
    investment_envelope_id: int | None = None
    operating_envelope_id: int | None = None
    note: str = ""


def _check_grant(application: CofundingApplication, data: GrantInput) -> None:
    amounts = (data.investment_cents, data.operating_cents)
    if any(isinstance(a, bool) or not isinstance(a, int) or a < 0 for a in amounts):
        raise GrantRefused(_l("Each amount is zero or more."), field="investment",
                           code=rules.INVALID_AMOUNT)
    total = sum(amounts)
    if total <= 0:
        raise GrantRefused(_l("Grant more than zero in all."), field="investment",
                           code=rules.INVALID_AMOUNT)
    maximum = verdict(application).max_region_share_cents
    if total > maximum:
        raise GrantRefused(_l("The grant, %(total)s, is more than the rules allow for this "
                              "event: at most %(max)s.", total=_money(total), max=_money(maximum)),
                           field="investment", code="above_maximum")
    if total > application.region_share_cents:
        raise GrantRefused(_l("The grant, %(total)s, is more than the share asked, %(asked)s.",
                              total=_money(total), asked=_money(application.region_share_cents)),
                           field="investment", code="above_asked")


def _money(cents: int) -> str:
    return format_cents(cents)


@retrying
def grant(member: User, application_id: int, data: GrantInput) -> CofundingApplication:
    """Grant co-funding: at most the verdict's maximum and the share asked, per section
    from an envelope the member decides on; the money is committed on the envelopes
    (:func:`envelopes.add_grant`), all or nothing."""
    application = _to_decide(member, application_id, "application.grant")
    citation = jury_citation(application)
    _check_grant(application, data)
    choices = envelope_choices(member, application)
    planned = []
    for section, cents, chosen in (
            (rules.Section.INVESTMENT, data.investment_cents, data.investment_envelope_id),
            (rules.Section.OPERATING, data.operating_cents, data.operating_envelope_id)):
        if not cents:
            continue
        allowed = {e.id: e for e in choices[section]}
        envelope_id = chosen if chosen is not None else next(iter(allowed), None)
        if envelope_id not in allowed:
            raise ApplicationForbidden(_l("You cannot grant from this envelope."),
                                       field=f"{section.value}_envelope", code="envelope")
        planned.append((section, cents, allowed[envelope_id]))
    beneficiary = envelopes.Beneficiary(application.beneficiary_name,
                                        application.beneficiary_siret,
                                        application.beneficiary_rna)
    reference = envelopes.decision_reference(application.year, "COF", application.id)
    grant_ids = []
    for section, cents, envelope in planned:
        name = envelope_name(envelope)
        try:
            grant_row = envelopes.add_grant(
                member, kind=GrantKind.EVENT_COFUNDING, year=application.year,
                reference=reference, envelope_id=envelope.id, section=section,
                amount_cents=cents, beneficiary=beneficiary, purpose=application.purpose,
                application_id=application.id, total_cost_cents=application.total_cost_cents,
                reason=data.note, policy_id=years.decision_policy(application.year).id)
        except envelopes.EnvelopeExceeded as exc:  # the whole decision is rolled back
            raise GrantRefused(_l("The envelope “%(envelope)s” has only %(remaining)s left.",
                                  envelope=name, remaining=_money(exc.remaining_cents)),
                               field=f"{section.value}_envelope",
                               code="envelope_exceeded") from None
        grant_ids.append(grant_row.id)
    before = _decided(member, application, ApplicationStatus.GRANTED,
                      (data.note or "").strip()[:NOTE_MAX] or None, citation)
    audit.record(member, "application.grant", "cofunding_application", application.id,
                 before=before, after=application.status.value, ranking=citation,
                 session_id=application.session_id,
                 investment_cents=data.investment_cents, operating_cents=data.operating_cents,
                 envelope_ids=[e.id for _s, _c, e in planned], grant_ids=grant_ids,
                 reference=reference)
    notifications.notify(_told(application), "application.granted",
                         url=organiser_path(application), event=application.event.title)
    db.session.commit()
    return application


def _answer(member: User, application_id: int, status: ApplicationStatus, action: str,
            kind: str, note: str, field: str, missing) -> CofundingApplication:
    """Refuse, or send back for changes, with a note the organiser reads (``missing``: the
    message when it is empty); audited and notified. The two differ only in their words."""
    application = _to_decide(member, application_id, action)
    citation = jury_citation(application)
    note = _note(note, field, missing)
    before = _decided(member, application, status, note, citation)
    audit.record(member, action, "cofunding_application", application.id,
                 before=before, after=application.status.value, ranking=citation,
                 session_id=application.session_id, **{field: note})
    notifications.notify(_told(application), kind, url=organiser_path(application),
                         event=application.event.title, **{field: note})
    db.session.commit()
    return application


@use_case
def refuse(member: User, application_id: int, reason: str) -> CofundingApplication:
    """Refuse the co-funding, with a reason the organiser reads; audited and notified."""
    return _answer(member, application_id, ApplicationStatus.REFUSED, "application.refuse",
                   "application.refused", reason, "reason",
                   _l("Give the reason for the refusal."))


@use_case
def ask_changes(member: User, application_id: int, note: str) -> CofundingApplication:
    """Send the application back to the organiser with a note; they edit and submit again."""
    return _answer(member, application_id, ApplicationStatus.CHANGES_REQUESTED,
                   "application.changes", "application.changes", note, "note",
                   _l("Say what should change."))
