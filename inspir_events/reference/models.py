"""Departments, themes and skills: reference rows, with French and English names."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspir_events.extensions import db


class FormerRegion(enum.StrEnum):
    """The two former regions whose budgets the 2016 deliberation keeps apart."""

    NPDC = "NPDC"
    PICARDIE = "PICARDIE"


class LabelledMixin:
    """Rows named in both interface languages."""

    name_fr: Mapped[str]
    name_en: Mapped[str]

    def name_for(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fr


class Department(db.Model):
    """A department of Hauts-de-France (02, 59, 60, 62, 80)."""

    __tablename__ = "department"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    former_region: Mapped[FormerRegion] = mapped_column(
        Enum(FormerRegion, native_enum=False, length=16, validate_strings=True)
    )

    def name_for(self, locale: str) -> str:
        return f"{self.code} {self.name}"


class Theme(LabelledMixin, db.Model):
    """A regional policy domain (culture, santé, transports, ...)."""

    __tablename__ = "theme"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Skill(LabelledMixin, db.Model):
    """A skill or role a person brings to a team (développement, design, usager, ...)."""

    __tablename__ = "skill"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Epci(db.Model):
    """An intercommunality with its own taxation (EPCI à fiscalité propre), by SIREN code.

    Its rows come from Etalab's découpage administratif (reference/data/SOURCE.md); the
    intercommunalities' digital roadmaps are what the deliberation asks INS'pir to meet.
    """

    __tablename__ = "epci"

    siren: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8))

    def name_for(self, locale: str) -> str:
        return self.name


class Commune(db.Model):
    """A commune of the region by its INSEE code, in one department and one EPCI."""

    __tablename__ = "commune"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"), index=True)
    epci_siren: Mapped[str | None] = mapped_column(ForeignKey("epci.siren"), index=True)
    # The name folded as rules.fold_name does: the lookup a typed name goes through.
    folded_name: Mapped[str] = mapped_column(String(100), index=True)

    epci = relationship("Epci")

    def name_for(self, locale: str) -> str:
        return self.name
