"""The aid feature's part of a person's account (accounts/registry.py): applications and
projects stay, their applicant or proposer anonymised; decisions keep their decider (a
decision taken for the Region, RGPD art. 17-3-b); a delegated envelope's deciders go."""

from __future__ import annotations

from inspir_events.accounts.registry import (
    DELETE,
    KEEP,
    NULL,
    PersonalData,
    TableData,
    add_personal_data,
)
from inspir_events.aid.blueprint import bp

add_personal_data(bp, PersonalData({
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
    "aid_policy": TableData({"created_by_id": KEEP}, export="budget_years_set"),
    "cofunding_session": TableData({"created_by_id": KEEP}, export="cofunding_sessions_created"),
}))
