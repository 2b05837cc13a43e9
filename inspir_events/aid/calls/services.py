"""Calls for projects: the committee's use cases (prepare, open, close, publish) and the
reads every page shares.

Issue 19 §1: "The committee opens a call", with a title and a text (Markdown,
sanitised), themes and territories, a budget year (an opened one: its rules judge the
requests) and the year's envelopes its grants draw on, opening and closing dates, and
what may be asked. A call is prepared as a draft (only the committee sees it), opened,
then closed: by the committee, or by the periodic task once its closing time has passed
(:func:`close_overdue`; nothing is accepted after that time even before it runs, see
:func:`rules.accepting`). Closing freezes its applications: drafts (and requests for
changes not sent back) become ``frozen``; submitted ones wait for the jury and the
committee. Publishing the results makes the jury's ranking public (means and spreads,
never a member's score) with the decisions.

Every change is audited; each use case commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from inspir_events import markdown
from inspir_events.accounts.models import User
from inspir_events.aid.calls import rules
from inspir_events.aid.calls.models import TEXT_MAX, TITLE_MAX, Call, CallApplication
from inspir_events.aid.calls.rules import ApplicationStatus, CallStatus
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.envelopes.services import is_committee
from inspir_events.aid.jury import rules as jury_rules
from inspir_events.aid.jury import services as jury
from inspir_events.aid.years import services as years
from inspir_events.audit import services as audit
from inspir_events.database import ID_MAX, begin_write, use_case
from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.reference.models import Department, Theme
from inspir_events.timeutil import utcnow

JURY_SUBJECT = "call"  # the calls' juried subject type (aid/jury/registry.py)
TITLE_MIN = 5


class CallError(DomainError):
    """A call's use case refused (422 unless a subclass says otherwise)."""


class CallForbidden(CallError):
    status = 403


class CallNotFound(CallError):
    status = 404

    def __init__(self):
        super().__init__(_l("This call for projects does not exist."))


class CallConflict(CallError):
    status = 409


def valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


# --- Reading ------------------------------------------------------------------------------

def is_public(call: Call) -> bool:
    """Everything but a draft is public."""
    return call.status != CallStatus.DRAFT


def get_for_viewer(viewer, call_id: int) -> Call:
    """The call if this viewer may see it: a draft only for the committee (404 else)."""
    call = db.session.get(Call, call_id) if valid_id(call_id) else None
    if call is None or not (is_public(call) or is_committee(viewer)):
        raise CallNotFound()
    return call


def listing(viewer) -> list[Call]:
    """The calls, latest closing first; drafts for the committee only."""
    query = select(Call)
    if not is_committee(viewer):
        query = query.where(Call.status != CallStatus.DRAFT)
    return list(db.session.scalars(query.order_by(Call.closes_at.desc(), Call.id.desc())))


def accepting(call: Call, now: datetime | None = None) -> bool:
    """Does the call accept applications and changes now (open, between its dates)?"""
    return rules.accepting(call.status, call.opens_at, call.closes_at, now or utcnow())


def is_closed(call: Call, now: datetime | None = None) -> bool:
    """Closed, by the committee or by its closing time (its applications are frozen)."""
    return call.status in (CallStatus.CLOSED, CallStatus.PUBLISHED) or rules.overdue(
        call.status, call.closes_at, now or utcnow())


def envelope_choices(year: int) -> list[Envelope]:
    """The envelopes of a budget year a call may draw on (delegated ones included)."""
    return list(db.session.scalars(select(Envelope).where(Envelope.year == year)
                                   .order_by(Envelope.parent_id.is_not(None),
                                             Envelope.former_region, Envelope.section,
                                             Envelope.id)))


# --- The committee ------------------------------------------------------------------------

@dataclass(frozen=True)
class CallInput:
    title: str
    text: str
    year: int | None
    opens_at: datetime | None  # naive UTC
    closes_at: datetime | None
    allows_experimentation: bool = True
    allows_structure: bool = True
    theme_codes: Sequence[str] = field(default_factory=tuple)
    department_codes: Sequence[str] = field(default_factory=tuple)
    envelope_ids: Sequence[int] = field(default_factory=tuple)
    criteria: Sequence[str] = field(default_factory=tuple)  # empty: every default one


def _require_committee(user) -> None:
    if not is_committee(user):
        raise CallForbidden(_l("Only the committee prepares and opens calls for projects."))


def _check(data: CallInput) -> None:
    title = " ".join((data.title or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise CallError(_l("The title must have between %(min)d and %(max)d characters.",
                           min=TITLE_MIN, max=TITLE_MAX), field="title")
    if len(data.text or "") > TEXT_MAX:
        raise CallError(_l("At most %(max)d characters.", max=TEXT_MAX), field="text")
    if not valid_id(data.year) or years.current(data.year) is None:
        raise CallError(_l("Choose a budget year an administrator has opened."),
                        field="year")
    problem = rules.dates_problem(data.opens_at, data.closes_at)
    if problem is not None:
        raise CallError(_l(problem.message), field=problem.params["field"])
    if not (data.allows_experimentation or data.allows_structure):
        raise CallError(_l("Allow at least one kind of request."),
                        field="allows_experimentation")
    if data.criteria:
        try:
            jury_rules.valid_criteria(data.criteria)
        except ValueError:
            raise CallError(_l("Choose known criteria."), field="criteria") from None


def _fill(call: Call, data: CallInput) -> None:
    call.title = " ".join(data.title.split())
    call.text = (data.text or "").strip()
    call.text_html = markdown.render(call.text)
    call.year = data.year
    call.opens_at, call.closes_at = data.opens_at, data.closes_at
    call.allows_experimentation = bool(data.allows_experimentation)
    call.allows_structure = bool(data.allows_structure)
    call.themes = list(db.session.scalars(select(Theme).where(
        Theme.code.in_(list(data.theme_codes)))))
    call.departments = list(db.session.scalars(select(Department).where(
        Department.code.in_(list(data.department_codes)))))
    envelopes = list(db.session.scalars(select(Envelope).where(
        Envelope.id.in_([i for i in data.envelope_ids if valid_id(i)]))))
    if any(e.year != data.year for e in envelopes) or len(envelopes) != len(
            set(data.envelope_ids)):
        raise CallError(_l("Choose envelopes of the call's budget year."), field="envelopes")
    call.envelopes = envelopes


def _summary(call: Call) -> dict:
    return {"title": call.title, "year": call.year, "opens_at": call.opens_at.isoformat(),
            "closes_at": call.closes_at.isoformat(),
            "experimentation": call.allows_experimentation,
            "structure": call.allows_structure,
            "envelope_ids": [e.id for e in call.envelopes]}


@use_case
def create_call(actor: User, data: CallInput) -> Call:
    """The committee prepares a call (a draft) and its jury with the chosen criteria."""
    _require_committee(actor)
    _check(data)
    begin_write()
    call = Call(status=CallStatus.DRAFT, created_by_id=actor.id)
    db.session.add(call)
    _fill(call, data)
    db.session.flush()
    jury.setup(JURY_SUBJECT, call.id, list(data.criteria) or None)
    audit.record(actor, "call.create", "call", call.id, **_summary(call))
    db.session.commit()
    return call


def _locked(call_id: int) -> Call:
    call = db.session.scalar(select(Call).where(Call.id == call_id).with_for_update()
                             .execution_options(populate_existing=True)) \
        if valid_id(call_id) else None
    if call is None:
        raise CallNotFound()
    return call


@use_case
def edit_call(actor: User, call_id: int, data: CallInput) -> Call:
    """The committee changes a call until it closes (its criteria until the jury's first
    score: :func:`jury.setup` refuses them after)."""
    _require_committee(actor)
    _check(data)
    begin_write()
    call = _locked(call_id)
    if is_closed(call):
        raise CallConflict(_l("This call is closed: it can no longer change."))
    _fill(call, data)
    jury.setup(JURY_SUBJECT, call.id, list(data.criteria) or None)
    audit.record(actor, "call.edit", "call", call.id, **_summary(call))
    db.session.commit()
    return call


@use_case
def open_call(actor: User, call_id: int) -> Call:
    """The committee publishes a draft call: it accepts applications between its dates."""
    _require_committee(actor)
    begin_write()
    call = _locked(call_id)
    if call.status != CallStatus.DRAFT:
        raise CallConflict(_l("Only a draft call is opened."))
    if not call.envelopes:
        raise CallError(_l("Choose the envelopes the call's grants draw on first."),
                        field="envelopes")
    call.status = CallStatus.OPEN
    audit.record(actor, "call.open", "call", call.id, before="draft", after="open")
    db.session.commit()
    return call


def _freeze(call: Call) -> int:
    """Drafts and requests for changes of the call become frozen (in the caller's
    transaction); how many."""
    result = db.session.execute(update(CallApplication).where(
        CallApplication.call_id == call.id,
        CallApplication.status.in_(rules.EDITABLE)).values(
        status=ApplicationStatus.FROZEN, updated_at=utcnow()))
    return result.rowcount


@use_case
def close_call(actor: User, call_id: int) -> Call:
    """The committee closes an open call at once: its applications are frozen (drafts
    become ``frozen``; submitted ones wait for the jury and the committee)."""
    _require_committee(actor)
    begin_write()
    call = _locked(call_id)
    if call.status != CallStatus.OPEN:
        raise CallConflict(_l("Only an open call is closed."))
    call.status, call.closed_at = CallStatus.CLOSED, utcnow()
    frozen = _freeze(call)
    audit.record(actor, "call.close", "call", call.id, before="open", after="closed",
                 frozen=frozen)
    db.session.commit()
    return call


@use_case
def close_overdue() -> int:
    """Close every open call past its closing time, freezing its applications (the
    periodic task; run twice at once, the row locks and the status make it once)."""
    begin_write()
    now = utcnow()
    closed = 0
    for call in db.session.scalars(select(Call).where(
            Call.status == CallStatus.OPEN, Call.closes_at <= now).with_for_update()):
        call.status, call.closed_at = CallStatus.CLOSED, now
        audit.record(None, "call.close", "call", call.id, before="open", after="closed",
                     frozen=_freeze(call), automatic=True)
        closed += 1
    db.session.commit()
    return closed


@use_case
def publish_results(actor: User, call_id: int) -> Call:
    """The committee publishes a closed call's results: the jury's ranking (means and
    spreads) and the decisions become public. Every submitted application must be
    decided first; a request for changes still out is frozen."""
    _require_committee(actor)
    begin_write()
    call = _locked(call_id)
    if call.status == CallStatus.OPEN and is_closed(call):
        call.status, call.closed_at = CallStatus.CLOSED, utcnow()
        _freeze(call)
    if call.status != CallStatus.CLOSED:
        raise CallConflict(_l("Only a closed call's results are published."))
    waiting = db.session.scalar(select(CallApplication.id).where(
        CallApplication.call_id == call.id,
        CallApplication.status == ApplicationStatus.SUBMITTED).limit(1))
    if waiting is not None:
        raise CallConflict(_l("Decide on every submitted application first."))
    _freeze(call)
    call.status, call.published_at = CallStatus.PUBLISHED, utcnow()
    audit.record(actor, "call.publish", "call", call.id, before="closed", after="published")
    db.session.commit()
    return call


def as_input(call: Call) -> CallInput:
    """A saved call as the form's input."""
    jury_row = jury.jury_of(JURY_SUBJECT, call.id)
    return CallInput(call.title, call.text, call.year, call.opens_at, call.closes_at,
                     call.allows_experimentation, call.allows_structure,
                     [t.code for t in call.themes], [d.code for d in call.departments],
                     [e.id for e in call.envelopes],
                     list(jury_row.criteria) if jury_row else [])
