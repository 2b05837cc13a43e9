"""Maturation pipeline use cases: promoting a round's winners, proposals, moves, grants.

Envelopes, commitments and :func:`~inspir_events.aid.envelopes.add_grant` live in
:mod:`inspir_events.aid.envelopes`; co-funding applications in
:mod:`inspir_events.aid.applications`.
"""

from __future__ import annotations
