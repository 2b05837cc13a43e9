"""The budget years' pages: public rules per year and version, administrators open a year
and change its rules through the interface; the ``flask open-budget-year`` command."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts.models import Role
from inspir_events.aid.envelopes.models import Envelope
from inspir_events.aid.years import services as years
from tests.pages import parse

FORM = {"year": "2027", "cofunding_rate": "40", "cofunding_cap": "10 000",
        "operating_cap": "5 000", "investment_cap": "5 000", "structure_cap": "4 000,50",
        "envelope_npdc_investment": "100 000", "envelope_npdc_operating": "120 000",
        "envelope_picardie_investment": "80 000", "envelope_picardie_operating": "150 000",
        "vote_reference": "Délibération n° 2027.0042", "vote_date": "2027-01-21"}


def test_every_year_and_version_is_public(client):
    page = parse(client.get("/aid/years", headers={"Accept-Language": "fr"}).get_data(
        as_text=True))
    table = page.find("table", id="rules-2016")
    shown = table.text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "commission permanente" in shown and "23 septembre 2016" in shown
    assert "12 500,00 €" in shown and "50 %" in shown
    assert page.find("a", href="/aid/years/new") is None  # administrators only


def test_an_administrator_opens_a_year_from_the_form(client, db, make_user, login):
    admin = make_user(roles=(Role.ADMIN,))
    login(admin)
    form_page = parse(client.get("/aid/years/new?year=2027").get_data(as_text=True))
    assert form_page.find("input", id="cofunding_rate").get("value") == "50"  # from 2016
    assert form_page.find("input", id="cofunding_cap").get("value") == "12 500"
    response = client.post_form("/aid/years/new", FORM)
    assert response.status_code == 302
    policy = years.policy_for(2027)
    assert (policy.cofunding_rate.numerator, policy.cofunding_rate.denominator) == (2, 5)
    assert (policy.cofunding_cap_cents, policy.structure_cap_cents) == (1_000_000, 400_050)
    assert policy.vote_reference == "Délibération n° 2027.0042"
    assert len(db.session.scalars(select(Envelope).where(Envelope.year == 2027)).all()) == 4


def test_bad_input_is_shown_in_the_form_with_what_was_typed(client, db, make_user, login):
    admin = make_user(roles=(Role.ADMIN,))
    login(admin)
    response = client.post_form("/aid/years/new", {**FORM, "cofunding_rate": "150",
                                                   "operating_cap": "cinq mille"},
                                headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert page.find("input", id="operating_cap").get("value") == "cinq mille"
    assert "entre 1 et 100" in page.find("p", id="cofunding_rate-error").text
    assert page.find("p", id="operating_cap-error") is not None
    assert years.current(2027) is None
    again = client.post_form("/aid/years/new", {**FORM, "year": "2016"})
    assert again.status_code == 409  # already open: said on the year's field
    assert "déjà ouvert" in parse(again.get_data(as_text=True)).find(
        "p", id="year-error").text


def test_changing_frozen_rules_makes_a_new_version(client, db, make_user, login, open_year):
    admin = make_user(roles=(Role.ADMIN,))
    login(admin)
    open_year(2027)
    form_page = parse(client.get("/aid/years/2027/edit").get_data(as_text=True))
    assert form_page.find("input", id="vote_reference").get("value") == "Délibération 2027-42"
    years.decision_policy(2027)
    db.session.commit()
    response = client.post_form("/aid/years/2027/edit", {**FORM, "cofunding_cap": "11 000"})
    assert response.status_code == 302
    assert [v.version for v in years.versions(2027)] == [2, 1]
    assert years.policy_for(2027).cofunding_cap_cents == 1_100_000
    page = parse(client.get("/aid/years").get_data(as_text=True))
    assert page.find("tr", id="rules-2027-v2") and page.find("tr", id="rules-2027-v1")
    assert client.get("/aid/years/2031/edit").status_code == 404


def test_only_administrators_reach_the_forms(client, make_user, login, committee):
    login(committee)
    assert client.get("/aid/years/new").status_code == 403
    assert client.post_form("/aid/years/2016/edit", FORM).status_code == 403


def test_the_command_opens_a_year(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["open-budget-year", "2027", "--start", "deliberation",
                                 "--vote-reference", "Délibération n° 2027.0001",
                                 "--vote-date", "2027-01-10"])
    assert result.exit_code == 0, result.output
    assert "2027 is open" in result.output
    assert years.policy_for(2027).vote_date.isoformat() == "2027-01-10"
    again = runner.invoke(args=["open-budget-year", "2027", "--vote-reference", "x",
                                "--vote-date", "2027-01-10"])
    assert again.exit_code != 0 and "déjà ouvert" in again.output
