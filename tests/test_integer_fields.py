"""Every form with an integer field refuses huge, negative and non-numeric values with a
message, never a 500 (issue 18, 1.7: an event capacity of 99999999999999999999 crashed).

The forms are found, not listed: every form class of the package with a field holding an
integer (an ``IntegerField`` or a choice coerced to ``int``) must be found on a page of the
demo's world, read by the role that sees it; each such HTML form is then posted with what
its page filled in, the integer field replaced by hostile values (a fixed list, then
hypothesis's), the database restored after each post.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import DecimalField, FloatField, IntegerField, SelectFieldBase
from wtforms.fields.simple import HiddenField

import inspir_events
from inspir_events.events.models import Event
from inspir_events.extensions import db
from tests.authz.routes import ROUTES, expected_answers, url_values
from tests.authz.world import ROLES, World, build_world, close_world

# Pages the authorization matrix does not visit that hold a form (the roles that may read
# them are found by trying).
EXTRA_PAGES = {"aid.project": [{"project_id": "proposal"}],
               # A support structure's request to a call: its grant form (issue 19).
               "aid.call_application": [{"application_id": "call_structure_application"}],
               # An aid to schedule: the experimented project's grants (issue 19 §3).
               "aid.followup": [{"grant_id": "project_aid"}]}
HOSTILE = ("99999999999999999999", "-99999999999999999999", str(2**63), "-1", "0",
           "abc", "1e5", "1.5", "", " ", "٣", "0x10", "NaN", "2147483648")


# ---- the form classes with an integer field ----------------------------------------------

def form_classes() -> list[type]:
    for module in pkgutil.walk_packages(inspir_events.__path__, "inspir_events."):
        if module.name.endswith(("forms", "routes")):
            importlib.import_module(module.name)
    found, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("inspir_events.") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def integer_fields(form_class) -> set[str]:
    """Names of the fields of ``form_class`` whose value is a number or an id."""
    names = set()
    for name, unbound in vars(form_class).items():
        kind = getattr(unbound, "field_class", None)
        if kind is None:
            continue
        coerce = unbound.kwargs.get("coerce")
        numeric = issubclass(kind, IntegerField | DecimalField | FloatField)
        coerced = issubclass(kind, SelectFieldBase) and coerce not in (None, str)
        hidden_id = issubclass(kind, HiddenField) and name.endswith("_id")
        if numeric or coerced or hidden_id:
            names.add(name)
    return names


def field_names(form_class) -> set[str]:
    return {name for name, unbound in vars(form_class).items()
            if getattr(unbound, "field_class", None) is not None}


# ---- the HTML forms of the world's pages ---------------------------------------------------

@dataclass
class PageForm:
    action: str
    role: str
    page: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values sent
    names: set[str] = field(default_factory=set)  # every control's name
    hidden: set[str] = field(default_factory=set)  # controls the person does not see
    # What a person would type in a control the page leaves empty (a required field).
    fill: dict[str, str] = field(default_factory=dict)

    def data(self) -> dict[str, list[str]]:
        data = {k: list(v) for k, v in self.fields.items()}
        for name, value in self.fill.items():
            if not any(v.strip() for v in data.get(name, [])):
                data[name] = [value]
        return data


# By input type, a value a person could type (dates in the future: the events to come).
TYPED = {"datetime-local": "2031-06-12T09:30", "date": "2031-06-12", "email":
         "quelquun@example.org", "number": "3", "url": "https://example.org/depot",
         "text": "Un texte de test assez long", "textarea": "Un texte de test assez long."}
# By field name (its end, after a prefix), where the type is not enough.
NAMED = {"ends_at": "2031-06-12T17:30", "closes_at": "2031-06-12T11:30",
         "operating": "0", "investment": "1", "structure": "1",
         "amount": "1 000", "beneficiary_id": "W623001234",
         "structure_beneficiary_id": "W623001234", "repository_url": "https://example.org/depot",
         "beneficiary_name": "Association La Machinerie", "reason": "Une raison de décider.",
         "structure_beneficiary_name": "Incubateur des Hauts",
         # A commune of the first department offered (the Aisne): issue 20 §3.
         "venue_commune": "Laon", "commune": "Laon"}


def typed(name: str, kind: str) -> str:
    for end, value in NAMED.items():
        if name == end or name.endswith("-" + end):
            return value
    return TYPED.get(kind, TYPED["text"])


class FormReader(HTMLParser):
    """The POST forms of a page, with the values a browser would send as they stand, and a
    plausible value for each control left empty."""

    def __init__(self, page: str, role: str):
        super().__init__(convert_charrefs=True)
        self.page, self.role, self.forms = page, role, []
        self.current = self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.current = PageForm(a.get("action") or self.page, self.role, self.page)
            self.forms.append(self.current)
        if self.current is None:
            return
        if tag == "option" and self.select is not None:
            self._option(a)
            return
        if "name" not in a:
            return
        name = a["name"]
        self.current.names.add(name)
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.current.fields.setdefault(name, []).append(a.get("value", "on"))
                if kind == "radio":
                    self.current.fill.setdefault(name, a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "hidden"):
                self.current.fields.setdefault(name, []).append(a.get("value", ""))
                if "required" in a or name.rpartition("-")[2] in NAMED:
                    self.current.fill[name] = typed(name, kind)
            elif kind == "hidden":
                self.current.fields.setdefault(name, []).append(a.get("value", ""))
                self.current.hidden.add(name)
        elif tag == "textarea":
            self.textarea = name
            self.current.fields.setdefault(name, []).append("")
            if "required" in a or name.rpartition("-")[2] in NAMED:
                self.current.fill[name] = typed(name, "textarea")
        elif tag == "select":
            self.select = name
            self.current.fields.setdefault(name, [])

    def _option(self, a):
        value = a.get("value", "")
        if "selected" in a:
            self.current.fields[self.select] = [value]
        # A person chooses a real entry, not the « Choose… » placeholder (value 0 or empty).
        if value not in ("", "0") and self.select not in self.current.fill:
            self.current.fill[self.select] = value

    def handle_data(self, data):
        if self.textarea is not None and self.current is not None:
            self.current.fields[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    built = build_world(sqlite_template, tmp_path_factory.mktemp("integers"),
                        RATELIMIT_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    with built.app.app_context():  # the participant without a team may post an idea
        db.session.get(Event, built.ids["hackathon"]).solo_ideas_allowed = True
        db.session.commit()
    built.save()
    yield built
    close_world(built)


@pytest.fixture(scope="module")
def targets(world) -> list[tuple[PageForm, type, set[str]]]:
    """(HTML form, its form class, its integer fields) for every page form of a class with
    an integer field, on every page each role may read."""
    found: dict[tuple, list] = {}
    with world.app.app_context():
        rules = list(world.app.url_map.iter_rules())
    pages = []
    for rule in rules:
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        row = ROUTES[rule.endpoint]
        answers = dict(zip(ROLES, expected_answers(row, "GET"), strict=True))
        url = rule.build(url_values(row, world.ids), append_unknown=False)[1]
        pages += [(url, role) for role in ROLES if answers[role] == 200]
        for values in EXTRA_PAGES.get(rule.endpoint, ()):
            url = rule.build({k: world.ids[v] for k, v in values.items()},
                             append_unknown=False)[1]
            pages += [(url, role) for role in ROLES]
    page_forms = []
    for url, role in pages:
        response = world.client(role).get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        reader = FormReader(url, role)
        reader.feed(response.get_data(as_text=True))
        page_forms += reader.forms
    # The classes are listed once the pages are read: a form class made for its page (the
    # jury's scoring form, one class per set of criteria) exists from then on.
    classes = {c: integer_fields(c) for c in form_classes()}
    classes = {c: f for c, f in classes.items() if f}
    for form in page_forms:
        for form_class, numbers in classes.items():
            prefix = _prefix(form_class, form)
            if prefix is None:
                continue
            key = (urlsplit(form.action).path, form_class)
            found.setdefault(key, []).append((form, form_class,
                                              {prefix + n for n in numbers}))
    # For each form, a role whose post of the form as filled is accepted: the hostile
    # values then meet the same checks (test_each_form_as_filled_is_accepted).
    chosen = {}
    for key, candidates in found.items():
        chosen[key] = next((c for c in candidates if baseline(world, c) < 400), candidates[0])
    return list(chosen.values())


def _prefix(form_class, form: PageForm) -> str | None:
    """The prefix under which ``form_class``'s fields are the page form's controls, if so."""
    names = field_names(form_class)
    for control in form.names:
        for name in names:
            if control.endswith(name):
                prefix = control[: -len(name)]
                if all(prefix + n in form.names for n in names
                       if _rendered(form_class, n)):
                    return prefix
    return None


def _rendered(form_class, name: str) -> bool:
    unbound = vars(form_class)[name]
    return unbound.field_class.__name__ not in ("SubmitField",)


def baseline(world: World, target) -> int:
    """The status of the form posted as its page fills it (and as a person completes it)."""
    return post(world, target)


def post(world: World, target, name: str | None = None, value: str = "") -> int:
    form, _form_class, _numbers = target
    data = form.data()
    if name is not None:
        data[name] = [value]
    data["csrf_token"] = [world.tokens[form.role]]
    response = world.client(form.role).post(urlsplit(form.action).path, data=data)
    status = response.status_code
    response.close()
    world.restore()
    return status


def test_every_form_class_with_an_integer_field_is_found(targets):
    classes = {c for c in form_classes() if integer_fields(c)}
    found = {form_class for _form, form_class, _numbers in targets}
    assert classes - found == set(), "forms with an integer field found on no page"


def test_each_form_as_filled_is_accepted(world, targets):
    """Otherwise a hostile value could be refused for another field's sake."""
    refused = [(t[1].__name__, t[0].action, t[0].role, status) for t in targets
               if (status := baseline(world, t)) >= 400]
    assert not refused


# Values no number field accepts: each is answered 422 with a message under the field.
NEVER_VALID = ("99999999999999999999", "-99999999999999999999", str(2**63), "-1", "abc",
               "1.5", "1e5")


def number_fields(form_class) -> set[str]:
    return {name for name, unbound in vars(form_class).items()
            if getattr(unbound, "field_class", None) is not None
            and issubclass(unbound.field_class, IntegerField)}


def test_number_fields_answer_422_with_a_message_under_the_field(world, targets):
    wrong, checked = [], 0
    for form, form_class, numbers in targets:
        shown = (n for n in numbers if n not in form.hidden)  # a page may fix one (its year)
        for name in sorted(n for n in shown if n.rpartition("-")[2] in
                           number_fields(form_class)):
            for value in NEVER_VALID:
                response = world.client(form.role).post(
                    urlsplit(form.action).path,
                    data={**form.data(), name: [value], "csrf_token": [world.tokens[form.role]]})
                body = response.get_data(as_text=True)
                world.restore()
                checked += 1
                if response.status_code != 422 or f'id="{name}-error"' not in body:
                    wrong.append((form_class.__name__, name, value, response.status_code))
    assert checked >= 7 * 7  # capacity, max_size, team size, votes, winners, year, rate
    assert not wrong, wrong


def test_hostile_integers_are_refused_with_a_message(world, targets):
    failures = []
    for target in targets:
        form, form_class, numbers = target
        for name in sorted(numbers):
            for value in HOSTILE:
                status = post(world, target, name, value)
                if status >= 500:
                    failures.append((form_class.__name__, form.action, name, value, status))
    assert not failures, failures


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(st.data())
def test_hypothesis_never_sees_a_500(world, targets, data):
    target = data.draw(st.sampled_from(targets))
    name = data.draw(st.sampled_from(sorted(target[2])))
    value = data.draw(st.one_of(
        st.integers().map(str),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.text(max_size=30),
    ))
    assert post(world, target, name, value) < 500, (target[1].__name__, name, value)
