"""The store's part of a person's account (accounts/registry.py), registered with the store
blueprint: a reproduction request is kept (it is counted), its message erased."""

from __future__ import annotations

from sqlalchemy import update

from inspir_events.accounts.registry import CUSTOM, PersonalData, TableData, add_personal_data
from inspir_events.extensions import db
from inspir_events.store.blueprint import bp
from inspir_events.store.models import ReproductionRequest


def erase_reproduction_messages(user_id: int) -> None:
    """Erase the messages of the person's reproduction requests. Runs after the teams' and
    events' steps (order 90: their locks come first, as in their own use cases)."""
    db.session.execute(update(ReproductionRequest)
                       .where(ReproductionRequest.user_id == user_id).values(message=""))


add_personal_data(bp, PersonalData({
    "reproduction_request": TableData({"user_id": CUSTOM}, export="reproduction_requests"),
}, erase=erase_reproduction_messages, order=90))
