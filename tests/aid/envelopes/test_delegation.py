"""Delegated envelopes' administration (admins) and the dashboard's decisions."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from inspir_events.accounts.models import Role, User
from inspir_events.aid.envelopes import delegation
from inspir_events.aid.envelopes import services as aid_envelopes
from inspir_events.aid.envelopes.models import Envelope, EnvelopeMember
from inspir_events.aid.rules import FormerRegion, Section
from inspir_events.aid.years import services as aid_years
from inspir_events.audit.models import AuditEntry
from inspir_events.extensions import db as _db
from inspir_events.notifications.models import Notification
from tests.aid.opendata.test_routes import granted  # noqa: F401  (fixture)
from tests.conftest import run_together

NPDC_INV = (FormerRegion.NPDC, Section.INVESTMENT)
PIC_OP = (FormerRegion.PICARDIE, Section.OPERATING)
DELEGATE = "/aid/envelopes/delegate"


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", display_name="Alice Admin", roles=(Role.ADMIN,))


@pytest.fixture
def local_decider(make_user):
    return make_user("elu@amiens.example.org", display_name="Élodie d'Amiens")


def page_text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True)).replace("\u202f", " ") \
        .replace("\u00a0", " ")


def actions(db) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_an_admin_delegates_and_names_a_decider_who_then_decides(
        db, client, login, admin, local_decider, envelopes_2016):
    parent = envelopes_2016[PIC_OP]
    login(admin)
    form = client.get(DELEGATE)
    assert form.status_code == 200
    assert f'<option value="{parent.id}">' in form.get_data(as_text=True)
    response = client.post_form(DELEGATE, {
        "envelope": parent.id, "holder_name": "Tiers-lieu numérique d'Amiens",
        "amount": "20 000,50", "reason": "Convention 2016-12"}, token_from=DELEGATE)
    assert response.status_code == 302
    child = db.session.scalar(select(Envelope).where(Envelope.parent_id == parent.id))
    assert child.amount_cents == 2_000_050 and child.holder_name == \
        "Tiers-lieu numérique d'Amiens"
    assert response.headers["Location"].endswith(f"/aid/envelopes/{child.id}/members")
    assert db.session.get(Envelope, parent.id).committed_cents == 2_000_050
    assert not aid_envelopes.can_decide_on(local_decider, child)

    members_url = f"/aid/envelopes/{child.id}/members"
    added = client.post_form(members_url, {"email": " Elu@Amiens.example.org "},
                             token_from=members_url)
    assert added.status_code == 302
    assert db.session.get(EnvelopeMember, (child.id, local_decider.id)).added_by_id == admin.id
    listing = page_text(client.get(members_url))
    assert "Élodie d'Amiens" in listing and "elu@amiens.example.org" in listing
    assert actions(db)[-2:] == ["envelope.delegate", "envelope.member.add"]
    notified = db.session.scalars(select(Notification).where(
        Notification.user_id == local_decider.id)).all()
    assert [(n.kind, n.params) for n in notified] == [
        ("envelope.member", {"holder": "Tiers-lieu numérique d'Amiens"})]

    # The named person decides within the sub-envelope, and only there.
    child = db.session.get(Envelope, child.id)
    assert aid_envelopes.can_decide_on(local_decider, child)
    assert not aid_envelopes.can_decide_on(local_decider, db.session.get(Envelope, parent.id))
    assert [e.id for e in aid_envelopes.decidable_envelopes(local_decider, 2016)] == [child.id]
    aid_envelopes.commit(local_decider, child.id, 2_000_050, "project", 1, "Atelier")
    with pytest.raises(aid_envelopes.EnvelopeExceeded):
        aid_envelopes.commit(local_decider, child.id, 1, "project", 2)
    with pytest.raises(aid_envelopes.AidForbidden):
        aid_envelopes.commit(local_decider, parent.id, 100, "project", 3)

    # Removing them ends it; their decision stays.
    remove_url = f"/aid/envelopes/{child.id}/members/{local_decider.id}/remove"
    assert client.post_form(remove_url, token_from=members_url).status_code == 302
    assert db.session.get(EnvelopeMember, (child.id, local_decider.id)) is None
    assert not aid_envelopes.can_decide_on(local_decider, db.session.get(Envelope, child.id))
    assert db.session.get(Envelope, child.id).committed_cents == 2_000_050
    assert actions(db)[-1] == "envelope.member.remove"
    assert client.post_form(remove_url, token_from=members_url).status_code == 404


def test_over_the_remainder_is_refused_in_the_form_with_the_typed_input_kept(
        db, client, login, admin, envelopes_2016):
    parent = envelopes_2016[NPDC_INV]  # 150,000.00 €
    aid_envelopes.delegate(admin, parent.id, "Lille Métropole", 10_000_000)
    login(admin)
    response = client.post_form(DELEGATE, {
        "envelope": parent.id, "holder_name": "Pévèle Carembault",
        "amount": "50 000,01"}, token_from=DELEGATE)
    assert response.status_code == 409  # the refusal's own status (EnvelopeExceeded)
    html = page_text(response)
    error = re.search(r'<p class="error-message" id="amount-error">(.*?)</p>', html, re.S)
    assert error and "50 000,00 €" in error.group(1)  # what remains
    assert 'aria-describedby="amount-help amount-error"' in html
    assert 'value="50 000,01"' in html and 'value="Pévèle Carembault"' in html
    assert f'<option selected value="{parent.id}">' in html
    db.session.rollback()
    assert db.session.get(Envelope, parent.id).committed_cents == 10_000_000
    assert db.session.scalar(select(func.count()).select_from(Envelope)
                             .where(Envelope.parent_id == parent.id)) == 1


@pytest.mark.parametrize(("amount", "message"), [
    ("", "Enter an amount."), ("12,345", "An amount has at most two decimals (cents)."),
    ("-5", "The amount cannot be negative."), ("douze", "Enter an amount in euros")])
def test_unreadable_amounts_are_refused_in_the_form(db, client, login, admin, envelopes_2016,
                                                     amount, message):
    login(admin)
    response = client.post_form(DELEGATE, {
        "envelope": envelopes_2016[NPDC_INV].id, "holder_name": "Douaisis",
        "amount": amount}, token_from=DELEGATE, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert message in page_text(response)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Envelope)) == 4


def test_naming_refusals_keep_the_typed_address(db, client, login, admin, local_decider,
                                                envelopes_2016):
    child = aid_envelopes.delegate(admin, envelopes_2016[PIC_OP].id, "Somme", 100_000)
    url = f"/aid/envelopes/{child.id}/members"
    login(admin)
    unknown = client.post_form(url, {"email": "nobody@example.org"}, token_from=url,
                               headers={"Accept-Language": "en"})
    assert unknown.status_code == 422
    html = page_text(unknown)
    assert 'id="email-error"' in html and "No account uses this e-mail address" in html
    assert 'value="nobody@example.org"' in html
    assert client.post_form(url, {"email": local_decider.email}, token_from=url) \
        .status_code == 302
    again = client.post_form(url, {"email": local_decider.email}, token_from=url,
                             headers={"Accept-Language": "en"})
    assert again.status_code == 422 and "already decides" in page_text(again)
    assert actions(db).count("envelope.member.add") == 1


def test_only_admins_administer_delegations(db, client, login, make_user, admin,
                                            local_decider, envelopes_2016):
    child = aid_envelopes.delegate(admin, envelopes_2016[PIC_OP].id, "Somme", 100_000)
    parent_id = envelopes_2016[PIC_OP].id
    members_url = f"/aid/envelopes/{child.id}/members"
    # Visitors are sent to the log-in page.
    assert client.get(DELEGATE).status_code == 302
    committee = make_user(roles=(Role.COMMITTEE,))
    login(committee)
    assert client.get(DELEGATE).status_code == 403
    assert client.get(members_url).status_code == 403
    assert client.post_form(DELEGATE, {"envelope": parent_id, "holder_name": "X",
                                       "amount": "10"}).status_code == 403
    assert client.post_form(members_url, {"email": local_decider.email}).status_code == 403
    assert db.session.get(Envelope, parent_id).committed_cents == 100_000
    # The use cases refuse too, whatever the entry point.
    with pytest.raises(aid_envelopes.AidForbidden):
        delegation.add_member(committee, child.id, local_decider.email)
    with pytest.raises(aid_envelopes.AidForbidden):
        delegation.remove_member(committee, child.id, local_decider.id)
    assert db.session.scalar(select(func.count()).select_from(EnvelopeMember)) == 0


def test_top_level_and_unknown_envelopes_have_no_members_page(db, client, login, admin,
                                                              envelopes_2016):
    login(admin)
    assert client.get(f"/aid/envelopes/{envelopes_2016[PIC_OP].id}/members").status_code == 404
    assert client.get("/aid/envelopes/999999/members").status_code == 404
    with pytest.raises(aid_envelopes.EnvelopeNotFound):
        delegation.add_member(admin, envelopes_2016[PIC_OP].id, "admin@example.org")


def test_visitors_see_totals_and_the_open_data_but_not_the_decisions(db, client, granted):  # noqa: F811
    html = page_text(client.get("/aid/envelopes", headers={"Accept-Language": "fr"}))
    assert "600 000,00 €" in html  # the total
    assert "/aid/open-data/subventions.csv" in html and "/aid/open-data/subventions.json" in html
    assert granted["reference"] not in html
    assert "Association La Machinerie" not in html and "Covoiturage rural" not in html
    assert "Claire du comité" not in html
    assert "/aid/envelopes/delegate" not in html


def test_the_committee_sees_the_decisions_behind_each_figure(db, client, login, committee,
                                                             granted):  # noqa: F811
    login(committee)
    html = page_text(client.get("/aid/envelopes", headers={"Accept-Language": "en"}))
    application, project = granted["application"], granted["project"]
    assert html.count(granted["reference"]) == 2  # investment and operating rows
    assert "Association La Machinerie" in html and "SIRET 73282932000074" in html
    assert f'href="/events/{application.event_id}"' in html
    assert "Hackathon mobilité d'Amiens" in html
    assert f'href="/projects/{project.id}"' in html and "Covoiturage rural" in html
    assert "RNA W802001234" in html
    assert "Claire du comité" in html  # decided by
    assert "Delegation to Amiens Métropole" in html
    assert "€4,000.00" in html and "€8,500.00" in html and "€30,000.00" in html
    assert "/aid/envelopes/delegate" not in html  # administration is for admins


def test_admins_see_the_deciders_and_the_administration_links(db, client, login, admin,
                                                              local_decider, envelopes_2016):
    child = aid_envelopes.delegate(admin, envelopes_2016[PIC_OP].id, "Somme", 100_000)
    delegation.add_member(admin, child.id, local_decider.email)
    login(admin)
    html = page_text(client.get("/aid/envelopes"))
    assert "/aid/envelopes/delegate?year=2016" in html
    assert f"/aid/envelopes/{child.id}/members" in html
    deciders = re.search(rf'id="deciders-{child.id}">(.*?)</div>', html, re.S).group(1)
    assert "Élodie d'Amiens" in deciders


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_two_admins_naming_the_same_decider_at_once_give_one_row(app, db, backend,
                                                                  make_user):
    aid_years.load_envelopes(2016)
    parent = aid_envelopes.envelope_for("80", Section.OPERATING, 2016)
    admin_ids = [make_user(roles=(Role.ADMIN,)).id for _ in range(4)]
    child = aid_envelopes.delegate(db.session.get(User, admin_ids[0]), parent.id, "Somme",
                                   100_000)
    child_id = child.id
    email = make_user("elu@somme.example.org").email  # read here, not in the threads
    outcomes: list[str] = []

    def name(index: int) -> None:
        admin = _db.session.get(User, admin_ids[index])
        try:
            delegation.add_member(admin, child_id, email)
        except aid_envelopes.AidError:
            outcomes.append("refused")
        else:
            outcomes.append("added")

    errors, _ = run_together(app, [name] * len(admin_ids))
    assert errors == []
    assert sorted(outcomes) == ["added"] + ["refused"] * 3
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(EnvelopeMember)) == 1
    assert actions(db).count("envelope.member.add") == 1
