"""Limits on what an anonymous request may cost (issue 18, 1.4 and 1.5): request bodies over
MAX_CONTENT_LENGTH are refused (413, French and English) before they are read, and costly
reads (searches, exports, feeds, the API) share a per-visitor limit answered 429 with
Retry-After and the X-RateLimit headers (off in the other tests: READ_LIMIT is empty in
the testing settings)."""

from __future__ import annotations

import io

import pytest

import config

EN = {"Accept-Language": "en"}
COSTLY = ("/needs?q=bus", "/needs.csv", "/needs.json", "/events?q=atelier", "/events.ics",
          "/store?q=navette", "/statistics", "/open-data", "/events.csv", "/store.json",
          "/aid/open-data/subventions.csv", "/api/v1/needs?q=bus", "/api/v1/events",
          "/api/v1/store", "/api/v1/statistics")


# ---- request bodies ------------------------------------------------------------------------

class Body(io.RawIOBase):
    """A request body of ``size`` bytes that counts what the server reads of it."""

    def __init__(self, size: int):
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = offset if whence == io.SEEK_SET else self.size + offset
        return self.position

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self.position)
        buffer[:count] = b"a" * count
        self.position += count
        self.read_bytes += count
        return count


@pytest.mark.parametrize(("headers", "words"), [
    ({}, ("Envoi trop volumineux", "au plus 16 Mo")),
    (EN, ("Too large", "at most 16 MB")),
])
def test_a_huge_anonymous_post_is_refused_unread(client, headers, words):
    body = Body(200 * 1024 * 1024)
    response = client.post("/login", input_stream=body, content_length=body.size,
                           content_type="application/x-www-form-urlencoded", headers=headers)
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    for word in words:
        assert word in text
    assert body.read_bytes == 0


def test_a_body_under_the_limit_is_read(client):
    body = "email=a%40example.org&password=" + "x" * 1024 * 1024
    response = client.post("/login", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400  # read and parsed: only the CSRF token is missing


def test_the_limit_is_a_setting_with_room_for_10_mb_documents():
    assert config.Base.MAX_CONTENT_LENGTH == 16 * 1024 * 1024
    settings = config.load("production", environ={"MAX_CONTENT_LENGTH": "31457280",
                                                  "SECRET_KEY": "x" * 40})
    assert settings.MAX_CONTENT_LENGTH == 30 * 1024 * 1024


# ---- costly reads ----------------------------------------------------------------------------

@pytest.fixture
def read_limit(app):
    """The production setting's counts, turned on for this test, over windows a loaded
    machine cannot slide out of while the test runs ("20 per second" becomes "20 per
    hour": the same 21st request is refused, whatever the time the requests take)."""
    assert config.Base.READ_LIMIT == "20 per second;600 per minute"
    app.config["READ_LIMIT"] = "20 per hour;600 per day"
    return app


def test_a_burst_of_costly_reads_is_answered_429(read_limit, client):
    answers = [client.get(COSTLY[n % len(COSTLY)]) for n in range(250)]
    statuses = [r.status_code for r in answers]
    assert statuses[:20] == [200] * 20  # a person's use is far below
    assert statuses.count(429) >= 200
    refused = next(r for r in answers if r.status_code == 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600  # the window's end
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert name in refused.headers, name
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    served = answers[0]
    assert served.headers["X-RateLimit-Limit"] == "20"
    assert int(served.headers["X-RateLimit-Remaining"]) == 19


def test_the_429_page_says_why_in_french_and_the_api_answers_json(read_limit, client):
    for _ in range(20):
        client.get("/needs?q=bus")
    page = client.get("/needs?q=velo")
    assert page.status_code == 429
    assert "Vous consultez ou téléchargez plus vite qu’une personne" in page.get_data(
        as_text=True)
    api = client.get("/api/v1/needs", headers=EN)
    assert api.status_code == 429
    error = api.get_json()["error"]
    assert error["code"] == "too_many_requests" and error["retry_after"] >= 1
    assert "faster than a person would" in error["message"]


def test_reads_are_counted_per_visitor(read_limit, app, client, login, make_user):
    for _ in range(20):
        client.get("/needs.csv")
    assert client.get("/needs.csv").status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.8"
    assert other.get("/needs.csv").status_code == 200
    # Signed in, a person at the same address has a count of their own.
    neighbour = app.test_client()
    login(make_user(), on=neighbour)
    assert neighbour.get("/needs.csv").status_code == 200


def test_pages_that_cost_little_are_not_counted(read_limit, client):
    for _ in range(25):
        assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200
