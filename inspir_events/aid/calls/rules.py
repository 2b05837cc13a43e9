"""Calls for projects, pure (no Flask, no SQLAlchemy): their statuses, the dates an
application is accepted between, who may ask what, and the expense lines.

Issue 19 §1: the committee opens a call; "the team of a project at stage *projet* or
later, and support structures, apply between the dates". What a project's team asks is
the experimentation grant of the deliberation (« 5.000 euros de fonctionnement et 5.000
euros d'investissement maximum par projet »), what its support structure asks the
structure grant (« à hauteur de 5.000 euros maximum par projet »); a call says which of
them may be asked. The caps themselves, counting what the project already received, are
:func:`inspir_events.aid.rules.check_grants`; here the lines must add up to the amounts
asked.

A call is open between ``opens_at`` (included) and ``closes_at`` (excluded): after its
closing time it accepts nothing, even before anyone closes it (:func:`accepting`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from inspir_events.aid.projects.stages import Stage
from inspir_events.aid.rules import Section, Violation


def N_(message: str) -> str:
    """Mark for extraction; the text is translated where it is shown."""
    return message


class CallStatus(enum.StrEnum):
    DRAFT = "draft"  # the committee prepares it; nobody else sees it
    OPEN = "open"  # published; accepts applications between its dates
    CLOSED = "closed"  # applications frozen; the jury scores, the committee decides
    PUBLISHED = "published"  # its results are public (the ranking, the decisions)


class Kind(enum.StrEnum):
    """What an application asks."""

    EXPERIMENTATION = "experimentation"  # the project's team: operating + investment
    STRUCTURE = "structure"  # the project's support structure: one amount


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waits for the jury and the committee
    CHANGES_REQUESTED = "changes_requested"  # back to the applicant until the results
    GRANTED = "granted"
    REFUSED = "refused"
    FROZEN = "frozen"  # a draft (or a request for changes) when the call closed


CALL_STATUS_NAMES: Mapping[CallStatus, str] = MappingProxyType({
    CallStatus.DRAFT: N_("Draft"),
    CallStatus.OPEN: N_("Open to applications"),
    CallStatus.CLOSED: N_("Closed"),
    CallStatus.PUBLISHED: N_("Results published"),
})
KIND_NAMES: Mapping[Kind, str] = MappingProxyType({
    Kind.EXPERIMENTATION: N_("Experimentation grant (operating and investment)"),
    Kind.STRUCTURE: N_("Support structure grant"),
})
APPLICATION_STATUS_NAMES: Mapping[ApplicationStatus, str] = MappingProxyType({
    ApplicationStatus.DRAFT: N_("Draft"),
    ApplicationStatus.SUBMITTED: N_("Submitted: with the jury and the committee"),
    ApplicationStatus.CHANGES_REQUESTED: N_("Changes requested"),
    ApplicationStatus.GRANTED: N_("Application granted"),
    ApplicationStatus.REFUSED: N_("Application refused"),
    ApplicationStatus.FROZEN: N_("Frozen (the call closed)"),
})

# "The team of a project at stage projet or later" (issue 19 §1); a stopped one does not.
ELIGIBLE_STAGES = (Stage.PROJET, Stage.EXPERIMENTATION, Stage.DIFFUSION)
EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)
DECIDED = (ApplicationStatus.GRANTED, ApplicationStatus.REFUSED)


def accepting(status: CallStatus, opens_at: datetime, closes_at: datetime,
              now: datetime) -> bool:
    """Does the call accept new applications and changes now? Open, and between its
    dates (``closes_at`` excluded)."""
    return status == CallStatus.OPEN and opens_at <= now < closes_at


def overdue(status: CallStatus, closes_at: datetime, now: datetime) -> bool:
    """An open call past its closing time: closing it is due (:func:`accepting` already
    refuses everything)."""
    return status == CallStatus.OPEN and now >= closes_at


def dates_problem(opens_at: datetime | None, closes_at: datetime | None) -> Violation | None:
    """Both dates, the opening before the closing."""
    if opens_at is None or closes_at is None:
        return Violation("dates_missing", N_("Give the opening and the closing dates."),
                         {"field": "opens_at" if opens_at is None else "closes_at"})
    if closes_at <= opens_at:
        return Violation("dates_order", N_("The call closes after it opens."),
                         {"field": "closes_at"})
    return None


def allowed(kind: Kind, allows_experimentation: bool, allows_structure: bool) -> bool:
    """Does the call allow this kind of request?"""
    return allows_experimentation if kind == Kind.EXPERIMENTATION else allows_structure


@dataclass(frozen=True)
class Asked:
    """The amounts an application asks, in cents."""

    operating_cents: int = 0
    investment_cents: int = 0
    structure_cents: int = 0

    @property
    def total_cents(self) -> int:
        return self.operating_cents + self.investment_cents + self.structure_cents

    def as_grants(self) -> tuple[int, int, int]:
        """The arguments of :func:`inspir_events.aid.rules.check_grants`."""
        return self.operating_cents, self.investment_cents, self.structure_cents


@dataclass(frozen=True)
class Line:
    label: str
    amount_cents: int
    section: Section


@dataclass(frozen=True)
class LinesVerdict:
    violations: tuple[Violation, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_lines(kind: Kind, asked: Asked, lines: Iterable[Line]) -> LinesVerdict:
    """The expense lines justify the amounts asked: at least one amount and one line; for
    the experimentation grant, the operating lines add up to the operating amount and the
    investment lines to the investment amount; for the structure grant, all lines add up
    to its amount. Every mismatch is reported (``field`` names the amount at fault)."""
    lines = list(lines)
    violations = []
    if asked.total_cents <= 0:
        field_name = "operating" if kind == Kind.EXPERIMENTATION else "structure"
        violations.append(Violation("nothing_asked", N_("Ask for an amount."),
                                    {"field": field_name}))
    if not lines:
        violations.append(Violation("no_line", N_("Add at least one expense line."),
                                    {"field": "expenses"}))
    if kind == Kind.EXPERIMENTATION:
        for section, amount, name, message in (
                (Section.OPERATING, asked.operating_cents, "operating",
                 N_("The operating lines add up to %(lines)s, not the %(asked)s asked.")),
                (Section.INVESTMENT, asked.investment_cents, "investment",
                 N_("The investment lines add up to %(lines)s, not the %(asked)s asked."))):
            total = sum(line.amount_cents for line in lines if line.section == section)
            if lines and total != amount:
                violations.append(Violation("lines_mismatch", message,
                                            {"field": name, "lines_cents": total,
                                             "asked_cents": amount}))
    else:
        total = sum(line.amount_cents for line in lines)
        if lines and total != asked.structure_cents:
            violations.append(Violation(
                "lines_mismatch",
                N_("The lines add up to %(lines)s, not the %(asked)s asked."),
                {"field": "structure", "lines_cents": total,
                 "asked_cents": asked.structure_cents}))
    return LinesVerdict(tuple(violations))
