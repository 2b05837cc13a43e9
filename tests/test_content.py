"""Content safety (issue 10, "Content"): Jinja autoescaping everywhere, ``|safe`` and
``Markup`` only on our own sanitised or escaped HTML, CSV exports safe from formula
injection on every route that makes one, download file names free of user text, and every
``# nosec`` of the static analysis justified.

(The Markdown sanitiser itself is fuzzed in tests/test_markdown.py.)
"""

from __future__ import annotations

import ast
import csv
import inspect
import io
import pathlib
import re

import pytest
from sqlalchemy import select

from inspir_events import demo, markdown
from inspir_events.accounts.models import User
from inspir_events.aid.models import AidGrant
from inspir_events.aid.projects.models import Project
from inspir_events.database import begin_write
from inspir_events.discussions.models import Comment
from inspir_events.events.models import Event, EventOrganiser
from inspir_events.mail import services as mail_services
from inspir_events.needs.models import Need
from inspir_events.teams.models import Team
from inspir_events.voting.models import Idea, VotingRound
from inspir_events.voting.rules import RoundStatus
from tests.pages import parse

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "inspir_events"
TEMPLATES = ROOT / "templates"

# --- autoescaping ----------------------------------------------------------------------

# Every ``|safe`` in the templates, with why it is safe. Each is a column written only
# from ``markdown.render`` (checked by test_html_columns_come_only_from_the_sanitiser).
SAFE_ALLOWLIST = {
    ("aid/projects/detail.html", "project.summary_html"): "Markdown sanitised by nh3",
    ("discussions/_thread.html", "c.content_html"): "Markdown sanitised by nh3",
    ("discussions/_moderation.html", "c.content_html"): "Markdown sanitised by nh3",
    ("aid/projects/detail.html", "project.results_html"): "Markdown sanitised by nh3",
    ("aid/projects/detail.html", "project.lessons_html"): "Markdown sanitised by nh3",
    ("aid/followup/detail.html", "report.narrative_html"): "Markdown sanitised by nh3",
    ("events/detail.html", "event.description_html"): "Markdown sanitised by nh3",
    ("needs/detail.html", "need.description_html"): "Markdown sanitised by nh3",
    ("store/lineage.html", "project.summary_html"): "Markdown sanitised by nh3",
    ("store/lineage.html", "story.lessons_html"): "copy of Project.lessons_html",
    ("store/lineage.html", "story.results_html"): "copy of Project.results_html",
    ("voting/idea.html", "idea.summary_html"): "Markdown sanitised by nh3",
    ("aid/calls/detail.html", "call.text_html"): "Markdown sanitised by nh3",
    ("aid/calls/_macros.html", "application.description_html"): "Markdown sanitised by nh3",
}
# Every ``Markup(...)`` in the package, with why it is safe (each line also holds a
# ``# nosec B704`` for bandit).
MARKUP_ALLOWLIST = {
    "pagecache.py": "caches the output of our own autoescaped templates",
    "needs/routes.py": "the board body: our own autoescaped template",
    "needs/cards.py": "a board's card, kept from our own autoescaped template (the session's "
                      "CSRF token, URL-safe text, written into it)",
    "store/cards.py": "a store card, kept from our own autoescaped template",
    "needs/board_page.py": "the slot of a board's cards (a constant) in its body, kept from "
                           "our own autoescaped template",
    "store/catalogue_page.py": "the store's content, kept from our own autoescaped template, "
                               "its cards (kept from another) in their slot",
    "app.py": "the site's header, kept from our own autoescaped template (the session's CSRF "
              "token, URL-safe text, and the request's address, escape()d, written into it)",
    "stats/charts.py": "SVG built from numbers and escape()d labels",
    "reference/svgmap.py": "the map: shipped outlines, numbers and escape()d names and links",
    "mail/rendering.py": "a message's content, cut from our own autoescaped mail template "
                         "(the daily digest)",
    "search/routes.py": "a result's title and extract, escaped whole by search.rules.highlight "
                        "(only its <mark> added; tests/search shows <script> escaped)",
    "reference/options.py": "the reference lists' <option>s, every value and name escape()d; "
                            "the chosen value escaped before it is looked for (tests/reference/"
                            "test_options.py shows a hostile one neither marked nor echoed)",
}
SANITISED_COLUMNS = {"summary_html", "results_html", "lessons_html", "description_html",
                     "narrative_html", "text_html", "content_html"}
SAFE_RE = re.compile(r"\{\{\s*([^{}|]+?)\s*\|\s*safe\s*\}\}")


def template_names() -> list[str]:
    return sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*")
                  if p.is_file())


# The text bodies of e-mails (templates/mail/*.txt) are plain text, sent as text/plain: HTML
# escaping would show "&amp;" to the reader. They are never part of a page.
PLAIN_TEXT = re.compile(r"^mail/[a-z_]+\.txt$")


def test_every_template_is_rendered_with_autoescape(app):
    names = template_names()
    assert len(names) > 40
    autoescape = app.jinja_env.autoescape
    for name in names:
        if PLAIN_TEXT.match(name):
            assert not autoescape(name), name
            continue
        assert name.endswith(".html"), f"{name}: a template Flask would not autoescape"
        assert (autoescape(name) if callable(autoescape) else autoescape) is True, name


def test_an_email_escapes_its_html_body_and_keeps_its_text_body_as_typed(app, db, make_user):
    user = make_user(display_name='Léa <b>&</b> "Hugo"')
    begin_write()
    message = mail_services.enqueue(user, "account.verify", link="http://localhost/?a=1&b=2",
                                    hours=1)
    db.session.commit()
    assert 'Léa <b>&</b> "Hugo"' in message.body_text
    assert "http://localhost/?a=1&b=2" in message.body_text
    assert "Léa &lt;b&gt;&amp;&lt;/b&gt; &#34;Hugo&#34;" in message.body_html
    assert "<b>&</b>" not in message.body_html


def test_no_template_turns_autoescaping_off():
    for name in template_names():
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert not re.search(r"\{%-?\s*autoescape\s+(false|False)", text), name
        assert "|e(" not in text.replace(" ", "")  # nothing tricks the escape filter


def test_safe_is_used_only_on_sanitised_html():
    found = set()
    for name in template_names():
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        for expression in SAFE_RE.findall(text):
            found.add((name, expression.strip()))
        # A |safe the regex would miss (inside a larger expression) is refused too.
        assert text.count("|safe") + text.count("| safe") == len(SAFE_RE.findall(text)), name
    assert found == set(SAFE_ALLOWLIST), (
        "a |safe not in SAFE_ALLOWLIST (or one removed):", found ^ set(SAFE_ALLOWLIST))
    for _name, expression in found:
        assert expression.rsplit(".", 1)[-1] in SANITISED_COLUMNS


def _sanitised_value(node: ast.AST) -> bool:
    """A value stored in an *_html column: markdown.render(...) / render(...), an empty
    string, another *_html value, or a conditional of those."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name == "render"
    if isinstance(node, ast.Constant):
        return node.value in ("", None)
    if isinstance(node, ast.IfExp):
        return _sanitised_value(node.body) and _sanitised_value(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(_sanitised_value(v) for v in node.values)
    if isinstance(node, ast.Attribute):
        return node.attr in SANITISED_COLUMNS
    return False


def test_html_columns_come_only_from_the_sanitiser():
    writes = 0
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            pairs = []
            if isinstance(node, ast.Assign):
                pairs = [(t.attr, node.value) for t in node.targets
                         if isinstance(t, ast.Attribute) and t.attr in SANITISED_COLUMNS]
            elif isinstance(node, ast.Call):
                pairs = [(k.arg, k.value) for k in node.keywords if k.arg in SANITISED_COLUMNS]
            for column, value in pairs:
                writes += 1
                assert _sanitised_value(value), (
                    f"{path.relative_to(ROOT)}:{node.lineno}: {column} = "
                    f"{ast.get_source_segment(source, value)}")
    assert writes >= 8  # needs, events, ideas, projects (summary, results, lessons), demo


def test_markup_is_built_only_where_allowed():
    found = {}
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Markup":
                relative = path.relative_to(PACKAGE).as_posix()
                found.setdefault(relative, []).append(node.lineno)
                line = source.splitlines()[node.lineno - 1]
                assert "nosec B704" in line, f"{relative}:{node.lineno} without its nosec"
    assert set(found) == set(MARKUP_ALLOWLIST), found


def test_user_text_on_a_page_is_escaped_and_markdown_sanitised(client, db):
    demo.seed()
    need = db.session.scalars(select(Need).order_by(Need.id)).first()
    need.title = '<script>alert("titre")</script>'
    need.description = '<img src=x onerror=alert(1)> [x](javascript:alert(2)) **gras**'
    need.description_html = markdown.render(need.description)
    db.session.commit()
    body = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;titre&#34;)&lt;/script&gt;" in body
    doc = parse(body)
    for script in doc.find_all("script"):
        assert script.get("src", "").startswith("/static/") and not script.text
    assert all(not name.startswith("on") for e in doc.iter() for name in e.attrs)
    assert not doc.find_all("a", href="javascript:alert(2)")
    assert doc.find("strong").text == "gras"


# --- CSV exports ------------------------------------------------------------------------

HOSTILE = ("=HYPERLINK(\"https://evil.example\",\"x\")", "+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")

# Each view that answers with csv_response, and who may download it.
CSV_ENDPOINTS = {
    "needs.export_csv": "visitor",
    "api.events_csv": "visitor",
    "api.store_csv": "visitor",
    "api.comments_csv": "visitor",
    "aid.subventions_csv": "visitor",
    "voting.results_csv": "visitor",
    "events.registrations_csv": "organiser",
    "teams.export_csv": "organiser",
}


def test_every_csv_view_is_in_the_table(app):
    makers = set()
    for endpoint, view in app.view_functions.items():
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if "csv_response" in source or "_csv(" in source.replace("def _csv(", ""):
            makers.add(endpoint)
    assert makers == set(CSV_ENDPOINTS), makers ^ set(CSV_ENDPOINTS)


def _poison(db) -> None:
    """Every text that reaches a CSV export starts like a formula (cycling the prefixes)."""
    n = 0

    def hostile(original: str) -> str:
        nonlocal n
        n += 1
        return HOSTILE[n % len(HOSTILE)] + " " + original[:40]

    for need in db.session.scalars(select(Need)):
        need.title = hostile(need.title)
        need.commune = hostile(need.commune or "")
    for event in db.session.scalars(select(Event)):
        event.title, event.venue_name = hostile(event.title), hostile(event.venue_name)
    for team in db.session.scalars(select(Team)):
        team.name = hostile(team.name)
    for idea in db.session.scalars(select(Idea)):
        idea.title = hostile(idea.title)
    for project in db.session.scalars(select(Project)):
        project.title = hostile(project.title)
    for user in db.session.scalars(select(User)):
        user.display_name = hostile(user.display_name)
    for comment in db.session.scalars(select(Comment)):
        comment.body = hostile(comment.body)
    for grant in db.session.scalars(select(AidGrant)):
        grant.beneficiary_name, grant.purpose = hostile(grant.beneficiary_name), \
            hostile(grant.purpose)
    db.session.commit()


# What a spreadsheet reads as a formula (opendata.py neutralises each).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MARKERS = ("HYPERLINK", "calc'!A0", "SUM(1+9)", "=1+1")


def _check_csv(response, label: str) -> int:
    """No cell of the CSV starts like a formula; returns how many cells hold hostile text
    (defused: an apostrophe first, or, in the SCDL export, the formula sign dropped)."""
    assert response.status_code == 200, label
    assert response.mimetype == "text/csv", label
    cells = [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True),
                                                    newline=""))
             for cell in row]
    dangerous = [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    assert not dangerous, (label, dangerous[:5])
    return sum(1 for c in cells if any(marker in c for marker in MARKERS))


def test_every_csv_export_defuses_formulas(app, client, db, login):
    demo.seed()
    _poison(db)
    defused = {}
    for url, endpoint in (("/needs.csv", "needs.export_csv"), ("/events.csv", "api.events_csv"),
                          ("/store.csv", "api.store_csv"), ("/comments.csv", "api.comments_csv"),
                          ("/aid/open-data/subventions.csv", "aid.subventions_csv")):
        defused[endpoint] = _check_csv(client.get(url), url)
    rounds = db.session.scalars(select(VotingRound).where(
        VotingRound.status == RoundStatus.CLOSED)).all()
    assert rounds
    defused["voting.results_csv"] = sum(
        _check_csv(client.get(f"/rounds/{r.id}/results.csv"), f"round {r.id}") for r in rounds)
    organised = db.session.execute(select(EventOrganiser.event_id, EventOrganiser.user_id)).all()
    assert organised
    registrations = teams = 0
    for event_id, user_id in organised:
        organiser = app.test_client()
        login(db.session.get(User, user_id), password=demo.DEMO_PASSWORD, on=organiser)
        registrations += _check_csv(organiser.get(f"/events/{event_id}/registrations.csv"),
                                    f"registrations {event_id}")
        teams += _check_csv(organiser.get(f"/events/{event_id}/teams.csv"),
                            f"teams {event_id}")
    defused["events.registrations_csv"], defused["teams.export_csv"] = registrations, teams
    # The hostile text reached every export, and was defused there.
    assert set(defused) == set(CSV_ENDPOINTS)
    assert all(count > 0 for count in defused.values()), defused


# --- download file names ----------------------------------------------------------------

SAFE_DISPOSITION = re.compile(r'^(attachment|inline); filename="[A-Za-z0-9][A-Za-z0-9._-]*"$')


def test_download_names_are_plain_and_hold_no_user_text(app, client, db, login):
    demo.seed()
    _poison(db)
    event = db.session.scalars(select(Event).order_by(Event.id)).first()
    responses = [client.get(url) for url in (
        "/needs.csv", "/events.csv", "/store.csv", "/aid/open-data/subventions.csv",
        "/aid/open-data/subventions.csv?year=2016", "/events.ics", f"/events/{event.id}.ics")]
    seen = 0
    for response in responses:
        disposition = response.headers.get("Content-Disposition")
        if disposition is None:
            continue
        seen += 1
        assert SAFE_DISPOSITION.match(disposition), disposition
    assert seen >= 6


def _filename_expressions(tree: ast.AST, source: str):
    """The f-string parts of every file name handed to csv_response or written into a
    Content-Disposition header in one module."""
    for node in ast.walk(tree):
        candidates = []
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"csv_response",
                                                                           "_csv", "_ics"}:
            candidates = node.args[-1:]
        if isinstance(node, ast.Dict):
            candidates = [v for k, v in zip(node.keys, node.values, strict=True)
                          if isinstance(k, ast.Constant) and k.value == "Content-Disposition"]
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant)
                and t.slice.value == "Content-Disposition" for t in node.targets):
            candidates = [node.value]
        for candidate in candidates:
            for part in ast.walk(candidate):
                if isinstance(part, ast.FormattedValue):
                    yield ast.get_source_segment(source, part.value)


def test_file_names_interpolate_only_numbers():
    """Names are built from ids and years only (the header cannot be broken by a quote
    or a newline typed by someone); a name passed through a variable is checked where it
    is built (the _csv/_ics helpers' callers)."""
    allowed = re.compile(r"^([a-z_]+\.)*(id|year)$")
    checked = 0
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for expression in _filename_expressions(ast.parse(source), source):
            checked += 1
            assert expression and (allowed.match(expression) or expression == "filename"), (
                f"{path.relative_to(ROOT)}: {expression}")
    assert checked >= 6


# --- static analysis --------------------------------------------------------------------

NOSEC_RE = re.compile(r"#\s*nosec\b(?P<rest>.*)$")


def test_every_nosec_names_its_check_and_says_why():
    """bandit runs in `make test` and fails on any finding; what it flags and is safe is
    silenced line by line as ``# nosec BXXX # why`` (never a bare or file-wide nosec)."""
    count = 0
    for path in PACKAGE.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = NOSEC_RE.search(line)
            if not match:
                continue
            count += 1
            where = f"{path.relative_to(ROOT)}:{number}"
            rest = match.group("rest")
            assert re.match(r"\s*B\d{3}\b", rest), f"{where}: nosec without a check id"
            reason = rest.split("#", 1)[1].strip() if "#" in rest else ""
            assert len(reason.split()) >= 2, f"{where}: nosec without a reason"
    assert count >= 1


@pytest.mark.parametrize("section", ["[tool.bandit]", '"bandit=='])
def test_bandit_is_pinned_configured_and_run(section):
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert section in pyproject
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "bandit" in target and target.index("bandit") < target.index("pytest")


def test_the_security_page_says_where_to_report(app):
    page = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert "SECURITY_CONTACT" in page and "Reporting a vulnerability" in page
    assert "@" in app.config["SECURITY_CONTACT"]
