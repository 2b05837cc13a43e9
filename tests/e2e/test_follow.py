"""Following in a real browser (issue 17 §4): with JavaScript the button toggles in place
(no page load), without it the form posts and the page comes back pressed; the profile
lists what one follows."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.extensions import db
from inspir_events.follows.models import Follow
from tests.e2e.conftest import demo_email


def structure_id(app) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(User.id).where(
                User.email == demo_email("structure")))
        finally:
            db.session.remove()


def follows_of(app, local: str) -> set[tuple[str, int]]:
    with app.app_context():
        try:
            user = db.session.scalar(select(User).where(User.email == demo_email(local)))
            return set(db.session.execute(select(Follow.subject_type, Follow.subject_id)
                                          .where(Follow.user_id == user.id)).all())
        finally:
            db.session.remove()


def test_with_javascript_the_button_toggles_in_place(page_as, live_server):
    app = live_server.app
    structure = structure_id(app)
    page = page_as("dev")
    page.goto(f"/structures/{structure}")
    button = page.locator("form[data-follow] .follow-button")
    assert button.get_attribute("aria-pressed") == "false"
    page.evaluate("window.stillHere = true")
    button.click()
    page.wait_for_selector("form[data-follow] .follow-button[aria-pressed=true]")
    assert page.evaluate("window.stillHere") is True  # no page load
    assert ("support_structure", structure) in follows_of(app, "dev")
    page.locator("form[data-follow] .follow-button").click()  # and back
    page.wait_for_selector("form[data-follow] .follow-button[aria-pressed=false]")
    assert ("support_structure", structure) not in follows_of(app, "dev")


def test_without_javascript_the_form_posts_and_the_profile_lists_it(page_as, live_server):
    app = live_server.app
    structure = structure_id(app)
    page = page_as("design", java_script_enabled=False)
    page.goto(f"/structures/{structure}")
    with page.expect_navigation():
        page.locator("form[data-follow] .follow-button").click()
    assert page.url.endswith(f"/structures/{structure}")
    assert page.locator("form[data-follow] .follow-button").get_attribute("aria-pressed") \
        == "true"
    page.goto("/profile")
    listed = page.locator("#follows-title + ul.follow-list li", has_text="Sami Structure")
    assert listed.count() == 1
    with page.expect_navigation():
        listed.locator("button").click()
    assert page.url.endswith("/profile")
    assert page.locator("ul.follow-list li", has_text="Sami Structure").count() == 0
    assert ("support_structure", structure) not in follows_of(app, "design")
