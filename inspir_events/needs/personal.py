"""The needs feature's part of a person's account (accounts/registry.py), registered with
the needs blueprint: what the RGPD export shows and what deleting an account does to
needs, supports and reports."""

from __future__ import annotations

from inspir_events.accounts.registry import KEEP, NULL, PersonalData, TableData, add_personal_data
from inspir_events.needs.blueprint import bp

add_personal_data(bp, PersonalData({
    # A need stays on the boards, authored by « compte supprimé »; its moderator is kept
    # (a decision taken for the Region, RGPD art. 17-3-b).
    "need": TableData({"author_id": NULL, "moderated_by_id": KEEP}, export="needs"),
    # need_support's key cannot be NULL: supports keep the anonymous shell, counts stay true
    "need_support": TableData({"user_id": KEEP}, export="supports"),
    "need_report": TableData({"reporter_id": NULL, "resolved_by_id": KEEP}, export="reports"),
}))
