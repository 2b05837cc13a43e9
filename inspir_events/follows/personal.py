"""The follows' part of a person's account (accounts/registry.py), registered with the
follows blueprint: what one follows is exported and deleted with the account; the
profile page lists it, each with a button to stop following."""

from __future__ import annotations

from inspir_events.accounts.registry import (
    DELETE,
    PersonalData,
    TableData,
    add_personal_data,
    add_profile_section,
)
from inspir_events.follows import services
from inspir_events.follows.blueprint import bp

add_personal_data(bp, PersonalData({
    "follow": TableData({"user_id": DELETE}, export="follows"),
}))


def _followed(user) -> dict:
    return {"followed": services.followed(user.id)}


add_profile_section(bp, "follows/_profile_section.html", _followed)
