"""Browser tests (issue 11): the platform served for real, driven by Debian's Chromium.

``live_server`` migrates a temporary SQLite database (the session's migrated template),
seeds the demo story (``inspir_events.demo.seed``) and serves it with ``python wsgi.py``
(gevent + Flask-SocketIO, as ``make run`` does) on a loopback port, its origin the only
allowed one. Playwright's sync API launches ``/usr/bin/chromium`` (never a downloaded
browser); each role gets its own browser context (``new_context``). Without Chromium or
Playwright the tests are skipped locally and fail under ``CI=true``.

On a failure, every open page is saved as a full-page screenshot in
``test-artifacts/screenshots/<test>-<n>.png``; axe results go to ``test-artifacts/axe/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from inspir_events import demo
from inspir_events.app import create_app
from inspir_events.extensions import db as _db
from tests.conftest import service_missing, testing_config
from tests.test_serve import ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = demo.DEMO_PASSWORD
# Every Playwright wait is bounded; generous, as the machine may be shared with other jobs.
TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 30_000


def demo_email(local: str) -> str:
    return f"{local}@{demo.DEMO_DOMAIN}"


@pytest.fixture(scope="session")
def live_server(sqlite_template, tmp_path_factory):
    """The demo served by ``python wsgi.py`` (gevent) on a free loopback port."""
    from tests.voting.test_live_server import Server

    folder = tmp_path_factory.mktemp("e2e")
    path = folder / "inspir.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = create_app(testing_config(url))
    with app.app_context():
        assert demo.seed()
        _db.session.remove()
        _db.engine.dispose()  # the server owns the database now
    server = Server(folder, "e2e", DATABASE_URL=url)  # rate limits left on
    server.app = app  # the test process's view of the same database
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, launched once per run."""
    if not Path(CHROMIUM).exists():
        service_missing("Chromium", f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        service_missing("Playwright", str(exc))
    manager = sync_playwright().start()
    try:
        try:
            chromium = manager.chromium.launch(executable_path=CHROMIUM, headless=True,
                                               args=CHROMIUM_ARGS)
        except Error as exc:
            service_missing("Chromium", str(exc).splitlines()[0])
        yield chromium
        chromium.close()
    finally:
        manager.stop()


@pytest.fixture
def contexts(browser, live_server, request):
    """``new(role)``: a fresh browser context (its own cookies) on the live server."""
    made = []

    def new(locale: str = "fr-FR", **options):
        context = browser.new_context(base_url=live_server.base.rstrip("/"), locale=locale,
                                      **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        made.append(context)
        return context

    request.node.e2e_contexts = made
    yield new
    for context in made:
        context.close()


@pytest.fixture
def page_as(contexts):
    """``page_as("comite")``: a page in a new context, signed in as a demo account
    (or anonymous with ``None``)."""

    def open_page(local: str | None, **options):
        page = contexts(**options).new_page()
        if local:
            log_in(page, demo_email(local), DEMO_PASSWORD)
        return page

    return open_page


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/login" not in page.url, f"log-in failed for {email}: {page.url}"


def artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::")[-1])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, a full-page screenshot of every open page of the test."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for context in getattr(item, "e2e_contexts", []):
        for page in context.pages:
            n += 1
            target = folder / f"{artifact_name(item.nodeid)}-{n}.png"
            try:
                page.screenshot(path=str(target), full_page=True, timeout=5_000)
            except Exception as exc:  # noqa: BLE001 - a closed page must not hide the failure
                report.sections.append(("screenshot", f"{target}: {exc}"))
            else:
                report.sections.append(("screenshot", f"saved {target} ({page.url})"))


def write_artifact(relative: str, data) -> Path:
    target = ARTIFACTS / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return target
