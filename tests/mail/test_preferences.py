"""« Mes notifications » (issue 17 §4): per kind of message, in the app always and by
e-mail at once, in a daily digest, or never; essential kinds always sent and not
changeable; the one-click unsubscribe writes "never" and the page shows it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspir_events.database import begin_write
from inspir_events.mail import services, unsubscribe
from inspir_events.mail.models import MailPreference, OutboxMessage
from inspir_events.mail.rules import MailMode, MailStatus
from tests.pages import parse

PAGE = "/profile/notifications"
ADDRESSED, PROJECT, IN_STORE = "need.addressed", "need.project", "need.in_store"
WEEKLY = "committee.weekly"


def field(kind: str) -> str:
    return "kind-" + kind.replace(".", "--")


def choices(client) -> dict[str, str]:
    """The page's checked choice per kind (its field name, without the prefix)."""
    doc = parse(client.get(PAGE).get_data(as_text=True))
    checked = doc.find("main").find_all("input", type="radio", checked=True)
    return {box.get("name"): box.get("value") for box in checked}


def every_choice(client, **overrides) -> dict[str, str]:
    data = dict(choices(client))
    data.update({field(kind): mode for kind, mode in overrides.items()})
    return data


def stored(db, user) -> dict[str, MailMode]:
    rows = db.session.scalars(select(MailPreference).where(MailPreference.user_id == user.id))
    found = {row.kind: row.mode for row in rows}
    db.session.rollback()
    return found


@pytest.fixture
def person(make_user, login):
    user = make_user(display_name="Nadia", locale="en")
    login(user)
    return user


def test_the_page_lists_each_kind_by_group_essential_ones_fixed(client, person):
    response = client.get(PAGE)
    assert response.status_code == 200
    main = parse(response.get_data(as_text=True)).find("main")
    headings = [h.text for h in main.find_all("h2")]
    assert headings[:1] == ["Your account"] and "Needs I follow" in headings
    assert "The committee" in headings
    text = main.text
    # Essential kinds: listed, always sent, nothing to choose.
    assert "Password reset" in text and "always sent by e-mail" in text
    assert main.find("input", name=field("account.password_reset")) is None
    # A need's news: three choices, at once by default.
    boxes = main.find_all("input", name=field(ADDRESSED))
    assert [b.get("value") for b in boxes] == ["immediate", "daily", "never"]
    assert choices(client)[field(ADDRESSED)] == "immediate"
    # The committee's weekly digest has no daily digest of its own; the daily digest
    # itself is not a line (its messages are).
    assert [b.get("value") for b in main.find_all("input", name=field(WEEKLY))] == \
        ["immediate", "never"]
    assert main.find("input", name=field("digest.daily")) is None


def test_each_choice_is_saved_and_shown_again(client, db, person):
    response = client.post_form(PAGE, every_choice(client, **{ADDRESSED: "daily",
                                                              PROJECT: "never"}),
                                token_from=PAGE)
    assert response.status_code == 303 and response.headers["Location"].endswith(PAGE)
    assert stored(db, person) == {ADDRESSED: MailMode.DAILY, PROJECT: MailMode.NEVER}
    shown = choices(client)
    assert (shown[field(ADDRESSED)], shown[field(PROJECT)], shown[field(IN_STORE)]) == \
        ("daily", "never", "immediate")
    # Back to "at once".
    client.post_form(PAGE, every_choice(client, **{ADDRESSED: "immediate"}), token_from=PAGE)
    assert stored(db, person)[ADDRESSED] == MailMode.IMMEDIATE


def test_each_mode_decides_what_the_outbox_does(db, make_user, outbox):
    user = make_user()
    context = {"need": "Un bus", "event": "Hackathon", "project": "Navette",
               "link": "http://localhost/x"}
    services.set_modes(user.id, {ADDRESSED: "daily", PROJECT: "never"})
    begin_write()
    held = services.enqueue(user, ADDRESSED, **context)
    stopped = services.enqueue(user, PROJECT, **context)
    sent = services.enqueue(user, IN_STORE, **context)
    essential = services.enqueue(user, "account.verify", link="x", hours=48)
    db.session.commit()
    assert stopped is None
    by_kind = {m.kind: m.status for m in outbox()}
    assert by_kind == {ADDRESSED: MailStatus.HELD, IN_STORE: MailStatus.PENDING,
                       "account.verify": MailStatus.PENDING}
    assert held.id and sent.id and essential.id


def test_essential_kinds_and_choices_not_offered_are_refused(client, db, person):
    for chosen in ({"account.verify": "never"}, {WEEKLY: "daily"}, {"digest.daily": "never"},
                   {"no.such.kind": "never"}, {ADDRESSED: "sometimes"}):
        with pytest.raises(services.PreferenceRefused):
            services.set_modes(person.id, chosen)
    assert stored(db, person) == {}
    # A forged field for an essential kind is not read; a missing choice is asked again.
    data = every_choice(client)
    data[field("account.verify")] = "never"
    assert client.post_form(PAGE, data, token_from=PAGE).status_code == 303
    assert stored(db, person) == {}
    del data[field(ADDRESSED)]
    response = client.post_form(PAGE, data, token_from=PAGE)
    assert response.status_code == 422
    assert "Choose how this kind reaches you." in response.get_data(as_text=True)


def test_the_one_click_unsubscribe_shows_on_the_page(app, client, db, person):
    link = unsubscribe.link(person.id, ADDRESSED).replace("http://localhost", "")
    assert app.test_client().post(link, data={"List-Unsubscribe": "One-Click"}
                                  ).status_code == 200
    assert choices(client)[field(ADDRESSED)] == "never"
    page = client.get(link).get_data(as_text=True)
    assert PAGE in page  # the unsubscribe page leads to the preferences


def test_never_drops_what_waited_for_the_digest(db, make_user, outbox):
    user = make_user()
    services.set_modes(user.id, {ADDRESSED: "daily"})
    begin_write()
    services.enqueue(user, ADDRESSED, need="Un bus", event="Hackathon", link="x")
    db.session.commit()
    assert [m.status for m in outbox()] == [MailStatus.HELD]
    services.set_modes(user.id, {ADDRESSED: "never"})
    assert outbox() == []


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_profile_and_the_notification_centre_lead_to_the_page(client, person):
    assert f'href="{PAGE}"' in client.get("/profile").get_data(as_text=True)
    assert f'href="{PAGE}"' in client.get("/notifications").get_data(as_text=True)


def test_held_messages_are_never_claimed_for_delivery(db, make_user):
    from inspir_events.mail import delivery

    user = make_user()
    services.set_modes(user.id, {ADDRESSED: "daily"})
    begin_write()
    message = services.enqueue(user, ADDRESSED, need="Un bus", event="Hackathon", link="x")
    db.session.commit()
    assert delivery.claim([message.id]) == [] and delivery.due_ids() == []
    assert db.session.get(OutboxMessage, message.id).status == MailStatus.HELD
