"""Accounts' own personal data (and that of the infrastructure below them), declared in
the register every feature fills (accounts/registry.py), with the accounts blueprint.

KEEP: decisions taken for the Region (labels, money, moderation, pipeline) keep naming
the decider's account, now an anonymous shell: the public body stays accountable for
them (RGPD art. 17-3-b); the audit log keeps its actors for the same reason.
"""

from __future__ import annotations

from inspir_events.accounts.blueprint import bp
from inspir_events.accounts.registry import (
    DELETE,
    KEEP,
    PersonalData,
    TableData,
    add_personal_data,
)

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
    # the messages sent to the person (their HTML copy is left out as a derived copy);
    # deleting the account drops them, those still waiting first of all
    "mail_outbox": TableData({"user_id": DELETE}, export="emails"),
    "mail_preference": TableData({"user_id": DELETE}, export="email_preferences"),
    # a conflict of interest declared on a decision stays with it (RGPD art. 17-3-b)
    "declared_conflict": TableData({"user_id": KEEP}, export="conflicts_declared"),
}))
