"""Benchmark of the need boards against the bare /healthz route, in one run (``make bench-needs``).

1. a temporary SQLite database, migrated by ``flask db upgrade`` (DATABASE_URL);
2. 10,000 realistic needs seeded in one transaction (``seed_needs.py``);
3. the real server started as ``make run`` serves it (``serve.py``: gevent, the
   development settings, access log off) on a free loopback port;
4. a separate load-generator process (``loadgen.py``: fixed concurrency, keep-alive,
   interleaved rounds of fixed duration) measures /healthz and the board pages;
5. bench/results/needs_board.json and .md: requests/s, p50, p99, the ratio of
   each page's requests/s to /healthz's, server CPU per request, the machine.

The server is stopped in every case (SIGTERM, then SIGKILL) and the temporary
folder removed (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")

SEARCH_WORD = "quartier"  # in about a third of the seeded needs
TARGET_RATIO = 0.2
TARGET_P99_MS = 100.0
# (name, path, signed in, held to the target)
PAGES = (
    ("healthz", "/healthz", False, False),
    ("board", "/needs", False, True),
    ("filtered", "/needs?department=80&theme=transports&sort=supported", False, True),
    ("search", f"/needs?q={SEARCH_WORD}", False, True),
    ("board_signed_in", "/needs", True, False),
)
LABELS = {
    "healthz": "bare /healthz (baseline)",
    "board": "board, first page",
    "filtered": "filtered page (department, theme, most supported)",
    "search": f"search page (q={SEARCH_WORD})",
    "board_signed_in": "board, first page, signed in (for information)",
}


PG_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, connect_timeout=5, autocommit=True) as conn:
        conn.execute(sql)


def fresh_database(kind: str, workdir: str, name: str) -> tuple[str, str | None]:
    """A database for one bench run: a SQLite file in ``workdir``, or (``kind`` "postgresql")
    a fresh schema of PG_URL's database, reached through ``-csearch_path``. Its URL and the
    schema (to drop with :func:`drop_schema`; None for SQLite)."""
    if kind != "postgresql":
        return "sqlite:///" + os.path.join(workdir, "bench.db"), None
    schema = f"bench_{name}_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    sep = "&" if "?" in PG_URL else "?"
    _pg_admin(f'CREATE SCHEMA "{schema}"')
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str | None) -> None:
    if schema is not None:
        _pg_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_checked(cmd: list[str], env: dict, what: str) -> str:
    result = subprocess.run(cmd, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,  # noqa: S603
                            timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"{what} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict | None = None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        return response.status, {"set-cookie": cookies, **dict(response.getheaders())}, \
            response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer /healthz within {timeout} s")


def start_server(env: dict, workdir: str) -> tuple[subprocess.Popen, int, object]:
    """``serve.py`` (as ``make run`` serves) on a free loopback port, its output in
    ``workdir/server.log``, once it answers: (server, port, log); the caller stops the
    server (:func:`stop`) and closes the log."""
    port = free_port()
    log = open(os.path.join(workdir, "server.log"), "w")  # noqa: SIM115 - the caller closes it
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "serve.py")],  # noqa: S603
                              env={**env, "PORT": str(port)}, cwd=PROJECT_ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, server)
    except BaseException:
        stop(server)
        log.close()
        raise
    return server, port, log


def run_load(port: int, server: subprocess.Popen, targets: list[dict], args, env: dict) -> dict:
    """``loadgen.py`` in its own process against ``targets`` (``args``: concurrency,
    duration, rounds, warmup, max_requests); its figures. The server must outlive it."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as listed:
        json.dump(targets, listed)  # (thousands of paths: too long for a command line)
        listed.flush()
        load = json.loads(run_checked([
            sys.executable, os.path.join(HERE, "loadgen.py"), "--port", str(port),
            "--server-pid", str(server.pid), "--targets", "@" + listed.name,
            "--concurrency", str(args.concurrency), "--duration", str(args.duration),
            "--rounds", str(args.rounds), "--warmup", str(args.warmup),
            "--max-requests", str(args.max_requests)], env, "the load generator"))
    if server.poll() is not None:
        raise SystemExit("the server died during the load")
    return load


def sign_in(port: int, email: str, password: str) -> str:
    """Log in through the real form; returns the Cookie header value of the session."""
    status, headers, html = request(port, "GET", "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if status != 200 or not token:
        raise SystemExit("could not read the log-in form")
    cookie = "; ".join(c.split(";", 1)[0] for c in headers["set-cookie"])
    body = urllib.parse.urlencode({"email": email, "password": password,
                                   "csrf_token": token.group(1)})
    status, headers, _ = request(port, "POST", "/login", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    if status != 302 or not headers["set-cookie"]:
        raise SystemExit(f"log-in refused (status {status})")
    cookie = _kept(cookie, headers["set-cookie"])
    # Then the page the log-in leads to, as a browser follows it, keeping the cookie it sets
    # (the « you are signed in » message read, the page's CSRF token added): with the log-in
    # answer's cookie alone, every measured page showed that message again and sent a new
    # cookie, which no browser sees after its first page (before 2026-12-06 19:30 UTC).
    location = urllib.parse.urlsplit(next(v for k, v in headers.items() if k.lower() == "location"))
    status, headers, _ = request(port, "GET", location.path + (
        "?" + location.query if location.query else ""), headers={"Cookie": cookie})
    if status != 200:
        raise SystemExit(f"the page after the log-in answered {status}")
    return _kept(cookie, headers["set-cookie"])


def _kept(cookie: str, set_cookies: list[str]) -> str:
    """The ``Cookie`` header a browser sends after ``set_cookies``: each named value the
    latest one."""
    jar = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
    jar.update(c.split(";", 1)[0].split("=", 1) for c in set_cookies)
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def check_page(port: int, path: str, cookie: str | None) -> dict:
    """One request before the load: the page answers 200 and shows what it should."""
    status, _, body = request(port, "GET", path, headers={"Cookie": cookie} if cookie else {})
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    info = {"bytes": len(body.encode())}
    if path.startswith("/needs"):
        info["cards"] = body.count('class="card need-card"')
        count = re.search(r'class="result-count"[^>]*>([^<]+)<', body)
        info["result_count"] = count.group(1).strip() if count else None
        if not info["cards"]:
            raise SystemExit(f"{path} shows no need")
        if cookie:
            info["signed_in"] = 'class="support-form"' in body
            if not info["signed_in"]:
                raise SystemExit(f"{path} is not shown signed in")
    return info


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def machine() -> dict:
    model = None
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT,  # noqa: S603, S607
                                capture_output=True, text=True, timeout=10).stdout.strip()
        # The benches' own results do not make the code dirty (a series of runs writes
        # them as it goes).
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", ".",  # noqa: S603, S607
                                     ":(exclude)bench/results"], cwd=PROJECT_ROOT,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        commit, dirty = None, None
    return {
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "git_dirty": dirty,
    }


def verdicts(targets: list[dict]) -> list[dict]:
    base = next(t for t in targets if t["name"] == "healthz")
    held = {name for name, _, _, is_held in PAGES if is_held}
    for target in targets:
        ratio = target["requests_per_s"] / base["requests_per_s"] if base["requests_per_s"] else 0
        target["ratio_to_healthz"] = round(ratio, 3)
        if target["name"] != "healthz":
            target["meets_target"] = (ratio >= TARGET_RATIO and target["p99_ms"] <= TARGET_P99_MS
                                      and target["errors"] == 0)
            target["held_to_target"] = target["name"] in held
    return targets


def _load(value) -> str:
    return "?" if not value else f"{value[0]:.2f}"


def markdown(report: dict) -> str:
    m, s, seed = report["machine"], report["settings"], report["seed"]
    lines = [
        "# Need boards benchmark",
        "",
        f"{m['date']} · {m['nproc']} CPU ({m['cpu_model']}) · Python {m['python']} · "
        f"SQLite {m['sqlite']} · commit {m['git_commit']}{' (dirty)' if m['git_dirty'] else ''}"
        f" · load average before/after {_load(m['load_average_before'])} / "
        f"{_load(m['load_average'])} (other work on the machine skews the figures)",
        "",
        f"{seed['needs']:,} needs ({seed['tags']:,} tags, {seed['supports']:,} supports, "
        f"{seed['users']:,} users) in SQLite{' (analysed)' if s['analyze'] else ''}; "
        f"server: `{s['server']}` "
        f"(INSPIR_CONFIG={s['config']}, access log off), one process; load: {s['concurrency']} "
        f"keep-alive clients from a separate process on the same cores, "
        f"{s['rounds']} interleaved rounds of {s['duration_s']} s per page "
        f"(after {s['warmup_s']} s of warm-up).",
        "",
        f"Target (issue 3): each page ≥ {TARGET_RATIO} of /healthz's requests/s and "
        f"p99 ≤ {TARGET_P99_MS:.0f} ms.",
        "",
        "| page | requests/s | ratio to /healthz | p50 ms | p99 ms | server CPU ms/req "
        "| requests | errors | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t in report["targets"]:
        if t["name"] == "healthz":
            verdict = "baseline"
        else:
            verdict = "met" if t["meets_target"] else "**missed**"
            if not t["held_to_target"]:
                verdict += " (info)"
        lines.append(
            f"| {LABELS[t['name']]} `{t['path']}` | {t['requests_per_s']:,.0f} | "
            f"{t['ratio_to_healthz']:.2f} | {t['p50_ms']:.1f} | {t['p99_ms']:.1f} | "
            f"{t['server_cpu_ms_per_request'] or float('nan'):.2f} | {t['requests']:,} | "
            f"{t['errors']} | {verdict} |")
    lines += ["", f"Overall: **{'target met' if report['target_met'] else 'target missed'}**.",
              "", "Pages checked before the load: "
              + "; ".join(f"{k}: {v.get('cards', '-')} cards, {v.get('result_count') or ''}"
                          for k, v in report["checks"].items() if k != "healthz"), ""]
    return "\n".join(lines)


def server_env(config: str, database: str) -> dict:
    """The environment of the server under test: this one without what would change its
    behaviour (Redis, SERVER_NAME, debug), on the temporary SQLite ``database``; the limit of
    costly reads off (READ_LIMIT empty): one load generator is one address hammering pages."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "SERVER_NAME", "FLASK_DEBUG", "INSPIR_NO_GEVENT")}
    env.update(INSPIR_CONFIG=config, DATABASE_URL=f"sqlite:///{database}", READ_LIMIT="",
               FLASK_APP="inspir_events.app", PYTHONDONTWRITEBYTECODE="1")
    if config == "production":
        env.setdefault("SECRET_KEY", os.urandom(24).hex())
    return env


def write_report(report: dict, text: str, out: str, name: str) -> None:
    """``out/name.json`` (everything) and ``out/name.md`` (the table), printed too."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(out, f"{name}.md"), "w") as f:
        f.write(text)
    print("\n" + text)
    print(f"({report['elapsed_s']} s; written to {os.path.relpath(out, PROJECT_ROOT)}/"
          f"{name}.json and .md)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the need boards.")
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=2.5, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per page per round")
    parser.add_argument("--config", default="development",
                        help="INSPIR_CONFIG of the server (make run uses development)")
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--name", default="needs_board", help="results file name")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--board-cache", type=int, default=None,
                        help="BOARD_CACHE_SECONDS for the server (default: the config's, 5 s; "
                             "0 measures every page rendered afresh)")
    parser.add_argument("--analyze", action="store_true",
                        help="run SQLite's ANALYZE after seeding (planner statistics; off by "
                             "default: a database served by the app is not analysed)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer, shorter rounds (make bench); results in NAME_quick")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration, args.warmup = 2, 1.0, 0.5
        args.name += "_quick"

    started = time.monotonic()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    workdir = tempfile.mkdtemp(prefix="inspir-bench-")
    database = os.path.join(workdir, "bench.db")
    env = server_env(args.config, database)
    if args.board_cache is not None:
        env["BOARD_CACHE_SECONDS"] = str(args.board_cache)
    server = None
    try:
        print(f"migrating a temporary database in {workdir} ...", flush=True)
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        print(f"seeding {args.needs:,} needs ...", flush=True)
        out = run_checked([sys.executable, os.path.join(HERE, "seed_needs.py"), str(args.needs)],
                          env, "seeding")
        seed = json.loads(out.strip().splitlines()[-1])
        if args.analyze:
            with sqlite3.connect(database) as conn:
                conn.execute("ANALYZE")
        print(f"  {seed}", flush=True)

        server, port, log = start_server(env, workdir)
        print(f"server pid {server.pid} on port {port}", flush=True)
        from seed_needs import BENCH_EMAIL, BENCH_PASSWORD  # light: constants only

        cookie = sign_in(port, BENCH_EMAIL, BENCH_PASSWORD)
        targets, checks = [], {}
        for name, path, signed_in, _ in PAGES:
            checks[name] = check_page(port, path, cookie if signed_in else None)
            target = {"name": name, "path": path}
            if signed_in:
                target["cookie"] = cookie
            targets.append(target)
        print(f"load: {len(targets)} pages x {args.rounds} rounds x {args.duration} s, "
              f"{args.concurrency} clients ...", flush=True)
        load = run_load(port, server, targets, args, env)
    finally:
        if server is not None:
            stop(server)
            log.close()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    results = verdicts(load["targets"])
    report = {
        "benchmark": "need boards vs bare /healthz (issue 3)",
        "machine": {**machine(), "load_average_before": load_before},
        "seed": seed,
        "settings": {**load["settings"], "config": args.config,
                     "server": "python bench/serve.py (= python wsgi.py, gevent, log off)",
                     "database": "sqlite (temporary file, migrated)",
                     "analyze": args.analyze},
        "target": {"ratio_to_healthz": TARGET_RATIO, "p99_ms": TARGET_P99_MS},
        "checks": checks,
        "targets": results,
        "target_met": all(t["meets_target"] for t in results if t.get("held_to_target")),
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    write_report(report, markdown(report), args.out, args.name)


if __name__ == "__main__":
    main()
