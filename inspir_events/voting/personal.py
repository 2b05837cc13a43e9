"""The voting feature's part of a person's account (accounts/registry.py), registered with
the voting blueprint: ideas stay, authored by « compte supprimé »; votes stay counted,
anonymous."""

from __future__ import annotations

from inspir_events.accounts.registry import NULL, PersonalData, TableData, add_personal_data
from inspir_events.voting.blueprint import bp

add_personal_data(bp, PersonalData({
    "idea": TableData({"author_id": NULL}, export="ideas"),
    "vote": TableData({"voter_id": NULL}, export="votes"),
}))
