"""The money rules of INS'pir, as plain values (no Flask, no SQLAlchemy).

Everything here follows the deliberation INS'pir 2016, « Le dispositif proposé »:

- « Pour le soutien à des actions par des tiers, la Région interviendra au
  maximum à 50% et dans la limite de 12.500 euros de part Région (coût total de
  25.000 euros). » The Region may also « conduire en propre » its own events,
  which are therefore not co-funded this way.
- « la Région pourra soutenir en direct les projets les plus prometteurs à
  hauteur de 5.000 euros de fonctionnement et 5.000 euros d'investissement
  maximum par projet. »
- « Elle financera, à hauteur de 5.000 euros maximum par projet, des structures
  chargées d'aider la maturation d'idées en projets. »
- The 2016 budget table: investment NPDC 150,000 €, operating NPDC 150,000 €,
  investment Picardie 100,000 €, operating Picardie 200,000 €.

Rules are versioned by budget year ("exercice"): each year's :class:`Policy` is
data, kept in the database (:mod:`inspir_events.aid.years`) and handed to the
functions here as a value. :data:`POLICY_2016` is the deliberation's figures, the
first row (seeded by a migration) and the start of a year opened afresh. Money is
integer cents end to end; rates are exact fractions, never floats.

Messages are msgids (English), marked with :func:`N_` and translated where they
are shown; their ``params`` are raw values: a key ending in ``_cents`` is an
amount in cents, a :class:`~fractions.Fraction` is a rate.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from types import MappingProxyType


def N_(message: str) -> str:
    """Mark for extraction; the text is translated where it is shown."""
    return message


def _is_cents(value, *, positive: bool = False) -> bool:
    """An integer number of cents (bool and float are refused), >= 0 or > 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return value > 0 if positive else value >= 0


class FormerRegion(enum.StrEnum):
    """The two former regions the 2016 budget is split between."""

    NPDC = "npdc"  # Nord (59), Pas-de-Calais (62)
    PICARDIE = "picardie"  # Aisne (02), Oise (60), Somme (80)


class Section(enum.StrEnum):
    """Budget sections: investment and operating ("fonctionnement")."""

    INVESTMENT = "investment"
    OPERATING = "operating"


@dataclass(frozen=True)
class Policy:
    """The rules of one budget year, as data: one version of them (a change made after
    a decision was taken under a version makes the next one), with the reference and
    date of the vote that set them."""

    year: int
    cofunding_rate: Fraction  # the Region's share of a third-party event's total cost, at most
    cofunding_cap_cents: int  # and at most this amount
    operating_cap_cents: int  # direct support to an experiment, per project
    investment_cap_cents: int  # idem
    structure_cap_cents: int  # a support structure, per project
    envelopes: Mapping[tuple[FormerRegion, Section], int] = field(default_factory=dict)
    version: int = 1
    vote_reference: str = ""
    vote_date: date | None = None

    def __post_init__(self):
        if not isinstance(self.cofunding_rate, Fraction) or not 0 < self.cofunding_rate <= 1:
            raise ValueError("cofunding_rate must be a Fraction in (0, 1]")
        for name in ("cofunding_cap_cents", "operating_cap_cents", "investment_cap_cents",
                     "structure_cap_cents"):
            if not _is_cents(getattr(self, name)):
                raise ValueError(f"{name} must be a non-negative integer")
        if not all(_is_cents(amount) for amount in self.envelopes.values()):
            raise ValueError("envelopes must be non-negative integers (cents)")
        if isinstance(self.version, bool) or not isinstance(self.version, int) \
                or self.version < 1:
            raise ValueError("version must be a positive integer")
        object.__setattr__(self, "envelopes", MappingProxyType(dict(self.envelopes)))

    @property
    def total_budget_cents(self) -> int:
        return sum(self.envelopes.values())


# The deliberation of the commission permanente of 23 September 2016.
POLICY_2016 = Policy(
    year=2016,
    cofunding_rate=Fraction(1, 2),  # « au maximum à 50% »
    cofunding_cap_cents=1_250_000,  # « dans la limite de 12.500 euros de part Région »
    operating_cap_cents=500_000,  # « 5.000 euros de fonctionnement »
    investment_cap_cents=500_000,  # « et 5.000 euros d'investissement maximum par projet »
    structure_cap_cents=500_000,  # « à hauteur de 5.000 euros maximum par projet »
    envelopes={
        (FormerRegion.NPDC, Section.INVESTMENT): 15_000_000,
        (FormerRegion.NPDC, Section.OPERATING): 15_000_000,
        (FormerRegion.PICARDIE, Section.INVESTMENT): 10_000_000,
        (FormerRegion.PICARDIE, Section.OPERATING): 20_000_000,
    },
    vote_reference="Délibération cadre INS'pir, commission permanente du Conseil régional "
                   "Nord Pas de Calais – Picardie",
    vote_date=date(2016, 9, 23),
)

class UnknownYear(LookupError):
    """No rules for that budget year (no admin opened it)."""

    code = "unknown_year"
    message = N_("There are no aid rules for the budget year %(year)s.")

    def __init__(self, year):
        super().__init__(f"no aid policy for the budget year {year!r}")
        self.year = year
        self.params = {"year": year}


def latest_in_force(years, today: date) -> int | None:
    """The latest budget year whose rules are in force on ``today``: the latest opened
    year that has begun (a year opened ahead of time is not in force yet), else the
    earliest opened one; None when no year is opened."""
    opened = sorted(set(years))
    if not opened:
        return None
    begun = [year for year in opened if year <= today.year]
    return begun[-1] if begun else opened[0]


# --- Verdicts ---------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    code: str  # stable, for programs
    message: str  # msgid, translated when shown
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """The verdict on a third-party event's co-funding."""

    eligible: bool
    max_region_share_cents: int
    violations: tuple[Violation, ...]

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.violations]


@dataclass(frozen=True)
class Received:
    """What a project already received, per kind of grant (cents)."""

    operating_cents: int = 0
    investment_cents: int = 0
    structure_cents: int = 0


@dataclass(frozen=True)
class GrantVerdict:
    """The verdict on grants to a project; the maxima are what is still allowed."""

    eligible: bool
    max_operating_cents: int
    max_investment_cents: int
    max_structure_cents: int
    violations: tuple[Violation, ...]

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.violations]


INVALID_AMOUNT = "invalid_amount"

# invalid_amount messages, per input.
AMOUNT_MESSAGES = {
    "total_cost": N_("The event's total cost must be a positive amount in whole cents."),
    "region_share": N_("The Region's share must be an amount in whole cents, zero or more."),
    "other_revenues": N_("The other revenues must be an amount in whole cents, zero or more."),
    "operating": N_("The operating grant must be an amount in whole cents, zero or more."),
    "investment": N_("The investment grant must be an amount in whole cents, zero or more."),
    "structure": N_("The support structure grant must be an amount in whole cents, "
                    "zero or more."),
    "received_operating": N_("The operating aid already received must be an amount in whole "
                             "cents, zero or more."),
    "received_investment": N_("The investment aid already received must be an amount in whole "
                              "cents, zero or more."),
    "received_structure": N_("The support structure aid already received must be an amount in "
                             "whole cents, zero or more."),
}


def invalid_amount(name: str) -> Violation:
    """The violation of an amount that is not whole cents (or not positive where it must be)."""
    return Violation(INVALID_AMOUNT, AMOUNT_MESSAGES[name], {"field": name})


def max_region_share(total_cost_cents: int, policy: Policy) -> int:
    """min(the rate of the total cost rounded down to the cent, the cap)."""
    rate = policy.cofunding_rate
    return min(total_cost_cents * rate.numerator // rate.denominator, policy.cofunding_cap_cents)


def check_event_cofunding(total_cost_cents: int, region_share_cents: int,
                          other_revenues_cents: int, region_led: bool,
                          policy: Policy) -> Verdict:
    """Can the Region co-fund this third-party event with this share?

    « la Région interviendra au maximum à 50% et dans la limite de 12.500 euros
    de part Région (coût total de 25.000 euros) »: the share is at most the
    policy's rate of the total cost (rounded down to the cent) and at most its
    cap, so an event costing more than 25,000 € is still eligible, capped at
    12,500 €. ``other_revenues_cents`` is everything else on the revenue side
    (other co-funders, own funds, ticket and other receipts): the budget must
    balance, revenues equal to expenses. An event the Region runs « en propre »
    (``region_led``) is not co-funded this way.

    Every violation is reported, not only the first; the checks that need an
    amount are skipped when that amount is itself invalid.
    """
    violations: list[Violation] = []
    total_ok = _is_cents(total_cost_cents, positive=True)
    share_ok = _is_cents(region_share_cents)
    others_ok = _is_cents(other_revenues_cents)
    if not total_ok:
        violations.append(invalid_amount("total_cost"))
    if not share_ok:
        violations.append(invalid_amount("region_share"))
    if not others_ok:
        violations.append(invalid_amount("other_revenues"))

    maximum = max_region_share(total_cost_cents, policy) if total_ok else 0
    if total_ok and share_ok:
        rate = policy.cofunding_rate
        rate_max = total_cost_cents * rate.numerator // rate.denominator
        if region_share_cents > rate_max:
            violations.append(Violation(
                "rate_exceeded",
                N_("The Region's share, %(share)s, is more than %(rate)s of the event's total "
                   "cost: at most %(max)s."),
                {"share_cents": region_share_cents, "rate": rate, "max_cents": rate_max},
            ))
        if region_share_cents > policy.cofunding_cap_cents:
            violations.append(Violation(
                "cap_exceeded",
                N_("The Region's share, %(share)s, is more than the cap of %(cap)s per event."),
                {"share_cents": region_share_cents, "cap_cents": policy.cofunding_cap_cents},
            ))
    if total_ok and share_ok and others_ok:
        revenues = region_share_cents + other_revenues_cents
        if revenues != total_cost_cents:
            violations.append(Violation(
                "unbalanced",
                N_("The budget is not balanced: revenues, %(revenues)s, must equal expenses, "
                   "%(expenses)s."),
                {"revenues_cents": revenues, "expenses_cents": total_cost_cents,
                 "difference_cents": revenues - total_cost_cents},
            ))
    if region_led:
        violations.append(Violation(
            "region_led",
            N_("An event the Region runs itself is not co-funded: it is paid from the "
               "Region's own budget."),
        ))
    return Verdict(not violations, maximum, tuple(violations))


def _received_amounts(already_received) -> dict[str, object]:
    if already_received is None:
        already_received = Received()
    if isinstance(already_received, Received):
        return {"operating": already_received.operating_cents,
                "investment": already_received.investment_cents,
                "structure": already_received.structure_cents}
    if isinstance(already_received, Mapping):
        unknown = set(already_received) - {"operating", "investment", "structure"}
        if unknown:
            raise ValueError(f"unknown kinds of aid: {sorted(unknown)}")
        return {kind: already_received.get(kind, 0)
                for kind in ("operating", "investment", "structure")}
    raise TypeError("already_received must be a Received or a mapping")


_GRANT_MESSAGES = {
    "operating": N_("The operating grant, %(asked)s, is more than the cap of %(cap)s per "
                    "project."),
    "investment": N_("The investment grant, %(asked)s, is more than the cap of %(cap)s per "
                     "project."),
    "structure": N_("The support structure grant, %(asked)s, is more than the cap of %(cap)s "
                    "per project."),
}
# The same, when the project already received aid of that kind.
_GRANT_MESSAGES_RECEIVED = {
    "operating": N_("The operating grant, %(asked)s, with the %(received)s already received, "
                    "is more than the cap of %(cap)s per project: at most %(remaining)s more."),
    "investment": N_("The investment grant, %(asked)s, with the %(received)s already received, "
                     "is more than the cap of %(cap)s per project: at most %(remaining)s more."),
    "structure": N_("The support structure grant, %(asked)s, with the %(received)s already "
                    "received, is more than the cap of %(cap)s per project: at most "
                    "%(remaining)s more."),
}


def check_grants(operating_cents: int, investment_cents: int, structure_cents: int,
                 already_received: Received | Mapping[str, int] | None, policy: Policy
                 ) -> GrantVerdict:
    """Can a project receive these grants, given what it already received?

    « la Région pourra soutenir en direct les projets les plus prometteurs à
    hauteur de 5.000 euros de fonctionnement et 5.000 euros d'investissement
    maximum par projet » and « Elle financera, à hauteur de 5.000 euros maximum
    par projet, des structures chargées d'aider la maturation »: each kind is
    capped per project, counting what the project already received
    (``already_received``: a :class:`Received`, a mapping with the keys
    ``operating``, ``investment``, ``structure``, or None for nothing).
    Codes: ``operating_cap_exceeded``, ``investment_cap_exceeded``,
    ``structure_cap_exceeded``, ``invalid_amount``; every violation is reported.
    """
    asked = {"operating": operating_cents, "investment": investment_cents,
             "structure": structure_cents}
    received = _received_amounts(already_received)
    caps = {"operating": policy.operating_cap_cents, "investment": policy.investment_cap_cents,
            "structure": policy.structure_cap_cents}
    violations: list[Violation] = []
    for kind, amount in asked.items():
        if not _is_cents(amount):
            violations.append(invalid_amount(kind))
    for kind, amount in received.items():
        if not _is_cents(amount):
            violations.append(invalid_amount("received_" + kind))
    remaining = {}
    for kind, cap in caps.items():
        got = received[kind]
        remaining[kind] = max(cap - got, 0) if _is_cents(got) else 0
        if _is_cents(got) and _is_cents(asked[kind]) and asked[kind] > remaining[kind]:
            violations.append(Violation(
                f"{kind}_cap_exceeded",
                (_GRANT_MESSAGES_RECEIVED if got else _GRANT_MESSAGES)[kind],
                {"asked_cents": asked[kind], "received_cents": got, "cap_cents": cap,
                 "remaining_cents": remaining[kind]},
            ))
    return GrantVerdict(not violations, remaining["operating"], remaining["investment"],
                        remaining["structure"], tuple(violations))
