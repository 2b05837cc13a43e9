"""Budget years: the rules of each year as data, and the use cases that set them.

« Rules are versioned by budget year » (DESIGN.md §3). An administrator opens a year
(:func:`open_year`) from the previous year's rules or from the deliberation's 2016
figures, with the reference and date of the vote that set them; the year's top-level
envelopes are created at once. Until a decision is taken under a version it may be
corrected in place; the first decision freezes it (:func:`decision_policy`), and a later
change makes the next version (:func:`change_rules`), so every decision keeps the
version it was taken under. Everything is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from inspir_events.accounts.models import User
from inspir_events.aid import rules
from inspir_events.aid.envelopes import services as envelopes
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.years.models import VOTE_REFERENCE_MAX, AidPolicy, AidPolicyEnvelope
from inspir_events.audit import services as audit
from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.i18n import format_cents
from inspir_events.timeutil import utc_to_paris, utcnow

YEAR_MIN = 2016  # the programme's first budget year
YEAR_MAX = 2100
RATE_DENOMINATOR = 100  # rates are typed as whole percents

ENVELOPE_KEYS = tuple((region, section) for region in rules.FormerRegion
                      for section in rules.Section)
START_PREVIOUS = "previous"
START_DELIBERATION = "deliberation"


class YearError(envelopes.AidError):
    """A budget-year use case refused (422 unless a subclass says otherwise)."""


class YearNotOpen(YearError):
    status = 404

    def __init__(self, year):
        super().__init__(_l("There are no aid rules for the budget year %(year)s.", year=year))


class YearAlreadyOpen(YearError):
    status = 409


def envelope_field(region: rules.FormerRegion, section: rules.Section) -> str:
    """The form field of an envelope's amount, e.g. ``envelope_npdc_investment``."""
    return f"envelope_{region.value}_{section.value}"


@dataclass(frozen=True)
class RulesInput:
    """A year's rules as an administrator sets them (amounts in cents, the rate exact)."""

    cofunding_rate: Fraction
    cofunding_cap_cents: int
    operating_cap_cents: int
    investment_cap_cents: int
    structure_cap_cents: int
    envelopes: Mapping[tuple[rules.FormerRegion, rules.Section], int]
    vote_reference: str
    vote_date: date | None


def _input_of(policy: rules.Policy, vote_reference: str = "",
              vote_date: date | None = None) -> RulesInput:
    """A policy as the form's input (the vote left as given)."""
    return RulesInput(policy.cofunding_rate, policy.cofunding_cap_cents,
                      policy.operating_cap_cents, policy.investment_cap_cents,
                      policy.structure_cap_cents, dict(policy.envelopes),
                      vote_reference, vote_date)


# --- Reading ------------------------------------------------------------------------------

def policy_of(row: AidPolicy) -> rules.Policy:
    """A stored version as the value the pure rules take."""
    return rules.Policy(
        year=row.year,
        cofunding_rate=Fraction(row.cofunding_rate_numerator, row.cofunding_rate_denominator),
        cofunding_cap_cents=row.cofunding_cap_cents,
        operating_cap_cents=row.operating_cap_cents,
        investment_cap_cents=row.investment_cap_cents,
        structure_cap_cents=row.structure_cap_cents,
        envelopes={(e.former_region, e.section): e.amount_cents for e in row.envelopes},
        version=row.version, vote_reference=row.vote_reference, vote_date=row.vote_date)


def rules_input(row: AidPolicy) -> RulesInput:
    """A stored version as the administrator's form shows it, vote included."""
    return _input_of(policy_of(row), row.vote_reference, row.vote_date)


def current(year: int) -> AidPolicy | None:
    """The year's latest version (None: the year is not opened)."""
    if isinstance(year, bool) or not isinstance(year, int):
        return None
    return db.session.scalar(select(AidPolicy).where(AidPolicy.year == year)
                             .order_by(AidPolicy.version.desc()).limit(1))


def versions(year: int) -> list[AidPolicy]:
    """Every version of a year, the latest first."""
    return list(db.session.scalars(select(AidPolicy).where(AidPolicy.year == year)
                                   .order_by(AidPolicy.version.desc())))


def opened_years() -> list[int]:
    """The budget years that have rules, in order."""
    return list(db.session.scalars(select(AidPolicy.year).distinct().order_by(AidPolicy.year)))


def policy_or_none(year: int) -> rules.Policy | None:
    """The rules in force for a budget year, or None when it is not opened."""
    row = current(year)
    return policy_of(row) if row is not None else None


def policy_for(year: int) -> rules.Policy:
    """The rules in force for a budget year (its latest version); :class:`rules.UnknownYear`
    when no administrator opened it."""
    row = current(year)
    if row is None:
        raise rules.UnknownYear(year)
    return policy_of(row)


def today() -> date:
    """Today in Paris, the Region's calendar."""
    return utc_to_paris(utcnow()).date()


def latest_year() -> int | None:
    """The latest budget year in force today (:func:`rules.latest_in_force`)."""
    return rules.latest_in_force(opened_years(), today())


def current_policy() -> rules.Policy | None:
    """The rules of the latest year in force (None: no year is opened)."""
    year = latest_year()
    return policy_for(year) if year is not None else None


def decision_policy(year: int) -> AidPolicy:
    """The version a decision of ``year`` is taken under, in the caller's write transaction:
    its row is locked and frozen (the first decision freezes it; a later change of the
    rules makes a new version, and this decision keeps this one). Raises
    :class:`YearNotOpen` when the year has no rules."""
    row = db.session.scalar(select(AidPolicy).where(AidPolicy.year == year)
                            .order_by(AidPolicy.version.desc()).limit(1).with_for_update())
    if row is None:
        raise YearNotOpen(year)
    if row.frozen_at is None:
        row.frozen_at = utcnow()
    return row


def describe(row: AidPolicy | None) -> str:
    """How a decision names the rules it was taken under (decisions, SCDL export)."""
    if row is None:
        return ""
    return f"{row.vote_reference} ({row.vote_date:%d/%m/%Y}), règles {row.year} v{row.version}"


# --- Opening a year and changing its rules ------------------------------------------------

def starting_rules(year: int, start: str = START_PREVIOUS) -> RulesInput:
    """What a new year starts from: the rules of the latest opened year before it (the
    previous year's), or the deliberation's 2016 figures when asked or when there is none.
    The vote's reference and date are left for the administrator to give."""
    if start != START_DELIBERATION:
        before = db.session.scalar(select(AidPolicy).where(AidPolicy.year < year)
                                   .order_by(AidPolicy.year.desc(), AidPolicy.version.desc())
                                   .limit(1))
        if before is not None:
            return _input_of(policy_of(before))
    return _input_of(rules.POLICY_2016)


def _check(year: int, data: RulesInput) -> tuple[str, date]:
    """Every amount and the vote's reference, each refusal on its field."""
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise YearError(_l("Give a budget year between %(min)s and %(max)s.", min=YEAR_MIN,
                           max=YEAR_MAX), field="year")
    rate = data.cofunding_rate
    if not isinstance(rate, Fraction) or not 0 < rate <= 1:
        raise YearError(_l("The co-funding rate is a percentage between 1 and 100."),
                        field="cofunding_rate")
    for name in ("cofunding_cap_cents", "operating_cap_cents", "investment_cap_cents",
                 "structure_cap_cents"):
        value = getattr(data, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise YearError(_l("Enter an amount of zero or more."),
                            field=name.removesuffix("_cents"))
    for region, section in ENVELOPE_KEYS:
        value = data.envelopes.get((region, section))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise YearError(_l("Enter an amount of zero or more."),
                            field=envelope_field(region, section))
    reference = " ".join((data.vote_reference or "").split())
    if not reference or len(reference) > VOTE_REFERENCE_MAX:
        raise YearError(_l("Give the reference of the vote that set these rules (at most "
                           "%(max)s characters).", max=VOTE_REFERENCE_MAX),
                        field="vote_reference")
    if data.vote_date is None:
        raise YearError(_l("Give the date of the vote."), field="vote_date")
    return reference, data.vote_date


def _values(data: RulesInput, reference: str, vote_date: date) -> dict:
    rate = data.cofunding_rate
    return {"cofunding_rate_numerator": rate.numerator,
            "cofunding_rate_denominator": rate.denominator,
            "cofunding_cap_cents": data.cofunding_cap_cents,
            "operating_cap_cents": data.operating_cap_cents,
            "investment_cap_cents": data.investment_cap_cents,
            "structure_cap_cents": data.structure_cap_cents,
            "vote_reference": reference, "vote_date": vote_date}


def _new_version(actor: User | None, year: int, version: int, values: dict,
                 data: RulesInput) -> AidPolicy:
    row = AidPolicy(year=year, version=version, created_by_id=actor.id if actor else None,
                    **values)
    row.envelopes = [AidPolicyEnvelope(former_region=region, section=section,
                                       amount_cents=data.envelopes[(region, section)])
                     for region, section in ENVELOPE_KEYS]
    db.session.add(row)
    db.session.flush()
    return row


def _summary(row: AidPolicy) -> dict:
    """A version's figures, for the audit log."""
    return {"version": row.version,
            "cofunding_rate": f"{row.cofunding_rate_numerator}/{row.cofunding_rate_denominator}",
            "cofunding_cap_cents": row.cofunding_cap_cents,
            "operating_cap_cents": row.operating_cap_cents,
            "investment_cap_cents": row.investment_cap_cents,
            "structure_cap_cents": row.structure_cap_cents,
            "envelopes": {f"{e.former_region.value}/{e.section.value}": e.amount_cents
                          for e in row.envelopes},
            "vote_reference": row.vote_reference, "vote_date": row.vote_date.isoformat()}


def _set_envelopes(year: int, amounts: Mapping) -> None:
    """The year's top-level envelopes follow its rules: missing ones are added, the others
    take the new amount, never below what is already committed on them."""
    envelopes.add_missing_envelopes(year, amounts)
    for (region, section), amount in amounts.items():
        result = db.session.execute(
            update(Envelope).where(Envelope.year == year, Envelope.former_region == region,
                                   Envelope.section == section, Envelope.parent_id.is_(None),
                                   Envelope.committed_cents <= amount)
            .values(amount_cents=amount).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            committed = db.session.scalar(select(Envelope.committed_cents).where(
                Envelope.year == year, Envelope.former_region == region,
                Envelope.section == section, Envelope.parent_id.is_(None)))
            raise YearError(_l("%(amount)s is already committed on this envelope: its amount "
                               "cannot be less.", amount=format_cents(committed or 0)),
                            field=envelope_field(region, section))


def _is_admin(actor: User | None) -> bool:
    return actor is None or bool(getattr(actor, "is_admin", False))


@use_case
def open_year(actor: User | None, year: int, data: RulesInput) -> AidPolicy:
    """Open a budget year with its rules (version 1) and create its top-level envelopes.

    ``actor`` is the administrator (None: the ``flask open-budget-year`` command run by
    the operator). Audited.
    """
    if not _is_admin(actor):
        raise envelopes.AidForbidden(_l("Only administrators open budget years."))
    reference, vote_date = _check(year, data)
    begin_write()
    if db.session.scalar(select(func.count()).select_from(AidPolicy)
                         .where(AidPolicy.year == year)):
        raise YearAlreadyOpen(_l("The budget year %(year)s is already open: change its rules "
                                 "instead.", year=year), field="year")
    row = _new_version(actor, year, 1, _values(data, reference, vote_date), data)
    _set_envelopes(year, data.envelopes)
    audit.record(actor, "budget_year.open", "budget_year", year, after=_summary(row))
    db.session.commit()
    return row


@use_case
def change_rules(actor: User, year: int, data: RulesInput) -> AidPolicy:
    """Change a year's rules: in place while no decision was taken under its latest
    version, else as a new version (earlier decisions keep theirs). Audited with the
    figures before and after."""
    if not _is_admin(actor) or actor is None:
        raise envelopes.AidForbidden(_l("Only administrators change the aid rules."))
    reference, vote_date = _check(year, data)
    begin_write()
    row = db.session.scalar(select(AidPolicy).where(AidPolicy.year == year)
                            .order_by(AidPolicy.version.desc()).limit(1).with_for_update())
    if row is None:
        raise YearNotOpen(year)
    before = _summary(row)
    values = _values(data, reference, vote_date)
    if row.frozen_at is None:
        for name, value in values.items():
            setattr(row, name, value)
        for envelope in row.envelopes:
            envelope.amount_cents = data.envelopes[(envelope.former_region, envelope.section)]
        db.session.flush()
        changed = row
    else:
        changed = _new_version(actor, year, row.version + 1, values, data)
    _set_envelopes(year, data.envelopes)
    audit.record(actor, "budget_year.change", "budget_year", year, before=before,
                 after=_summary(changed), new_version=changed is not row)
    db.session.commit()
    return changed


@use_case
def load_envelopes(year: int) -> int:
    """Create the year's missing top-level envelopes from its rules; returns how many were
    added. Idempotent: an envelope already there is left as it is (its commitments too)."""
    policy = policy_for(year)
    begin_write()
    added = envelopes.add_missing_envelopes(year, policy.envelopes)
    db.session.commit()
    return added
