"""Benchmark of the innovation store and the public JSON API against the bare /healthz route,
in one run (``make bench-store``): the figures of issue 9's closing note.

1. a temporary SQLite database, migrated by ``flask db upgrade`` (DATABASE_URL);
2. 10,000 needs (``seed_needs.py``), then 500 projects over the pipeline's stages, about
   half of them in the store, with their lineage and grants (``seed_store.py``);
3. the real server as ``make run`` serves it (``serve.py``: gevent, the development
   settings, access log off) on a free loopback port;
4. a separate load-generator process (``loadgen.py``: fixed concurrency, keep-alive,
   interleaved rounds of fixed duration) measures /healthz, the store page, its search,
   /api/v1/needs and its department filter (and, for information, /statistics);
5. bench/results/store_api.json and .md: requests/s, p50, p99, the ratio of each
   route's requests/s to /healthz's measured in the same run, server CPU per request,
   the machine and its load average (other work on the machine lowers every route
   alike; the ratios are what compares).

The helpers (server start and stop, requests, machine description) are the need
boards benchmark's (``needs_board.py``). ``--quick`` runs in under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
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
from seed_store import SEARCH_WORD

# A reference, not the issue's target (issue 9 asks for the figures): issue 3's bar for pages.
REFERENCE_RATIO = 0.2
REFERENCE_P99_MS = 100.0
# (name, path, in the closing note)
ROUTES = (
    ("healthz", "/healthz", False),
    ("store", "/store", True),
    ("store_search", f"/store?q={SEARCH_WORD}", True),
    ("api_needs", "/api/v1/needs", True),
    ("api_needs_department", "/api/v1/needs?department=80", True),
    ("statistics", "/statistics", False),
)
LABELS = {
    "healthz": "bare /healthz (baseline)",
    "store": "store page, first page",
    "store_search": f"store search (q={SEARCH_WORD})",
    "api_needs": "API needs, first page",
    "api_needs_department": "API needs, department 80",
    "statistics": "statistics page (for information)",
}


def check_route(port: int, path: str) -> dict:
    """One request before the load: the route answers 200 and shows what it should."""
    status, headers, body = request(port, "GET", path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    info = {"bytes": len(body.encode())}
    if path.startswith("/api/"):
        data = json.loads(body)
        info["items"], info["total"] = len(data["items"]), data["total"]
        if not data["items"]:
            raise SystemExit(f"{path} lists nothing")
    elif path.startswith("/store"):
        info["items"] = body.count('class="card store-card')
        count = re.search(r'class="result-count"[^>]*>([^<]+)<', body)
        info["total"] = count.group(1).strip() if count else None
        if not info["items"]:
            raise SystemExit(f"{path} shows no project")
    elif path.startswith("/statistics"):
        info["charts"] = body.count('role="img"')
    return info


def wait_for_routes(port: int, server: subprocess.Popen, wait: float) -> None:
    """Poll until the store and the API answer 200 (they may still be in the works)."""
    deadline = time.monotonic() + wait
    while True:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        missing = [path for _, path, _ in ROUTES if request(port, "GET", path)[0] != 200]
        if not missing:
            return
        if time.monotonic() >= deadline:
            raise SystemExit(f"not answering 200: {', '.join(missing)}")
        time.sleep(5)


def verdicts(targets: list[dict]) -> list[dict]:
    base = next(t for t in targets if t["name"] == "healthz")
    noted = {name for name, _, in_note in ROUTES if in_note}
    for target in targets:
        ratio = target["requests_per_s"] / base["requests_per_s"] if base["requests_per_s"] else 0
        target["ratio_to_healthz"] = round(ratio, 3)
        target["in_closing_note"] = target["name"] in noted
        if target["name"] != "healthz":
            target["within_reference"] = (ratio >= REFERENCE_RATIO
                                          and target["p99_ms"] <= REFERENCE_P99_MS
                                          and target["errors"] == 0)
    return targets


def markdown(report: dict) -> str:
    m, s, needs, store = report["machine"], report["settings"], report["seed"]["needs"], \
        report["seed"]["store"]
    lines = [
        "# Innovation store and JSON API benchmark",
        "",
        f"{m['date']} · {m['nproc']} CPU ({m['cpu_model']}) · Python {m['python']} · "
        f"SQLite {m['sqlite']} · commit {m['git_commit']}{' (dirty)' if m['git_dirty'] else ''}"
        f" · load average before/after {_load(m['load_average_before'])} / "
        f"{_load(m['load_average'])} (other work on the machine lowers every route alike)",
        "",
        f"{needs['needs']:,} needs ({needs['supports']:,} supports, {needs['users']:,} users) "
        f"and {store['projects']:,} projects ({store['in_store']} in the store, "
        f"{store['events']} events, {store['ideas']} ideas, {store['grants']} grants, "
        f"{store['reproductions']} reproduction requests) in SQLite; server: `{s['server']}` "
        f"(INSPIR_CONFIG={s['config']}, access log off), one process; load: "
        f"{s['concurrency']} keep-alive clients from a separate process on the same cores, "
        f"{s['rounds']} interleaved rounds of {s['duration_s']} s per route "
        f"(after {s['warmup_s']} s of warm-up).",
        "",
        f"Reference (issue 3's bar for pages, not a target of issue 9): ≥ {REFERENCE_RATIO} "
        f"of /healthz's requests/s and p99 ≤ {REFERENCE_P99_MS:.0f} ms.",
        "",
        "| route | requests/s | ratio to /healthz | p50 ms | p99 ms | server CPU ms/req "
        "| requests | errors | reference |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t in report["targets"]:
        if t["name"] == "healthz":
            verdict = "baseline"
        else:
            verdict = "within" if t["within_reference"] else "**outside**"
        lines.append(
            f"| {LABELS[t['name']]} `{t['path']}` | {t['requests_per_s']:,.0f} | "
            f"{t['ratio_to_healthz']:.2f} | {t['p50_ms']:.1f} | {t['p99_ms']:.1f} | "
            f"{t['server_cpu_ms_per_request'] or float('nan'):.2f} | {t['requests']:,} | "
            f"{t['errors']} | {verdict} |")
    lines += ["", "Routes checked before the load: " + "; ".join(
        f"{k}: {v.get('items', v.get('charts', '-'))} shown, total {v.get('total', '-')}, "
        f"{v['bytes']:,} bytes" for k, v in report["checks"].items() if k != "healthz"), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the store and the JSON API.")
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=2.5, help="seconds per route per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per route per round")
    parser.add_argument("--config", default="development",
                        help="INSPIR_CONFIG of the server (make run uses development)")
    parser.add_argument("--wait", type=float, default=0,
                        help="seconds to poll until every route answers 200 (default: none)")
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--name", default="store_api", help="results file name")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--quick", action="store_true",
                        help="fewer, shorter rounds (make bench); results in NAME_quick")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration, args.warmup = 2, 1.0, 0.5
        args.name += "_quick"

    started = time.monotonic()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    workdir = tempfile.mkdtemp(prefix="inspir-bench-store-")
    database = os.path.join(workdir, "bench.db")
    env = server_env(args.config, database)
    server = log = None
    try:
        print(f"migrating a temporary database in {workdir} ...", flush=True)
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        print(f"seeding {args.needs:,} needs and {args.projects:,} projects ...", flush=True)
        needs = json.loads(run_checked(
            [sys.executable, os.path.join(HERE, "seed_needs.py"), str(args.needs)],
            env, "seeding the needs").strip().splitlines()[-1])
        store = json.loads(run_checked(
            [sys.executable, os.path.join(HERE, "seed_store.py"), str(args.projects)],
            env, "seeding the projects").strip().splitlines()[-1])
        print(f"  {needs}\n  {store}", flush=True)

        server, port, log = start_server(env, workdir)
        wait_for_routes(port, server, args.wait)
        print(f"server pid {server.pid} on port {port}", flush=True)
        checks = {name: check_route(port, path) for name, path, _ in ROUTES}
        targets = [{"name": name, "path": path} for name, path, _ in ROUTES]
        print(f"load: {len(targets)} routes x {args.rounds} rounds x {args.duration} s, "
              f"{args.concurrency} clients ...", flush=True)
        load = run_load(port, server, targets, args, env)
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
        "benchmark": "innovation store and JSON API vs bare /healthz (issue 9)",
        "machine": {**machine(), "load_average_before": load_before},
        "seed": {"needs": needs, "store": store},
        "settings": {**load["settings"], "config": args.config,
                     "server": "python bench/serve.py (= python wsgi.py, gevent, log off)",
                     "database": "sqlite (temporary file, migrated)"},
        "reference": {"ratio_to_healthz": REFERENCE_RATIO, "p99_ms": REFERENCE_P99_MS},
        "checks": checks,
        "targets": verdicts(load["targets"]),
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    write_report(report, markdown(report), args.out, args.name)


if __name__ == "__main__":
    main()
