"""The search index's use case: rebuilding it whole (``flask search-reindex``)."""

from __future__ import annotations

from inspir_events.database import begin_write, use_case
from inspir_events.extensions import db
from inspir_events.search import index


@use_case
def reindex() -> int:
    """Empty the index and fill it again from every registered source, in one transaction
    (searches see the old index until it commits); the number of documents."""
    begin_write()
    count = index.rebuild(db.session.connection())
    db.session.commit()
    return count
