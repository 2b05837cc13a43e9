"""Read access to the reference rows, in display order; a typed commune resolved."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, case, select

from inspir_events.domain import DomainError
from inspir_events.extensions import db
from inspir_events.reference import rules
from inspir_events.reference.models import Commune, Department, Epci, FormerRegion, Skill, Theme

# The intercommunalities' options, read by every board: the statement built once (building
# and keying a statement again for each request cost more than running it).
EPCIS = select(Epci.siren, Epci.name).order_by(Epci.name)


@dataclass(frozen=True)
class Named:
    """A department, theme or skill as pages read it: its code and its names."""

    code: str
    name: str  # a department's bare name ("Aisne"); a theme's or skill's French name
    name_fr: str  # as shown in French ("02 Aisne")
    name_en: str
    former_region: FormerRegion | None = None  # a department's
    position: int = 0  # a theme's or skill's place in lists

    def name_for(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fr


CACHE = "inspir.reference"


def _listed(kind: str, read) -> tuple[Named, ...]:
    """The rows of ``kind``, read once per application: the reference rows are written by
    the migrations only (never by a use case), so a running process may keep them. Every
    page listing the filters read them; a query each time was a tenth of a search page."""
    cache = current_app.extensions.setdefault(CACHE, {})
    if kind not in cache:
        cache[kind] = tuple(read())
    return cache[kind]


def departments() -> tuple[Named, ...]:
    return _listed("departments", lambda: (
        Named(d.code, d.name, d.name_for("fr"), d.name_for("en"), d.former_region)
        for d in db.session.scalars(select(Department).order_by(Department.code))))


def former_regions() -> dict[str, FormerRegion]:
    """Each department's former region, by code (kept per application as the lists)."""
    cache = current_app.extensions.setdefault(CACHE, {})
    if "former_regions" not in cache:
        cache["former_regions"] = {d.code: d.former_region for d in departments()}
    return cache["former_regions"]


def themes() -> tuple[Named, ...]:
    return _listed("themes", lambda: (
        Named(t.code, t.name_fr, t.name_fr, t.name_en, position=t.position)
        for t in db.session.scalars(select(Theme).order_by(Theme.position, Theme.code))))


def departments_by_code() -> dict[str, Named]:
    """The departments by code (kept per application as the lists)."""
    return _indexed("departments", departments)


def themes_by_code() -> dict[str, Named]:
    """The themes by code (kept per application as the lists)."""
    return _indexed("themes", themes)


def _indexed(kind: str, rows) -> dict[str, Named]:
    cache = current_app.extensions.setdefault(CACHE, {})
    key = f"{kind} by code"
    if key not in cache:
        cache[key] = {row.code: row for row in rows()}
    return cache[key]


def skills() -> tuple[Named, ...]:
    return _listed("skills", lambda: (
        Named(s.code, s.name_fr, s.name_fr, s.name_en, position=s.position)
        for s in db.session.scalars(select(Skill).order_by(Skill.position, Skill.code))))


# ---- communes and intercommunalities (issue 20 §3) ----------------------------------------

def epcis() -> tuple[Row, ...]:
    """The region's intercommunalities, by name: their ``siren`` and ``name`` only (the
    filters' options on every board; about a hundred rows, read without ORM objects, once
    per application as the other reference lists: the migrations write them)."""
    return _listed("epcis", lambda: db.session.execute(EPCIS))


def epci(siren: str) -> Epci | None:
    return db.session.get(Epci, siren) if siren else None


def commune(code: str | None) -> Commune | None:
    return db.session.get(Commune, code) if code else None


def communes_of_epci(siren: str) -> list[Commune]:
    return list(db.session.scalars(
        select(Commune).where(Commune.epci_siren == siren).order_by(Commune.folded_name)))


def suggest_communes(text: str, department: str | None = None, limit: int = 10) -> list[Commune]:
    """Communes whose name starts with what was typed (then contains it), for the combobox."""
    folded = rules.fold_name(text)
    if not folded:
        return []
    stmt = select(Commune).where(Commune.folded_name.contains(folded, autoescape=True))
    if department:
        stmt = stmt.where(Commune.department_code == department)
    starts_first = case((Commune.folded_name.startswith(folded, autoescape=True), 0), else_=1)
    return list(db.session.scalars(
        stmt.order_by(starts_first, Commune.folded_name, Commune.code).limit(limit)))


def _choice(row: Commune) -> rules.CommuneChoice:
    return rules.CommuneChoice(row.code, row.name, row.department_code)


def find_commune(text: str, department: str | None, field: str = "commune") -> Commune | None:
    """The commune typed in a form field, which must be in `department`; None when blank.

    Refuses (under `field`, what was typed kept) a name or an INSEE code that names no
    commune of the department. Use cases call it before they change anything.
    """
    typed = rules.parse(text)
    if typed is None:
        return None
    by_code = db.session.get(Commune, typed.code) if typed.code else None
    by_name = [] if typed.code else list(db.session.scalars(
        select(Commune).where(Commune.folded_name == typed.folded)))
    found = rules.resolve(typed, department, by_code and _choice(by_code),
                          [_choice(row) for row in by_name])
    if found.commune is not None:
        return db.session.get(Commune, found.commune.code)
    message = {
        rules.Problem.UNKNOWN_CODE: _l("No commune of Hauts-de-France has this INSEE code."),
        rules.Problem.UNKNOWN_NAME: _l("No commune of Hauts-de-France has this name: choose "
                                       "one from the list, or type its INSEE code."),
        rules.Problem.AMBIGUOUS: _l("Several communes have this name: choose one from the "
                                    "list, or type its INSEE code."),
        rules.Problem.OTHER_DEPARTMENT: _l("This commune is not in the department chosen "
                                           "(it is in %(departments)s).",
                                           departments=", ".join(found.departments)),
    }[found.problem]
    raise DomainError(message, field=field)
