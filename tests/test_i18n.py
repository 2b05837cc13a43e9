"""French first, English on request: locale choice, language switch, catalogue, dates."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, format_datetime, gettext

from inspir_events.accounts.models import Role
from tests.pages import parse

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "inspir_events" / "translations"
FR_PO = CATALOGS / "fr" / "LC_MESSAGES" / "messages.po"
POT = CATALOGS / "messages.pot"

PUBLIC_PAGES = ("/", "/login", "/signup")
FRENCH = {
    "/": ["Aller au contenu principal", "Des innovations numériques imaginées", "Se connecter",
          "Créer un compte", "Menu principal", "Quatre étapes"],
    "/login": ["Se connecter", "Adresse électronique", "Mot de passe",
               "Rester connecté sur cet appareil", "Pas encore de compte"],
    "/signup": ["Créer un compte", "Nom affiché", "Confirmation du mot de passe",
                "Créer mon compte"],
}
ENGLISH = {
    "/": ["Skip to main content", "Digital innovations imagined by and for the inhabitants",
          "Sign in", "Create an account", "Main menu", "Four steps"],
    "/login": ["Sign in", "Email address", "Password", "Stay signed in on this device",
               "No account yet?"],
    "/signup": ["Create an account", "Display name", "Password again", "Create my account"],
}


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def html_lang(response) -> str:
    return parse(response.get_data(as_text=True)).find("html").get("lang")


def load_po(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def translated_pairs() -> list[tuple[str, str]]:
    """(msgid, French) for singular messages whose French differs from the English."""
    return [(m.id, m.string) for m in load_po(FR_PO)
            if m.id and isinstance(m.id, str) and m.string and m.string != m.id]


UNTRANSLATED = re.compile(r'<(\w+)[^>]*\btranslate="no"[^>]*>.*?</\1>', re.DOTALL)


def leftover_strings(client, path: str, language: str) -> tuple[int, list[str], str]:
    """Fetch ``path`` in ``language`` ("fr" or "en"): (status, the other language's strings it
    shows, its text). Only strings of 8 characters or more count (short ones are ambiguous);
    proper names marked ``translate="no"`` (an intercommunality's, "CC du Territoire Nord
    Picardie") are no leftover."""
    response = client.get(path, headers={"Accept-Language": "en"} if language == "en" else {})
    text = html.unescape(UNTRANSLATED.sub("", response.get_data(as_text=True)))
    pairs = translated_pairs()
    other = [fr for _, fr in pairs] if language == "en" else [msgid for msgid, _ in pairs]
    return response.status_code, [s for s in other if len(s) >= 8 and s in text], text


# --- Choosing the language ---

@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_french_by_default(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert html_lang(response) == "fr"
    text = page_text(response)
    for expected in FRENCH[path]:
        assert expected in text, f"{path}: {expected!r} missing"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_english_left_on_french_pages(client, path):
    text = page_text(client.get(path))
    leaked = [msgid for msgid, _ in translated_pairs() if len(msgid) >= 8 and msgid in text]
    assert not leaked, f"{path} shows untranslated strings: {leaked}"


@pytest.mark.parametrize("header", ["de-DE,de;q=0.9", "es", "fr-FR,fr;q=0.9,en;q=0.8"])
def test_french_for_other_or_french_browsers(client, header):
    response = client.get("/", headers={"Accept-Language": header})
    assert html_lang(response) == "fr"
    assert "Se connecter" in page_text(response)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_english_from_accept_language_shows_the_msgids(client, path):
    response = client.get(path, headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert response.status_code == 200
    assert html_lang(response) == "en"
    text = page_text(response)
    for expected in ENGLISH[path]:
        assert expected in text, f"{path}: {expected!r} missing"
    leaked = [fr for _, fr in translated_pairs() if len(fr) >= 8 and fr in text]
    assert not leaked, f"{path} in English shows French strings: {leaked}"


def test_signed_in_users_saved_language_applies(client, make_user, login, db):
    user = make_user()
    user.locale = "en"
    db.session.commit()
    login(user)
    assert html_lang(client.get("/")) == "en"
    # The switch (cookie) overrides the saved choice.
    client.post_form("/language", {"lang": "fr", "next": "/"})
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "fr"


def test_outside_a_request_the_default_language_is_used(app):
    with app.app_context():
        assert gettext("Sign in") == "Se connecter"


# --- The language switch ---

def test_switch_is_on_every_page_and_returns_to_it(client):
    doc = parse(client.get("/signup?from=home").get_data(as_text=True))
    form = doc.find("form", action="/language")
    assert form is not None and form.get("method") == "post"
    assert form.find("input", name="csrf_token") is not None
    assert form.find("input", name="next").get("value") == "/signup?from=home"
    assert {b.get("value") for b in form.find_all("button", name="lang")} == {"fr", "en"}
    current = form.find("button", value="fr")
    assert current.get("aria-pressed") == "true"


def test_switch_sets_a_cookie_and_the_language_sticks(client):
    response = client.post_form("/language", {"lang": "en", "next": "/login?next=%2Fprofile"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fprofile"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert cookie.startswith("lang=en;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    # Later pages stay in English even when the browser prefers French.
    for path in PUBLIC_PAGES:
        page = client.get(path, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        assert html_lang(page) == "en", path
        assert "Sign in" in page_text(page)
    # And back to French.
    client.post_form("/language", {"lang": "fr", "next": "/"})
    page = client.get("/", headers={"Accept-Language": "en"})
    assert html_lang(page) == "fr"
    assert "Se connecter" in page_text(page)


def test_switch_requires_the_csrf_token(client):
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 400
    assert not any(c.startswith("lang=") for c in response.headers.getlist("Set-Cookie"))
    assert html_lang(client.get("/")) == "fr"


def test_switch_ignores_unknown_languages(client):
    response = client.post_form("/language", {"lang": "de", "next": "/login"})
    assert response.status_code == 302
    assert not any(c.startswith("lang=") for c in response.headers.getlist("Set-Cookie"))
    assert html_lang(client.get("/")) == "fr"


def test_a_forged_language_cookie_is_ignored(client):
    client.set_cookie("lang", "xx")
    assert html_lang(client.get("/")) == "fr"
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "en"


@pytest.mark.parametrize("target", [
    "http://evil.example", "https://evil.example/login", "//evil.example", "//evil.example/x",
    "/\\evil.example", "javascript:alert(1)", "evil.example", "",
])
def test_switch_never_redirects_off_site(client, target):
    response = client.post_form("/language", {"lang": "en", "next": target})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost")
    assert location.path == "/"


# --- Form errors and messages in French ---

def test_signup_errors_are_in_french(client):
    response = client.post_form("/signup", {
        "email": "pas-une-adresse", "display_name": "", "password": "court",
        "password_confirm": "court",
    }, token_from="/signup")
    assert response.status_code == 422
    text = page_text(response)
    for expected in [
        "Veuillez corriger les points suivants\u00a0:",
        "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
        "Saisissez le nom que les autres personnes verront.",
        "Votre mot de passe doit comporter entre 12 et 128 caractères.",
        "Adresse électronique\u00a0: Saisissez une adresse électronique valide",
    ]:
        assert expected in text, expected
    for english in ("Enter a valid email address", "Please correct", "must have between"):
        assert english not in text


def test_signup_errors_in_english_for_english_readers(client):
    response = client.post_form("/signup", {
        "email": "not-an-address", "display_name": "Sam", "password": "short",
        "password_confirm": "short",
    }, token_from="/signup", headers={"Accept-Language": "en"})
    text = page_text(response)
    assert "Enter a valid email address, like nom@exemple.fr." in text
    assert "Your password must have between 12 and 128 characters." in text
    assert "Email address: Enter a valid email address" in text


def test_a_taken_address_gets_the_new_sign_ups_french_answer(client, make_user):
    # Issue 17: no account enumeration; the owner is e-mailed instead (tests/accounts).
    make_user(email="pris@example.org")
    response = client.post_form("/signup", {
        "email": "PRIS@example.org", "display_name": "Autre", "password": "x" * 12,
        "password_confirm": "x" * 12,
    }, token_from="/signup", follow_redirects=True)
    text = page_text(response)
    assert "Consultez votre messagerie" in text
    assert "Nous avons envoyé un message à PRIS@example.org." in text


def test_built_in_validator_messages_are_in_french(client, make_user, login):
    login(make_user())
    response = client.post_form("/profile", {"display_name": "Camille", "department": "99"},
                                token_from="/profile")
    assert response.status_code == 422
    assert "pas un choix valide" in page_text(response)


def test_sign_in_prompt_and_flash_messages_are_in_french(client, make_user, login):
    page = client.get("/profile", follow_redirects=True)
    assert "Veuillez vous connecter pour accéder à cette page." in page_text(page)
    user = make_user(display_name="Camille")
    login(user)
    assert "Vous êtes connecté." in page_text(client.get("/"))


def test_role_labels_follow_the_language(client, make_user, login):
    login(make_user(roles=(Role.ADMIN,)))
    french = page_text(client.get("/admin/users"))
    assert "Organisateur" in french and "Membre du comité" in french
    english = page_text(client.get("/admin/users", headers={"Accept-Language": "en"}))
    assert "Organiser" in english and "Committee member" in english
    assert "Organisateur" not in english


# --- The catalogue is complete ---

# The same command as `make extract-messages` (keep the two in step).
EXTRACT = ["extract", "--no-location", "--sort-by-file", "-F", "config/babel.cfg",
           "-k", "_l", "-k", "N_"]
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([a-zA-Z%])")


@pytest.fixture(scope="module")
def fresh_catalog(tmp_path_factory):
    """The messages in the code and templates today, extracted as the Makefile does."""
    output = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *EXTRACT, "-o", str(output),
         "inspir_events", "templates"],
        cwd=ROOT, check=True, capture_output=True,
    )
    return load_po(output)


def keys(catalog) -> set:
    return {(m.context, m.id) for m in catalog if m.id}


def describe(missing) -> str:
    return "\n  ".join(repr(msgid) for _, msgid in sorted(missing, key=str))


def test_committed_template_matches_the_code(fresh_catalog):
    fresh, committed = keys(fresh_catalog), keys(load_po(POT))
    assert fresh, "extraction found no message"
    assert fresh == committed, (
        "messages.pot is stale; run `make update-messages` and translate."
        f"\nIn the code but not in messages.pot:\n  {describe(fresh - committed)}"
        f"\nIn messages.pot but no longer in the code:\n  {describe(committed - fresh)}"
    )


def test_every_message_has_a_french_translation(fresh_catalog):
    french = {(m.context, m.id): m for m in load_po(FR_PO) if m.id}
    missing, fuzzy, empty = [], [], []
    for key in keys(fresh_catalog):
        message = french.get(key)
        strings = message and (message.string if isinstance(message.string, tuple)
                               else (message.string,))
        if message is None:
            missing.append(key)
        elif message.fuzzy:
            fuzzy.append(key)
        elif not all(s and s.strip() for s in strings):
            empty.append(key)
    assert not (missing or fuzzy or empty), (
        "run `make update-messages`, then translate in fr/LC_MESSAGES/messages.po:"
        f"\nNot in the French catalogue:\n  {describe(missing)}"
        f"\nFuzzy:\n  {describe(fuzzy)}\nEmpty:\n  {describe(empty)}"
    )


def test_no_fuzzy_entry_in_the_french_catalogue():
    fuzzy = [m.id for m in load_po(FR_PO) if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries (review, then remove the flag): {fuzzy}"


def placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(PLACEHOLDER.findall(text))


def test_translations_keep_the_placeholders():
    wrong = []
    for message in load_po(FR_PO):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if placeholders(string) != placeholders(ids[-1]):
                wrong.append((ids[0], string))
    assert not wrong, "placeholders differ:\n" + "\n".join(f"  {a!r} -> {b!r}" for a, b in wrong)


def test_placeholder_check_sees_a_mismatch():
    assert placeholders("Roles of %(name)s") != placeholders("Rôles de %(nom)s")
    assert placeholders("%(max)d caractères") == placeholders("At most %(max)d characters.")


# --- Dates: Europe/Paris, French formats ---

@pytest.mark.parametrize(("stored_utc", "expected"), [
    (datetime(2026, 7, 14, 10, 0), ["14 juil. 2026", "12:00"]),   # summer: UTC+2
    (datetime(2026, 1, 15, 10, 0), ["15 janv. 2026", "11:00"]),   # winter: UTC+1
])
def test_datetimes_shown_in_paris_time_and_french(app, stored_utc, expected):
    with app.test_request_context("/"):
        shown = format_datetime(stored_utc)
    for part in expected:
        assert part in shown, shown


def test_datetime_formats_in_french(app):
    stored = datetime(2026, 7, 14, 10, 0)
    with app.test_request_context("/"):
        assert format_datetime(stored, "short") == "14/07/2026 12:00"
        assert format_datetime(stored, "long").startswith("14 juillet 2026")
        assert format_date(stored, "full") == "mardi 14 juillet 2026"


def test_dates_change_day_at_paris_midnight(app):
    late_evening_utc = datetime(2026, 7, 14, 23, 30)
    with app.test_request_context("/"):
        assert format_date(late_evening_utc, "short") == "15/07/2026"


def test_english_readers_get_english_formats_in_paris_time(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        shown = format_datetime(datetime(2026, 7, 14, 10, 0))
    assert shown.startswith("Jul 14, 2026") and "12:00" in shown


def test_a_signed_in_users_choice_is_saved_on_the_account(app, client, db, make_user, login):
    from inspir_events.accounts.models import User

    user = make_user()
    login(user)
    client.post_form("/language", {"lang": "en", "next": "/"})
    assert db.session.get(User, user.id).locale == "en"
    # another browser, no cookie: the account's language applies after log-in
    other = app.test_client()
    login(user, on=other)
    assert '<html lang="en">' in other.get("/").get_data(as_text=True)


def test_templates_translate_in_a_forced_language_then_in_the_page_s_again(app):
    # Templates find the request's translations once per locale (i18n.page_translations);
    # a message written in its recipient's language (force_locale) inside a French page
    # is in that language, and the page's strings are French again after it.
    template = app.jinja_env.from_string("{{ _('Sign in') }}")
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert template.render() == "Se connecter"
        with force_locale("en"):
            assert template.render() == "Sign in"
            with force_locale("fr"):
                assert template.render() == "Se connecter"
            assert template.render() == "Sign in"
        assert template.render() == "Se connecter"


def test_the_page_s_language_is_chosen_once_per_request(app, monkeypatch):
    """i18n.current_language (asked for each name and card of a board page) reads the
    locale Flask-Babel chose for the request: chosen once, forced ones included."""
    from inspir_events import i18n

    asked = []
    real = i18n.get_locale
    monkeypatch.setattr(i18n, "get_locale", lambda: asked.append(1) or real())
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert [i18n.current_language() for _ in range(50)] == ["en"] * 50
        with force_locale("fr"):
            assert i18n.current_language() == "fr"
        assert i18n.current_language() == "en"
    assert len(asked) == 1


def test_a_moment_is_formatted_once_for_its_format_language_and_time_zone(app):
    """The templates' date filters (i18n.install_date_filters) give Flask-Babel's text, in
    the page's language and Paris time, each moment formatted once for what it shows."""
    from datetime import datetime

    import flask_babel

    moment = datetime(2026, 12, 31, 23, 30)  # naive UTC: 1 January 2027 in Paris
    template = app.jinja_env.from_string(
        "{{ m | dateformat('full') }} {{ m | timeformat('short') }} {{ m | datetimeformat }}")
    dateformat = app.jinja_env.filters["dateformat"]
    dateformat.formatted.cache_clear()
    texts = {}
    for language in ("fr", "en", "fr", "en"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            texts.setdefault(language, template.render(m=moment))
            assert template.render(m=moment) == texts[language]
            expected = " ".join((flask_babel.format_date(moment, "full"),
                                 flask_babel.format_time(moment, "short"),
                                 flask_babel.format_datetime(moment)))
            assert texts[language] == expected
    assert texts["fr"].startswith("vendredi 1 janvier 2027 00:30")
    assert texts["en"].startswith("Friday, January 1, 2027 12:30")
    assert dateformat.formatted.cache_info().misses == 2  # once per language


def test_label_tables_are_translated_once_per_language(app):
    """i18n.translated_labels: a module's tables of lazy labels, in the page's language,
    translated once per language (the same dict again), each language its own."""
    from inspir_events.events.forms import LABELS
    from inspir_events.events.rules import EventKind
    from inspir_events.i18n import translated_labels

    seen = {}
    for language in ("fr", "en", "fr", "en"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            labels = translated_labels(LABELS)
            assert labels is seen.setdefault(language, labels)
            assert set(labels) == set(LABELS)
            assert labels["kind_labels"][EventKind.HACKATHON] == str(
                LABELS["kind_labels"][EventKind.HACKATHON])
    assert seen["fr"]["kind_labels"] != seen["en"]["kind_labels"]
