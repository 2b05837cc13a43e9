"""Benchmark of the e-mail outbox (issue 17 §7): what writing the message with the change
costs a registration, and how fast one worker delivers (``make bench-mail``).

1. two temporary SQLite databases, migrated by ``flask db upgrade``, each seeded with one
   published event and N confirmed-address participants with a server-side session;
2. two real servers as ``make run`` serves them (``serve.py``): one as it is, the other
   with the outbox switched off (``BENCH_NO_OUTBOX=1``: ``mail.services.enqueue`` writes
   nothing) — the same request without the outbox, measured in the same run;
3. each participant registers on both servers (a real POST with its CSRF token), in
   interleaved batches so both see the same machine; latencies per request;
4. a local SMTP server (aiosmtpd, loopback) and ONE worker (``flask mail-worker``) deliver
   the N confirmations (each with its attachments): time until the server accepted them
   all, messages/s, and the worker's peak memory (VmHWM);
5. bench/results/mail_outbox.json and .md.

Targets: registration latency with the outbox ≤ 1.1 × without it (mean and p50); ≥ 50
messages/s with one worker.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import timedelta

from needs_board import (
    PROJECT_ROOT,
    RESULTS,
    _load,
    free_port,
    machine,
    request,
    run_checked,
    server_env,
    stop,
    wait_until_serving,
    write_report,
)

if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

PYTHON = sys.executable
TARGET_LATENCY_RATIO = 1.1
TARGET_MESSAGES_PER_S = 50.0


def seed(database: str, participants: int) -> dict:
    """One published event and ``participants`` confirmed accounts with a session each;
    returns the event id and each participant's session cookie."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    from sqlalchemy import insert

    from inspir_events import markdown
    from inspir_events.accounts import services as account_services
    from inspir_events.accounts.models import Role, User, UserRole, UserSession
    from inspir_events.app import create_app
    from inspir_events.events.models import Event, EventOrganiser
    from inspir_events.events.rules import EventKind, EventStatus, RunBy
    from inspir_events.extensions import db
    from inspir_events.timeutil import utcnow

    app = create_app()
    with app.app_context():
        now = utcnow().replace(microsecond=0)
        password_hash = account_services.passwords().hash(secrets.token_urlsafe(16))
        users = [{"id": n + 1, "email": f"person{n}@bench.inspir.example",
                  "display_name": f"Participant·e {n}", "password_hash": password_hash,
                  "bio": "", "created_at": now, "department_code": "80", "locale": "fr",
                  "email_verified_at": now} for n in range(participants + 1)]
        text = "Deux jours pour imaginer **les mobilités rurales** avec les habitants."
        starts = (now + timedelta(days=10)).replace(hour=8, minute=0, second=0)
        event = {"id": 1, "title": "Hackathon des mobilités rurales (bench)",
                 "kind": EventKind.HACKATHON.value, "description": text,
                 "description_html": markdown.render(text), "starts_at": starts,
                 "ends_at": starts + timedelta(hours=32), "venue_name": "La Machinerie",
                 "venue_address": "12 rue Dupuis", "venue_commune": "Amiens",
                 "department_code": "80", "capacity": None, "run_by": RunBy.REGION.value,
                 "status": EventStatus.PUBLISHED.value, "sequence": 0, "confirmed_count": 0,
                 "created_by_id": 1, "created_at": now, "updated_at": now,
                 "solo_ideas_allowed": True}
        tokens = {u["id"]: secrets.token_urlsafe(32) for u in users[1:]}
        sessions = [{"token_hash": account_services.token_hash(token), "user_id": uid,
                     "created_at": now, "last_seen_at": now} for uid, token in tokens.items()]
        with db.engine.begin() as conn:
            conn.execute(insert(User), users)
            conn.execute(insert(UserRole), [{"user_id": 1, "role": Role.ORGANISER.value,
                                             "granted_at": now}])
            conn.execute(insert(Event), [event])
            conn.execute(insert(EventOrganiser), [{"event_id": 1, "user_id": 1,
                                                   "added_at": now}])
            conn.execute(insert(UserSession), sessions)
        with app.test_request_context():
            serializer = app.session_interface.get_signing_serializer(app)
            cookies = [f"{app.config['SESSION_COOKIE_NAME']}="
                       + serializer.dumps({"_user_id": token, "_fresh": True})
                       for token in tokens.values()]
        db.engine.dispose()
    return {"event_id": 1, "cookies": cookies}


def csrf_token(port: int, path: str, cookie: str) -> tuple[str, str]:
    """The CSRF token of the event page's form, and the cookie (with the CSRF part)."""
    status, headers, html = request(port, "GET", path, headers={"Cookie": cookie})
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if status != 200 or not match:
        raise SystemExit(f"{path} answered {status} without a form")
    new = [c.split(";", 1)[0] for c in headers["set-cookie"]]
    return match.group(1), "; ".join(new) if new else cookie


def register(port: int, event_id: int, cookie: str) -> float:
    """One registration through the real form; returns its latency in ms."""
    token, cookie = csrf_token(port, f"/events/{event_id}", cookie)
    body = urllib.parse.urlencode({"csrf_token": token})
    started = time.perf_counter()
    status, _, _ = request(port, "POST", f"/events/{event_id}/register", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    elapsed = (time.perf_counter() - started) * 1000
    if status not in (302, 303):
        raise SystemExit(f"the registration answered {status}")
    return elapsed


def summary(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {"requests": len(ordered), "mean_ms": round(statistics.fmean(ordered), 2),
            "p50_ms": round(ordered[len(ordered) // 2], 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2)}


class Sink:
    """A local SMTP server counting what it accepts (aiosmtpd, loopback)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.accepted: list[float] = []
        self.with_attachments = 0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
                with sink.lock:
                    sink.accepted.append(time.perf_counter())
                    if b"Content-Disposition: attachment" in envelope.content:
                        sink.with_attachments += 1
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def peak_memory_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def outbox_rows(database: str) -> int:
    import sqlite3

    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM mail_outbox").fetchone()[0]


def deliver(folder: str, database: str, expected: int, timeout: float) -> dict:
    """One worker delivers the outbox of ``database`` to a local SMTP server."""
    with Sink() as sink:
        env = server_env("development", database)
        env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(sink.port),
                   MAIL_DEFAULT_SENDER="bench@inspir.example",
                   HUEY_SQLITE_PATH=os.path.join(folder, "huey-with.db"))
        started = time.perf_counter()
        with open(os.path.join(folder, "worker.log"), "w") as log:  # the child keeps its copy
            worker = subprocess.Popen(  # noqa: S603 - our own command
                [os.path.join(os.path.dirname(PYTHON), "flask"), "mail-worker"], env=env,
                cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = started + timeout
            peak = 0
            while len(sink.accepted) < expected and time.perf_counter() < deadline:
                if worker.poll() is not None:
                    raise SystemExit("the worker stopped; see worker.log")
                peak = max(peak, peak_memory_kb(worker.pid))
                time.sleep(0.05)
            peak = max(peak, peak_memory_kb(worker.pid))
        finally:
            stop(worker)
        accepted = list(sink.accepted)
    if not accepted:
        raise SystemExit("no message reached the SMTP server")
    span = accepted[-1] - accepted[0]
    total = accepted[-1] - started
    return {"accepted": len(accepted), "expected": expected,
            "with_attachments": sink.with_attachments,
            "seconds_from_worker_start": round(total, 2),
            "seconds_first_to_last": round(span, 2),
            "messages_per_s": round(len(accepted) / total, 1) if total else None,
            "messages_per_s_steady": round((len(accepted) - 1) / span, 1) if span else None,
            "worker_peak_rss_mb": round(peak / 1024, 1)}


def report_text(report: dict) -> str:
    m, r, d = report["machine"], report["registration"], report["delivery"]
    lines = [
        "# E-mail outbox benchmark",
        "",
        f"{m['date']} · {m['nproc']} CPU · Python {m['python']} · commit {m['git_commit']}"
        f"{' (dirty)' if m['git_dirty'] else ''} · load average before/after "
        f"{_load(m['load_average_before'])} / {_load(m['load_average'])}",
        "",
        f"{report['participants']:,} registrations to one event, sequential, on two servers "
        "(`serve.py`, SQLite) in interleaved batches of "
        f"{report['batch']}: with the outbox, and with it switched off.",
        "",
        "| registration request | requests | mean ms | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
        f"| with the outbox | {r['with']['requests']} | {r['with']['mean_ms']} | "
        f"{r['with']['p50_ms']} | {r['with']['p99_ms']} |",
        f"| without it (baseline) | {r['without']['requests']} | {r['without']['mean_ms']} | "
        f"{r['without']['p50_ms']} | {r['without']['p99_ms']} |",
        f"| **ratio** | | **{r['ratio_mean']:.3f}** | **{r['ratio_p50']:.3f}** | "
        f"{r['ratio_p99']:.3f} |",
        "",
        f"Outbox rows written: {r['outbox_rows_with']:,} with, {r['outbox_rows_without']} "
        "without.",
        "",
        f"Delivery by one worker (`flask mail-worker`) to a local SMTP server: "
        f"{d['accepted']:,} of {d['expected']:,} accepted ({d['with_attachments']:,} with "
        f"attachments) in {d['seconds_from_worker_start']} s from the worker's start "
        f"(**{d['messages_per_s']} messages/s**; {d['messages_per_s_steady']} messages/s "
        f"from the first to the last); worker peak memory {d['worker_peak_rss_mb']} MB.",
        "",
        f"Targets: latency ratio ≤ {TARGET_LATENCY_RATIO} — "
        f"**{'met' if report['latency_target_met'] else 'missed'}**; ≥ "
        f"{TARGET_MESSAGES_PER_S:.0f} messages/s with one worker — "
        f"**{'met' if report['delivery_target_met'] else 'missed'}**.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="200 registrations")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--out", default=RESULTS)
    args = parser.parse_args()
    participants = 200 if args.quick else args.participants
    started = time.perf_counter()
    load_before = os.getloadavg()
    folder = tempfile.mkdtemp(prefix="inspir-bench-mail-")
    servers = []
    try:
        databases = {name: os.path.join(folder, f"{name}.db") for name in ("with", "without")}
        seeds = {}
        for name, database in databases.items():
            run_checked([os.path.join(os.path.dirname(PYTHON), "flask"), "db", "upgrade"],
                        server_env("development", database), "flask db upgrade")
            seeds[name] = subprocess.run(  # noqa: S603 - this script, another process
                [PYTHON, __file__, "--seed", database, str(participants)],
                cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
                env=server_env("development", database)).stdout
        seeds = {name: json.loads(out.splitlines()[-1]) for name, out in seeds.items()}
        ports = {}
        for name, database in databases.items():
            env = server_env("development", database)
            env.update(PORT=str(free_port()),
                       HUEY_SQLITE_PATH=os.path.join(folder, f"huey-{name}.db"))
            if name == "without":
                env["BENCH_NO_OUTBOX"] = "1"
            ports[name] = int(env["PORT"])
            with open(os.path.join(folder, f"{name}.log"), "w") as log:
                servers.append(subprocess.Popen(  # noqa: S603 - our own server
                    [PYTHON, os.path.join(PROJECT_ROOT, "bench", "serve.py")], env=env,
                    cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT))
            wait_until_serving(ports[name], servers[-1])
        latencies = {"with": [], "without": []}
        for start in range(0, participants, args.batch):
            for name in ("without", "with") if (start // args.batch) % 2 else ("with",
                                                                                "without"):
                for cookie in seeds[name]["cookies"][start:start + args.batch]:
                    latencies[name].append(register(ports[name], 1, cookie))
        for server in servers:
            stop(server)
        registration = {name: summary(values) for name, values in latencies.items()}
        for key in ("mean", "p50", "p99"):
            registration[f"ratio_{key}"] = round(
                registration["with"][f"{key}_ms"] / registration["without"][f"{key}_ms"], 3)
        registration["outbox_rows_with"] = outbox_rows(databases["with"])
        registration["outbox_rows_without"] = outbox_rows(databases["without"])
        if registration["outbox_rows_without"]:
            raise SystemExit("the baseline server wrote to the outbox: BENCH_NO_OUTBOX failed")
        delivery = deliver(folder, databases["with"], registration["outbox_rows_with"],
                           timeout=600)
        report = {
            "participants": participants, "batch": args.batch,
            "registration": registration, "delivery": delivery,
            "latency_target_met": registration["ratio_mean"] <= TARGET_LATENCY_RATIO
            and registration["ratio_p50"] <= TARGET_LATENCY_RATIO,
            "delivery_target_met": (delivery["messages_per_s"] or 0) >= TARGET_MESSAGES_PER_S
            and delivery["accepted"] == delivery["expected"],
            "machine": {**machine(), "load_average_before": load_before},
            "elapsed_s": round(time.perf_counter() - started, 1),
        }
        name = "mail_outbox_quick" if args.quick else "mail_outbox"
        write_report(report, report_text(report), args.out, name)
    finally:
        for server in servers:
            stop(server)
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--seed":
        print(json.dumps(seed(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
