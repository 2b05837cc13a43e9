"""Envelopes: loading from the policy, committing within them, delegating, the dashboard."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role
from inspir_events.aid.envelopes import queries as envelope_queries
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Commitment, Envelope
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as aid_years
from inspir_events.audit.models import AuditEntry

NPDC_INV = (FormerRegion.NPDC, Section.INVESTMENT)


def envelopes_2016(db) -> dict:
    aid_years.load_envelopes(2016)
    rows = db.session.scalars(select(Envelope).where(Envelope.parent_id.is_(None))).all()
    return {(e.former_region, e.section): e for e in rows}


def state(db, envelope_id: int) -> tuple[int, int]:
    db.session.rollback()
    committed = db.session.scalar(select(Envelope.committed_cents)
                                  .where(Envelope.id == envelope_id))
    count = db.session.scalar(select(func.count()).select_from(Commitment)
                              .where(Commitment.envelope_id == envelope_id))
    return committed, count


def test_loading_2016_gives_the_deliberations_four_envelopes_once(db):
    assert aid_years.load_envelopes(2016) == 4
    assert aid_years.load_envelopes(2016) == 0  # idempotent
    rows = db.session.scalars(select(Envelope)).all()
    assert {(e.former_region, e.section): e.amount_cents for e in rows} == {
        (FormerRegion.NPDC, Section.INVESTMENT): 15_000_000,
        (FormerRegion.NPDC, Section.OPERATING): 15_000_000,
        (FormerRegion.PICARDIE, Section.INVESTMENT): 10_000_000,
        (FormerRegion.PICARDIE, Section.OPERATING): 20_000_000,
    }
    assert all(e.committed_cents == 0 and e.parent_id is None for e in rows)


def test_load_envelopes_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["load-envelopes", "--year", "2016"])
    assert result.exit_code == 0, result.output
    assert "4 envelope(s) created for 2016" in result.output
    again = runner.invoke(args=["load-envelopes", "--year", "2016"])
    assert "already loaded" in again.output
    unknown = runner.invoke(args=["load-envelopes", "--year", "1999"])
    assert unknown.exit_code != 0
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Envelope)) == 4


@pytest.mark.parametrize(("department", "region"), [
    ("59", FormerRegion.NPDC), ("62", FormerRegion.NPDC),
    ("02", FormerRegion.PICARDIE), ("60", FormerRegion.PICARDIE), ("80", FormerRegion.PICARDIE),
])
@pytest.mark.parametrize("section", list(Section))
def test_the_departments_former_region_picks_the_envelope(db, department, region, section):
    envelopes = envelopes_2016(db)
    found = aid_envelopes.envelope_for(department, section, 2016)
    assert found.id == envelopes[(region, section)].id


def test_envelope_for_an_unknown_department_or_year(db):
    envelopes_2016(db)
    with pytest.raises(aid_envelopes.EnvelopeNotFound):
        aid_envelopes.envelope_for("75", Section.OPERATING, 2016)
    with pytest.raises(aid_envelopes.EnvelopeNotFound):
        aid_envelopes.envelope_for("59", Section.OPERATING, 2017)


def test_commit_within_exactly_to_the_amount_and_one_cent_over(db, make_user):
    envelope_id = envelopes_2016(db)[NPDC_INV].id
    member = make_user(roles=(Role.COMMITTEE,))
    first = aid_envelopes.commit(member, envelope_id, 10_000_000, "event", 1, "Hackathon Lille")
    assert first.id and first.decided_by_id == member.id
    assert state(db, envelope_id) == (10_000_000, 1)
    aid_envelopes.commit(member, envelope_id, 5_000_000, "event", 2, "Jusqu'au dernier centime")
    assert state(db, envelope_id) == (15_000_000, 2)
    with pytest.raises(aid_envelopes.EnvelopeExceeded) as refused:
        aid_envelopes.commit(member, envelope_id, 1, "event", 3, "Un centime de trop")
    assert refused.value.status == 409 and refused.value.remaining_cents == 0
    assert state(db, envelope_id) == (15_000_000, 2)  # nothing changed
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("envelope.commit") == 2


def test_one_cent_over_a_partly_used_envelope_is_refused(db, make_user):
    envelope_id = envelopes_2016(db)[NPDC_INV].id
    member = make_user(roles=(Role.COMMITTEE,))
    aid_envelopes.commit(member, envelope_id, 14_000_000, "event", 1)
    with pytest.raises(aid_envelopes.EnvelopeExceeded) as refused:
        aid_envelopes.commit(member, envelope_id, 1_000_001, "event", 2)
    assert refused.value.remaining_cents == 1_000_000
    assert state(db, envelope_id) == (14_000_000, 1)


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
def test_amounts_must_be_positive_integer_cents(db, make_user, amount):
    envelope_id = envelopes_2016(db)[NPDC_INV].id
    member = make_user(roles=(Role.COMMITTEE,))
    with pytest.raises(aid_envelopes.AidError):
        aid_envelopes.commit(member, envelope_id, amount, "event", 1)
    assert state(db, envelope_id) == (0, 0)


@pytest.mark.parametrize("roles", [(), (Role.ORGANISER,), (Role.ADMIN,)])
def test_only_committee_members_commit(db, make_user, roles):
    envelope_id = envelopes_2016(db)[NPDC_INV].id
    with pytest.raises(aid_envelopes.AidForbidden) as refused:
        aid_envelopes.commit(make_user(roles=roles), envelope_id, 100, "event", 1)
    assert refused.value.status == 403
    assert state(db, envelope_id) == (0, 0)


def test_unknown_envelope(db, make_user):
    member = make_user(roles=(Role.COMMITTEE,))
    with pytest.raises(aid_envelopes.EnvelopeNotFound):
        aid_envelopes.commit(member, 999_999, 100, "event", 1)
    with pytest.raises(aid_envelopes.EnvelopeNotFound):
        aid_envelopes.commit(member, 2**40, 100, "event", 1)


def test_delegation_commits_on_the_parent_and_decisions_stay_within_it(db, make_user):
    parent_id = envelopes_2016(db)[(FormerRegion.PICARDIE, Section.OPERATING)].id
    admin = make_user(roles=(Role.ADMIN,))
    member = make_user(roles=(Role.COMMITTEE,))
    with pytest.raises(aid_envelopes.AidForbidden):
        aid_envelopes.delegate(member, parent_id, "Amiens Métropole", 100)
    child = aid_envelopes.delegate(admin, parent_id, "  Tiers-lieu numérique   d'Amiens ",
                                   3_000_000)
    assert child.parent_id == parent_id and child.holder_name == "Tiers-lieu numérique d'Amiens"
    assert (child.former_region, child.section, child.year) == (
        FormerRegion.PICARDIE, Section.OPERATING, 2016)
    assert state(db, parent_id) == (3_000_000, 1)
    aid_envelopes.commit(member, child.id, 3_000_000, "project", 7, "Atelier")
    with pytest.raises(aid_envelopes.EnvelopeExceeded):
        aid_envelopes.commit(member, child.id, 1, "project", 8)
    assert state(db, child.id) == (3_000_000, 1)
    with pytest.raises(aid_envelopes.EnvelopeExceeded):
        aid_envelopes.delegate(admin, parent_id, "Somme", 17_000_001)
    assert state(db, parent_id) == (3_000_000, 1)
    aid_envelopes.delegate(admin, parent_id, "Somme", 17_000_000)
    assert state(db, parent_id) == (20_000_000, 2)
    board = envelope_queries.dashboard(2016)
    line = next(ln for ln in board.lines if ln.envelope.id == parent_id)
    assert [s.amount_cents for s in line.sub_envelopes] == [3_000_000, 17_000_000]
    assert line.remaining_cents == 0 and line.commitments == []
    assert line.sub_envelopes[0].remaining_cents == 0
    assert board.amount_cents == 60_000_000 and board.committed_cents == 20_000_000


def test_the_dashboard_page_shows_public_totals_in_french(app, db, client, make_user):
    envelope_id = envelopes_2016(db)[NPDC_INV].id
    member = make_user(roles=(Role.COMMITTEE,), display_name="Camille Comité")
    aid_envelopes.commit(member, envelope_id, 2_500_050, "event", 1, "Raison confidentielle")
    page = client.get("/aid/envelopes", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    html = page.get_data(as_text=True).replace("\u202f", " ").replace("\u00a0", " ")
    assert "150 000,00 €" in html  # NPDC investment
    assert "25 000,50 €" in html and "124 999,50 €" in html
    assert "600 000,00 €" in html  # the total
    assert "<caption>" in html and 'scope="col"' in html
    assert "Raison confidentielle" not in html and "Camille Comité" not in html


def test_committee_members_see_the_decisions(app, db, client, login, make_user):
    envelope_id = envelopes_2016(db)[NPDC_INV].id
    member = make_user(roles=(Role.COMMITTEE,), display_name="Camille Comité")
    aid_envelopes.commit(member, envelope_id, 2_500_050, "event", 1, "Hackathon de Lille")
    login(member)
    html = client.get("/aid/envelopes").get_data(as_text=True)
    assert "Hackathon de Lille" in html and "Camille Comité" in html


def test_unknown_year_page(client):
    assert client.get("/aid/envelopes?year=1999").status_code == 404


def test_format_cents(app):
    from flask_babel import force_locale

    from inspir_events.i18n import format_cents
    with app.test_request_context(), force_locale("fr"):
        assert format_cents(15_000_000).replace("\u202f", " ").replace("\u00a0", " ") \
            == "150 000,00 €"
        assert format_cents(1).replace("\u00a0", " ") == "0,01 €"
    with app.test_request_context(), force_locale("en"):
        assert format_cents(2_500_050) == "€25,000.50"
