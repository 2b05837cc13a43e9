"""Co-funding of third-party, labelled events: the organiser's application (read with every
problem next to its line, saved, submitted), and the committee's queue and decisions
(granted on envelopes, refused, or sent back for changes)."""
