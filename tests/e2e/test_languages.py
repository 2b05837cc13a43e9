"""The same pages in French and in English (issue 11): Accept-Language picks the language,
the header's switch changes it, and the page's ``lang`` follows."""

from __future__ import annotations

import pytest

# path -> {language: visible strings}
PAGES = {
    "/": {"fr": ["Besoins", "Événements", "Vitrine des innovations", "Se connecter"],
          "en": ["Needs", "Events", "Innovation store", "Sign in"]},
    "/login": {"fr": ["Se connecter", "Créer un compte"],
               "en": ["Sign in", "Create an account"]},
    "/aide": {"fr": ["Aide"], "en": ["Help"]},
}


@pytest.mark.parametrize(("locale", "lang"), [("fr-FR", "fr"), ("en-GB", "en")])
def test_pages_follow_the_browser_language(contexts, locale, lang):
    page = contexts(locale=locale).new_page()
    for path, strings in PAGES.items():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == lang, path
        text = page.locator("body").inner_text()
        for expected in strings[lang]:
            assert expected in text, (path, lang, expected)
        other = "en" if lang == "fr" else "fr"
        assert strings[other][0] not in page.locator("nav.main-nav").inner_text()


def test_the_language_switch_changes_the_pages(page_as):
    page = page_as("citoyenne", locale="fr-FR")
    page.goto("/needs/new")
    assert page.get_by_role("button", name="Publier le besoin").is_visible()
    with page.expect_navigation():
        page.locator(".lang-switch button[value=en]").click()
    assert page.url.endswith("/needs/new")  # back on the same page
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Publish the need").is_visible()
    page.goto("/events")
    assert page.locator("h1").inner_text() == "Upcoming events"
    with page.expect_navigation():
        page.locator(".lang-switch button[value=fr]").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Événements à venir"
