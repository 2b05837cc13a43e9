"""Open data of the granted aid: the SCDL « subventions » rows (built and checked by the pure
``scdl`` module) and their public CSV and JSON downloads."""
