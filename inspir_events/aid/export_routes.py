"""Open data of granted aid (SCDL « subventions») and the delegation of envelopes."""

from inspir_events.aid import bp  # noqa: F401
