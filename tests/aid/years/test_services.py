"""Budget years as data: opening a year, its rules per version, frozen by a decision."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from inspir_events.aid import rules
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as years
from inspir_events.aid.years.models import AidPolicy
from inspir_events.audit.models import AuditEntry


def entries(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_2016_is_the_deliberation_seeded_by_the_migration(db):
    assert years.opened_years() == [2016]
    policy = years.policy_for(2016)
    assert policy == rules.POLICY_2016  # every figure, the vote and its date
    assert years.current(2016).frozen_at is None


def test_a_year_opened_from_the_previous_year_carries_its_rules(db, open_year, make_user):
    open_year(2026, cofunding_cap_cents=1_000_000)
    admin = make_user("admin@example.org", roles=("admin",))
    data = years.starting_rules(2027)
    assert data.cofunding_cap_cents == 1_000_000  # the previous year's, not 2016's
    data = years.RulesInput(**{**data.__dict__, "vote_reference": "Délibération 2027.0001",
                               "vote_date": date(2027, 1, 12)})
    row = years.open_year(admin, 2027, data)
    assert (row.year, row.version, row.created_by_id) == (2027, 1, admin.id)
    assert years.policy_for(2027).cofunding_cap_cents == 1_000_000
    envelopes = db.session.scalars(select(Envelope).where(Envelope.year == 2027)).all()
    assert {(e.former_region, e.section): e.amount_cents for e in envelopes} == \
        dict(rules.POLICY_2016.envelopes)
    [entry] = [e for e in entries(db, "budget_year.open") if e.object_id == "2027"]
    assert entry.actor_id == admin.id
    assert entry.details["after"]["cofunding_cap_cents"] == 1_000_000


def test_a_year_may_start_from_the_deliberation(db, open_year):
    open_year(2026, cofunding_cap_cents=1_000_000)
    assert years.starting_rules(2027, years.START_DELIBERATION).cofunding_cap_cents == \
        1_250_000


def test_opening_a_year_twice_is_refused(db, open_year):
    open_year(2026)
    with pytest.raises(years.YearAlreadyOpen) as refused:
        open_year(2026)
    assert refused.value.field == "year"
    assert db.session.scalar(select(func.count()).select_from(AidPolicy)
                             .where(AidPolicy.year == 2026)) == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"cofunding_rate": Fraction(0)}, "cofunding_rate"),
    ({"cofunding_rate": Fraction(101, 100)}, "cofunding_rate"),
    ({"operating_cap_cents": -1}, "operating_cap"),
    ({"vote_reference": "   "}, "vote_reference"),
    ({"vote_date": None}, "vote_date"),
])
def test_bad_rules_are_refused_on_their_field_and_nothing_is_written(db, open_year, changes,
                                                                      field):
    with pytest.raises(years.YearError) as refused:
        open_year(2026, **changes)
    assert refused.value.field == field
    assert years.current(2026) is None
    assert not db.session.scalars(select(Envelope).where(Envelope.year == 2026)).all()


def test_rules_change_in_place_until_a_decision_then_make_a_new_version(db, open_year,
                                                                        make_user):
    admin = make_user("admin@example.org", roles=("admin",))
    open_year(2026)
    data = years.rules_input(years.current(2026))
    lower = years.RulesInput(**{**data.__dict__, "cofunding_cap_cents": 1_100_000})
    row = years.change_rules(admin, 2026, lower)
    assert (row.version, years.policy_for(2026).cofunding_cap_cents) == (1, 1_100_000)

    years.decision_policy(2026)  # a decision is taken under version 1: frozen
    db.session.commit()
    assert years.current(2026).frozen_at is not None
    higher = years.RulesInput(**{**data.__dict__, "cofunding_cap_cents": 1_200_000})
    row = years.change_rules(admin, 2026, higher)
    assert row.version == 2
    assert [v.version for v in years.versions(2026)] == [2, 1]
    assert years.policy_for(2026).cofunding_cap_cents == 1_200_000  # in force: the latest
    assert years.policy_of(years.versions(2026)[1]).cofunding_cap_cents == 1_100_000
    [changed] = [e for e in entries(db, "budget_year.change") if e.details["new_version"]]
    assert changed.details["before"]["version"] == 1 and changed.details["after"]["version"] == 2


def test_an_envelope_never_drops_below_what_is_committed(db, open_year, make_user,
                                                         committee):
    from inspir_events.aid.envelopes import services as envelopes

    admin = make_user("admin@example.org", roles=("admin",))
    open_year(2026)
    top = db.session.scalar(select(Envelope).where(
        Envelope.year == 2026, Envelope.former_region == FormerRegion.NPDC,
        Envelope.section == Section.OPERATING))
    envelopes.commit(committee, top.id, 5_000_000, "test", 1)
    data = years.rules_input(years.current(2026))
    amounts = dict(data.envelopes)
    amounts[(FormerRegion.NPDC, Section.OPERATING)] = 4_000_000
    with pytest.raises(years.YearError) as refused:
        years.change_rules(admin, 2026, years.RulesInput(**{**data.__dict__,
                                                            "envelopes": amounts}))
    assert refused.value.field == "envelope_npdc_operating"
    assert db.session.get(Envelope, top.id).amount_cents == 15_000_000
    amounts[(FormerRegion.NPDC, Section.OPERATING)] = 6_000_000
    years.change_rules(admin, 2026, years.RulesInput(**{**data.__dict__, "envelopes": amounts}))
    db.session.expire_all()
    assert db.session.get(Envelope, top.id).amount_cents == 6_000_000


def test_only_administrators_open_or_change_years(db, committee):
    data = years.RulesInput(**{**years.starting_rules(2026).__dict__,
                               "vote_reference": "D", "vote_date": date(2026, 1, 1)})
    with pytest.raises(years.envelopes.AidForbidden):
        years.open_year(committee, 2026, data)
    with pytest.raises(years.envelopes.AidForbidden):
        years.change_rules(committee, 2016, data)


def test_the_latest_year_in_force(db, open_year):
    this_year = years.today().year
    assert years.latest_year() == 2016
    open_year(this_year + 1)  # ahead of time
    assert years.latest_year() == 2016
    open_year(this_year)
    assert years.latest_year() == this_year
