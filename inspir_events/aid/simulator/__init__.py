"""The public simulator of the money rules: a third-party event's co-funding and a project's
grants checked from a query string, answered in JSON without login."""
