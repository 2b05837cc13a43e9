"""A round's live page, and the forms sent from it (the whole journey's flake of stop 25).

A round's page listens to its round over the socket and reloads when the round opens or
closes. The organiser opens and closes the round from that same page: the form is sent, the
server announces the change to the room, the sender's own page included, and the page used to
reload over the form's navigation, aborting it (``net::ERR_ABORTED``) with its message. A page
that is leaving (``beforeunload``) now ignores the announcement; a page that stays reloads.
"""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.extensions import db
from inspir_events.voting.models import VotingRound
from tests.e2e.pages import demo_ids

JOINED = "() => document.querySelector('[data-connected]').textContent !== '—'"


def newest_round(app, event_id: int) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(VotingRound.id).where(
                VotingRound.event_id == event_id).order_by(VotingRound.id.desc()))
        finally:
            db.session.remove()


def test_a_page_being_left_is_not_reloaded_by_its_rounds_news(page_as, live_server):
    app = live_server.app
    event_id = demo_ids(app).live_event
    sender = page_as("orga2", locale="en-GB")
    sender.goto(f"/events/{event_id}/rounds")
    sender.fill("#title", "Tour ouvert depuis sa page")
    sender.fill("#votes_per_participant", "1")
    sender.check("input[name=visibility][value=live]")
    with sender.expect_navigation():
        sender.get_by_role("button", name="Create the round", exact=True).click()
    round_id = newest_round(app, event_id)
    assert sender.url.endswith(f"/rounds/{round_id}")

    leaving, staying = sender.context.new_page(), sender.context.new_page()
    for page in (leaving, staying):
        page.goto(f"/rounds/{round_id}")
        page.wait_for_function(JOINED)
        page.evaluate("() => { window.__sameDocument = true; }")
    # As when a form of the page is sent: the page is leaving (without going anywhere here).
    leaving.evaluate("() => window.dispatchEvent(new Event('beforeunload'))")

    sender.wait_for_function(JOINED)
    with sender.expect_navigation():
        sender.get_by_role("button", name="Open the round", exact=True).click()
    assert "The round is open" in sender.locator(".flashes").inner_text()

    # The page that stays hears the news and reloads into the open round...
    staying.locator("#live-round[data-status=open]").wait_for()
    assert staying.evaluate("() => window.__sameDocument === undefined")
    # ...and the one being left heard the same news (its socket's next turn) and stayed put.
    leaving.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
    assert leaving.evaluate("() => window.__sameDocument === true")
    assert leaving.locator("#live-round").get_attribute("data-status") == "draft"

    # The sender closes it from its page, as the journey does: it lands with its message.
    sender.wait_for_function(JOINED)
    with sender.expect_navigation():
        sender.get_by_role("button", name="Close the round", exact=True).click()
    assert "The round is closed" in sender.locator(".flashes").inner_text()
