"""The aid feature's part of a person's account (accounts/registry.py): applications,
projects and final reports stay, their applicant, proposer or author anonymised; decisions
keep their decider (a decision taken for the Region, RGPD art. 17-3-b), and so do a jury's
seats and scores; a delegated envelope's deciders go. An application's PDFs stay with it
(the organisation's and the Region's file), exported to the person who sent them."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts.registry import (
    DELETE,
    KEEP,
    NULL,
    ExportedFile,
    PersonalData,
    TableData,
    add_personal_data,
)
from inspir_events.aid.blueprint import bp
from inspir_events.aid.cofunding.models import ApplicationFile
from inspir_events.extensions import db
from inspir_events.uploads import rules, storage


def _files(user_id: int) -> list[ExportedFile]:
    """The PDFs the person sent with co-funding applications, carried by the export."""
    rows = db.session.scalars(select(ApplicationFile).where(
        ApplicationFile.uploaded_by_id == user_id).order_by(ApplicationFile.id))
    return [ExportedFile(section="cofunding_application_files", name=row.name,
                         content_type=rules.content_type(row.name),
                         path=storage.path("documents", row.name)) for row in rows]


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
    # The follow-up (issue 19 §3): a final report stays, its author anonymised; the
    # committee's schedules, answers and payments keep their decider.
    "aid_report": TableData({"author_id": NULL, "decided_by_id": KEEP},
                            export="final_reports"),
    "aid_followup": TableData({"scheduled_by_id": KEEP}, export="aid_schedules_set"),
    "aid_payment": TableData({"recorded_by_id": KEEP}, export="aid_payments_recorded"),
    # Calls for projects (issue 19): a call prepared, a request made (kept, its applicant
    # anonymised), a jury's seat and scores (they weigh in decisions taken for the Region).
    "call": TableData({"created_by_id": KEEP}, export="calls_prepared"),
    "call_application": TableData({"applicant_id": NULL, "decided_by_id": KEEP},
                                  export="call_applications"),
    "jury_member": TableData({"user_id": KEEP, "named_by_id": KEEP}, export="jury_seats"),
    "jury_score": TableData({"user_id": KEEP}, export="jury_scores"),
    "cofunding_session": TableData({"created_by_id": KEEP}, export="cofunding_sessions_created"),
    # Issue 20 §4: an application's PDFs (its budget, statutes, bank details) belong to
    # the beneficiary organisation and to the Region's file of the decision: they stay
    # when the person who sent them deletes their account, without their name (as the
    # applicant's); the export carries them, their bytes included.
    "application_file": TableData({"uploaded_by_id": NULL},
                                  export="cofunding_application_files"),
}, files=_files))
