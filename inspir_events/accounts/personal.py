"""Accounts' own personal data (and that of the infrastructure below them), declared in
the register every feature fills (accounts/registry.py), with the accounts blueprint.

KEEP: decisions taken for the Region (labels, money, moderation, pipeline) keep naming
the decider's account, now an anonymous shell: the public body stays accountable for
them (RGPD art. 17-3-b); the audit log keeps its actors for the same reason.
"""

from __future__ import annotations

from sqlalchemy import update

from inspir_events.accounts.blueprint import bp
from inspir_events.accounts.registry import (
    CUSTOM,
    DELETE,
    KEEP,
    NULL,
    PersonalData,
    TableData,
    add_personal_data,
)
from inspir_events.extensions import db

add_personal_data(bp, PersonalData({
    # The row itself becomes an empty shell (privacy.anonymise).
    "user_account": TableData({}, export="account"),
    "user_role": TableData({"user_id": DELETE, "granted_by_id": KEEP}, export="roles"),
    "user_skill": TableData({"user_id": DELETE}, export="skills"),
    "user_session": TableData(
        {"user_id": DELETE},
        not_exported="only a hash of a secret token and its times; sessions last at most "
                     "12 hours, and the account's last log-in is exported with the account"),
    "notification": TableData({"user_id": DELETE}, export="notifications"),
    "audit_entry": TableData({"actor_id": KEEP}, export="audit_entries"),
}))


# ---- the features that do not declare their own part yet ----------------------------
# Needs, labels, voting, aid and the store: these tables move to a personal.py of their
# feature (as events/personal.py and teams/personal.py), which will then import nothing
# new: accounts would no longer name them.

def _erase_reproduction_messages(user_id: int) -> None:
    """A reproduction request is kept (it is counted), its message erased. Runs after
    the teams' and events' steps (their locks come first, as in their own use cases)."""
    requests = db.metadata.tables["reproduction_request"]
    db.session.execute(update(requests).where(requests.c.user_id == user_id)
                       .values(message=""))


add_personal_data(bp, PersonalData({
    "label_request": TableData({"requested_by_id": NULL, "decided_by_id": KEEP},
                               export="label_requests"),
    "cofunding_application": TableData({"applicant_id": NULL, "decided_by_id": KEEP},
                                       export="cofunding_applications"),
    "commitment": TableData({"decided_by_id": KEEP}, export="commitments_decided"),
    "aid_grant": TableData({"decided_by_id": KEEP}, export="grants_decided"),
    "envelope_member": TableData({"user_id": DELETE, "added_by_id": KEEP},
                                 export="envelope_memberships"),
    "project": TableData({"proposed_by_id": NULL, "support_structure_id": KEEP},
                         export="projects"),
    # project memberships keep the anonymous shell, so the lineage stays true
    "project_member": TableData({"user_id": KEEP}, export="project_memberships"),
    "project_move": TableData({"decided_by_id": KEEP}, export="project_moves_decided"),
    "reproduction_request": TableData({"user_id": CUSTOM}, export="reproduction_requests"),
}, erase=_erase_reproduction_messages, order=90))
