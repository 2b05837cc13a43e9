"""Report flooding (issue 18, 1.6): one report per person per need (unique in the database,
a clear message), at most REPORTS_PER_DAY reports a day per person; concurrent duplicates
on SQLite and PostgreSQL store one row."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from inspir_events.accounts.models import User
from inspir_events.extensions import db as _db
from inspir_events.needs import rules, services
from inspir_events.needs.models import NeedReport
from inspir_events.timeutil import utcnow
from tests.conftest import run_together

EN = {"Accept-Language": "en"}


def reports(db, **where) -> int:
    db.session.rollback()
    query = select(func.count()).select_from(NeedReport)
    for name, value in where.items():
        query = query.where(getattr(NeedReport, name) == value)
    return db.session.scalar(query)


def report(client, need_id: int, reason: str = "Publicité déguisée", **kwargs):
    return client.post_form(f"/needs/{need_id}/report", {"reason": reason},
                            token_from=f"/needs/{need_id}", **kwargs)


def test_forty_reports_of_one_need_store_one(client, db, citizen, make_need):
    need = make_need()
    answers = [report(client, need.id, f"Signalement {n}") for n in range(40)]
    assert {r.status_code for r in answers} == {302, 303}
    assert reports(db, need_id=need.id) == 1
    assert db.session.scalar(select(NeedReport.reason)) == "Signalement 0"  # the first stands


def test_a_second_report_gets_a_clear_message(client, db, citizen, make_need):
    need = make_need()
    report(client, need.id)
    again = report(client, need.id, headers=EN)
    assert again.status_code == 303 and again.headers["Location"] == f"/needs/{need.id}"
    page = html.unescape(client.get(again.headers["Location"], headers=EN)
                         .get_data(as_text=True))
    assert "You have already reported this need: the moderators will look at it." in page
    french = html.unescape(client.get(report(client, need.id).headers["Location"])
                           .get_data(as_text=True))
    assert "Vous avez déjà signalé ce besoin" in french


def test_another_person_may_report_the_same_need(app, client, db, citizen, make_need,
                                                  make_user, login):
    need = make_need()
    report(client, need.id)
    other = app.test_client()
    login(make_user(), on=other)
    assert report(other, need.id).status_code == 302
    assert reports(db, need_id=need.id) == 2


def test_reports_per_day_are_limited(client, db, citizen, make_need):
    needs = [make_need(title=f"Besoin numéro {n}") for n in range(rules.REPORTS_PER_DAY + 1)]
    for need in needs[:-1]:
        assert report(client, need.id).status_code == 302
    refused = report(client, needs[-1].id, headers=EN)
    assert refused.status_code == 303
    page = html.unescape(client.get(refused.headers["Location"], headers=EN)
                         .get_data(as_text=True))
    assert f"You have reported {rules.REPORTS_PER_DAY} needs in the last 24 hours" in page
    assert reports(db, reporter_id=citizen.id) == rules.REPORTS_PER_DAY
    # A day later the count starts again.
    db.session.execute(update(NeedReport).values(created_at=utcnow() - timedelta(days=1,
                                                                                  minutes=1)))
    db.session.commit()
    assert report(client, needs[-1].id).status_code == 302


def test_the_database_holds_the_rule(db, make_need, make_user):
    need, user = make_need(), make_user()
    db.session.add_all([NeedReport(need_id=need.id, reporter_id=user.id, reason="a"),
                        NeedReport(need_id=need.id, reporter_id=user.id, reason="b")])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_simultaneous_reports_by_one_person_store_one(app, db, backend, make_need, make_user):
    need_id, user_id = make_need().id, make_user().id
    refused: list[str] = []

    def send(index: int) -> None:
        try:
            services.report(_db.session.get(User, user_id), need_id, f"Signalement {index}")
        except services.AlreadyReported:
            refused.append("already")

    errors, _elapsed = run_together(app, [send] * 8)
    assert errors == []
    assert reports(db, need_id=need_id) == 1
    assert len(refused) == 7
