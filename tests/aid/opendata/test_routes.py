"""The SCDL « subventions » export of granted aid (CSV and JSON), and the Region's settings."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

import config
from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.services import Beneficiary, add_grant, decision_reference
from inspir_events.aid.models import AidGrant, GrantKind
from inspir_events.aid.opendata.scdl import COLUMNS, validate_row
from inspir_events.aid.projects.models import Project
from inspir_events.aid.projects.stages import Origin
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as aid_years
from inspir_events.database import begin_write

SIRET = "73282932000074"
RNA = "W802001234"
PIC_INV = (FormerRegion.PICARDIE, Section.INVESTMENT)
PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)
NPDC_OP = (FormerRegion.NPDC, Section.OPERATING)


@pytest.fixture
def granted(db, committee, envelopes_2016, make_event, make_user):
    """A co-funding split into investment + operating (SIRET), a project grant (RNA),
    and a delegation and a plain commitment, which are no granted aid."""
    event = make_event(title="Hackathon mobilité d'Amiens")
    application = CofundingApplication(
        event_id=event.id, year=2016, beneficiary_name="Association La Machinerie",
        beneficiary_siret=SIRET, purpose="Co-financement du hackathon mobilité d'Amiens",
        region_share_cents=1_250_000, total_cost_cents=2_500_000,
        other_revenues_cents=1_250_000, status=ApplicationStatus.GRANTED)
    project = Project(title="Covoiturage rural", summary="Un service de covoiturage",
                      summary_html="<p>Un service de covoiturage</p>", origin=Origin.PROPOSAL)
    db.session.add_all([application, project])
    db.session.commit()
    cofunding = Beneficiary("Association La Machinerie", siret=SIRET)
    reference = decision_reference(2016, "COF", application.id)
    begin_write()
    rules_2016 = aid_years.decision_policy(2016)  # the decision is taken under them
    for section, amount in ((Section.INVESTMENT, 400_000), (Section.OPERATING, 850_000)):
        add_grant(committee, kind=GrantKind.EVENT_COFUNDING, year=2016, reference=reference,
                  envelope_id=envelopes_2016[(FormerRegion.PICARDIE, section)].id,
                  section=section, amount_cents=amount, beneficiary=cofunding,
                  purpose=application.purpose, application_id=application.id,
                  total_cost_cents=2_500_000, policy_id=rules_2016.id)
    db.session.commit()
    begin_write()
    add_grant(committee, kind=GrantKind.PROJECT_OPERATING, year=2016,
              reference=decision_reference(2016, "PRJ", project.id),
              envelope_id=envelopes_2016[NPDC_OP].id, section=Section.OPERATING,
              amount_cents=500_000, beneficiary=Beneficiary("+Les Petits Débrouillards",
                                                            rna=RNA),
              purpose="-Expérimentation du covoiturage rural", project_id=project.id,
              total_cost_cents=1_500_000, payment_terms="échelonné",
              payment_start=date(2016, 9, 1), payment_end=date(2017, 6, 30))
    db.session.commit()
    admin = make_user(roles=("admin",))
    aid_envelopes.delegate(admin, envelopes_2016[PIC_OP].id, "Amiens Métropole", 3_000_000)
    aid_envelopes.commit(committee, envelopes_2016[NPDC_OP].id, 70_000, "event", 99, "Autre")
    return {"application": application, "project": project, "reference": reference}


def read_csv(response) -> list[dict]:
    text = response.get_data().decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == COLUMNS
    return list(reader)


def test_the_csv_is_public_scdl_with_one_valid_row_per_decision(client, granted):
    response = client.get("/aid/open-data/subventions.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="subventions-inspir.csv"' in response.headers["Content-Disposition"]
    first_line = response.get_data().decode("utf-8").split("\r\n")[0]
    assert first_line == ",".join(f'"{c}"' for c in COLUMNS)  # comma, every field quoted
    rows = read_csv(response)
    assert len(rows) == 2  # the delegation and the plain commitment are not granted aid
    for row in rows:
        assert validate_row(row) == [], row
    by_ref = {row["referenceDecision"]: row for row in rows}
    cofunding = by_ref[granted["reference"]]
    assert cofunding["montant"] == "12500.00"  # 4,000 investment + 8,500 operating
    assert cofunding["pourcentageSubvention"] == "0.50"
    assert (cofunding["idBeneficiaire"], cofunding["rnaBeneficiaire"]) == (SIRET, "")
    assert cofunding["nomAttribuant"] == "Région Hauts-de-France"
    assert cofunding["idAttribuant"] == "20005374200017"
    # The rules' version the decision was taken under (issue 16).
    assert cofunding["dispositifAide"] == (
        "INS'pir - innovation numérique et sociale (Délibération cadre INS'pir, commission "
        "permanente du Conseil régional Nord Pas de Calais – Picardie (23/09/2016), règles "
        "2016 v1)")
    assert cofunding["nature"] == "aide en numéraire"
    assert cofunding["conditionsVersement"] == "unique"
    assert cofunding["datesPeriodeVersement"] == cofunding["dateConvention"]
    assert (cofunding["notificationUE"], cofunding["idRAE"]) == ("non", "")
    project = by_ref[f"INSPIR-2016-PRJ-{granted['project'].id}"]
    assert project["montant"] == "5000.00"
    assert project["pourcentageSubvention"] == "0.33"  # 5,000 / 15,000
    assert (project["idBeneficiaire"], project["rnaBeneficiaire"]) == ("", RNA)
    assert project["conditionsVersement"] == "échelonné"
    assert project["datesPeriodeVersement"] == "2016-09-01/2017-06-30"
    # Formula-like starts are dropped when the row is built: no apostrophe added by the
    # CSV guard, the values are the same as in JSON.
    assert project["nomBeneficiaire"] == "Les Petits Débrouillards"
    assert project["objet"] == "Expérimentation du covoiturage rural"


def test_the_json_has_the_same_rows(client, granted):
    csv_rows = read_csv(client.get("/aid/open-data/subventions.csv"))
    response = client.get("/aid/open-data/subventions.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    json_rows = response.get_json()
    assert json_rows == csv_rows
    assert [tuple(row) for row in json_rows] == [COLUMNS] * 2
    assert '"montant": "12500.00"' in response.get_data(as_text=True)
    assert "Région" in response.get_data(as_text=True)  # UTF-8, not \\u escapes


def test_the_year_filter_and_its_filename(client, granted):
    response = client.get("/aid/open-data/subventions.csv?year=2016")
    assert 'filename="subventions-inspir-2016.csv"' in response.headers["Content-Disposition"]
    assert len(read_csv(response)) == 2
    assert read_csv(client.get("/aid/open-data/subventions.csv?year=2017")) == []
    assert client.get("/aid/open-data/subventions.json?year=2017").get_json() == []
    assert client.get("/aid/open-data/subventions.csv?year=deux").status_code == 404
    assert client.get("/aid/open-data/subventions.json?year=-1").status_code == 404


def test_nothing_is_exported_before_any_grant(client, db, committee, envelopes_2016):
    aid_envelopes.commit(committee, envelopes_2016[PIC_INV].id, 100_000, "event", 1)
    response = client.get("/aid/open-data/subventions.csv")
    assert response.get_data().decode("utf-8") == ",".join(f'"{c}"' for c in COLUMNS) + "\r\n"


def test_the_decision_date_is_the_day_in_paris(client, db, granted):
    for grant in db.session.query(AidGrant).filter_by(reference=granted["reference"]):
        grant.decided_at = datetime(2016, 6, 14, 22, 30)  # 00:30 on the 15th in Paris
    db.session.commit()
    row = next(r for r in read_csv(client.get("/aid/open-data/subventions.csv"))
               if r["referenceDecision"] == granted["reference"])
    assert row["dateConvention"] == "2016-06-15"
    assert validate_row(row) == []


def test_the_attribuant_comes_from_the_settings(app, client, granted):
    app.config.update(REGION_NAME="Région de test", REGION_SIRET="35600000000048",
                      AID_SCHEME_NAME="Dispositif de test")
    rows = read_csv(client.get("/aid/open-data/subventions.csv"))
    assert {(r["nomAttribuant"], r["idAttribuant"], r["dispositifAide"].split(" (")[0])
            for r in rows} == {("Région de test", "35600000000048", "Dispositif de test")}


def test_region_settings_defaults_env_overrides_and_production_check():
    base = config.load("development", environ={})
    assert base.REGION_NAME == "Région Hauts-de-France"
    assert base.REGION_SIRET == "20005374200017"
    assert base.AID_SCHEME_NAME == "INS'pir - innovation numérique et sociale"
    changed = config.load("development", environ={
        "REGION_NAME": "Région Test", "REGION_SIRET": " 35600000000048 ",
        "AID_SCHEME_NAME": "Autre dispositif"})
    assert (changed.REGION_NAME, changed.REGION_SIRET, changed.AID_SCHEME_NAME) == (
        "Région Test", "35600000000048", "Autre dispositif")
    secret = "a-long-random-production-secret-for-tests"

    def flask_config(settings) -> dict:
        return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}

    mail = {"MAIL_SERVER": "smtp.inspir.example", "PUBLIC_URL": "https://inspir.hautsdefrance.fr",
            "MAIL_DEFAULT_SENDER": "INS'pir <ne-pas-repondre@inspir.example>"}
    fine = config.load("production", environ={"SECRET_KEY": secret, **mail})
    config.validate(flask_config(fine))
    for bad in ("20005374200012", "2000537420001", "ABCDEFGHIJKLMN"):
        wrong = config.load("production", environ={"SECRET_KEY": secret, "REGION_SIRET": bad,
                                                   **mail})
        with pytest.raises(config.ConfigError, match="REGION_SIRET"):
            config.validate(flask_config(wrong))
    # Development and tests do not check it.
    config.validate(flask_config(config.load("development",
                                             environ={"REGION_SIRET": "20005374200012"})))
