"""The accessible base layout (RGAA 4.1): language, skip link, landmarks, labels,
errors tied to their fields, visible focus, contrast, and no asset outside static/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inspir_events.accounts.models import Role
from tests.pages import parse

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "main.css"

# Every kind of page the base layout wraps: public, form, signed-in, admin, error.
PAGES = {
    "/": 200,
    "/login": 200,
    "/signup": 200,
    "/profile": 200,
    "/admin/users": 200,
    "/no-such-page": 404,
}
LABELLED_TAGS = ("input", "select", "textarea")
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


@pytest.fixture(params=list(PAGES))
def page(request, client, make_user, login):
    """(path, parsed document) for each page, signed in as an admin where needed."""
    path = request.param
    if path in ("/profile", "/admin/users"):
        make_user(email="someone@example.org", display_name="Someone")
        login(make_user(roles=(Role.ADMIN,)))
    response = client.get(path)
    assert response.status_code == PAGES[path]
    return path, parse(response.get_data(as_text=True))


def test_page_declares_its_language(page):
    path, doc = page
    assert doc.find("html").get("lang") == "fr", path


def test_skip_link_comes_first_and_reaches_main(page):
    path, doc = page
    body = doc.find("body")
    first_focusable = next(e for e in body.iter() if e.tag in ("a", "button", "input", "select"))
    assert "skip-link" in (first_focusable.get("class") or ""), path
    href = first_focusable.get("href") or ""
    assert href.startswith("#"), path
    target = doc.by_id(href[1:])
    assert target is not None, f"{path}: skip link target {href} is missing"
    assert target.tag == "main"
    assert first_focusable.text == "Aller au contenu principal"


def test_landmarks(page):
    path, doc = page
    banners = doc.find_all("header", role="banner")
    assert len(banners) == 1, path
    navs = doc.find_all("nav")
    assert navs, path
    for nav in navs:
        assert (nav.get("aria-label") or "").strip(), f"{path}: {nav} has no aria-label"
    mains = doc.find_all("main")
    assert len(mains) == 1 and mains[0].get("id") == "main", path
    assert not any(a.tag in ("header", "footer", "nav") for a in mains[0].ancestors), path
    assert len(doc.find_all("footer", role="contentinfo")) == 1, path
    assert len(doc.find_all("h1")) == 1, f"{path}: one h1 per page"
    assert (doc.find("title").text or "").strip(), path


def test_ids_are_unique(page):
    path, doc = page
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{path}: duplicate ids {duplicates}"


def test_every_field_has_a_label(page):
    path, doc = page
    labels = {label.get("for"): label for label in doc.find_all("label") if label.get("for")}
    fields = [e for e in doc.iter() if e.tag in LABELLED_TAGS
              and (e.get("type") or "text") not in UNLABELLED_INPUT_TYPES]
    for field in fields:
        label = labels.get(field.get("id"))
        if label is not None:
            assert label.text, f"{path}: empty label for {field}"
            continue
        # A box in a checkbox list may be named by the list's fieldset legend instead.
        fieldset = next((a for a in field.ancestors if a.tag == "fieldset"), None)
        assert field.get("type") in ("checkbox", "radio") and fieldset is not None \
            and fieldset.find("legend") is not None and fieldset.find("legend").text, \
            f"{path}: {field} has no label"


def test_controls_have_names(page):
    path, doc = page
    for control in doc.find_all("button") + doc.find_all("a"):
        name = control.text or control.get("aria-label") or ""
        assert name.strip(), f"{path}: {control} has no accessible name"
    for img in doc.find_all("img"):
        assert img.get("alt") is not None, f"{path}: {img} has no alt"


def test_assets_are_served_from_static(page):
    path, doc = page
    urls = [e.get("src") for e in doc.find_all("script", src=True)]
    urls += [e.get("href") for e in doc.find_all("link", href=True)]
    urls += [e.get("src") for e in doc.find_all("img")]
    assert urls, path
    for url in urls:
        assert url.startswith("/static/"), f"{path}: {url} is not a local static asset"


def test_nothing_inline_for_the_csp(page):
    path, doc = page
    for script in doc.find_all("script"):
        assert script.get("src"), f"{path}: inline <script>"
    assert not doc.find_all("style"), f"{path}: inline <style>"
    for element in doc.iter():
        assert "style" not in element.attrs, f"{path}: style= on {element}"
        handlers = [a for a in element.attrs if a.startswith("on")]
        assert not handlers, f"{path}: event handler attributes {handlers} on {element}"


def _field_errors(doc, field_id: str) -> str:
    """The text of the elements ``field_id`` points at with aria-describedby."""
    field = doc.by_id(field_id)
    assert field is not None, field_id
    described = (field.get("aria-describedby") or "").split()
    assert described, f"{field_id} has no aria-describedby"
    texts = []
    for target_id in described:
        target = doc.by_id(target_id)
        assert target is not None, f"{field_id} points at missing #{target_id}"
        texts.append(target.text)
    return " ".join(texts)


def test_failed_signup_ties_each_error_to_its_field(client):
    response = client.post_form("/signup", {
        "email": "not-an-address",
        "display_name": "Camille",
        "password": "short",
        "password_confirm": "different",
    }, token_from="/signup")
    assert response.status_code == 422
    doc = parse(response.get_data(as_text=True))
    expected = {
        "email": "adresse électronique valide",
        "password": "entre 12 et 128 caractères",
        "password_confirm": "ne sont pas identiques",
    }
    for field_id, error in expected.items():
        assert doc.by_id(field_id).get("aria-invalid") == "true", field_id
        assert error in _field_errors(doc, field_id), field_id
    assert doc.by_id("display_name").get("aria-invalid") is None
    # The summary links to each field in error.
    summary = doc.find("div", class_="error-summary")
    assert summary is not None and summary.get("role") == "alert"
    targets = {a.get("href") for a in summary.find_all("a")}
    assert targets == {f"#{field_id}" for field_id in expected}
    # What was typed is kept, except the passwords.
    assert doc.by_id("email").get("value") == "not-an-address"
    assert doc.by_id("display_name").get("value") == "Camille"
    assert not doc.by_id("password").get("value")


def test_failed_profile_ties_errors_to_select_and_checkboxes(client, make_user, login):
    login(make_user())
    response = client.post_form("/profile", {
        "display_name": "Camille", "department": "99", "skills": ["no-such-skill"], "bio": "",
    }, token_from="/profile")
    assert response.status_code == 422
    doc = parse(response.get_data(as_text=True))
    assert doc.by_id("department").get("aria-invalid") == "true"
    assert "choix valide" in _field_errors(doc, "department")
    boxes = doc.by_id("skills").find_all("input", type="checkbox")
    assert boxes
    for box in boxes:
        assert box.get("aria-invalid") == "true"
        assert "choix valide" in _field_errors(doc, box.get("id"))


# --- Stylesheet: visible focus and contrast (WCAG 2.1 AA, RGAA 3.2 and 10.7) ---

def _css_variables() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", CSS.read_text(encoding="utf-8"), re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# (text colour, background) pairs the stylesheet uses for text.
TEXT_PAIRS = [
    ("ink", "paper"), ("ink", "wash"), ("muted", "paper"), ("muted", "wash"),
    ("brand", "paper"), ("brand", "wash"), ("brand", "info-soft"), ("brand-dark", "paper"),
    ("accent", "paper"), ("accent", "wash"), ("error", "paper"), ("error", "error-soft"),
    ("ink", "error-soft"), ("ink", "ok-soft"), ("ink", "info-soft"),
]


def test_text_colours_have_sufficient_contrast():
    colours = _css_variables()
    colours["white"] = "#ffffff"
    for text, background in TEXT_PAIRS + [("white", "brand"), ("white", "brand-dark")]:
        ratio = _contrast(colours[text], colours[background])
        assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}:1"


def test_focus_is_visible_on_every_background():
    css = CSS.read_text(encoding="utf-8")
    assert re.search(r":focus-visible\s*{[^}]*outline:\s*3px solid var\(--focus\)", css)
    assert not re.search(r"(?<!main):focus(-visible)?\s*{[^}]*outline:\s*(none|0)", css), \
        "only main (reached by the skip link) may hide its focus ring"
    colours = _css_variables()
    for background in ("paper", "wash", "brand-dark", "error-soft"):
        ratio = _contrast(colours["focus"], colours[background])
        assert ratio >= 3, f"focus ring on {background}: {ratio:.2f}:1"
