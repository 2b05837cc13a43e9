"""Pages as people see them (issue 21 §6): the need board, an event page, the innovation
store and ``/api/v1/needs``, signed in and uncached, on SQLite and on PostgreSQL, in one run
(``make bench-pages``).

For each database:

1. a fresh database migrated by ``flask db upgrade``: a temporary SQLite file, or a
   PostgreSQL schema of its own (PG_URL, default postgresql://postgres@127.0.0.1:5432/test,
   reached through ``-csearch_path``; dropped at the end);
2. 10,000 realistic needs with their supports and 1,000 users (``seed_needs.py``), then 500
   projects with their lineage, 60 events with their ideas and closed rounds
   (``seed_store.py``); PostgreSQL is vacuumed and analysed (its autovacuum would do it),
   SQLite is not (a database served by the app is not);
3. the real server as ``make run`` serves it (``serve.py``: gevent, one process, the
   development settings, access log off, the limit of costly reads off) with
   ``BOARD_CACHE_SECONDS=0``: no short-lived page cache anywhere;
4. the bench user (seed_needs.py's, who supports one need in seven) signs in through the real
   log-in form; each page is checked once as a signed-in page (the board's support buttons,
   the header's "Sign out"), then a separate load-generator process (``loadgen.py``:
   8 keep-alive clients, closed loop, interleaved rounds) measures the bare ``/healthz``
   (anonymous: the baseline) and the pages with the session's cookie;
5. bench/results/pages_signed_in.json and .md: requests/s, p50, p99, each page's ratio to
   ``/healthz``'s requests/s in the same run on the same database, server CPU per request,
   the date, commit and load average; and the table in README.md (``pages-table``).

Target (issue 21 §6): each page ≥ 0.2 of /healthz's requests/s and p99 ≤ 100 ms, on both
databases.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import readme_table
from needs_board import (
    HERE,
    RESULTS,
    drop_schema,
    fresh_database,
    machine,
    request,
    run_checked,
    run_load,
    server_env,
    sign_in,
    start_server,
    stop,
    write_report,
)
from seed_needs import BENCH_EMAIL, BENCH_PASSWORD

TARGET_RATIO = 0.2
TARGET_P99_MS = 100.0
EVENT_ID = 1  # seed_store.py's first event: past, published, its ideas and closed round
# (name, path, signed in, held to the target, label)
ROUTES = (
    ("healthz", "/healthz", False, False, "bare `/healthz` (baseline, anonymous)"),
    ("board", "/needs", True, True, "need board `/needs`"),
    ("event", f"/events/{EVENT_ID}", True, True, f"event page `/events/{EVENT_ID}`"),
    ("store", "/store", True, True, "innovation store `/store`"),
    ("api_needs", "/api/v1/needs", True, True, "API `/api/v1/needs`"),
    # What any signed-in HTML page costs before its own content: the layout, the session
    # and its user, the header's facts (a static page; the floor of the pages above).
    ("layout", "/accessibilite", True, False,
     "the layout alone, signed in: `/accessibilite` (static; not held)"),
)
LABELS = {name: label for name, _, _, _, label in ROUTES}


def check_route(port: int, path: str, cookie: str | None) -> dict:
    """One request before the load: 200, and signed in when it should be."""
    status, _headers, body = request(port, "GET", path,
                                     headers={"Cookie": cookie} if cookie else {})
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    info = {"bytes": len(body.encode())}
    if path.startswith("/api/"):
        data = json.loads(body)
        info["items"], info["total"] = len(data["items"]), data["total"]
    elif cookie:
        if 'action="/logout"' not in body:
            raise SystemExit(f"{path} is not shown signed in")
        if path == "/needs":
            info["items"] = body.count('class="card need-card"')
            info["supported"] = body.count('aria-pressed="true"')
            if not body.count('class="support-form"'):
                raise SystemExit("the board shows no support button")
        elif path.startswith("/store"):
            info["items"] = body.count('class="card store-card')
    return info


def verdicts(targets: list[dict]) -> list[dict]:
    base = next(t for t in targets if t["name"] == "healthz")
    held = {name for name, _, _, is_held, _ in ROUTES if is_held}
    for target in targets:
        ratio = target["requests_per_s"] / base["requests_per_s"] if base["requests_per_s"] else 0
        target["ratio_to_healthz"] = round(ratio, 3)
        if target["name"] in held:
            target["target_met"] = (ratio >= TARGET_RATIO and target["p99_ms"] <= TARGET_P99_MS
                                    and target["errors"] == 0)
    return targets


def _analyse(url: str) -> None:
    """``VACUUM ANALYZE``: what a production server's autovacuum does within a minute of
    such a load (after 1,000 + 20 % inserts, every ``autovacuum_naptime``); this machine's
    PostgreSQL runs without it. ``ANALYZE`` alone left the visibility map empty: the
    board's count of public needs per department read the table (10.6 ms) instead of its
    index (2.1 ms)."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, connect_timeout=5, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def run_database(kind: str, args) -> dict:
    """Set up, seed, serve and load one database; its figures."""
    workdir = tempfile.mkdtemp(prefix=f"inspir-bench-pages-{kind}-")
    url, schema = fresh_database(kind, workdir, "pages")
    env = server_env(args.config, "unused")
    env.update(DATABASE_URL=url, BOARD_CACHE_SECONDS="0")
    server = log = None
    load_before = os.getloadavg()
    try:
        print(f"[{kind}] migrating ...", flush=True)
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        print(f"[{kind}] seeding {args.needs:,} needs and {args.projects} projects ...",
              flush=True)
        needs = json.loads(run_checked(
            [sys.executable, os.path.join(HERE, "seed_needs.py"), str(args.needs)],
            env, "seeding the needs").strip().splitlines()[-1])
        store = json.loads(run_checked(
            [sys.executable, os.path.join(HERE, "seed_store.py"), str(args.projects)],
            env, "seeding the projects").strip().splitlines()[-1])
        if kind == "postgresql":
            _analyse(url)
        print(f"  {needs}\n  {store}", flush=True)
        server, port, log = start_server(env, workdir)
        cookie = sign_in(port, BENCH_EMAIL, BENCH_PASSWORD)
        checks, targets = {}, []
        for name, path, signed_in, _, _ in ROUTES:
            checks[name] = check_route(port, path, cookie if signed_in else None)
            targets.append({"name": name, "path": path,
                            **({"cookie": cookie} if signed_in else {})})
        print(f"[{kind}] load: {len(targets)} routes x {args.rounds} rounds x {args.duration} s,"
              f" {args.concurrency} clients ...", flush=True)
        load = run_load(port, server, targets, args, env)
    finally:
        if server is not None:
            stop(server)
        if log is not None:
            log.close()
        if args.keep:
            print(f"kept {workdir}" + (f" and the schema {schema}: DATABASE_URL={url}"
                                       if schema else ""), flush=True)
        else:
            drop_schema(schema)
            shutil.rmtree(workdir, ignore_errors=True)
    for target in load["targets"]:
        target.pop("cookie", None)
    return {"database": kind, "seed": {"needs": needs, "store": store}, "checks": checks,
            "settings": load["settings"], "targets": verdicts(load["targets"]),
            "machine": {**machine(), "load_average_before": load_before}}


COLUMNS = ["database", "page", "requests/s", "ratio to /healthz", "p50 ms", "p99 ms",
           "server CPU ms/req", "target", *readme_table.PROVENANCE_COLUMNS]


def table_rows(report: dict) -> list[list]:
    rows = []
    for run in report["runs"]:
        for t in run["targets"]:
            verdict = ("baseline" if t["name"] == "healthz"
                       else "(floor)" if "target_met" not in t
                       else "met" if t["target_met"] else "**missed**")
            cpu = t["server_cpu_ms_per_request"]
            rows.append([run["database"], LABELS[t["name"]], f"{t['requests_per_s']:,.0f}",
                         f"{t['ratio_to_healthz']:.2f}", f"{t['p50_ms']:.1f}",
                         f"{t['p99_ms']:.1f}", f"{cpu:.2f}" if cpu else None, verdict,
                         *readme_table.provenance_cells(run["machine"])])
    return rows


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# Pages as people see them: signed in, uncached (issue 21 §6)",
        "",
        *readme_table.render(COLUMNS, table_rows(report)),
        "",
        f"{m['nproc']} CPU ({m['cpu_model']}) · Python {m['python']} · SQLite {m['sqlite']}"
        f" · {report['elapsed_s']} s in all.",
        "",
        f"Target: each page ≥ {TARGET_RATIO} of /healthz's requests/s (same run, same database)"
        f" and p99 ≤ {TARGET_P99_MS:.0f} ms. Server: `python bench/serve.py` (= python wsgi.py, "
        f"gevent, one process, access log off, INSPIR_CONFIG={report['config']}, "
        "BOARD_CACHE_SECONDS=0); the pages are requested with the bench user's session "
        "cookie (signed in through the log-in form), /healthz without; load: keep-alive "
        "clients from a separate process on the same cores, interleaved rounds.",
        "",
    ]
    for run in report["runs"]:
        s, seed = run["settings"], run["seed"]
        lines.append(
            f"- {run['database']}: {seed['needs']['needs']:,} needs "
            f"({seed['needs']['supports']:,} supports), {seed['store']['projects']} projects "
            f"({seed['store']['in_store']} in the store), {seed['store']['events']} events; "
            f"{s['concurrency']} clients, {s['rounds']} rounds of {s['duration_s']} s per page. "
            "Checked: " + "; ".join(f"{k} {v}" for k, v in run["checks"].items()
                                    if k != "healthz"))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the signed-in pages.")
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=2.5, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--config", default="development")
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--name", default="pages_signed_in")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folders (and the PostgreSQL schema)")
    parser.add_argument("--no-readme", action="store_true",
                        help="do not write the table into README.md")
    parser.add_argument("--quick", action="store_true",
                        help="shorter rounds; results in NAME_quick, README.md untouched")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration, args.warmup = 2, 1.0, 0.5
        args.name += "_quick"
        args.no_readme = True
    started = time.monotonic()
    load_before = os.getloadavg()
    runs = [run_database(kind.strip(), args) for kind in args.databases.split(",")]
    met = all(t.get("target_met", True) for run in runs for t in run["targets"])
    report = {
        "benchmark": "signed-in pages, uncached, vs bare /healthz, SQLite and PostgreSQL "
                     "(issue 21 §6)",
        "machine": {**machine(), "load_average_before": load_before},
        "config": args.config,
        "target": {"ratio_to_healthz": TARGET_RATIO, "p99_ms": TARGET_P99_MS},
        "target_met": met,
        "runs": runs,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    write_report(report, markdown(report), args.out, args.name)
    if not args.no_readme:
        table = readme_table.render(COLUMNS, table_rows(report))
        changed = readme_table.write("pages", table)
        print(f"README.md: pages table {'rewritten' if changed else 'unchanged'}")


if __name__ == "__main__":
    main()
