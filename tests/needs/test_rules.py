"""The pure need rules (statuses, tags, search folding, paging), without an application."""

from __future__ import annotations

import itertools

import pytest

from inspir_events.needs import rules
from inspir_events.needs.rules import BOARD_STATUSES, BoardFilters, NeedStatus, Sort

ORDER = list(BOARD_STATUSES)


# --- Tags ---

@pytest.mark.parametrize(("raw", "expected"), [
    ("  Vélo ", "vélo"),
    ("TRANSPORT   Scolaire", "transport scolaire"),
    ("#santé!", "santé"),
    ("bus & car", "bus car"),
    ("covoiturage-rural", "covoiturage-rural"),
    ("?!", ""),
])
def test_normalise_tag(raw, expected):
    assert rules.normalise_tag(raw) == expected


def test_parse_tags_keeps_typed_order_drops_duplicates_and_empties():
    assert rules.parse_tags("Bus, vélo,, BUS ,  ,Été !,bus") == ["bus", "vélo", "été"]
    assert rules.parse_tags("") == []
    assert rules.parse_tags(" , ,") == []


def test_at_most_five_tags():
    five = rules.parse_tags("a1, b2, c3, d4, e5")
    assert len(five) == 5 and rules.tags_problem(five) is None
    six = rules.parse_tags("a1, b2, c3, d4, e5, f6")
    assert rules.tags_problem(six) == "too_many"
    # duplicates do not count twice
    assert rules.tags_problem(rules.parse_tags("a1, b2, c3, d4, e5, A1")) is None


def test_tags_have_at_most_forty_characters():
    assert rules.tags_problem(["x" * 40]) is None
    assert rules.tags_problem(["ok", "x" * 41]) == "too_long"
    assert rules.TAGS_MAX == 5 and rules.TAG_MAX_LENGTH == 40


# --- Search folding ---

@pytest.mark.parametrize(("text", "folded"), [
    ("Santé", "sante"),
    ("ÉCOLE MATERNELLE", "ecole maternelle"),
    ("Garçon à l'hôpital", "garcon a l'hopital"),
    ("Crèche, gîte, maïs, Noël", "creche, gite, mais, noel"),
    ("ﬁbre", "fibre"),  # compatibility ligature
])
def test_fold_removes_case_and_accents(text, folded):
    assert rules.fold(text) == folded


def test_search_terms_are_folded_words_of_two_letters_or_more():
    assert rules.search_terms("  Crèche  à AMIENS ") == ["creche", "amiens"]
    assert rules.search_terms("l'Hôpital, d'Abbeville") == ["hopital", "abbeville"]
    assert rules.search_terms("") == []


def test_search_terms_keep_like_wildcards_as_characters():
    # "_" is a word character: it reaches the query, where it must be escaped.
    assert rules.search_terms("100% a_b") == ["100", "a_b"]


def test_search_terms_are_limited():
    words = " ".join(f"mot{i}" for i in range(20))
    assert rules.search_terms(words) == [f"mot{i}" for i in range(8)]
    assert rules.search_terms(words, limit=3) == ["mot0", "mot1", "mot2"]


# --- Statuses ---

@pytest.mark.parametrize(("current", "target"), list(itertools.product(ORDER, ORDER)))
def test_advance_never_moves_a_need_backwards(current, target):
    try:
        result = rules.advance(current, target)
    except ValueError:
        # only a terminal status refuses; it never moves
        assert current == NeedStatus.CLOSED and target != NeedStatus.CLOSED
        return
    assert ORDER.index(result) >= ORDER.index(current)
    assert result in (current, target)


def test_advance_moves_forward_or_stays():
    assert rules.advance(NeedStatus.PUBLISHED, NeedStatus.ADDRESSED) == NeedStatus.ADDRESSED
    assert rules.advance(NeedStatus.ADDRESSED, NeedStatus.ADDRESSED) == NeedStatus.ADDRESSED
    assert (rules.advance(NeedStatus.IN_EXPERIMENTATION, NeedStatus.ADDRESSED)
            == NeedStatus.IN_EXPERIMENTATION)
    assert rules.advance(NeedStatus.CLOSED, NeedStatus.ADDRESSED) == NeedStatus.CLOSED
    assert (rules.advance(NeedStatus.ADDRESSED, NeedStatus.IN_EXPERIMENTATION)
            == NeedStatus.IN_EXPERIMENTATION)


def test_a_withdrawn_need_cannot_advance():
    for target in ORDER:
        with pytest.raises(ValueError):
            rules.advance(NeedStatus.WITHDRAWN, target)


def test_only_a_published_need_can_be_withdrawn():
    assert rules.advance(NeedStatus.PUBLISHED, NeedStatus.WITHDRAWN) == NeedStatus.WITHDRAWN
    for status in ORDER[1:]:
        assert not rules.can_move(status, NeedStatus.WITHDRAWN)
        with pytest.raises(ValueError):
            rules.advance(status, NeedStatus.WITHDRAWN)


def test_transitions_only_go_forward_and_terminal_statuses_are_final():
    for current, targets in rules.TRANSITIONS.items():
        for target in targets:
            if current in ORDER and target in ORDER:
                assert ORDER.index(target) > ORDER.index(current), (current, target)
    assert rules.TRANSITIONS[NeedStatus.CLOSED] == set()
    assert rules.TRANSITIONS[NeedStatus.WITHDRAWN] == set()
    assert set(rules.TRANSITIONS) == set(NeedStatus)
    assert rules.can_move(NeedStatus.PUBLISHED, NeedStatus.CLOSED)
    assert rules.can_move(NeedStatus.ADDRESSED, NeedStatus.CLOSED)
    assert not rules.can_move(NeedStatus.ADDRESSED, NeedStatus.PUBLISHED)


def test_only_a_published_need_is_editable():
    assert rules.is_editable(NeedStatus.PUBLISHED)
    for status in set(NeedStatus) - {NeedStatus.PUBLISHED}:
        assert not rules.is_editable(status), status


# --- Paging ---

@pytest.mark.parametrize(("asked", "given"), [
    (None, 20), (0, 20), (-3, 20), (1, 1), (10, 10), (50, 50), (51, 50), (10_000, 50),
])
def test_clamp_per_page(asked, given):
    assert rules.clamp_per_page(asked) == given


@pytest.mark.parametrize(("asked", "total", "given"), [
    (None, 10, 1), (0, 10, 1), (-2, 10, 1), (1, 0, 1), (2, 0, 1), (2, 21, 2), (3, 40, 2),
    (10**30, 41, 3),
])
def test_clamp_page_stays_between_the_first_and_the_last(asked, total, given):
    assert rules.clamp_page(asked, total, 20) == given


@pytest.mark.parametrize(("filters", "expected"), [
    (BoardFilters(), 12),
    (BoardFilters(sort=Sort.SUPPORTED), 12),
    (BoardFilters(query="a é"), 12),  # no word of two letters: no search
    (BoardFilters(department="80"), 5),
    (BoardFilters(department="02"), 0),
    (BoardFilters(department="80", theme="sante"), None),
    (BoardFilters(tag="bus"), None),
    (BoardFilters(epci="200071694"), None),
    (BoardFilters(status=NeedStatus.PUBLISHED), None),
    (BoardFilters(query="bus"), None),
])
def test_a_total_from_the_department_counts_only_without_other_filters(filters, expected):
    assert rules.total_from_department_counts(filters, {"80": 5, "59": 7}) == expected
