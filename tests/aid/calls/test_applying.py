"""Applying to a call: the dates, who may apply, the project's stage, the caps counting
what the project already received, the lines, and closing the call freezing drafts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from inspir_events.aid.calls import applying
from inspir_events.aid.calls import services as calls
from inspir_events.aid.calls.models import Call, CallApplication
from inspir_events.aid.calls.rules import ApplicationStatus, CallStatus, Kind, Line
from inspir_events.aid.projects.models import ProjectMember
from inspir_events.aid.rules import Section
from inspir_events.audit.models import AuditEntry
from inspir_events.domain import DomainError
from inspir_events.extensions import db as _db
from inspir_events.timeutil import utcnow
from tests.aid.calls.conftest import request_input, structure_input


def fields(error) -> dict[str, str]:
    return dict(error.problems)


def test_the_team_submits_and_the_committee_and_jury_are_told(db, call_setup, submitted):
    application = submitted()
    assert application.status == ApplicationStatus.SUBMITTED
    assert [line.amount_cents for line in application.expense_lines] == [400_000, 300_000]
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "call_application.submit"))
    assert entry.details["operating_cents"] == 400_000


def test_only_between_the_dates(db, call_setup):
    call = db.session.get(Call, call_setup.call.id)
    call.opens_at = utcnow() + timedelta(days=1)
    call.closes_at = utcnow() + timedelta(days=5)
    db.session.commit()
    with pytest.raises(calls.CallConflict):
        applying.save_draft(call_setup.lead, call.id, call_setup.project.id,
                            Kind.EXPERIMENTATION, request_input())
    call.opens_at = utcnow() - timedelta(days=5)
    call.closes_at = utcnow() - timedelta(minutes=1)  # past: nothing accepted, not yet closed
    db.session.commit()
    with pytest.raises(calls.CallConflict):
        applying.submit(call_setup.lead, call.id, call_setup.project.id,
                        Kind.EXPERIMENTATION, request_input())


def test_who_may_apply(db, call_setup, make_user, submitted):
    outsider = make_user()
    with pytest.raises(calls.CallForbidden):
        applying.submit(outsider, call_setup.call.id, call_setup.project.id,
                        Kind.EXPERIMENTATION, request_input())
    with pytest.raises(calls.CallForbidden):  # the lead does not ask the structure grant
        applying.submit(call_setup.lead, call_setup.call.id, call_setup.project.id,
                        Kind.STRUCTURE, structure_input())
    assert submitted(Kind.STRUCTURE).applicant_id == call_setup.structure.id
    call = db.session.get(Call, call_setup.call.id)
    call.allows_experimentation = False
    db.session.commit()
    with pytest.raises(calls.CallError):
        applying.submit(call_setup.lead, call.id, call_setup.project.id,
                        Kind.EXPERIMENTATION, request_input())


def test_only_a_project_in_maturation_or_later(db, call_setup, make_project, make_user):
    lead = make_user()
    idea = make_project("idee", proposer=lead, department="80")
    with pytest.raises(calls.CallError):
        applying.submit(lead, call_setup.call.id, idea.id, Kind.EXPERIMENTATION,
                        request_input())


def test_the_caps_count_what_the_project_already_received(db, call_setup):
    from inspir_events.aid.projects import grants

    grants.grant_project(call_setup.committee, call_setup.project.id, grants.GrantInput(
        operating_cents=300_000, beneficiary=grants.Beneficiary("Asso", siret="73282932000074")))
    with pytest.raises(applying.ApplicationInvalid) as refused:
        applying.submit(call_setup.lead, call_setup.call.id, call_setup.project.id,
                        Kind.EXPERIMENTATION, request_input())
    assert "au plus 2\u202f000,00" in fields(refused.value)["operating"]  # 5,000 € - 3,000 €
    assert _db.session.scalar(select(CallApplication.id)) is None  # nothing saved


def test_the_lines_must_add_up_to_the_amounts(db, call_setup):
    data = request_input(lines=[Line("Animation", 100_000, Section.OPERATING)])
    with pytest.raises(applying.ApplicationInvalid) as refused:
        applying.submit(call_setup.lead, call_setup.call.id, call_setup.project.id,
                        Kind.EXPERIMENTATION, data)
    problems = fields(refused.value)
    assert "operating" in problems and "investment" in problems


def test_closing_freezes_the_drafts_and_keeps_the_submitted(db, call_setup, submitted):
    draft = applying.save_draft(call_setup.lead, call_setup.call.id, call_setup.project.id,
                                Kind.EXPERIMENTATION, request_input(description=""))
    structure = submitted(Kind.STRUCTURE)
    calls.close_call(call_setup.committee, call_setup.call.id)
    db.session.expire_all()
    assert db.session.get(CallApplication, draft.id).status == ApplicationStatus.FROZEN
    assert db.session.get(CallApplication, structure.id).status == ApplicationStatus.SUBMITTED
    with pytest.raises(calls.CallConflict):
        applying.save_draft(call_setup.lead, call_setup.call.id, call_setup.project.id,
                            Kind.EXPERIMENTATION, request_input())


def test_an_overdue_call_closes_itself(db, call_setup):
    applying.save_draft(call_setup.lead, call_setup.call.id, call_setup.project.id,
                        Kind.EXPERIMENTATION, request_input())
    call = db.session.get(Call, call_setup.call.id)
    call.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert calls.close_overdue() == 1
    assert calls.close_overdue() == 0
    db.session.expire_all()
    assert db.session.get(Call, call.id).status == CallStatus.CLOSED
    assert db.session.scalar(select(CallApplication.status)) == ApplicationStatus.FROZEN


def test_only_a_member_of_the_team_not_any_project_member_role(db, call_setup, make_user):
    teammate = make_user()
    db.session.add(ProjectMember(project_id=call_setup.project.id, user_id=teammate.id,
                                 role="member"))
    db.session.commit()
    assert applying.submit(teammate, call_setup.call.id, call_setup.project.id,
                           Kind.EXPERIMENTATION, request_input()).applicant_id == teammate.id


def test_the_worker_closes_overdue_calls_every_quarter_of_an_hour(app):
    from datetime import datetime

    from inspir_events.mail.tasks import mail_queue

    task = mail_queue(app).periodic["aid.close_calls"]
    moment = datetime(2027, 3, 1, 10, 0)
    assert [minute for minute in range(60)
            if task.task_class().validate_datetime(moment.replace(minute=minute))] == \
        [0, 15, 30, 45]


def test_the_criteria_change_until_the_jury_scores(db, call_setup, submitted, scored):
    data = calls.as_input(call_setup.call)
    changed = calls.CallInput(**{**data.__dict__, "criteria": ["feasibility"]})
    calls.edit_call(call_setup.committee, call_setup.call.id, changed)
    application = submitted()
    scored(application, 3)
    again = calls.CallInput(**{**data.__dict__, "criteria": ["co_design"]})
    with pytest.raises(DomainError):
        calls.edit_call(call_setup.committee, call_setup.call.id, again)
