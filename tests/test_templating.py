"""Templates compiled per language, their constant texts translated at compile time
(inspir_events/templating.py)."""

from __future__ import annotations

import pytest
from flask import render_template
from flask_babel import force_locale
from jinja2 import DictLoader

from inspir_events import i18n

TEMPLATES = {
    "page.html": '<p title="{{ _("Home") }}">{{ _("Sign out") }}</p>'
                 '<p>{{ _("Search: %(text)s", text=typed) }}</p>'
                 '<p>{{ _("Not in the catalogue, 100%% sure") }}</p>',
    "child.html": '{% extends "page.html" %}',
    "note.txt": '{{ _("Home") }} & {{ _("Sign out") }}',
}


@pytest.fixture
def templates(app):
    """The app's environment reading TEMPLATES; counts the translations looked up while
    rendering (the runtime ``_``)."""
    app.jinja_env.loader = DictLoader(TEMPLATES)
    return app


@pytest.fixture
def lookups(monkeypatch):
    seen = []
    real = i18n.page_translations

    def counted():
        seen.append(1)
        return real()

    monkeypatch.setattr(i18n, "page_translations", counted)
    return seen


def test_constant_texts_are_translated_when_compiled_not_at_each_render(templates, lookups):
    with templates.test_request_context("/"):
        html = render_template("page.html", typed="<b>x</b>")
        assert html.startswith('<p title="Accueil">Se déconnecter</p>')
        before = len(lookups)
        assert render_template("page.html", typed="y") == html.replace("&lt;b&gt;x&lt;/b&gt;", "y")
    # Only the text with a variable went through the runtime ``_`` (one lookup a render).
    assert len(lookups) - before == 1


def test_each_language_has_its_own_compiled_templates(templates):
    for language, expected in (("fr", "Se déconnecter"), ("en", "Sign out"),
                               ("fr", "Se déconnecter")):
        with templates.test_request_context("/", headers={"Accept-Language": language}):
            assert f">{expected}</p>" in render_template("child.html", typed="")
    with templates.test_request_context("/"), force_locale("en"):
        # A message written in its recipient's language (force_locale) gets that language.
        assert ">Sign out</p>" in render_template("page.html", typed="")


def test_the_compiled_text_is_what_the_runtime_translation_gives(templates):
    with templates.test_request_context("/"):
        html = render_template("page.html", typed="<b>x</b>")
    # Variables are still escaped at render time; "%%" is formatted as the runtime does.
    assert "<p>Recherche" in html and ": &lt;b&gt;x&lt;/b&gt;</p>" in html
    assert "<p>Not in the catalogue, 100% sure</p>" in html


def test_a_text_template_gets_plain_translated_text(templates):
    with templates.test_request_context("/"):
        assert render_template("note.txt") == "Accueil & Se déconnecter"


def test_pages_are_translated_in_both_languages(client):
    french = client.get("/accessibilite").text
    assert ">Accueil</a>" in french and "Aller au contenu principal" in french
    english = client.get("/accessibilite", headers={"Accept-Language": "en"}).text
    assert ">Home</a>" in english and "Skip to main content" in english


def test_an_imported_template_s_module_is_kept_without_a_lookup_per_global(app, monkeypatch):
    """``{% from ... import ... %}`` takes the imported template's module made once, and asks
    which of the render's globals it lacks by one set operation: Jinja asked the template's
    ``ChainMap`` of globals about each of the application's globals in turn, 65 µs per
    import (five on an event page). A global the imported template lacks still reaches it."""
    import collections

    app.jinja_env.loader = DictLoader({
        "macros.html": "{% macro shout() %}{{ greeting }}{{ extra }}{% endmacro %}",
        "page.html": '{% from "macros.html" import shout %}{{ shout() }}'})
    app.jinja_env.globals["greeting"] = "Bonjour"
    asked = []
    real = collections.ChainMap.__contains__
    monkeypatch.setattr(collections.ChainMap, "__contains__",
                        lambda self, key: asked.append(key) or real(self, key))
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("macros.html")
        page = app.jinja_env.get_template("page.html")
        assert page.render() == "Bonjour"
        module = macros._get_default_module(page.new_context())
        assert asked == []
        assert module is macros._get_default_module()  # the one made once
        with_extra = app.jinja_env.get_template("page.html", globals={"extra": " !"})
        assert with_extra.render() == "Bonjour !"
