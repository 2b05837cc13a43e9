"""The public JSON API (read-only, /api/v1), its OpenAPI document, and the open data
downloads page (/open-data) with the downloads it adds (events, store)."""
