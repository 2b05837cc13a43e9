"""The projects' pure rules: which projects are listed, and their folded search text."""

from __future__ import annotations

from types import SimpleNamespace

from inspir_events.aid.projects.rules import NOT_LISTED, is_listed, search_text_of
from inspir_events.aid.projects.stages import Qualification


def test_proposals_awaiting_the_committee_or_sent_elsewhere_are_not_listed():
    assert is_listed(Qualification.QUALIFIED)
    assert is_listed("oriented_structure")
    assert not is_listed(Qualification.AWAITING)
    assert not is_listed("oriented_programme")
    assert set(NOT_LISTED) == {q for q in Qualification if not is_listed(q)}


def test_the_search_text_is_folded_from_the_title_and_the_texts():
    project = SimpleNamespace(title="Déjà Vu", summary="Un **été** à Amiens", results=None,
                              lessons="")
    text = search_text_of(project)
    assert "deja vu" in text and "ete" in text and "amiens" in text
    assert "*" not in text
