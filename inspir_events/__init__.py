"""INS'pir Events: needs, events, teams, live voting, aid, the innovation store.

The package root stays light (nothing is imported here), so that a pure rule module
such as :mod:`inspir_events.aid.rules` imports without Flask. The application is built by
:func:`inspir_events.app.create_app`.
"""
