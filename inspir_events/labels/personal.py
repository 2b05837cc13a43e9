"""The labels feature's part of a person's account (accounts/registry.py), registered with
the labels blueprint: a label request stays (the decision is public), its requester
anonymised; the committee member who decided is kept (RGPD art. 17-3-b)."""

from __future__ import annotations

from inspir_events.accounts.registry import KEEP, NULL, PersonalData, TableData, add_personal_data
from inspir_events.labels.blueprint import bp

add_personal_data(bp, PersonalData({
    "label_request": TableData({"requested_by_id": NULL, "decided_by_id": KEEP},
                               export="label_requests"),
}))
