"""Benchmark of the site's search (issue 20 §2) against the bare /healthz route, on SQLite
and on PostgreSQL, in one run (``make bench-search``).

For each database:

1. a fresh database migrated by ``flask db upgrade``: a temporary SQLite file, or a
   PostgreSQL schema of its own (PG_URL, default postgresql://postgres@127.0.0.1:5432/test,
   reached through ``-csearch_path``; dropped at the end);
2. 104,500 of seed_needs.py's realistic needs, then the index rebuilt by the real use case
   (``seed_search.py``): about 100,000 documents;
3. the real server as ``make run`` serves it (``serve.py``: gevent, the development
   settings, access log off, the limit of costly reads off) on a free loopback port;
4. a separate load-generator process (``loadgen.py``: fixed concurrency, keep-alive,
   interleaved rounds) measures /healthz and the search page: one of the most frequent
   words (in about a third of the documents), a word of a few thousand documents, two words
   with filters, and a mix of 60 different queries (words, filters, second pages);
5. bench/results/search.json and .md: requests/s, p50, p99, each route's ratio to
   /healthz's requests/s measured in the same run, server CPU per request, the machine.

Target (issue 20): ≥ 0.1 of /healthz's requests/s and p99 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import urllib.parse

from needs_board import (
    HERE,
    RESULTS,
    _load,
    drop_schema,
    fresh_database,
    machine,
    request,
    run_checked,
    run_load,
    server_env,
    start_server,
    stop,
    write_report,
)

TARGET_RATIO = 0.1
TARGET_P99_MS = 150.0

WORDS = ("bus", "covoiturage", "logement", "jardins", "déchets", "étudiants", "gymnases",
         "producteurs", "mairie", "démarches", "Amiens", "Dunkerque", "Péronne", "sport",
         "cantines", "seniors", "quartier", "habitants", "dimanche gare", "ecologie")
FILTERS = ("", "&department=59", "&kind=need", "&theme=transports&department=80")


def _q(words: str) -> str:
    return "/search?q=" + urllib.parse.quote_plus(words)


MIX = [_q(w) + f + ("&page=2" if (i + j) % 5 == 0 else "")
       for i, w in enumerate(WORDS) for j, f in enumerate(FILTERS)][:60]
# Queries never asked before: the server keeps a query's matches for the index's state
# (search/queries.py), so the routes above, asked again and again, read only their page's
# rows after their first request. These 1,920 (a word or two; no filter, a department, a
# kind, a theme, a kind and a theme) are each sent once, in a shuffled order, until the
# list is used up (loadgen's "advance"), which no run of this bench reaches: every one is
# read from the index. (The seeded documents are all needs, with 16 themes.)
THEMES = ("agriculture", "citoyennete", "culture", "economie", "education", "emploi",
          "energie", "environnement", "formation", "inclusion", "logement", "sante",
          "services_publics", "sport", "tourisme", "transports")
UNSEEN = [_q(text) + department + variant
          for i, text in enumerate(list(WORDS) + [f"{WORDS[n]} {WORDS[(n + k) % len(WORDS)]}"
                                                  for k in (1, 2, 3) for n in range(len(WORDS))])
          for j, department in enumerate(("", "&department=02", "&department=59",
                                          "&department=60", "&department=62", "&department=80"))
          for variant in ("", "&kind=need", f"&theme={THEMES[(i + j) % len(THEMES)]}",
                          f"&kind=need&theme={THEMES[(i + j + 5) % len(THEMES)]}")]
random.Random(2026).shuffle(UNSEEN)  # noqa: S311 (an order, no secret)
UNSEEN_CHECKED = 20  # the last ones (never reached by the load): checked before it
# (name, path or paths, label)
ROUTES = (
    ("healthz", "/healthz", "bare /healthz (baseline)"),
    ("frequent", _q("quartier"), "a word in about a third of the documents"),
    ("word", _q("covoiturage"), "a word in a few thousand documents"),
    ("filtered", _q("logement étudiants") + "&kind=need&department=80",
     "two words, kind and department filters"),
    ("mix", MIX, f"a mix of {len(MIX)} queries (words, filters, second pages)"),
    ("unseen", UNSEEN, f"{len(UNSEEN):,} queries, each asked once (read from the index)"),
)


def check_route(port: int, path: str) -> dict:
    status, _headers, body = request(port, "GET", path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    info = {"bytes": len(body.encode())}
    if path.startswith("/search"):
        info["results"] = body.count('class="search-result"')
        info["marked"] = body.count("<mark>")
    return info


def verdicts(targets: list[dict]) -> list[dict]:
    base = next(t for t in targets if t["name"] == "healthz")
    for target in targets:
        ratio = target["requests_per_s"] / base["requests_per_s"] if base["requests_per_s"] else 0
        target["ratio_to_healthz"] = round(ratio, 3)
        if target["name"] != "healthz":
            target["target_met"] = (ratio >= TARGET_RATIO and target["p99_ms"] <= TARGET_P99_MS
                                    and target["errors"] == 0)
    return targets


def run_database(kind: str, args) -> dict:
    """Set up, seed, serve and load one database; its figures."""
    workdir = tempfile.mkdtemp(prefix=f"inspir-bench-search-{kind}-")
    url, schema = fresh_database(kind, workdir, "search")
    env = server_env(args.config, "unused")
    env["DATABASE_URL"] = url
    server = log = None
    try:
        print(f"[{kind}] migrating ...", flush=True)
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        print(f"[{kind}] seeding {args.needs:,} needs and indexing them ...", flush=True)
        seed = json.loads(run_checked(
            [sys.executable, os.path.join(HERE, "seed_search.py"), str(args.needs)],
            env, "seeding").strip().splitlines()[-1])
        print(f"  {seed}", flush=True)
        server, port, log = start_server(env, workdir)
        checks = {}
        for name, path, _ in ROUTES:
            paths = path if isinstance(path, list) else [path]
            if name == "unseen":
                paths = paths[-UNSEEN_CHECKED:]
            found = [check_route(port, p) for p in paths]
            checks[name] = {"paths": len(paths),
                            "results": sum(f.get("results", 0) for f in found),
                            "marked": sum(f.get("marked", 0) for f in found),
                            "bytes": sum(f["bytes"] for f in found) // len(found)}
        targets = [{"name": name, **({"paths": path, "path": path[0]}
                                     if isinstance(path, list) else {"path": path}),
                    **({"advance": True} if name == "unseen" else {})}
                   for name, path, _ in ROUTES]
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
    return {"database": kind, "seed": seed, "checks": checks,
            "settings": load["settings"], "targets": verdicts(load["targets"])}


def markdown(report: dict) -> str:
    m = report["machine"]
    labels = {name: label for name, _, label in ROUTES}
    lines = [
        "# Site search benchmark (issue 20 §2)",
        "",
        f"{m['date']} · {m['nproc']} CPU ({m['cpu_model']}) · Python {m['python']} · "
        f"SQLite {m['sqlite']} · commit {m['git_commit']}{' (dirty)' if m['git_dirty'] else ''}"
        f" · load average before/after {_load(m['load_average_before'])} / "
        f"{_load(m['load_average'])} (other work on the machine lowers every route alike)",
        "",
        f"Target: each search ≥ {TARGET_RATIO} of /healthz's requests/s (same run, same "
        f"database) and p99 ≤ {TARGET_P99_MS:.0f} ms. Server: `python bench/serve.py` "
        "(= python wsgi.py, gevent, one process, access log off, INSPIR_CONFIG="
        f"{report['config']}); load: keep-alive clients from a separate process on the same "
        "cores, interleaved rounds.",
        "",
    ]
    for run in report["runs"]:
        s, seed = run["settings"], run["seed"]
        lines += [
            f"## {run['database']}",
            "",
            f"{seed['needs']:,} needs, **{seed['documents']:,} documents** in the index "
            f"(seeded in {seed['seed_seconds']} s, index rebuilt by `search-reindex`'s use "
            f"case in {seed['reindex_seconds']} s); {s['concurrency']} clients, "
            f"{s['rounds']} rounds of {s['duration_s']} s per route.",
            "",
            "| route | requests/s | ratio to /healthz | p50 ms | p99 ms | server CPU ms/req "
            "| requests | errors | target |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for t in run["targets"]:
            verdict = "baseline" if t["name"] == "healthz" else (
                "met" if t["target_met"] else "**missed**")
            paths = dict((name, path) for name, path, _ in ROUTES)[t["name"]]
            path = f"{len(paths):,} paths" if isinstance(paths, list) else f"`{t['path']}`"
            lines.append(
                f"| {labels[t['name']]} {path} | {t['requests_per_s']:,.0f} | "
                f"{t['ratio_to_healthz']:.2f} | {t['p50_ms']:.1f} | {t['p99_ms']:.1f} | "
                f"{t['server_cpu_ms_per_request'] or float('nan'):.2f} | {t['requests']:,} | "
                f"{t['errors']} | {verdict} |")
        lines += ["", "Checked before the load: " + "; ".join(
            f"{k}: {v['results']} results, {v['marked']} marks ({v['paths']} page(s))"
            for k, v in run["checks"].items() if k != "healthz"), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the site's search.")
    parser.add_argument("--needs", type=int, default=104_500)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per route per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--config", default="development")
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--name", default="search")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder and the PostgreSQL schema (to profile "
                             "with profile_page.py; drop the schema by hand afterwards)")
    parser.add_argument("--quick", action="store_true",
                        help="10,000 needs, shorter rounds; results in NAME_quick")
    args = parser.parse_args()
    if args.quick:
        args.needs, args.rounds, args.duration, args.warmup = 10_450, 2, 1.5, 0.5
        args.name += "_quick"
    started = time.monotonic()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    runs = [run_database(kind.strip(), args) for kind in args.databases.split(",")]
    met = all(t.get("target_met", True) for run in runs for t in run["targets"])
    report = {
        "benchmark": "site search vs bare /healthz, SQLite and PostgreSQL (issue 20 §2)",
        "machine": {**machine(), "load_average_before": load_before},
        "config": args.config,
        "target": {"ratio_to_healthz": TARGET_RATIO, "p99_ms": TARGET_P99_MS},
        "target_met": met,
        "runs": runs,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    write_report(report, markdown(report), args.out, args.name)


if __name__ == "__main__":
    main()
