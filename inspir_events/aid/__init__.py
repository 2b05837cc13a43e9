"""Aid: the money side of INS'pir, one sub-package per capability.

- ``cofunding``: third-party events' co-funding applications and the committee's decisions;
- ``envelopes``: the budget's envelopes, the atomic commitment of money, delegation;
- ``projects``: the maturation pipeline (pure stages and gates), its grants;
- ``opendata``: the granted aid in the SCDL « subventions » format;
- ``simulator``: the public check of the money rules.

Shared by them: the pure money rules (``rules``, ``euros``, ``identifiers``), the granted
aid's table (``models.AidGrant``), display names (``names``), a violation's message
(``messages``) and the euros form field (``forms``); ``blueprint`` gathers their views.
"""
