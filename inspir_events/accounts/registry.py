"""What the features add to a person's account, each when its blueprint is registered.

Accounts sit below the features (needs, events, teams...) and import none of them. A
feature that keeps data about people, or shows something on the profile page, says so
in its own ``personal.py``, imported by its ``blueprint.py``:

- :class:`PersonalData` (RGPD export and deletion, accounts/privacy.py): for each of
  its tables with a column referring to an account, the export's section (or why the
  export leaves it out) and what deleting the account does to each such column; and,
  for what a column rule cannot say (a registration cancelled with the waitlist moving
  up, a team's lead handed over), an erasure step run first, in the same transaction;
- :class:`ProfileSection`: a template the profile page includes, with its values.

Both are kept on the application (``app.extensions``) by ``bp.record_once``: a
feature's part is there exactly when its blueprint is registered, and no module holds
mutable state. tests/accounts/test_export.py checks that every column referring to an
account has its rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, Flask, current_app

# What deleting an account does to a column referring to it.
KEEP, NULL, DELETE, CUSTOM = "keep", "null", "delete", "custom"
ACTIONS = frozenset({KEEP, NULL, DELETE, CUSTOM})
EXTENSION_KEY = "inspir_account_parts"


@dataclass(frozen=True)
class TableData:
    """One table's columns referring to an account: its section in the export (``export``,
    or ``not_exported`` saying why it is left out) and, per column, what deleting the
    account does (KEEP, NULL, DELETE, or CUSTOM: done by the feature's erasure step)."""

    deletion: Mapping[str, str]
    export: str | None = None
    not_exported: str = ""


@dataclass(frozen=True)
class ExportedFile:
    """A file the person sent (a picture, a PDF), carried by the export: its section,
    its stored name (the hash of its bytes), its type and where it is on disk."""

    section: str
    name: str
    content_type: str
    path: Path


@dataclass(frozen=True)
class PersonalData:
    """A feature's personal data: its tables, its erasure step (``erase(user_id)``,
    inside the deletion's transaction, before the column rules) and the files the person
    sent (``files(user_id)``, carried by the export). Steps run by ``order``, lowest
    first: the feature that declares one says why its place matters."""

    tables: Mapping[str, TableData]
    erase: Callable[[int], None] | None = None
    order: int = 50
    files: Callable[[int], list[ExportedFile]] | None = None


@dataclass(frozen=True)
class ProfileSection:
    """A template included in the profile page; ``values(user)`` is available to it as
    ``values``."""

    template: str
    values: Callable[[object], Mapping]


@dataclass
class Registry:
    """The parts registered on one application."""

    personal_data: list[PersonalData] = field(default_factory=list)
    profile_sections: list[ProfileSection] = field(default_factory=list)

    def add_personal_data(self, part: PersonalData) -> None:
        """A table is declared once, every column with a known action, every table either
        exported or left out with a reason."""
        twice = set(part.tables) & set(self.tables())
        if twice:
            raise ValueError(f"personal data declared twice: {sorted(twice)}")
        for name, table in part.tables.items():
            if set(table.deletion.values()) - ACTIONS:
                raise ValueError(f"unknown deletion action for {name}: {table.deletion}")
            if (table.export is None) == (not table.not_exported):
                raise ValueError(f"{name}: give an export section or why it is left out")
        self.personal_data.append(part)

    def tables(self) -> dict[str, TableData]:
        return {name: table for part in self.personal_data
                for name, table in part.tables.items()}

    def export_keys(self) -> dict[str, str]:
        """Every exported table -> its section in the export."""
        return {name: t.export for name, t in self.tables().items() if t.export}

    def not_exported(self) -> dict[str, str]:
        """Every table the export leaves out -> why."""
        return {name: t.not_exported for name, t in self.tables().items() if not t.export}

    def deletion_plan(self) -> dict[tuple[str, str], str]:
        """(table, column referring to an account) -> what deleting the account does."""
        return {(name, column): action for name, t in self.tables().items()
                for column, action in t.deletion.items()}

    def files_of(self, user_id: int) -> list[ExportedFile]:
        """Every file the person sent, feature by feature."""
        return [file for part in self.personal_data if part.files is not None
                for file in part.files(user_id)]

    def erasure_steps(self) -> list[Callable[[int], None]]:
        return [part.erase for part in sorted(self.personal_data, key=lambda p: p.order)
                if part.erase is not None]


def registry(app: Flask | None = None) -> Registry:
    """The parts registered on ``app`` (by default the current application)."""
    app = app or current_app._get_current_object()
    return app.extensions.setdefault(EXTENSION_KEY, Registry())


def add_personal_data(bp: Blueprint, part: PersonalData) -> None:
    """Declare a feature's personal data, registered with its blueprint ``bp``."""
    bp.record_once(lambda state: registry(state.app).add_personal_data(part))


def add_profile_section(bp: Blueprint, template: str,
                        values: Callable[[object], Mapping]) -> None:
    """Add a section to the profile page, registered with the feature's blueprint ``bp``."""
    section = ProfileSection(template, values)
    bp.record_once(lambda state: registry(state.app).profile_sections.append(section))


def profile_sections(user) -> list[tuple[str, Mapping]]:
    """The profile page's sections for ``user``: (template, values), in registration order."""
    return [(section.template, section.values(user))
            for section in registry().profile_sections]
