"""Beneficiaries' identifiers: SIRET and RNA numbers (no Flask, no SQLAlchemy).

Granted aid names its beneficiary by a SIRET (an establishment: 14 digits with a
Luhn key) or, for an association, an RNA number (W and 9 digits), as the SCDL
« subventions » format asks (``idBeneficiaire`` / ``rnaBeneficiaire``). Co-funding
applications, project grants, the export and the settings check them here.
"""

from __future__ import annotations

import re

_SIRET = re.compile(r"^\d{14}$")
_RNA = re.compile(r"^W\d{9}$")


def normalise_identifier(value: str | None) -> str:
    """Spaces removed, letters upper-cased: '123 456 789 00012' -> '12345678900012'."""
    return "".join((value or "").split()).upper()


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a string of digits holds (a SIRET's key)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def valid_siret(value: str | None) -> bool:
    """14 digits with a valid Luhn key (La Poste's establishments excepted by INSEE
    follow another rule; they are not expected among the programme's beneficiaries)."""
    return bool(value) and bool(_SIRET.match(value)) and luhn_ok(value)


def valid_rna(value: str | None) -> bool:
    """An association's RNA number: W followed by 9 digits."""
    return bool(value) and bool(_RNA.match(value))
