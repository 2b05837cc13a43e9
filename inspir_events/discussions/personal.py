"""The discussions' part of a person's account (accounts/registry.py): their comments
and reports are in the RGPD export; deleting the account keeps the comments, shown as
by « compte supprimé » (the conversation stays readable), and the moderators' decisions
(taken for the Region, RGPD art. 17-3-b)."""

from __future__ import annotations

from inspir_events.accounts.registry import KEEP, NULL, PersonalData, TableData, add_personal_data
from inspir_events.discussions.blueprint import bp

add_personal_data(bp, PersonalData({
    "comment": TableData({"author_id": NULL, "moderated_by_id": KEEP}, export="comments"),
    "comment_report": TableData({"reporter_id": NULL, "resolved_by_id": KEEP},
                                export="comment_reports"),
}))
