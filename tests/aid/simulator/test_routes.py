"""The public co-funding simulator: JSON, read-only, no login, French or English."""

from __future__ import annotations

import pytest

COFUND = "/api/v1/aid/cofunding-check"
GRANT = "/api/v1/aid/grant-check"
EN = {"Accept-Language": "en"}


def get(client, path, lang=None, **params):
    headers = {"Accept-Language": lang} if lang else {}
    response = client.get(path, query_string=params, headers=headers)
    assert response.is_json
    return response


def codes(response):
    return [v["code"] for v in response.get_json()["violations"]]


def test_eligible_event_without_login(client):
    response = get(client, COFUND, total_cost_cents=2_500_000, region_share_cents=1_250_000,
                   other_revenues_cents=1_250_000, region_led=0, year=2016)
    assert response.status_code == 200
    assert response.get_json() == {"eligible": True, "max_region_share_cents": 1_250_000,
                                   "violations": [], "year": 2016, "rules_version": 1}


def test_every_cofunding_violation_in_english(client):
    response = get(client, COFUND, "en", total_cost_cents=2_000_000,
                   region_share_cents=1_300_000, other_revenues_cents=600_000, region_led=1)
    assert response.status_code == 200
    body = response.get_json()
    assert body["eligible"] is False
    assert body["max_region_share_cents"] == 1_000_000
    messages = {v["code"]: v["message"] for v in body["violations"]}
    assert messages == {
        "rate_exceeded": "The Region's share, €13,000.00, is more than 50% of the event's "
                         "total cost: at most €10,000.00.",
        "cap_exceeded": "The Region's share, €13,000.00, is more than the cap of €12,500.00 "
                        "per event.",
        "unbalanced": "The budget is not balanced: revenues, €19,000.00, must equal "
                      "expenses, €20,000.00.",
        "region_led": "An event the Region runs itself is not co-funded: it is paid from the "
                      "Region's own budget.",
    }


def test_messages_are_french_by_default(client):
    body = get(client, COFUND, total_cost_cents=2_000_001, region_share_cents=1_000_001,
               other_revenues_cents=1_000_000).get_json()
    assert body["max_region_share_cents"] == 1_000_000  # 50 % rounded down
    assert body["violations"] == [{
        "code": "rate_exceeded",
        "message": "La part Région, 10\u202f000,01\u00a0€, dépasse 50\u00a0% du coût total de "
                   "l’événement\u00a0: au plus 10\u202f000,00\u00a0€.",
    }]


def test_big_event_is_capped(client):
    body = get(client, COFUND, total_cost_cents=4_000_000, region_share_cents=1_250_001,
               other_revenues_cents=2_749_999).get_json()
    assert body["max_region_share_cents"] == 1_250_000
    assert codes_of(body) == ["cap_exceeded"]


def codes_of(body):
    return [v["code"] for v in body["violations"]]


def test_optional_parameters_default_to_zero_and_the_latest_year(client):
    response = get(client, COFUND, total_cost_cents=100, region_share_cents=50)
    assert response.status_code == 200
    assert codes(response) == ["unbalanced"]
    assert response.get_json()["year"] == 2016


@pytest.mark.parametrize("params", [
    {"total_cost_cents": "abc", "region_share_cents": "1"},
    {"total_cost_cents": "12,50", "region_share_cents": "1"},
    {"total_cost_cents": "100.0", "region_share_cents": "1"},
    {"total_cost_cents": "1e3", "region_share_cents": "1"},
    {"total_cost_cents": "9" * 16, "region_share_cents": "1"},
    {"region_share_cents": "1"},  # missing
    {"total_cost_cents": "100", "region_share_cents": ""},
    {"total_cost_cents": "100", "region_share_cents": "50", "other_revenues_cents": "x"},
    {"total_cost_cents": "0", "region_share_cents": "0"},  # zero total cost
    {"total_cost_cents": "-100", "region_share_cents": "0"},
    {"total_cost_cents": "100", "region_share_cents": "-1", "other_revenues_cents": "101"},
])
def test_unparsable_or_invalid_amounts_are_400(client, params):
    response = get(client, COFUND, "en", **params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["eligible"] is False
    assert codes(response) == ["invalid_amount"]
    assert "whole cents" in body["violations"][0]["message"]


def test_several_invalid_amounts_are_all_reported(client):
    response = get(client, COFUND, total_cost_cents="x", region_share_cents="y",
                   other_revenues_cents="z")
    assert response.status_code == 400
    assert codes(response) == ["invalid_amount"] * 3


def test_region_led_must_be_0_or_1(client):
    response = get(client, COFUND, "en", total_cost_cents=100, region_share_cents=50,
                   other_revenues_cents=50, region_led="yes")
    assert response.status_code == 400
    assert response.get_json()["violations"] == [
        {"code": "invalid_parameter", "message": "region_led must be 0 or 1."}]


@pytest.mark.parametrize("path", [COFUND, GRANT])
def test_unknown_year_is_404_with_a_clear_message(client, path):
    response = get(client, path, "en", total_cost_cents=100, region_share_cents=50,
                   other_revenues_cents=50, year=2031)
    assert response.status_code == 404
    assert response.get_json()["violations"] == [
        {"code": "unknown_year", "message": "There are no aid rules for the budget year 2031."}]
    french = get(client, path, total_cost_cents=100, region_share_cents=50,
                 other_revenues_cents=50, year=2031)
    assert french.get_json()["violations"][0]["message"] == (
        "Il n’y a pas de règles d’aide pour l’exercice budgétaire 2031.")


@pytest.mark.parametrize("path", [COFUND, GRANT])
def test_unparsable_year_is_400(client, path):
    response = get(client, path, total_cost_cents=100, region_share_cents=100, year="deux")
    assert response.status_code == 400
    assert codes(response) == ["invalid_parameter"]


# --- Grants -------------------------------------------------------------------------

def test_grants_at_the_caps(client):
    response = get(client, GRANT, operating_cents=500_000, investment_cents=500_000,
                   structure_cents=500_000, year=2016)
    assert response.status_code == 200
    assert response.get_json() == {
        "eligible": True, "max_operating_cents": 500_000, "max_investment_cents": 500_000,
        "max_structure_cents": 500_000, "violations": [], "year": 2016, "rules_version": 1}


def test_every_grant_code_in_english(client):
    response = get(client, GRANT, "en", operating_cents=500_001, investment_cents=100_001,
                   structure_cents=500_001, received_investment_cents=400_000)
    assert response.status_code == 200
    body = response.get_json()
    assert body["eligible"] is False
    assert body["max_investment_cents"] == 100_000
    assert body["violations"] == [
        {"code": "operating_cap_exceeded",
         "message": "The operating grant, €5,000.01, is more than the cap of €5,000.00 per "
                    "project."},
        {"code": "investment_cap_exceeded",
         "message": "The investment grant, €1,000.01, with the €4,000.00 already received, is "
                    "more than the cap of €5,000.00 per project: at most €1,000.00 more."},
        {"code": "structure_cap_exceeded",
         "message": "The support structure grant, €5,000.01, is more than the cap of "
                    "€5,000.00 per project."},
    ]


def test_grants_default_to_nothing(client):
    body = get(client, GRANT).get_json()
    assert body["eligible"] is True


@pytest.mark.parametrize("params", [
    {"operating_cents": "cinq"},
    {"investment_cents": "5.5"},
    {"structure_cents": "-1"},
    {"received_operating_cents": "-3"},
])
def test_grant_invalid_amounts_are_400(client, params):
    response = get(client, GRANT, **params)
    assert response.status_code == 400
    assert codes(response) == ["invalid_amount"]
    assert response.get_json()["violations"][0]["message"].endswith("nul ou positif.")


def test_the_simulator_is_read_only(client):
    assert client.post(COFUND).status_code in (400, 405)
    assert client.post(GRANT).status_code in (400, 405)


# --- Budget years (issue 16) ---------------------------------------------------------------

def test_each_year_answers_under_its_own_rules(client, open_year):
    """A later year opened with other figures: the simulator answers per year, defaults to
    the latest year in force, and 2016 keeps its exact answers to the cent."""
    from fractions import Fraction

    from inspir_events.aid.years import services as aid_years
    this_year = aid_years.today().year
    open_year(this_year, cofunding_rate=Fraction(40, 100), cofunding_cap_cents=1_000_000)
    open_year(this_year + 1)  # opened ahead of time: not in force yet

    now = get(client, COFUND, total_cost_cents=2_500_000, region_share_cents=1_250_000,
              other_revenues_cents=1_250_000)
    assert now.status_code == 200
    body = now.get_json()
    assert (body["year"], body["rules_version"], body["eligible"]) == (this_year, 1, False)
    assert body["max_region_share_cents"] == 1_000_000
    assert codes(now) == ["rate_exceeded", "cap_exceeded"]
    boundary = get(client, COFUND, total_cost_cents=2_500_001, region_share_cents=1_000_000,
                   other_revenues_cents=1_500_001, year=this_year)
    assert boundary.get_json()["eligible"] is True  # 40 % of 25,000.01 € is 10,000.00 €

    then = get(client, COFUND, total_cost_cents=2_500_001, region_share_cents=1_250_000,
               other_revenues_cents=1_250_001, year=2016)
    assert then.get_json() == {"eligible": True, "max_region_share_cents": 1_250_000,
                               "violations": [], "year": 2016, "rules_version": 1}
    cent_over = get(client, COFUND, total_cost_cents=2_499_999, region_share_cents=1_250_000,
                    other_revenues_cents=1_249_999, year=2016)
    assert cent_over.get_json()["max_region_share_cents"] == 1_249_999
    assert codes(cent_over) == ["rate_exceeded"]
    assert get(client, COFUND, total_cost_cents=1, region_share_cents=0,
               year=this_year + 5).status_code == 404
