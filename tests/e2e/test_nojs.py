"""Without JavaScript (issue 11): a need is posted and a vote is cast by plain form posts."""

from __future__ import annotations

from tests.e2e.conftest import demo_email
from tests.e2e.pages import demo_ids
from tests.e2e.test_keyboard import idea_id, stored_vote


def test_a_need_and_a_vote_work_without_javascript(page_as, live_server):
    page = page_as("citoyenne", java_script_enabled=False)
    page.goto("/needs/new")
    page.fill("#title", "Des bancs à l'ombre le long du canal")
    page.fill("#description", "Les promeneurs âgés n'ont nulle part où s'asseoir "
              "entre l'écluse et le centre-ville.")
    page.select_option("#department", "80")
    page.fill("#commune", "Amiens")
    page.select_option("#theme", "transports")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    assert "/needs/" in page.url and "/new" not in page.url, page.url
    assert page.locator("h1").inner_text() == "Des bancs à l'ombre le long du canal"

    ids = demo_ids(live_server.app)
    chosen = idea_id(live_server.app, "Parrainage par des salariés du quartier")
    page.goto(f"/rounds/{ids.live_round}")
    before = int(page.locator(f"[data-tally-idea='{chosen}']").inner_text())
    with page.expect_navigation():
        page.locator(f"form.vote-form:has(input[name=idea_id][value='{chosen}']) button").click()
    assert f"/rounds/{ids.live_round}" in page.url
    assert int(page.locator(f"[data-tally-idea='{chosen}']").inner_text()) == before + 1
    assert stored_vote(live_server.app, ids.live_round, demo_email("citoyenne"), chosen)
