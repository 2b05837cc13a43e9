"""Keyboard alone (issue 11): tab to a vote button and press it; focus is visible; a form
sent with errors shows each error next to its field and announces them."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.extensions import db
from inspir_events.voting.models import Idea, Vote
from tests.e2e.conftest import demo_email
from tests.e2e.pages import demo_ids

MAX_TABS = 80


def stored_vote(app, round_id: int, email: str, idea_id: int) -> bool:
    with app.app_context():
        try:
            return db.session.scalar(select(Vote.id).join(User, User.id == Vote.voter_id).where(
                Vote.round_id == round_id, Vote.idea_id == idea_id,
                User.email == email)) is not None
        finally:
            db.session.remove()


def idea_id(app, title: str) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(Idea.id).where(Idea.title == title))
        finally:
            db.session.remove()


def tab_to(page, selector: str) -> int:
    """Press Tab until the element matching ``selector`` has the focus; the presses used."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return presses
    raise AssertionError(f"{selector} never got the focus in {MAX_TABS} Tab presses")


def focus_ring(page) -> dict:
    return page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                visible: document.activeElement.matches(':focus-visible')};
    }""")


def test_a_vote_by_keyboard_alone_is_stored_and_focus_is_visible(page_as, live_server):
    ids = demo_ids(live_server.app)
    chosen = idea_id(live_server.app, "Carte des entreprises qui accueillent")
    email = demo_email("citoyenne")
    page = page_as("citoyenne")
    page.goto(f"/rounds/{ids.live_round}")
    tally = page.locator(f"[data-tally-idea='{chosen}']")
    page.wait_for_function("() => document.querySelector('[data-connected]').textContent !== '—'")
    before = int(tally.inner_text())
    button = f"form.vote-form:has(input[name=idea_id][value='{chosen}']) button"
    presses = tab_to(page, button)
    ring = focus_ring(page)
    print(f"\nkeyboard: vote button reached in {presses} Tab presses; focus ring {ring}")
    assert ring["visible"] and ring["style"] != "none" and ring["width"] > 0, ring
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector(\"[data-tally-idea='{chosen}']\")"
                           f".textContent === '{before + 1}'")
    assert stored_vote(live_server.app, ids.live_round, email, chosen)
    # The other controls show their ring too: Space on the next focused button is a press.
    page.keyboard.press("Tab")
    ring = focus_ring(page)
    assert ring["style"] != "none" and ring["width"] > 0, ring


def test_errors_are_shown_next_to_their_fields_and_announced(page_as):
    page = page_as("citoyen")
    page.goto("/needs/new")
    tab_to(page, "main form.form button[type=submit]")
    page.keyboard.press("Space")  # the keyboard's other way to press a button
    page.wait_for_selector(".error-summary")
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    invalid = page.locator("main [aria-invalid=true]")
    assert invalid.count() >= 2  # at least the title and the description
    for n in range(invalid.count()):
        field = invalid.nth(n)
        described = (field.get_attribute("aria-describedby") or "").split()
        errors = [i for i in described if i.endswith("-error")]
        assert errors, field.evaluate("e => e.outerHTML")
        message = page.locator(f"#{errors[0]}")
        assert message.inner_text().strip()
        # Next to the field: in the same .field block as the input and its label.
        assert field.evaluate("(e, id) => e.closest('.field').contains("
                              "document.getElementById(id))", errors[0])
    # Each summary entry links to its field.
    for link in summary.locator("a").all():
        target = link.get_attribute("href")
        assert page.locator(target).count() == 1, target
