"""Support ("moi aussi"): toggled with or without JavaScript, one per person, rate-limited."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from inspir_events.needs.models import Need, NeedSupport
from inspir_events.needs.rules import NeedStatus, Visibility
from tests.pages import parse

JSON = {"Accept": "application/json"}


def support(client, need_id: int, on: bool = True, **kwargs):
    return client.post_form(f"/needs/{need_id}/support", {"supported": "1" if on else "0"},
                            token_from=f"/needs/{need_id}", **kwargs)


def state(db, need_id: int) -> tuple[int, int]:
    """(support rows, supporters_count)."""
    rows = db.session.scalar(select(func.count()).select_from(NeedSupport)
                             .where(NeedSupport.need_id == need_id))
    return rows, db.session.get(Need, need_id).supporters_count


def test_support_without_javascript_redirects_back(client, db, citizen, make_need):
    need = make_need()
    response = support(client, need.id, headers={"Referer": "http://localhost/needs?tag=bus"})
    assert response.status_code == 302
    assert response.headers["Location"] == "http://localhost/needs?tag=bus"
    assert state(db, need.id) == (1, 1)
    page = client.get(f"/needs/{need.id}")
    assert "Votre soutien est enregistré." in html.unescape(page.get_data(as_text=True))
    form = parse(page.get_data(as_text=True)).find("form", class_="support-form")
    assert form.find("button").get("aria-pressed") == "true"
    assert form.find("input", name="supported").get("value") == "0"  # the next click withdraws
    assert form.find("span", **{"data-count": True}).text == "1"


def test_support_redirects_to_the_need_when_the_referrer_is_elsewhere(client, citizen,
                                                                    make_need):
    need = make_need()
    response = support(client, need.id, headers={"Referer": "https://evil.example/"})
    assert response.headers["Location"] == f"/needs/{need.id}"


def test_support_with_javascript_answers_json(client, db, citizen, make_need):
    need = make_need()
    on = support(client, need.id, headers=JSON)
    assert on.status_code == 200
    assert on.get_json() == {"supported": True, "supporters_count": 1}
    off = support(client, need.id, on=False, headers=JSON)
    assert off.get_json() == {"supported": False, "supporters_count": 0}
    assert state(db, need.id) == (0, 0)


def test_the_counter_always_equals_the_rows(client, db, citizen, make_need):
    need = make_need()
    for on, expected in ((True, 1), (True, 1), (False, 0), (False, 0), (True, 1)):
        answer = support(client, need.id, on=on, headers=JSON).get_json()
        assert answer == {"supported": on, "supporters_count": expected}
        assert state(db, need.id) == (expected, expected)


def test_one_support_per_person(app, client, db, citizen, make_need, make_user, login):
    need = make_need()
    other = app.test_client()
    login(make_user(), on=other)
    support(client, need.id)
    support(client, need.id)
    assert support(other, need.id, headers=JSON).get_json()["supporters_count"] == 2
    assert state(db, need.id) == (2, 2)
    support(client, need.id, on=False)
    assert state(db, need.id) == (1, 1)


def test_the_board_shows_what_the_viewer_supports(client, db, citizen, make_need):
    supported = make_need(title="Soutenu")
    make_need(title="Pas soutenu")
    support(client, supported.id)
    doc = parse(client.get("/needs").get_data(as_text=True))
    pressed = {card.find("h3").text: card.find("button").get("aria-pressed")
               for card in doc.find_all("article", class_="need-card")}
    assert pressed == {"Soutenu": "true", "Pas soutenu": "false"}


@pytest.mark.parametrize("kind", ["hidden", "pending", "withdrawn", "missing"])
def test_supporting_a_need_off_the_boards_is_not_found(client, db, citizen, make_need, kind):
    if kind == "missing":
        need_id = 4242
    else:
        state_of = {"hidden": {"visibility": Visibility.HIDDEN},
                    "pending": {"visibility": Visibility.PENDING},
                    "withdrawn": {"status": NeedStatus.WITHDRAWN}}[kind]
        need_id = make_need(**state_of).id
    token = client.csrf_token("/needs")
    for headers in ({}, JSON):
        response = client.post(f"/needs/{need_id}/support",
                                data={"supported": "1", "csrf_token": token}, headers=headers)
        assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(NeedSupport)) == 0


def test_visitors_are_sent_to_log_in(client, db, make_need):
    need = make_need()
    response = support(client, need.id)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert state(db, need.id) == (0, 0)


def test_a_support_needs_the_csrf_token(client, db, citizen, make_need):
    need = make_need()
    response = client.post(f"/needs/{need.id}/support", data={"supported": "1"})
    assert response.status_code == 400
    assert state(db, need.id) == (0, 0)


def test_a_bogus_value_is_refused(client, db, citizen, make_need):
    need = make_need()
    assert support(client, need.id).status_code == 302
    response = client.post_form(f"/needs/{need.id}/support", {"supported": "2"})
    assert response.status_code == 400
    assert state(db, need.id) == (1, 1)


def test_supports_are_rate_limited(make_app, make_user, login, make_need):
    app = make_app(NEED_SUPPORTS_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        login(make_user(), on=client)
        need = make_need()
        codes = [support(client, need.id, on=bool(i % 2 == 0), headers=JSON).status_code
                 for i in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = support(client, need.id)
        assert refused.status_code == 429
        text = html.unescape(refused.get_data(as_text=True))
        assert "Trop de tentatives" in text
        english = support(client, need.id, headers={"Accept-Language": "en"})
        assert "Too many attempts" in english.get_data(as_text=True)
