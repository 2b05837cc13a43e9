"""The follow-up's money rules, as plain values (no Flask, no SQLAlchemy).

An aid is paid in two parts: an advance when it is granted, and the balance once the
beneficiary's final report gives the actual cost. The balance is recomputed under the
rules of the year the aid was granted in (its :class:`~inspir_events.aid.rules.Policy`):

- an event's co-funding: « la Région interviendra au maximum à 50% et dans la limite de
  12.500 euros de part Région » (deliberation INS'pir 2016). The Region's share stays
  within the rate of the **actual** total cost, the cap, and the amount granted: an
  event that cost less than planned receives less;
- a project's grants (« 5.000 euros de fonctionnement et 5.000 euros d'investissement
  maximum par projet ») and a support structure's (« à hauteur de 5.000 euros maximum
  par projet »): each section's grant stays within the actual expenses of that section
  and within the amount granted.

The balance is that final amount less what was paid (the advance); never negative: an
advance above the final amount is an amount to recover. What was committed and will
never be paid (granted less final) is released back to the envelope.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from inspir_events.aid import rules
from inspir_events.aid.rules import Section

ADVANCE_PERCENT_MAX = 100
TERMS_SINGLE = "unique"  # SCDL conditionsVersement: one payment
TERMS_STAGED = "échelonné"  # an advance and a balance


class Family(enum.StrEnum):
    """Whose aid, and so which rule recomputes it."""

    EVENT = "event"  # a third-party event's co-funding (its application's organisers)
    PROJECT = "project"  # a project's operating and investment grants (its team)
    STRUCTURE = "structure"  # a support structure's grant for a project


@dataclass(frozen=True)
class Row:
    """One grant row of an aid: its id, section and amount granted (cents)."""

    id: int
    section: Section
    granted_cents: int


def _cents(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def advance_cents(granted_cents: int, percent: int) -> int:
    """The advance of a grant: ``percent`` of it, rounded down to the cent."""
    if not _cents(granted_cents) or not _cents(percent) or percent > ADVANCE_PERCENT_MAX:
        raise ValueError("a grant in cents and a percentage between 0 and 100")
    return granted_cents * percent // 100


def event_final_cents(granted_cents: int, actual_cost_cents: int, policy: rules.Policy) -> int:
    """What an event's co-funding finally amounts to: at most the policy's rate of the
    actual total cost (rounded down to the cent), at most its cap, at most the amount
    granted (« au maximum à 50% et dans la limite de 12.500 euros de part Région »)."""
    if not _cents(granted_cents) or not _cents(actual_cost_cents):
        raise ValueError("amounts in cents, zero or more")
    return min(granted_cents, rules.max_region_share(actual_cost_cents, policy))


def section_final_cents(granted_cents: int, actual_expenses_cents: int) -> int:
    """What a project's or a structure's grant of one section finally amounts to: at
    most the actual expenses of that section, at most the amount granted."""
    if not _cents(granted_cents) or not _cents(actual_expenses_cents):
        raise ValueError("amounts in cents, zero or more")
    return min(granted_cents, actual_expenses_cents)


def split(total_cents: int, shares: Sequence[int]) -> list[int]:
    """``total_cents`` spread over ``shares`` in proportion to them (largest remainders),
    each part within its share; the parts sum to the total (which is within their sum)."""
    whole = sum(shares)
    if not _cents(total_cents) or not all(_cents(s) for s in shares) or total_cents > whole:
        raise ValueError("a total within the sum of the shares, in cents")
    if whole == 0:
        return [0 for _share in shares]
    parts = [total_cents * share // whole for share in shares]
    remainders = sorted(range(len(shares)),
                        key=lambda i: (-(total_cents * shares[i] % whole), i))
    for index in remainders[:total_cents - sum(parts)]:
        parts[index] += 1
    return parts


def final_amounts(family: Family, rows: Sequence[Row], actual_expenses: Mapping[Section, int],
                  policy: rules.Policy) -> dict[int, int]:
    """Each grant row's final amount (by row id) from the report's actual expenses per
    section: an event's rows share :func:`event_final_cents` of the actual total cost in
    proportion to what each was granted; a project's or a structure's rows of a section
    share :func:`section_final_cents` of that section's actual expenses."""
    final: dict[int, int] = {}
    if family == Family.EVENT:
        total = event_final_cents(sum(r.granted_cents for r in rows),
                                  sum(actual_expenses.values()), policy)
        return dict(zip((r.id for r in rows), split(total, [r.granted_cents for r in rows]),
                        strict=True))
    for section in Section:
        of_section = [r for r in rows if r.section == section]
        if not of_section:
            continue
        total = section_final_cents(sum(r.granted_cents for r in of_section),
                                    actual_expenses.get(section, 0))
        final.update(zip((r.id for r in of_section),
                         split(total, [r.granted_cents for r in of_section]), strict=True))
    return final


@dataclass(frozen=True)
class Settlement:
    """An aid's account once its final amount is known."""

    granted_cents: int
    final_cents: int
    paid_cents: int

    @property
    def balance_cents(self) -> int:
        """What is still to pay (never negative)."""
        return max(self.final_cents - self.paid_cents, 0)

    @property
    def to_recover_cents(self) -> int:
        """What was paid above the final amount (an advance above it): to recover."""
        return max(self.paid_cents - self.final_cents, 0)

    @property
    def released_cents(self) -> int:
        """The part of the commitment that will never be paid, given back to the envelope."""
        return self.granted_cents - self.final_cents


def payable_cents(advance: bool, granted_cents: int, advance_planned_cents: int | None,
                  final_cents: int | None, paid_cents: int) -> int:
    """The most a grant row can be paid now: for the advance, what remains of the planned
    advance (none before the schedule, none once the final amount is known); for the
    balance, what remains of the final amount (none before the final report is accepted).
    Never more than granted."""
    if advance:
        if advance_planned_cents is None or final_cents is not None:
            return 0
        return max(min(advance_planned_cents, granted_cents) - paid_cents, 0)
    if final_cents is None:
        return 0
    return max(min(final_cents, granted_cents) - paid_cents, 0)


def payment_period(advance_percent: int | None, advance_on: date | None,
                   balance_on: date | None, paid_on: Sequence[date], closed: bool
                   ) -> tuple[str, date | None, date | None]:
    """The SCDL ``conditionsVersement`` and ``datesPeriodeVersement`` of an aid: ``unique``
    for one payment, ``échelonné`` for an advance and a balance; the period runs from the
    first payment (else the planned one) to the last (else the planned balance). Once the
    aid is closed, the payments made say it."""
    paid = sorted(set(paid_on))
    if closed and paid:
        terms = TERMS_SINGLE if len(paid) == 1 else TERMS_STAGED
        return terms, paid[0], paid[-1]
    staged = bool(advance_percent) or len(paid) > 1
    start = paid[0] if paid else (advance_on if advance_percent else balance_on)
    end = balance_on or (paid[-1] if paid else None)
    if start and end and end < start:
        end = start
    return (TERMS_STAGED if staged else TERMS_SINGLE), start, end
