"""The pure rule of recusal: party first, then a declared conflict, else free to decide."""

from __future__ import annotations

from inspir_events.recusal import rules


def test_a_party_is_recused_before_anything_else():
    assert rules.recusal_reason(7, {3, 7}, declared=False) == rules.PARTY
    assert rules.recusal_reason(7, {7}, declared=True) == rules.PARTY


def test_a_declared_conflict_recuses_someone_who_is_not_a_party():
    assert rules.recusal_reason(7, {3}, declared=True) == rules.DECLARED


def test_someone_linked_to_nothing_takes_part():
    assert rules.recusal_reason(7, set(), declared=False) is None
    assert rules.recusal_reason(7, {3, 4}, declared=False) is None


def test_an_anonymous_person_is_party_to_nothing():
    assert rules.recusal_reason(None, {3}, declared=True) is None
