"""Templates' ``url_for``: each site-relative URL built once per process
(inspir_events/urls.py)."""

from __future__ import annotations

import flask
import pytest

from inspir_events import urls
from inspir_events.urls import remembered_external_url_for, remembered_url_for


def _counted(monkeypatch) -> list[str]:
    built = []
    real = urls.url_for

    def counting(endpoint, **values):
        built.append(endpoint)
        return real(endpoint, **values)

    monkeypatch.setattr(urls, "url_for", counting)
    return built


def test_a_url_is_built_once_then_remembered_across_requests(app, monkeypatch):
    built = _counted(monkeypatch)
    for _ in range(3):
        with app.test_request_context("/"):
            assert remembered_url_for("needs.territory", code="80") == \
                flask.url_for("needs.territory", code="80")
            assert remembered_url_for("main.index") == "/"
    assert built.count("needs.territory") == 1 and built.count("main.index") == 1
    with app.test_request_context("/"):
        assert remembered_url_for("needs.territory", code="59").endswith("/59")


def test_the_application_root_is_part_of_the_url(app):
    with app.test_request_context("/"):
        assert remembered_url_for("main.accessibility") == "/accessibilite"
    with app.test_request_context("/", base_url="http://localhost/inspir/"):
        assert remembered_url_for("main.accessibility") == "/inspir/accessibilite"
    with app.test_request_context("/"):
        assert remembered_url_for("main.accessibility") == "/accessibilite"


def test_external_urls_follow_each_request_host(app, monkeypatch):
    built = _counted(monkeypatch)
    for host in ("a.example.org", "b.example.org"):
        with app.test_request_context("/", base_url=f"https://{host}"):
            assert remembered_url_for("main.index", _external=True) == f"https://{host}/"
    assert built == ["main.index", "main.index"]


def test_pages_show_the_same_links_signed_in_and_out(client):
    page = client.get("/accessibilite").text
    again = client.get("/accessibilite").text
    assert page == again and 'href="/needs"' in page


@pytest.mark.parametrize(("base_url", "server_name"), [
    ("http://localhost/", None), ("https://a.example.org/", None),
    ("https://b.example.org/inspir/", None), ("http://127.0.0.1:5000/", "inspir.example.org"),
])
def test_an_external_url_is_url_for_s_on_every_host_and_root(app, base_url, server_name):
    app.config["SERVER_NAME"] = server_name
    for endpoint, values in (("needs.detail", {"need_id": 7}), ("main.index", {}),
                             ("api.needs", {"page": 2})):
        with app.test_request_context("/", base_url=base_url):
            assert remembered_external_url_for(endpoint, **values) == \
                flask.url_for(endpoint, _external=True, **values)


def test_an_external_url_follows_each_request_host_once_remembered(app, monkeypatch):
    built = _counted(monkeypatch)
    for host in ("a.example.org", "b.example.org", "a.example.org"):
        with app.test_request_context("/", base_url=f"https://{host}"):
            for need_id in (1, 2, 3):
                assert remembered_external_url_for("needs.detail", need_id=need_id) == \
                    f"https://{host}/needs/{need_id}"
    assert built.count("needs.detail") == 3  # each need's path once, then remembered


def test_a_link_to_a_section_is_remembered_with_its_anchor_as_url_for_writes_it(
        app, monkeypatch):
    """A help link (``_anchor``: a guide's section) is built once like any other link, its
    anchor added as Flask's ``url_for`` adds it (quoted the same way)."""
    built = _counted(monkeypatch)
    for _ in range(3):
        for anchor in ("vote", "été à l'école", "a b#c"):
            with app.test_request_context("/"):
                assert remembered_url_for("main.help_guide", guide="participant",
                                          _anchor=anchor) == \
                    flask.url_for("main.help_guide", guide="participant", _anchor=anchor)
    assert built.count("main.help_guide") == 1, built
    with app.test_request_context("/", base_url="https://b.example.org"):
        assert remembered_url_for("main.help_guide", guide="participant", _anchor="vote",
                                  _external=True) == \
            "https://b.example.org/aide/participant#vote"
