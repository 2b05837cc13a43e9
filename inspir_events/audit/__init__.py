"""The audit log: who decided what, when (labels, money, pipeline, roles).

Infrastructure, below accounts: the model (:mod:`.models`) and
:func:`inspir_events.audit.services.record`, which each deciding use case calls inside
its transaction. Admins read the log at ``/admin/audit``, a page of accounts
(:mod:`inspir_events.accounts.audit_routes`), which has no way to change it.
"""
