"""Aid: the money rules, the simulator, envelopes, co-funding applications and the
committee, the maturation pipeline, granted aid and its SCDL export."""
