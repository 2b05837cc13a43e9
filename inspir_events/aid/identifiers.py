"""Beneficiaries' identifiers: SIRET, SIREN and RNA numbers (no Flask, no SQLAlchemy).

Granted aid names its beneficiary by a SIRET (an establishment: 14 digits) or, for an
association, an RNA number (W and 9 digits), as the SCDL « subventions » format asks
(``idBeneficiaire`` / ``rnaBeneficiaire``). Co-funding applications, project grants, the
export and the settings check them here.

SIRET and SIREN are checked by python-stdnum (``stdnum.fr.siret``, ``stdnum.fr.siren``;
issue 18, 4.1) rather than by a Luhn check of our own: it knows La Poste's exception (its
establishments, SIREN 356 000 000, head office excepted, have no Luhn key; the sum of
their digits is a multiple of 5 instead). python-stdnum has no RNA module: an RNA number
is checked for its form (W and 9 digits). python-stdnum is pure Python with no
dependency, so this module stays a pure one.
"""

from __future__ import annotations

import re

from stdnum.fr import siren, siret

_SIRET = re.compile(r"^\d{14}$")
_SIREN = re.compile(r"^\d{9}$")
_RNA = re.compile(r"^W\d{9}$")


def normalise_identifier(value: str | None) -> str:
    """Spaces removed, letters upper-cased: '123 456 789 00012' -> '12345678900012'."""
    return "".join((value or "").split()).upper()


def valid_siret(value: str | None) -> bool:
    """A normalised SIRET: 14 digits, a valid SIREN and a valid key (Luhn, or La Poste's
    sum of digits)."""
    return bool(value) and bool(_SIRET.match(value)) and siret.is_valid(value)


def valid_siren(value: str | None) -> bool:
    """A normalised SIREN (a legal unit): 9 digits with a valid Luhn key."""
    return bool(value) and bool(_SIREN.match(value)) and siren.is_valid(value)


def valid_rna(value: str | None) -> bool:
    """An association's RNA number: W followed by 9 digits."""
    return bool(value) and bool(_RNA.match(value))
