"""The audit log: who decided what, when (labels, money, pipeline, roles)."""
