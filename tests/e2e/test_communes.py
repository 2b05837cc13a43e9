"""The commune field as a combobox in a real browser (issue 20 §3): typing lists the
department's communes, the keyboard alone chooses one (ARIA 1.2 combobox), and the need is
saved with that commune; Escape closes the list."""

from __future__ import annotations

from sqlalchemy import select

from inspir_events.extensions import db
from inspir_events.needs.models import Need

TITLE = "Un atelier numérique au centre social"


def saved_commune(app) -> tuple[str, str] | None:
    with app.app_context():
        try:
            need = db.session.scalar(select(Need).where(Need.title == TITLE))
            return (need.commune_code, need.commune) if need else None
        finally:
            db.session.remove()


def test_the_keyboard_alone_chooses_a_commune_of_the_department(page_as, live_server):
    page = page_as("citoyenne")
    page.goto("/needs/new")
    page.fill("#title", TITLE)
    page.fill("#description", "Un lieu pour apprendre à se servir d'un ordinateur.")
    page.select_option("#department", "62")
    page.select_option("#theme", "inclusion")
    field = page.locator("#commune")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.focus()
    page.keyboard.type("lievi")
    listbox = page.locator("#commune-communes")
    listbox.locator("[role=option]").first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    assert field.get_attribute("aria-controls") == "commune-communes"
    options = listbox.locator("[role=option]").all_inner_texts()
    assert options[0] == "Liévin (62510)"
    status = page.locator("#commune-communes-status").inner_text()
    assert status == f"{len(options)} communes trouvées"
    page.keyboard.press("Escape")  # closes the list, keeps the text
    assert field.get_attribute("aria-expanded") == "false" and field.input_value() == "lievi"
    page.keyboard.press("ArrowDown")  # opens it again
    page.wait_for_selector("#commune[aria-expanded=true]")
    page.keyboard.press("ArrowDown")
    active = field.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")  # chooses; does not send the form
    assert field.input_value() == "Liévin (62510)"
    assert field.get_attribute("aria-expanded") == "false"
    assert saved_commune(live_server.app) is None
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url("**/needs/*")
    assert saved_commune(live_server.app) == ("62510", "Liévin")
