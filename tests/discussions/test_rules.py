"""The discussions' pure rules (no app): the edit window at its boundary, one level of
replies, what deleting leaves, the text's limits."""

from __future__ import annotations

from datetime import datetime, timedelta

from inspir_events.discussions import rules
from inspir_events.discussions.rules import Deletion

POSTED = datetime(2026, 3, 2, 18, 0, 0)


def test_the_author_edits_for_fifteen_minutes_the_last_second_included():
    assert timedelta(minutes=15) == rules.EDIT_WINDOW
    assert rules.may_edit(POSTED, POSTED)
    assert rules.may_edit(POSTED, POSTED + timedelta(minutes=14, seconds=59))
    assert rules.may_edit(POSTED, POSTED + timedelta(minutes=15))
    assert not rules.may_edit(POSTED, POSTED + timedelta(minutes=15, microseconds=1))
    assert not rules.may_edit(POSTED, POSTED + timedelta(minutes=15, seconds=1))
    assert rules.edit_deadline(POSTED) == POSTED + timedelta(minutes=15)


def test_a_clock_behind_the_comment_never_opens_the_window():
    assert not rules.may_edit(POSTED, POSTED - timedelta(seconds=1))


def test_a_reply_goes_under_the_top_comment_of_its_thread():
    assert rules.thread_parent(None, None) is None  # a new comment
    assert rules.thread_parent(7, None) == 7  # answering a top comment
    assert rules.thread_parent(9, 7) == 7  # answering a reply: its thread's top comment


def test_deleting_leaves_a_tombstone_only_for_a_comment_others_answered():
    assert rules.deletion(has_replies=True) is Deletion.TOMBSTONE
    assert rules.deletion(has_replies=False) is Deletion.REMOVE


def test_the_text_is_neither_empty_nor_too_long():
    assert rules.body_problem("  \n ") == "empty"
    assert rules.body_problem("x" * rules.BODY_MAX) is None
    assert rules.body_problem("x" * (rules.BODY_MAX + 1)) == "too_long"
    assert rules.body_problem("  ok  ") is None
