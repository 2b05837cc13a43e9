"""Territories and themes as reference data, loaded by the migrations, on both backends."""

from __future__ import annotations

import pytest

from inspir_events.reference import services as reference
from inspir_events.reference.models import FormerRegion

BOTH = pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                                  marks=pytest.mark.postgres)],
                               indirect=True)

EXPECTED_DEPARTMENTS = {
    "02": ("Aisne", FormerRegion.PICARDIE),
    "59": ("Nord", FormerRegion.NPDC),
    "60": ("Oise", FormerRegion.PICARDIE),
    "62": ("Pas-de-Calais", FormerRegion.NPDC),
    "80": ("Somme", FormerRegion.PICARDIE),
}

REQUIRED_THEMES = {
    "culture", "sante", "transports", "formation", "emploi",
    "tourisme", "energie", "environnement", "citoyennete", "inclusion",
}


@BOTH
def test_the_five_departments_with_their_former_region(db):
    departments = reference.departments()
    assert [d.code for d in departments] == ["02", "59", "60", "62", "80"]
    found = {d.code: (d.name, d.former_region) for d in departments}
    assert found == EXPECTED_DEPARTMENTS
    for department in departments:
        assert isinstance(department.former_region, FormerRegion)

    picardie = {d.code for d in departments if d.former_region is FormerRegion.PICARDIE}
    npdc = {d.code for d in departments if d.former_region is FormerRegion.NPDC}
    assert picardie == {"02", "60", "80"}
    assert npdc == {"59", "62"}


@BOTH
def test_the_themes_cover_the_regional_policy_domains(db):
    themes = reference.themes()
    codes = [t.code for t in themes]
    missing = REQUIRED_THEMES - set(codes)
    assert not missing, missing
    assert len(codes) == len(set(codes))
    by_code = {t.code: t for t in themes}
    assert by_code["sante"].name_fr.startswith("Santé")
    assert by_code["energie"].name_fr.startswith("Énergie")
    assert by_code["citoyennete"].name_fr.startswith("Citoyenneté")
    assert by_code["sante"].name_en.startswith("Health")


@BOTH
@pytest.mark.parametrize("kind", ["themes", "skills"])
def test_each_theme_and_skill_has_french_and_english_names(db, kind):
    rows = getattr(reference, kind)()
    assert rows, f"no {kind}"
    for row in rows:
        assert row.name_fr.strip() and row.name_en.strip(), row.code
        assert row.name_for("fr") == row.name_fr
        assert row.name_for("en") == row.name_en
    # Shown in a fixed order, not the database's whim.
    assert [r.position for r in rows] == sorted(r.position for r in rows)
    # Translated, not copied: most names differ between the two languages.
    differing = [r for r in rows if r.name_fr != r.name_en]
    assert len(differing) * 2 > len(rows)


@BOTH
def test_skills_include_the_team_roles(db):
    codes = {s.code for s in reference.skills()}
    assert {"developpement", "design", "usager", "expert_metier"} <= codes


def test_reference_names_follow_the_page_language(client, db, make_user, login):
    user = make_user(department_code="59")
    login(user)
    french = client.get("/profile", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Usager, citoyen" in french
    assert "59 Nord" in french
    client.set_cookie("lang", "en")
    english = client.get("/profile").get_data(as_text=True)
    assert "User, citizen" in english
