"""The pipeline's stages and gates on plain values (no app, no database)."""

from __future__ import annotations

import pytest

from inspir_events.aid.projects import stages as pipeline
from inspir_events.aid.projects.stages import (
    OPEN_LICENCES,
    OTHER_PROGRAMMES,
    ProjectFacts,
    Qualification,
    Stage,
    check_move,
    is_public_url,
    next_stages,
)

OPEN = {"licence": "MIT", "repository_url": "https://git.example.org/minibus"}


def facts(stage, **values) -> ProjectFacts:
    return ProjectFacts(stage=Stage(stage), **values)


# --- Stages as data -------------------------------------------------------------------

def test_stages_go_forward_one_at_a_time_or_stop():
    assert next_stages(Stage.IDEE) == (Stage.PROJET, Stage.ABANDONNE)
    assert next_stages(Stage.PROJET) == (Stage.EXPERIMENTATION, Stage.ABANDONNE)
    assert next_stages(Stage.EXPERIMENTATION) == (Stage.DIFFUSION, Stage.ABANDONNE)
    assert next_stages(Stage.DIFFUSION) == ()
    assert next_stages(Stage.ABANDONNE) == ()
    assert set(pipeline.STAGE_NAMES) == set(Stage)


@pytest.mark.parametrize("stage,target", [
    ("idee", "experimentation"), ("idee", "diffusion"), ("projet", "diffusion"),
    ("projet", "idee"), ("experimentation", "projet"), ("idee", "idee"),
])
def test_no_skipping_nor_going_back(stage, target):
    verdict = check_move(facts(stage, support_structure=True, results="r", lessons="l",
                               **OPEN), target)
    assert not verdict.allowed
    assert verdict.codes == ["not_allowed"]


@pytest.mark.parametrize("target", list(Stage))
def test_nothing_leaves_diffusion_or_abandonne(target):
    full = {"support_structure": True, "results": "r", "lessons": "l", **OPEN}
    assert check_move(facts("diffusion", **full), target).codes == ["not_allowed"]
    assert check_move(facts("abandonne", **full), target).codes == ["not_allowed"]


def test_an_unknown_stage_is_refused_with_its_code():
    assert check_move(facts("idee"), "lune").codes == ["unknown_stage"]


# --- The gates --------------------------------------------------------------------------

def test_maturation_needs_a_support_structure():
    refused = check_move(facts("idee"), Stage.PROJET)
    assert refused.codes == ["support_structure_required"]
    assert refused.missing[0].field == "support_structure"
    assert check_move(facts("idee", support_structure=True), "projet").allowed


def test_experimentation_needs_an_open_licence_and_a_public_url_both_listed():
    refused = check_move(facts("projet"), Stage.EXPERIMENTATION)
    assert refused.codes == ["open_licence_required", "repository_required"]
    assert [m.field for m in refused.missing] == ["licence", "repository_url"]
    assert check_move(facts("projet", **OPEN), Stage.EXPERIMENTATION).allowed


@pytest.mark.parametrize("licence,url,codes", [
    ("MIT", None, ["repository_required"]),
    (None, "https://example.org/doc", ["open_licence_required"]),
    ("Proprietary", "https://example.org", ["open_licence_required"]),
    ("CC-BY-4.0", "ftp://example.org/x", ["repository_required"]),
    ("etalab-2.0", "javascript:alert(1)", ["repository_required"]),
    ("GPL-3.0-or-later", "http://exemple.fr/doc", []),
])
def test_experimentation_gate_conditions_one_by_one(licence, url, codes):
    verdict = check_move(facts("projet", licence=licence, repository_url=url),
                         "experimentation")
    assert verdict.codes == codes
    assert verdict.allowed == (not codes)


def test_diffusion_needs_documented_results():
    assert check_move(facts("experimentation"), "diffusion").codes == ["results_required"]
    assert check_move(facts("experimentation", results="   \n"), "diffusion").codes == [
        "results_required"]
    assert check_move(facts("experimentation", results="40 aidants formés"), "diffusion").allowed


@pytest.mark.parametrize("stage", ["idee", "projet", "experimentation"])
def test_stopping_needs_lessons_learned_from_any_live_stage(stage):
    assert check_move(facts(stage), "abandonne").codes == ["lessons_required"]
    assert check_move(facts(stage, lessons="Pas d'usagers"), "abandonne").allowed


def test_a_proposal_awaiting_or_sent_elsewhere_must_be_qualified_first_but_may_stop():
    for qualification in (Qualification.AWAITING, Qualification.ORIENTED_PROGRAMME):
        refused = check_move(facts("idee", qualification=qualification), "projet")
        assert refused.codes == ["not_qualified", "support_structure_required"]
        assert check_move(facts("idee", qualification=qualification, lessons="x"),
                          "abandonne").allowed
    assert check_move(facts("idee", qualification=Qualification.ORIENTED_STRUCTURE,
                            support_structure=True), "projet").allowed


def test_messages_are_msgids_and_codes_are_stable():
    verdict = check_move(facts("projet", qualification=Qualification.AWAITING),
                         "experimentation")
    assert verdict.codes == ["not_qualified", "open_licence_required", "repository_required"]
    assert all(m.message and m.message[0].isupper() for m in verdict.missing)


# --- Reference lists -------------------------------------------------------------------------

def test_the_other_regional_programmes_of_the_deliberation():
    assert set(OTHER_PROGRAMMES) == {"innovation_sociale", "projets_etudiants",
                                     "innovation_technologique", "innovation_quartiers"}


def test_open_licences_are_spdx_identifiers_of_open_licences():
    for code in ("MIT", "Apache-2.0", "GPL-3.0-or-later", "CC-BY-SA-4.0", "etalab-2.0"):
        assert code in OPEN_LICENCES
    assert "Proprietary" not in OPEN_LICENCES and "CC-BY-NC-4.0" not in OPEN_LICENCES


def test_public_urls():
    assert is_public_url("https://github.com/x/y")
    assert is_public_url("HTTP://exemple.fr")
    for bad in (None, "", "github.com/x", "https://", "https:// x", "mailto:a@b.fr",
                "https://example.org/" + "a" * 300):
        assert not is_public_url(bad), bad
