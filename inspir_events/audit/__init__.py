"""The audit log: who decided what, when (labels, money, pipeline, roles).

Entries are written by :mod:`inspir_events.audit.services` inside each deciding
use case; admins read them at ``/admin/audit`` (:mod:`inspir_events.audit.routes`),
which has no way to change them.
"""
