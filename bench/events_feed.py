"""Benchmark of the iCalendar feeds against the bare /healthz route, in one run
(``make bench-events``).

1. a temporary SQLite database, migrated by ``flask db upgrade`` (DATABASE_URL);
2. 300 realistic events seeded in one transaction (``seed_events.py``);
3. the real server started as ``make run`` serves it (``serve.py``: gevent, the
   development settings, access log off) on a free loopback port;
4. a separate load-generator process (``loadgen.py``: fixed concurrency, keep-alive,
   interleaved rounds of fixed duration) measures /healthz, the public feed
   ``/events.ics`` (whole, and filtered on a department), one event's ``.ics`` and
   the feed revalidated with ``If-None-Match`` (304);
5. bench/results/events_feed.json and .md: requests/s, p50, p99, the ratio of
   each page's requests/s to /healthz's, server CPU per request, the machine.

The server is stopped in every case (SIGTERM, then SIGKILL) and the temporary
folder removed (``--keep`` keeps it). The helpers are the need boards benchmark's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

from needs_board import (
    HERE,
    RESULTS,
    _load,
    machine,
    request,
    run_checked,
    run_load,
    server_env,
    start_server,
    stop,
    write_report,
)

DEPARTMENT = "80"
# (name, label); paths and headers are set once the seed is known (see targets()).
PAGES = (
    ("healthz", "bare /healthz (baseline)"),
    ("feed", "public feed, every event"),
    ("feed_department", f"public feed, department {DEPARTMENT}"),
    ("one_event", "one event's .ics"),
    ("feed_304", "public feed revalidated (If-None-Match: its ETag → 304)"),
)
LABELS = dict(PAGES)


def targets(sample_event_id: int, etag: str | None = None) -> list[dict]:
    """The load generator's targets; ``etag`` is the feed's, read by ``check``."""
    return [
        {"name": "healthz", "path": "/healthz"},
        {"name": "feed", "path": "/events.ics"},
        {"name": "feed_department", "path": f"/events.ics?department={DEPARTMENT}"},
        {"name": "one_event", "path": f"/events/{sample_event_id}.ics"},
        {"name": "feed_304", "path": "/events.ics", "headers": {"If-None-Match": etag or ""},
         "status": 304},
    ]


def check(port: int, target: dict) -> dict:
    """One request before the load: the status, and for a calendar, what is in it."""
    status, headers, body = request(port, "GET", target["path"],
                                    headers=target.get("headers", {}))
    if status != target.get("status", 200):
        raise SystemExit(f"{target['path']} answered {status}")
    info = {"status": status, "bytes": len(body.encode())}
    if status == 200 and target["path"] != "/healthz":
        content_type = headers.get("Content-Type", "")
        if not content_type.startswith("text/calendar"):
            raise SystemExit(f"{target['path']} is not a calendar ({content_type})")
        info.update(etag=headers.get("ETag"), events=body.count("BEGIN:VEVENT"),
                    cancelled=body.count("STATUS:CANCELLED"),
                    vtimezone=body.count("BEGIN:VTIMEZONE"))
        if not info["events"] or info["vtimezone"] != 1 or not info["etag"]:
            raise SystemExit(f"{target['path']}: an unexpected calendar {info}")
    return info


def ratios(results: list[dict]) -> list[dict]:
    base = next(t for t in results if t["name"] == "healthz")
    for target in results:
        ratio = target["requests_per_s"] / base["requests_per_s"] if base["requests_per_s"] else 0
        target["ratio_to_healthz"] = round(ratio, 3)
    return results


def markdown(report: dict) -> str:
    m, s, seed, checks = report["machine"], report["settings"], report["seed"], report["checks"]
    lines = [
        "# iCalendar feeds benchmark",
        "",
        f"{m['date']} · {m['nproc']} CPU ({m['cpu_model']}) · Python {m['python']} · "
        f"SQLite {m['sqlite']} · commit {m['git_commit']}{' (dirty)' if m['git_dirty'] else ''}"
        f" · load average before/after {_load(m['load_average_before'])} / "
        f"{_load(m['load_average'])} (other work on the machine skews the figures)",
        "",
        f"{seed['events']:,} events in SQLite ({seed['by_status']['published']} published, "
        f"{seed['by_status']['cancelled']} cancelled, {seed['by_status']['draft']} drafts; "
        f"from {seed['past_days']} days ago to {seed['ahead_days']} days ahead), "
        f"{checks['feed']['events']} in the public feed "
        f"({checks['feed']['cancelled']} as cancelled; "
        f"{checks['feed']['bytes'] / 1024:,.0f} KiB), "
        f"{checks['feed_department']['events']} in department {DEPARTMENT}'s; "
        f"server: `{s['server']}` (INSPIR_CONFIG={s['config']}, access log off), one process; "
        f"load: {s['concurrency']} keep-alive clients from a separate process on the same cores, "
        f"{s['rounds']} interleaved rounds of {s['duration_s']} s per page "
        f"(after {s['warmup_s']} s of warm-up).",
        "",
        "| page | requests/s | ratio to /healthz | p50 ms | p99 ms | server CPU ms/req "
        "| bytes/resp. | requests | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in report["targets"]:
        path = t["path"] + (" + If-None-Match" if t["name"] == "feed_304" else "")
        lines.append(
            f"| {LABELS[t['name']]} `{path}` | {t['requests_per_s']:,.0f} | "
            f"{t['ratio_to_healthz']:.3f} | {t['p50_ms']:.1f} | {t['p99_ms']:.1f} | "
            f"{t['server_cpu_ms_per_request'] or float('nan'):.2f} | "
            f"{t['bytes_per_response']:,} | {t['requests']:,} | {t['errors']} |")
    lines += ["", "Requests/s at saturation ≈ 1 / the page's server CPU time; p50 and p99 are "
              "mostly queueing (≈ concurrency × that time). See bench/README.md.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the iCalendar feeds.")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=2.5, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per page per round")
    parser.add_argument("--config", default="development",
                        help="INSPIR_CONFIG of the server (make run uses development)")
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--name", default="events_feed", help="results file name")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--quick", action="store_true",
                        help="fewer, shorter rounds (make bench); results in NAME_quick")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration, args.warmup = 2, 1.0, 0.5
        args.name += "_quick"

    started = time.monotonic()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    workdir = tempfile.mkdtemp(prefix="inspir-bench-events-")
    database = os.path.join(workdir, "bench.db")
    env = server_env(args.config, database)
    server = log = None
    try:
        print(f"migrating a temporary database in {workdir} ...", flush=True)
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        print(f"seeding {args.events:,} events ...", flush=True)
        out = run_checked([sys.executable, os.path.join(HERE, "seed_events.py"),
                           str(args.events)], env, "seeding")
        seed = json.loads(out.strip().splitlines()[-1])
        print(f"  {seed}", flush=True)

        server, port, log = start_server(env, workdir)
        print(f"server pid {server.pid} on port {port}", flush=True)

        checks = {}
        for target in targets(seed["sample_event_id"]):
            if target["name"] != "feed_304":
                checks[target["name"]] = check(port, target)
        load_targets = targets(seed["sample_event_id"], checks["feed"]["etag"])
        checks["feed_304"] = check(port, load_targets[-1])
        if checks["feed"]["events"] != seed["in_feed"]:
            raise SystemExit(f"the feed has {checks['feed']['events']} events, "
                             f"the seed put {seed['in_feed']} in its window")
        print(f"load: {len(load_targets)} pages x {args.rounds} rounds x {args.duration} s, "
              f"{args.concurrency} clients ...", flush=True)
        load = run_load(port, server, load_targets, args, env)
    finally:
        if server is not None:
            stop(server)
        if log is not None:
            log.close()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    report = {
        "benchmark": "iCalendar feeds vs bare /healthz (issue 4)",
        "machine": {**machine(), "load_average_before": load_before},
        "seed": seed,
        "settings": {**load["settings"], "config": args.config,
                     "server": "python bench/serve.py (= python wsgi.py, gevent, log off)",
                     "database": "sqlite (temporary file, migrated)"},
        "checks": checks,
        "targets": ratios(load["targets"]),
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    write_report(report, markdown(report), args.out, args.name)


if __name__ == "__main__":
    main()
