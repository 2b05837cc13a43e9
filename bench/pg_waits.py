"""Sample PostgreSQL's wait events and lock waits during a run (issue 21 §1).

``python bench/pg_waits.py [--pg-url URL] [--interval S] [--duration S] [--out FILE]`` reads
``pg_stat_activity`` (every backend of the database but this one) every ``--interval``
seconds and counts, over the samples: the backends' states, their wait events
(``wait_event_type:wait_event``, "CPU" when active and waiting on nothing), the
statements of the backends waiting on a lock and who blocks them (``pg_blocking_pids``),
and the number of multixacts created (``pg_control_checkpoint``'s ``next_multixact_id``
before and after). It prints a JSON summary (and writes it to ``--out``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

import psycopg

SAMPLE = """
SELECT pid, state, wait_event_type, wait_event, left(query, 90),
       cardinality(pg_blocking_pids(pid))
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""


def next_multixact(connection) -> int:
    row = connection.execute("SELECT next_multixact_id FROM pg_control_checkpoint()").fetchone()
    connection.execute("CHECKPOINT")  # so that the control file's counter is current
    row = connection.execute("SELECT next_multixact_id FROM pg_control_checkpoint()").fetchone()
    return int(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    with psycopg.connect(args.pg_url, autocommit=True) as connection:
        multixact_before = next_multixact(connection)
        states, waits, lock_queries = Counter(), Counter(), Counter()
        backends, samples = [], 0
        end = time.monotonic() + args.duration
        while time.monotonic() < end:
            rows = connection.execute(SAMPLE).fetchall()
            samples += 1
            backends.append(len(rows))
            for _pid, state, wait_type, wait, query, blocked in rows:
                states[state or "?"] += 1
                if state == "active":
                    waits[f"{wait_type}:{wait}" if wait_type else "CPU"] += 1
                    if wait_type == "Lock" or blocked:
                        lock_queries[f"{wait}: {query}"] += 1
                elif state == "idle in transaction":
                    waits["idle in transaction (client)"] += 1
            time.sleep(args.interval)
        multixact_after = next_multixact(connection)
    summary = {"samples": samples, "backends_mean": sum(backends) / max(1, len(backends)),
               "backends_max": max(backends, default=0), "states": dict(states.most_common()),
               "active_waits": dict(waits.most_common()),
               "lock_waits": dict(lock_queries.most_common(10)),
               "multixacts_created": multixact_after - multixact_before}
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text + "\n")


if __name__ == "__main__":
    main()
