"""Envelopes: the budget of each year loaded from the policy, money committed on it by one
atomic rule (grants of the co-funding and the pipeline go through ``services.add_grant``),
delegated envelopes and their own deciders, and the public dashboard."""
