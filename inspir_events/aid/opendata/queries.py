"""Reading the granted aid for its publication: the grant rows as the SCDL builder's plain
facts, one row per decision (:func:`inspir_events.aid.opendata.scdl.build_rows`)."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.aid.models import AidGrant
from inspir_events.aid.opendata import scdl
from inspir_events.aid.years import services as years
from inspir_events.extensions import db
from inspir_events.timeutil import utc_to_paris


def granted_aid(year: int | None = None) -> list[AidGrant]:
    """The granted-aid rows (all years, or one budget year), for the SCDL export."""
    query = select(AidGrant).order_by(AidGrant.decided_at, AidGrant.id)
    if year is not None:
        query = query.where(AidGrant.year == year)
    return list(db.session.scalars(query))


def facts(grant: AidGrant) -> scdl.GrantFacts:
    """A grant row as plain values; its decision's date is the day in Paris."""
    return scdl.GrantFacts(
        reference=grant.reference, decided_on=utc_to_paris(grant.decided_at).date(),
        beneficiary_name=grant.beneficiary_name, beneficiary_siret=grant.beneficiary_siret,
        beneficiary_rna=grant.beneficiary_rna, purpose=grant.purpose,
        amount_cents=grant.amount_cents, total_cost_cents=grant.total_cost_cents,
        payment_terms=grant.payment_terms, payment_start=grant.payment_start,
        payment_end=grant.payment_end, rules=years.describe(grant.policy))


def subventions(attribuant: scdl.Attribuant, year: int | None = None) -> list[dict[str, str]]:
    """The SCDL « subventions » rows of the granted aid, one per decision."""
    return scdl.build_rows(attribuant, map(facts, granted_aid(year)))
