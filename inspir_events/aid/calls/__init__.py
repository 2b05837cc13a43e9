"""Calls for projects (*appels à projets*, issue 19 §1): the committee opens a call for a
budget year; a project's team (the experimentation grant) and its support structure (the
structure grant) apply between its dates; closing it freezes its applications; its jury
(:mod:`inspir_events.aid.jury`) scores them and the committee decides, citing the jury's
ranking; the results are then published."""
