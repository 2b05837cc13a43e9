"""axe-core on every key page (issue 11): 0 violations of impact serious or critical.

The vendored ``axe.min.js`` (tests/e2e/vendor/axe-core, 4.14.1) is evaluated in the page
through the DevTools protocol (``page.evaluate``): the site's CSP (``script-src 'self'``)
rightly refuses an injected inline ``<script>``, and the page is checked with its real CSP;
``axe.run`` checks the WCAG 2.0/2.1 A and AA
rules. Each page's full result is saved in ``test-artifacts/axe/<page>.json`` and a
per-page summary (violations by impact) is printed (``-s``).
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.e2e.conftest import AXE_JS, write_artifact
from tests.e2e.pages import demo_ids

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

# (name, who is signed in, path template filled from DemoIds)
PAGES = (
    ("home", None, "/"),
    ("needs-board", None, "/needs"),
    ("need-detail", None, "/needs/1"),
    ("need-followed", "citoyen", "/needs/1"),
    ("need-form", "citoyenne", "/needs/new"),
    ("events", None, "/events"),
    ("event", None, "/events/{ids.upcoming_event}"),
    ("registration", "citoyenne", "/events/{ids.upcoming_event}"),
    ("registrations-list", "orga", "/events/{ids.upcoming_event}/registrations"),
    ("teams", "dev", "/events/{ids.live_event}/teams"),
    ("team", "dev", "/teams/{ids.live_team}"),
    ("ideas", "dev", "/events/{ids.live_event}/ideas"),
    ("round", "citoyenne", "/rounds/{ids.live_round}"),
    ("results", None, "/rounds/{ids.closed_round}/results"),
    ("cofunding-form", "orga", "/events/{ids.upcoming_event}/cofunding"),
    ("committee-labels", "comite", "/committee/labels"),
    ("committee-cofunding", "comite", "/aid/applications"),
    ("store", None, "/store"),
    ("store-project", None, "/store/{ids.store_project}"),
    ("project-committee", "comite", "/projects/{ids.store_project}"),
    ("profile", "citoyen", "/profile"),
    ("my-notifications", "citoyen", "/profile/notifications"),
    ("signup", None, "/signup"),
    ("login", None, "/login"),
    ("help", None, "/aide"),
    ("accessibility-statement", None, "/accessibilite"),
)

SUMMARY: dict[str, dict[str, int]] = {}


AXE_SOURCE = AXE_JS.read_text()


def run_axe(page) -> dict:
    page.evaluate(AXE_SOURCE)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)


@pytest.fixture(scope="module")
def ids(live_server):
    return demo_ids(live_server.app)


@pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_or_critical_axe_violation(page_as, ids, name, who, path):
    page = page_as(who)
    response = page.goto(path.format(ids=ids))
    assert response.status == 200, (name, page.url, response.status)
    if name == "registration":  # the page as a participant sees it, with its form
        assert page.locator("main form[action$='register']").count() == 1
    results = run_axe(page)
    write_artifact(f"axe/{name}.json", results)
    by_impact = Counter(v["impact"] for v in results["violations"])
    SUMMARY[name] = dict(by_impact)
    print(f"\naxe {name:<24} {path.format(ids=ids):<28} passes={len(results['passes'])} "
          f"violations={dict(by_impact) or 0}")
    blocking = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5])
                for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, blocking
