"""Fill a migrated database for the search benchmark: ``count`` needs (seed_needs.py's
realistic French needs, without their supports), then the search index rebuilt by the
real use case (``flask search-reindex``'s), timed.

    DATABASE_URL=sqlite:////tmp/x.db .venv/bin/python bench/seed_search.py 104500

About 96 % of seed_needs.py's needs are public (the others are hidden, pending or
withdrawn, and get no document): 104,500 needs give about 100,000 documents.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.dirname(HERE)
for path in (PROJECT_ROOT, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

from seed_needs import USERS, make_need  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from inspir_events.accounts.models import User  # noqa: E402
from inspir_events.app import create_app  # noqa: E402
from inspir_events.extensions import db  # noqa: E402
from inspir_events.needs.models import Need  # noqa: E402
from inspir_events.search import index, services  # noqa: E402
from inspir_events.timeutil import utcnow  # noqa: E402

BATCH = 5_000


def seed(count: int, seed_value: int = 2020) -> dict:
    rng = random.Random(seed_value)  # noqa: S311 - reproducible test data, not security
    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(Need)):
            raise SystemExit("The database already holds needs; seed an empty one.")
        now = utcnow().replace(microsecond=0)
        users = [{"id": i, "email": f"user{i}@bench.inspir.example",
                  "display_name": f"Habitant {i}", "password_hash": "!", "bio": "",
                  "created_at": now, "department_code": None} for i in range(1, USERS + 1)]
        author_ids = [u["id"] for u in users]
        with db.engine.begin() as conn:
            conn.execute(insert(User), users)
            for start in range(0, count, BATCH):
                rows = []
                for i in range(start, min(count, start + BATCH)):
                    row, _tags = make_need(rng, i, now, author_ids)
                    row["supporters_count"] = 0
                    rows.append(row)
                conn.execute(insert(Need), rows)
        seeded = time.perf_counter()
        documents = services.reindex()
        indexed = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            # What a production server's autovacuum does within a minute of such a load
            # (this machine's PostgreSQL runs without it): statistics, hint bits and the
            # visibility map.
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(db.text("VACUUM ANALYZE need"))
                conn.execute(db.text("VACUUM ANALYZE search_document"))
        with db.engine.connect() as conn:
            assert index.count(conn) == documents
        db.session.remove()
        db.engine.dispose()
    return {"needs": count, "documents": documents,
            "seed_seconds": round(seeded - started, 1),
            "reindex_seconds": round(indexed - seeded, 1)}


if __name__ == "__main__":
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a migrated database.")
    print(json.dumps(seed(int(sys.argv[1]) if len(sys.argv) > 1 else 104_500)))
