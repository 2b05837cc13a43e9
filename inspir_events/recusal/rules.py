"""Recusal's rule (« déport »), pure: why a person takes no part in a decision.

« par et pour les habitants » does not mean by and for oneself: nobody scores,
decides or grants on anything they are party to (an application for an event they
organise, a project they are a member of, a structure they belong to, a label they
asked for), nor on a subject they declared a conflict of interest on.
"""

from __future__ import annotations

from collections.abc import Collection

PARTY = "party"  # the person is party to the subject (the platform found the link)
DECLARED = "declared"  # the person declared a conflict of interest on it


def recusal_reason(user_id: int | None, parties: Collection[int],
                   declared: bool) -> str | None:
    """Why ``user_id`` is recused from deciding on a subject whose ``parties`` are given
    (:data:`PARTY`, first), or because they ``declared`` a conflict on it
    (:data:`DECLARED`); None when they may take part. An anonymous person (None) is
    party to nothing: whether they may decide at all is the deciding feature's rule."""
    if user_id is None:
        return None
    if user_id in parties:
        return PARTY
    if declared:
        return DECLARED
    return None
