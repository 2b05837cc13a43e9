"""Benchmark of live voting over Socket.IO, end to end (``make bench-voting``).

1. a temporary SQLite database, migrated by ``flask db upgrade`` (DATABASE_URL);
2. seeded in bulk (``seed_voting.py``): one published event, N confirmed participants
   with a server-side session each and the signed session cookie that carries it,
   and the workload's open rounds (``--workload``, ``voting_analysis.WORKLOADS``:
   "mix", one round of 8 ideas, 3 votes each; "stores", three rounds of 20 ideas open
   at once, 20 votes each, so that most votes are new ones), tally live;
3. the real server started as ``make run`` serves it (``serve.py``: gevent, the
   development settings, ALLOWED_ORIGINS = the server's own origin);
4. N listeners, each a signed-in participant on its own websocket (light raw
   Engine.IO v4 / Socket.IO v5 clients over aiohttp, as in the reference bench:
   they send the session cookie and the allowed Origin), join the event's room;
   M of them (all, by default) also vote through their socket, at a fixed total
   rate, each spaced M/rate seconds apart (well under the 5 votes/s per user limit),
   a voter's m-th vote in round m mod R: per voter and round its new ideas, repeats
   (answered "duplicate") and, when it has more votes to send, one idea over the quota
   (answered "quota"). The clients are spread over ``--loadgen-processes`` worker
   processes (``voting_load.py``; one clock, CLOCK_MONOTONIC, for all of them), each
   measuring its CPU over the vote phase;
5. after the run, the vote rows are read from the database and everything checked:
   stored rows = final tally = distinct (voter, idea) pairs acknowledged "stored" =
   what every client last saw; every tally any client received equals the database's
   prefix at its version; lost = doubled = 0; every answer the one the plan calls for;
6. bench/results/live_voting.json and .md, with the machine; a full run (not --quick) also
   puts its row (mode x workload x clients x rate) into bench/results/latest.json and
   latest.md; ``--write-table`` copies that table into README.md (``readme_table.py``).

The baseline, in the same run, before the app: ``baseline_server.py``, a bare
python-socketio gevent server that only relays (acks each vote from memory, re-broadcasts a
tally-shaped payload per round to the room at the app's tick when it changed; on as many
processes as the app, Redis between them), driven by the same clients with the same plan at
the same rate for the same duration and measured the same way. The report
gives both servers' CPU per delivered message (tallies received + acks, within the vote
phase's CPU window) and their ratio, and both memories per connection.

How "vote to tally on every client" is measured. A vote's acknowledgement does not
carry its row id, but the row is unique on (round, voter, idea): after the run the
database gives each acknowledged-stored vote its id. The tally's version is the
round's latest vote id and SQLite serialises writers (BEGIN IMMEDIATE), so ids are
committed in increasing order: a tally whose version >= the vote's id includes it
(checked too: every received tally equals the count of rows with id <= its version).
For each stored vote: latency = (the time its last listener received a tally with
version >= its id) - (the time the voter sent it), one clock (CLOCK_MONOTONIC), per round
(``voting_analysis.fanout``).

``--quick``: 100 clients, 100 votes/s for 8 s (about 20 s in all; ``make bench``), results
in live_voting_quick.{json,md} unless ``--name`` says otherwise.

``--scale-out``: the deployment of docs/deployment.md on this machine: a fresh
PostgreSQL schema (PG_URL, default postgresql://postgres@127.0.0.1:5432/test, the schema
chosen by the connect option ``-csearch_path``), Redis (REDIS_URL, default
redis://127.0.0.1:6379/0) as Flask-SocketIO's message queue with a random
SOCKETIO_CHANNEL per run, ``--processes`` (2) server processes on as many ports, the
clients split evenly across them (client i on process i % n, with that process's Origin).
Same seeding, same checks, except where PostgreSQL differs: ids come from a sequence and
two transactions may commit out of id order, so a tally's version (the latest id) does
not say which rows it counts. There:
- every received tally must be self-consistent (its per-idea counts sum to its total),
  never above the final per-idea counts, and never go back (total and every idea) on a
  client;
- "vote to tally on every client" is measured by totals: the stored votes are ranked by
  the time of their acknowledgement (sent after the commit), the k-th is taken as
  delivered to a client by the first tally whose total >= k. The single-process run
  reports this figure too (``*_by_totals``) beside the exact one by ids.
Server CPU and memory are summed over the processes. The servers are stopped, the
schema dropped and the run's Redis keys deleted in every case.

The server is stopped in every case (SIGTERM, then SIGKILL) and the temporary
folder removed (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

import psycopg
import redis
from needs_board import (
    HERE,
    RESULTS,
    _load,
    free_port,
    machine,
    run_checked,
    stop,
    wait_until_serving,
)
from readme_table import PROVENANCE_COLUMNS, README, provenance_cells, render
from readme_table import write as write_table
from voting_analysis import (
    WORKLOADS,
    Listener,
    expected_outcomes,
    loadgen_cpu,
    merge,
    plan_votes,
    prefix_tallies,
    worker_specs,
)
from voting_analysis import fanout as fanout_latencies
from voting_load import Clock, Workers

PROJECT_ROOT = os.path.dirname(HERE)
CLK = os.sysconf("SC_CLK_TCK")


# ---- /proc ---------------------------------------------------------------------------

def proc_cpu(pid: int) -> float:
    """utime + stime of a process, seconds."""
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / CLK


def proc_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pct(sorted_vals: list[float], p: float) -> float | None:
    if not sorted_vals:
        return None
    k = min(len(sorted_vals) - 1, max(0, round(p / 100.0 * (len(sorted_vals) - 1))))
    return sorted_vals[k]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1e3, 1)


# ---- the raw Socket.IO client ---------------------------------------------------------

def start_py_spy(args, pids: list[int], label: str = "") -> list[subprocess.Popen]:
    """``--py-spy``: sample each server process during the vote phase (collapsed stacks)."""
    if not args.py_spy:
        return []
    spy = os.path.join(os.path.dirname(sys.executable), "py-spy")
    os.makedirs(args.out, exist_ok=True)
    spies = []
    for n, pid in enumerate(pids):
        output = os.path.join(args.out, f"{args.name}{label}_profile{n if n else ''}.txt")
        spies.append(subprocess.Popen(  # noqa: S603
            [spy, "record", "--pid", str(pid), "--duration", str(int(args.duration)),
             "--rate", "200", "--nonblocking", "--format", "raw", "--output", output],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        print(f"py-spy on pid {pid} -> {output}", flush=True)
    return spies


def drive(args, ports: list[int], pids: list[int], seed: dict, db_final,
          label: str = "") -> dict:
    """Connect, vote, settle, with the clients spread over ``--loadgen-processes`` worker
    processes (``voting_load.py``). ``db_final(stored_acked)`` -> {round: (max vote id,
    count)} once every acknowledgement came (``stored_acked``: {round: acks "stored"})."""
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    people = seed["voters"][:args.clients]
    rng = random.Random(args.seed)  # noqa: S311 - a reproducible plan, not security
    round_ids = [r["round_id"] for r in seed["rounds"]]
    plan = plan_votes(args.voters, int(args.rate * args.duration),
                      seed["votes_per_participant"], [r["idea_ids"] for r in seed["rounds"]],
                      rng)
    specs = worker_specs(people, urls, plan, round_ids, args.loadgen_processes, {
        "event_id": seed["event_id"], "connect_batch": args.connect_batch,
        "interval": 1.0 / args.rate})
    out: dict = {}
    workers = Workers(specs)
    try:
        time.sleep(0.5)
        rss0 = sum(proc_rss_kb(pid) for pid in pids)
        t0 = Clock()
        workers.send("connect")
        workers.gather("connected", timeout=600)
        out["connect_s"] = round(Clock() - t0, 2)
        time.sleep(1.0)
        rss1 = sum(proc_rss_kb(pid) for pid in pids)
        out.update(server_rss_mb_before=round(rss0 / 1024, 1),
                   server_rss_mb_after=round(rss1 / 1024, 1),
                   server_kb_per_connection=round((rss1 - rss0) / len(people), 1))
        spies = start_py_spy(args, pids, label)
        cpu0 = sum(proc_cpu(pid) for pid in pids)
        start = Clock() + 0.2  # every worker has the message by then
        deadline = start + args.duration + args.settle
        workers.send("vote", start, deadline)
        acked = workers.gather("acked", timeout=args.duration + args.settle + 60)
        sent_s = max(end for _, end in acked) - start
        stored: Counter = Counter()
        for per_round, _ in acked:
            stored.update(per_round)
        final = {r: (0, 0) for r in round_ids} | db_final(dict(stored))
        workers.send("final", final)
        settled = workers.gather("settled", timeout=args.settle + 60)
        wall = max(end for end, _ in settled) - start
        cpu1 = sum(proc_cpu(pid) for pid in pids)
        for spy in spies:
            spy.wait(timeout=60)
        out["window"] = (start, start + wall)  # the CPU's: messages counted within it
        out.update(sent_s=round(sent_s, 2), phase_wall_s=round(wall, 2),
                   server_cpu_s=round(cpu1 - cpu0, 2),
                   final_version_seen_in_db=max(v for v, _ in final.values()),
                   **loadgen_cpu([cpu for _, cpu in settled], wall))
        time.sleep(0.6)  # a last tick: nothing more may come
        workers.send("close")
        out["clients"] = merge([result for (result,) in workers.gather("result", 600)])
        out["plan"] = plan
        out["round_ids"] = round_ids
    finally:
        workers.stop()
    return out


def phase_messages(clients: list[Listener], window: tuple[float, float]) -> tuple[int, int, int]:
    """Tally deliveries, distinct tallies (round, version) and acks received within the
    vote phase's CPU window: the room's broadcasts while the clients were connecting
    (their count changes) are not paid for by the phase's CPU, so they are not counted."""
    lo, hi = window
    deliveries, versions = 0, set()
    for c in clients:
        for round_id, tallies in c.rounds.items():
            for t in tallies[1:]:
                if lo <= t[0] <= hi:
                    deliveries += 1
                    versions.add((round_id, t[1]))
    acks = sum(1 for c in clients for v in c.votes if v["ack"] is not None and v["ack"] <= hi)
    return deliveries, len(versions), acks


def check_round(clients: list[Listener], rows: list[tuple[int, int, int]],
                by_ids: bool) -> dict:
    """One round's checks and latencies; ``clients``: the listeners seen in this round
    (``Listener.of_round``), ``rows``: its vote rows (id, voter, idea)."""
    by_pair = {(voter, idea): vid for vid, voter, idea in rows}
    db_tally = Counter(idea for _, _, idea in rows)
    stored = [(c.user_id, v) for c in clients for v in c.votes if v["outcome"] == "stored"]
    stored_pairs = Counter((uid, v["idea"]) for uid, v in stored)
    # Every received tally is the database's prefix at its version (SQLite), or
    # self-consistent and never above the final counts (PostgreSQL), and never goes back
    # on a client. Each distinct tally, and each pair of successive ones, is checked once
    # (equal tallies are one object: voting_analysis.merge).
    final_counts = dict(db_tally)
    counts_of: dict[int, dict[int, int]] = {}

    def counts(tally) -> dict[int, int]:
        got = counts_of.get(id(tally))
        if got is None:
            got = counts_of[id(tally)] = {int(k): n for k, n in (tally or {}).items() if n}
        return got

    prefix = prefix_tallies(rows, {t[1] for c in clients for t in c.tallies[1:]}) \
        if by_ids else {}
    wrong_of: dict[tuple, bool] = {}
    back_of: dict[tuple, bool] = {}
    inconsistent = non_monotonic = deliveries = 0
    examples: list[dict] = []
    for c in clients:
        last = None
        for _, version, total, tally in c.tallies[1:]:
            deliveries += 1
            key = (version, total, id(tally))
            wrong = wrong_of.get(key)
            if wrong is None:
                got = counts(tally)
                if by_ids:
                    n, per_idea = prefix[version]
                    wrong = total != n or (tally is not None and got != per_idea)
                else:
                    wrong = ((tally is not None and sum(got.values()) != total)
                             or total > len(rows)
                             or any(n > final_counts.get(i, 0) for i, n in got.items()))
                wrong_of[key] = wrong
                if wrong and len(examples) < 5:
                    examples.append({"version": version, "total": total, "tally": tally})
            inconsistent += wrong
            if last is not None and last[0] != key:
                back = back_of.get((last[0], key))
                if back is None:
                    if by_ids:
                        back = version < last[0][0]
                    else:
                        got, before = counts(tally), counts(last[1])
                        back = total < last[0][1] or any(got.get(i, 0) < n
                                                         for i, n in before.items())
                    back_of[(last[0], key)] = back
                non_monotonic += back
            last = (key, tally)
    # Latency from a stored vote's send to its tally on every listener.
    with_ids = [(v["send"], by_pair[(uid, v["idea"])]) for uid, v in stored
                if (uid, v["idea"]) in by_pair]
    ranked = sorted((v for _, v in stored if v["ack"] is not None), key=lambda v: v["ack"])
    by_totals, _, _ = fanout_latencies(
        clients, [(v["send"], k) for k, v in enumerate(ranked, start=1)], "totals", sample=0)
    if by_ids:
        fanout, per_delivery, _ = fanout_latencies(clients, with_ids, "ids")
    else:  # the ids say nothing on PostgreSQL: the figures by totals
        fanout, per_delivery = by_totals, []
    final = (max(by_pair.values(), default=0), len(rows), final_counts)
    at_final = sum(1 for c in clients if c.tallies and (
        c.tallies[-1][1], c.tallies[-1][2], counts(c.tallies[-1][3])) == final)
    return {
        "rows": len(rows), "tally_sum": sum(db_tally.values()),
        "pairs_stored": len(stored_pairs),
        "lost": sum(1 for pair in stored_pairs if pair not in by_pair),
        "doubled": sum(n - 1 for n in stored_pairs.values() if n > 1),
        "unacknowledged_rows": sum(1 for pair in by_pair if pair not in stored_pairs),
        "inconsistent": inconsistent, "examples": examples, "non_monotonic": non_monotonic,
        "deliveries": deliveries, "fanout": fanout, "by_totals": by_totals,
        "per_delivery": per_delivery, "not_everywhere": len(with_ids) - len(fanout),
        "at_final": at_final, "final_version": final[0],
    }


def analyse(run: dict, rows: list[tuple[int, int, int, int]], args) -> dict:
    """The run's figures and checks; ``rows``: the vote rows (id, voter, idea, round)."""
    clients: list[Listener] = run.pop("clients")
    plan = run.pop("plan")
    round_ids = run.pop("round_ids")
    by_ids = not args.scale_out  # SQLite: ids commit in order; PostgreSQL: they may not
    checks = [check_round([c.of_round(r) for c in clients],
                          [(vid, voter, idea) for vid, voter, idea, rid in rows if rid == r],
                          by_ids) for r in round_ids]

    def total(name: str) -> int:
        return sum(check[name] for check in checks)

    def merged(name: str) -> list[float]:
        return sorted(x for check in checks for x in check[name])

    fanout, fanout_totals, per_delivery = merged("fanout"), merged("by_totals"), \
        merged("per_delivery")
    votes = [v for c in clients for v in c.votes]
    outcomes = Counter(v["outcome"] for v in votes)
    acks = sorted(v["ack"] - v["send"] for v in votes if v["ack"] is not None)
    errors = [e for c in clients for e in c.errors]
    kinds = Counter(kind for *_, kind in plan)
    phase = phase_messages(clients, run.pop("window"))
    result = {
        "mode": "scale-out" if args.scale_out else "single process",
        "processes": args.processes if args.scale_out else 1,
        "database": "PostgreSQL" if args.scale_out else "SQLite",
        "fanout_measured_by": "ids" if by_ids else "totals",
        "workload": args.workload,
        "rounds": len(round_ids),
        "ideas": args.ideas,
        "quota": args.quota,
        "clients": len(clients),
        "voters": args.voters,
        "target_votes_per_s": args.rate,
        "duration_s": args.duration,
        "votes_sent": len(votes),
        "votes_planned": len(plan),
        "plan_kinds": dict(kinds),
        "outcomes": dict(outcomes),
        "outcomes_expected": expected_outcomes(plan),
        "votes_sent_per_s": round(len(votes) / run["sent_s"], 1),
        "votes_stored_per_s": round(len(rows) / run["sent_s"], 1),
        "stored_rows": len(rows),
        "final_tally_sum": total("tally_sum"),
        "distinct_pairs_acknowledged_stored": total("pairs_stored"),
        "clients_whose_last_tally_is_final": min(check["at_final"] for check in checks),
        "lost": total("lost"),
        "doubled": total("doubled"),
        "rows_without_stored_ack": total("unacknowledged_rows"),
        "tallies_inconsistent_with_db": total("inconsistent"),
        "tallies_inconsistent_examples": [e for check in checks for e in check["examples"]][:5],
        "versions_going_back": total("non_monotonic"),
        "stored_votes_not_reaching_every_client": total("not_everywhere"),
        "final_version": max(check["final_version"] for check in checks),
        "tally_deliveries_all": total("deliveries"),
        "tally_deliveries": phase[0],
        "tally_broadcasts": phase[1],
        "acks_in_phase": phase[2],
        "ack_ms_p50": ms(pct(acks, 50)), "ack_ms_p99": ms(pct(acks, 99)),
        "ack_ms_max": ms(acks[-1] if acks else None),
        "vote_to_all_clients_ms_p50": ms(pct(fanout, 50)),
        "vote_to_all_clients_ms_p99": ms(pct(fanout, 99)),
        "vote_to_all_clients_ms_max": ms(fanout[-1] if fanout else None),
        "vote_to_all_clients_by_totals_ms_p50": ms(pct(fanout_totals, 50)),
        "vote_to_all_clients_by_totals_ms_p99": ms(pct(fanout_totals, 99)),
        "vote_to_all_clients_by_totals_ms_max": ms(fanout_totals[-1] if fanout_totals
                                                   else None),
        "vote_to_a_client_ms_p50": ms(pct(per_delivery, 50)),
        "vote_to_a_client_ms_p99": ms(pct(per_delivery, 99)),
        "server_cpu_us_per_delivered_message": round(
            run["server_cpu_s"] / (phase[0] + phase[2]) * 1e6, 1)
        if phase[0] + phase[2] else None,
        "server_cpu_ms_per_vote_event": round(run["server_cpu_s"] / len(votes) * 1e3, 2)
        if votes else None,
        "server_cpu_percent": round(100 * run["server_cpu_s"] / run["phase_wall_s"], 1),
        "connected_count_last_seen": max((c.connected_seen for c in clients), default=0),
        "client_errors": errors[:10],
        "client_error_count": len(errors),
        "mean_ack_ms": round(statistics.fmean(acks) * 1e3, 1) if acks else None,
        **run,
    }
    # Each vote's answer is the one its place in the plan calls for (a refusal of another
    # kind, e.g. a rate limit or an unconfirmed address, fails the run).
    result["correct"] = (dict(outcomes) == result["outcomes_expected"]
                         and result["lost"] == 0 and result["doubled"] == 0
                         and result["rows_without_stored_ack"] == 0
                         and result["tallies_inconsistent_with_db"] == 0
                         and result["versions_going_back"] == 0
                         and len(rows) == result["final_tally_sum"]
                         == result["distinct_pairs_acknowledged_stored"]
                         and result["clients_whose_last_tally_is_final"] == len(clients)
                         and not errors and len(votes) == len(plan)
                         and outcomes.get(None, 0) == 0)
    return result


def analyse_baseline(run: dict) -> dict:
    """The baseline's figures, measured as the app's (vote -> every client by totals)."""
    clients: list[Listener] = run.pop("clients")
    run.pop("plan")
    round_ids = run.pop("round_ids")
    votes = [v for c in clients for v in c.votes]
    acks = sorted(v["ack"] - v["send"] for v in votes if v["ack"] is not None)
    deliveries, broadcasts, in_phase_acks = phase_messages(clients, run.pop("window"))
    fanout = []
    for r in round_ids:
        view = [c.of_round(r) for c in clients]
        ranked = sorted((v for c in view for v in c.votes
                         if v["outcome"] == "stored" and v["ack"] is not None),
                        key=lambda v: v["ack"])
        fanout += fanout_latencies(view, [(v["send"], k) for k, v in enumerate(ranked, 1)],
                                   "totals", sample=0)[0]
    fanout.sort()
    messages = deliveries + in_phase_acks
    return {
        "votes_sent": len(votes), "votes_acknowledged": len(acks),
        "outcomes": dict(Counter(v["outcome"] for v in votes)),
        "tally_deliveries": deliveries,
        "tally_broadcasts": broadcasts,
        "acks_in_phase": in_phase_acks,
        "ack_ms_p50": ms(pct(acks, 50)), "ack_ms_p99": ms(pct(acks, 99)),
        "vote_to_all_clients_ms_p50": ms(pct(fanout, 50)),
        "vote_to_all_clients_ms_p99": ms(pct(fanout, 99)),
        "vote_to_all_clients_ms_max": ms(fanout[-1] if fanout else None),
        "server_cpu_us_per_delivered_message": round(run["server_cpu_s"] / messages * 1e6, 1)
        if messages else None,
        "server_cpu_percent": round(100 * run["server_cpu_s"] / run["phase_wall_s"], 1),
        "client_error_count": sum(len(c.errors) for c in clients),
        **run,
    }


def run_baseline(args, env: dict, seed: dict, workdir: str, processes: int,
                 channel: str | None) -> dict:
    """The bare relay (``baseline_server.py``), same clients, workload, rate and duration,
    on as many processes as the app (with several: Redis between them, process 0 leads)."""
    ports = [free_port() for _ in range(processes)]
    logs, servers = [], []
    try:
        for n, port in enumerate(ports):
            logs.append(open(os.path.join(workdir, f"baseline-{port}.log"), "w"))  # noqa: SIM115
            extra = {"BASELINE_REDIS_URL": args.redis_url,
                     "BASELINE_CHANNEL": f"{channel}-baseline",
                     "BASELINE_LEADER": "1" if n == 0 else "0"} if processes > 1 else {}
            servers.append(subprocess.Popen(  # noqa: S603
                [sys.executable, os.path.join(HERE, "baseline_server.py")],
                env={**env, **extra, "PORT": str(port),
                     "BASELINE_ROUND_IDS": ",".join(str(r["round_id"]) for r in seed["rounds"]),
                     "BASELINE_QUOTA": str(seed["votes_per_participant"])},
                cwd=PROJECT_ROOT, stdout=logs[-1], stderr=subprocess.STDOUT))
        for port, server in zip(ports, servers, strict=True):
            wait_until_serving(port, server)
        print(f"baseline pid(s) {[s.pid for s in servers]} on port(s) {ports}", flush=True)

        def final(stored_acked: dict[int, int]) -> dict[int, tuple[int, int]]:
            # the relay's version of a round counts its votes
            return {r: (n, n) for r, n in stored_acked.items()}

        run = drive(args, ports, [s.pid for s in servers], seed, final, label="_baseline")
        return {"processes": processes, **analyse_baseline(run)}
    finally:
        for server in servers:
            stop(server)
        for log in logs:
            log.close()


def ratio(app_value, base_value) -> float | None:
    if not app_value or not base_value:
        return None
    return round(app_value / base_value, 2)


def run_key(result: dict) -> str:
    """latest.json's key of a run: mode, workload, clients, votes/s (a rerun replaces its
    row)."""
    mode = "scale-out" if result.get("mode") == "scale-out" else "single"
    return (f"{mode}-{result.get('workload', 'mix')}-{result['clients']}-"
            f"{result['target_votes_per_s']:g}")


def _fmt(value, unit: str = "") -> str:
    return "–" if value is None else f"{value:g}{unit}"


def loadgen_cell(run: dict) -> str:
    """The load generator's CPU in % of a core: each process's, then their total."""
    per = run.get("loadgen_cpu_percent")
    if not per:
        return "–"
    if len(per) == 1:
        return f"{per[0]:g} %"
    return " + ".join(f"{p:g}" for p in per) + f" = {run['loadgen_cpu_percent_total']:g} %"


def workload_cell(run: dict) -> str:
    rounds = run.get("rounds", 1)
    shape = f"{rounds} rounds × " if rounds > 1 else ""
    return (f"{run.get('workload', 'mix')}: {shape}{run.get('ideas', 8)} ideas, "
            f"{run.get('quota', 3)} votes each")


TABLE_COLUMNS = [
    "clients", "mode", "workload", "run", "votes/s sent → stored", "vote → every client p50 / p99",
    "ack p50 / p99", "CPU µs/msg app / relay (ratio)", "server CPU ms / vote event",
    "KB/conn app / relay", "load generator CPU, % of a core (per process = total)",
    "lost / doubled", "correct", *PROVENANCE_COLUMNS]


def summary_rows(runs: list[dict]) -> list[str]:
    """The table of README.md and latest.md: one row per run (mode, workload, clients,
    votes/s), each with its date, commit and load average."""
    order = {"single": 0, "scale-out": 1}

    def key(report):
        r = report["result"]
        return (r["clients"], order.get(run_key(r).split("-")[0], 2), r.get("workload", "mix"),
                -r["target_votes_per_s"])

    rows = []
    for report in sorted(runs, key=key):
        r, b, m = report["result"], report.get("baseline") or {}, report["machine"]
        mode = ("1 process, SQLite" if r.get("mode") != "scale-out"
                else f"{r['processes']} processes, PostgreSQL + Redis")
        rows.append([
            f"{r['clients']:,}", mode,
            workload_cell(r), f"{r['duration_s']:g} s",
            f"{r['votes_sent_per_s']:g} → {r['votes_stored_per_s']:g}",
            f"{_fmt(r['vote_to_all_clients_ms_p50'])} / "
            f"{_fmt(r['vote_to_all_clients_ms_p99'], ' ms')}",
            f"{_fmt(r['ack_ms_p50'])} / {_fmt(r['ack_ms_p99'], ' ms')}",
            f"{_fmt(r['server_cpu_us_per_delivered_message'])} / "
            f"{_fmt(b.get('server_cpu_us_per_delivered_message'))} "
            f"(**{_fmt(r.get('cpu_ratio_to_baseline'))}**)",
            _fmt(r.get("server_cpu_ms_per_vote_event")),
            f"{_fmt(r['server_kb_per_connection'])} / {_fmt(b.get('server_kb_per_connection'))}",
            loadgen_cell(r),
            f"{r['lost']} / {r['doubled']}", "yes" if r["correct"] else "**NO**",
            *provenance_cells(m)])
    return render(TABLE_COLUMNS, rows)


def read_latest(out: str) -> dict:
    try:
        with open(os.path.join(out, "latest.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def write_latest(report: dict, out: str) -> None:
    """bench/results/latest.json (every full run's figures, by mode, workload, clients and
    votes/s) and latest.md."""
    latest = read_latest(out)
    runs = latest.get("runs", {})
    runs[run_key(report["result"])] = report
    latest = {"updated": report["machine"]["date"], "last_run": run_key(report["result"]),
              "runs": runs}
    with open(os.path.join(out, "latest.json"), "w") as f:
        json.dump(latest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    m = report["machine"]
    lines = [
        "# Live voting: the latest full runs",
        "",
        f"Machine: {m['nproc']} CPU ({m['cpu_model']}), Python {m['python']}, SQLite "
        f"{m['sqlite']}. Each row is one run of `bench/live_voting.py` (the relay, "
        "`bench/baseline_server.py`, measured in the same run with the same clients, workload,"
        " rate and duration); details in the `live_voting*.md` file of that run. "
        "`make voting-table` copies this table into README.md.",
        "",
        *summary_rows(list(runs.values())),
        "",
        "Targets (issue 21 §5): 2 processes, PostgreSQL + Redis, 1,000 clients × 1,000 votes/s"
        " for 60 s on both workloads: every check passes, vote → every client p99 ≤ 400 ms, ack"
        " p99 ≤ 100 ms, CPU per delivered message ≤ 1.5 × the relay's; server CPU per vote "
        "event on PostgreSQL ≤ 1.5 × the SQLite path's; 1 process on SQLite: CPU ≤ 1.3 × the "
        "relay's, p99 ≤ 300 ms; 5,000 clients on 2 processes at 1,000 votes/s: every check "
        "passes, p99 ≤ 1 s.",
        "",
    ]
    with open(os.path.join(out, "latest.md"), "w") as f:
        f.write("\n".join(lines))


def write_readme_table(out: str, readme: str = README) -> None:
    """README.md's live-voting table, from bench/results/latest.json."""
    runs = list(read_latest(out).get("runs", {}).values())
    if not runs:
        raise SystemExit(f"no runs in {os.path.join(out, 'latest.json')}")
    changed = write_table("live-voting", summary_rows(runs), readme)
    print(f"{readme}: the live-voting table {'rewritten' if changed else 'unchanged'} "
          f"({len(runs)} runs)")


def baseline_lines(report: dict) -> list[str]:
    b, r = report.get("baseline"), report["result"]
    if not b:
        return ["| baseline | not run (`--no-baseline`) |"]
    return [
        f"| **baseline** (bare relay, `bench/baseline_server.py`, same clients/rate/duration):"
        f" server CPU per delivered message | {b['server_cpu_us_per_delivered_message']} µs "
        f"({b['server_cpu_percent']} % of a core) |",
        f"| **ratio app / baseline, CPU per delivered message** (target ≤ "
        f"{1.5 if r.get('mode') == 'scale-out' else 1.3}) | "
        f"**{r.get('cpu_ratio_to_baseline')}** |",
        f"| baseline: vote → every client p50 / p99; ack p50 / p99 | "
        f"{b['vote_to_all_clients_ms_p50']} / {b['vote_to_all_clients_ms_p99']} ms; "
        f"{b['ack_ms_p50']} / {b['ack_ms_p99']} ms |",
        f"| baseline: load generator CPU, % of a core | {loadgen_cell(b)} |",
        f"| baseline: broadcasts / deliveries; memory per connection | {b['tally_broadcasts']} / "
        f"{b['tally_deliveries']}; {b['server_kb_per_connection']} KB (RSS "
        f"{b['server_rss_mb_before']} → {b['server_rss_mb_after']} MB) |",
    ]


def markdown(report: dict) -> str:
    m, r = report["machine"], report["result"]
    ok = "yes" if r["correct"] else "**NO**"
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(r["outcomes"].items(), key=str))
    if r.get("mode") == "scale-out":
        setup = (f"{r['processes']} server processes as `make run` serves them (gevent, "
                 f"development settings), each on its own port, on a fresh PostgreSQL schema, "
                 f"Redis as Flask-SocketIO's message queue (broadcast leader lock); the "
                 f"clients split evenly across the processes; server CPU and memory summed "
                 f"over the processes; vote → every client measured by totals")
    else:
        setup = ("The server as `make run` serves it (gevent, development settings) on a "
                 "temporary SQLite database")
    lines = [
        "# Live voting benchmark" + (" (scale-out)" if r.get("mode") == "scale-out" else ""),
        "",
        f"{m['date']} · {m['nproc']} CPU ({m['cpu_model']}) · Python {m['python']} · "
        f"SQLite {m['sqlite']} · commit {m['git_commit']}{' (dirty)' if m['git_dirty'] else ''}"
        f" · load average before/after {_load(m['load_average_before'])} / "
        f"{_load(m['load_average'])}" + (f" · source: {m['source']}" if m.get("source") else ""),
        "",
        f"{setup}; {r['clients']} signed-in participants connected in the event's "
        f"room (raw Engine.IO/Socket.IO websocket clients, load generator on the same "
        f"machine); {r['voters']} of them vote through their socket at "
        f"{r['target_votes_per_s']} votes/s in total for {r['duration_s']} s; workload "
        f"{workload_cell(r)} (per voter its new ideas first among repeats, then one "
        f"attempt over the quota when it has more votes to send); the load generator in "
        f"{r.get('loadgen_processes', 1)} process(es). Method: see the docstring of "
        f"`bench/live_voting.py`.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| votes sent (per s) | {r['votes_sent']} ({r['votes_sent_per_s']}/s) |",
        f"| outcomes | {outcomes} |",
        f"| votes stored (per s) | {r['stored_rows']} ({r['votes_stored_per_s']}/s) |",
        f"| vote → tally on **every** client, p50 / p99 / max | {r['vote_to_all_clients_ms_p50']}"
        f" / {r['vote_to_all_clients_ms_p99']} / {r['vote_to_all_clients_ms_max']} ms |",
        f"| vote → tally on every client by totals, p50 / p99 / max | "
        f"{r['vote_to_all_clients_by_totals_ms_p50']} / {r['vote_to_all_clients_by_totals_ms_p99']}"
        f" / {r['vote_to_all_clients_by_totals_ms_max']} ms |",
        f"| vote → tally on a client, p50 / p99 | {r['vote_to_a_client_ms_p50']} / "
        f"{r['vote_to_a_client_ms_p99']} ms |",
        f"| vote acknowledgement p50 / p99 | {r['ack_ms_p50']} / {r['ack_ms_p99']} ms |",
        f"| tally broadcasts / deliveries | {r['tally_broadcasts']} / {r['tally_deliveries']} |",
        f"| server CPU per delivered message (tallies + acks) | "
        f"{r['server_cpu_us_per_delivered_message']} µs ({r['server_cpu_percent']} % of a core)"
        f" |",
        f"| server CPU per vote event (all its work: handler, transaction, share of the "
        f"broadcasts) | {r['server_cpu_ms_per_vote_event']} ms |",
        f"| server memory per connection | {r['server_kb_per_connection']} KB "
        f"(RSS {r['server_rss_mb_before']} → {r['server_rss_mb_after']} MB) |",
        f"| connecting {r['clients']} clients | {r['connect_s']} s |",
        f"| load generator CPU during the vote phase, % of a core (per process = total) | "
        f"{loadgen_cell(r)} |",
        *baseline_lines(report),
        "",
        "Correctness after the run (from the database):",
        "",
        f"- stored rows {r['stored_rows']} = final tally {r['final_tally_sum']} = distinct "
        f"(voter, idea) acknowledged stored {r['distinct_pairs_acknowledged_stored']}; "
        f"clients whose last tally is the final one: {r['clients_whose_last_tally_is_final']}"
        f"/{r['clients']}",
        f"- lost {r['lost']}, doubled {r['doubled']}, rows without a stored acknowledgement "
        f"{r['rows_without_stored_ack']}, tallies received that differ from the database at "
        f"their version {r['tallies_inconsistent_with_db']}, versions going back "
        f"{r['versions_going_back']}, client errors {r['client_error_count']}",
        f"- all correct: {ok}",
        "",
    ]
    return "\n".join(lines)


def _pg_admin(pg_url: str, sql: str) -> None:
    with psycopg.connect(pg_url, connect_timeout=5, autocommit=True) as conn:
        conn.execute(sql)


def _drop_redis_keys(redis_url: str, prefix: str) -> int:
    client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    gone = 0
    for n, key in enumerate(client.scan_iter(match=f"{prefix}*", count=500)):
        if n > 100_000:  # bounded
            break
        gone += client.delete(key)
    return gone


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark live voting over Socket.IO.")
    parser.add_argument("--clients", type=int, default=None, help="default 200 (quick: 100)")
    parser.add_argument("--voters", type=int, default=None, help="default: every client")
    parser.add_argument("--rate", type=float, default=None,
                        help="votes per second, in all (default 100)")
    parser.add_argument("--duration", type=float, default=None, help="default 20 (quick: 8)")
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="mix",
                        help="mix: 8 ideas, 3 votes each (mostly repeats); stores: 60 ideas, "
                             "60 votes each (mostly new votes, all stored)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds open at once in the room (default: the workload's)")
    parser.add_argument("--ideas", type=int, default=None,
                        help="ideas per round (default: the workload's)")
    parser.add_argument("--quota", type=int, default=None,
                        help="votes per participant (default: the workload's)")
    parser.add_argument("--loadgen-processes", type=int, default=None,
                        help="load generator worker processes (default: 1 below 500 "
                             "clients, else 2)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds to wait for the last acks and tallies")
    parser.add_argument("--connect-batch", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--config", default="development")
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--name", default=None,
                        help="default live_voting, live_voting_quick, live_voting_scaleout")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smaller, shorter run")
    parser.add_argument("--scale-out", action="store_true",
                        help="PostgreSQL + Redis, several server processes")
    parser.add_argument("--processes", type=int, default=2, help="with --scale-out")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the bare relay server's run (no ratio then)")
    parser.add_argument("--py-spy", action="store_true",
                        help="profile the server(s) during the vote phase with py-spy "
                             "(NAME_profile.txt, NAME_baseline_profile.txt: collapsed stacks)")
    parser.add_argument("--write-table", action="store_true",
                        help="only write README.md's live-voting table from "
                             "results/latest.json (no run)")
    parser.add_argument("--pg-url", default=os.environ.get(
        "PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--redis-url", default=os.environ.get(
        "REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    if args.write_table:
        write_readme_table(args.out)
        return
    quick = {"clients": 100, "rate": 100.0, "duration": 8.0}
    full = {"clients": 200, "rate": 100.0, "duration": 20.0}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.name is None:
        args.name = "live_voting" + ("_scaleout" if args.scale_out else "") + \
            ("" if args.workload == "mix" else f"_{args.workload}") + \
            ("_quick" if args.quick else "")
    args.voters = min(args.voters or args.clients, args.clients)
    for key, value in WORKLOADS[args.workload].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.loadgen_processes is None:
        args.loadgen_processes = 1 if args.clients < 500 else 2
    processes = max(1, args.processes) if args.scale_out else 1

    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    workdir = tempfile.mkdtemp(prefix="inspir-bench-")
    ports = [free_port() for _ in range(processes)]
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "SERVER_NAME", "FLASK_DEBUG", "INSPIR_NO_GEVENT",
                        "SOCKETIO_CHANNEL", "DATABASE_URL")}
    schema = channel = None
    if args.scale_out:
        run_id = f"{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}_{os.urandom(3).hex()}"
        schema, channel = f"bench_voting_{run_id}", f"inspir-bench-{run_id}"
        sep = "&" if "?" in args.pg_url else "?"
        database_url = f"{args.pg_url}{sep}options=-csearch_path%3D{schema}"
        env.update(REDIS_URL=args.redis_url, SOCKETIO_CHANNEL=channel)
    else:
        database = os.path.join(workdir, "bench.db")
        database_url = f"sqlite:///{database}"
    env.update(INSPIR_CONFIG=args.config, DATABASE_URL=database_url, READ_LIMIT="",
               FLASK_APP="inspir_events.app", PYTHONDONTWRITEBYTECODE="1",
               SECRET_KEY=os.urandom(24).hex(),
               ALLOWED_ORIGINS=",".join(f"http://127.0.0.1:{port}" for port in ports))

    def query(sql: str, params: tuple) -> list[tuple]:
        if args.scale_out:
            with psycopg.connect(args.pg_url, connect_timeout=5,
                                 options=f"-csearch_path={schema}") as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            return conn.execute(sql, params).fetchall()

    servers: list[subprocess.Popen] = []
    logs = []
    try:
        if args.scale_out:
            redis.Redis.from_url(args.redis_url, socket_timeout=3,
                                 socket_connect_timeout=3).ping()
            _pg_admin(args.pg_url, f'CREATE SCHEMA "{schema}"')
            print(f"PostgreSQL schema {schema}, Redis channel {channel}", flush=True)
        print(f"migrating a temporary database ({'PostgreSQL' if args.scale_out else workdir})"
              " ...", flush=True)
        run_checked([sys.executable, "-m", "flask", "db", "upgrade"], env, "flask db upgrade")
        seed_file = os.path.join(workdir, "seed.json")
        print(f"seeding {args.clients} participants, {args.rounds} open round(s) of "
              f"{args.ideas} ideas, {args.quota} votes each ...", flush=True)
        print("  " + run_checked([sys.executable, os.path.join(HERE, "seed_voting.py"),
                                  str(args.clients), seed_file, str(args.quota),
                                  str(args.ideas), str(args.rounds)],
                                 env, "seeding").strip().splitlines()[-1], flush=True)
        with open(seed_file) as f:
            seed = json.load(f)
        baseline = None
        if not args.no_baseline:
            print("baseline: the bare relay server, same clients, rate and duration ...",
                  flush=True)
            baseline = run_baseline(args, env, seed, workdir, processes, channel)
            print(f"  baseline: {baseline['server_cpu_us_per_delivered_message']} µs per "
                  f"delivered message, ack p99 {baseline['ack_ms_p99']} ms, vote → every "
                  f"client p99 {baseline['vote_to_all_clients_ms_p99']} ms, "
                  f"{baseline['server_kb_per_connection']} KB/connection", flush=True)
        for port in ports:
            log = open(os.path.join(workdir, f"server-{port}.log"), "w")  # noqa: SIM115
            logs.append(log)
            servers.append(subprocess.Popen(  # noqa: S603
                [sys.executable, os.path.join(HERE, "serve.py")],
                env={**env, "PORT": str(port)}, cwd=PROJECT_ROOT,
                stdout=log, stderr=subprocess.STDOUT))
        for port, server in zip(ports, servers, strict=True):
            wait_until_serving(port, server)
        print(f"server pid(s) {[s.pid for s in servers]} on port(s) {ports}; {args.clients} "
              f"clients, {args.voters} voters, {args.rate:g} votes/s for {args.duration:g} s",
              flush=True)
        def db_final(_stored_acked: dict[int, int]) -> dict[int, tuple[int, int]]:
            return {r: (top, n) for r, top, n in query(
                "SELECT round_id, max(id), count(*) FROM vote GROUP BY round_id", ())}

        run = drive(args, ports, [s.pid for s in servers], seed, db_final)
        rows = [tuple(r) for r in query("SELECT id, voter_id, idea_id, round_id FROM vote "
                                        "ORDER BY id", ())]
        result = analyse(run, rows, args)
        if baseline is not None:
            result["cpu_ratio_to_baseline"] = ratio(
                result["server_cpu_us_per_delivered_message"],
                baseline["server_cpu_us_per_delivered_message"])
        for server in servers:
            stop(server)
        info = machine()
        info["load_average_before"] = load_before
        if os.environ.get("BENCH_SOURCE"):  # a copy of the tree, not a git checkout
            info["source"] = os.environ["BENCH_SOURCE"]
        if args.scale_out:
            with psycopg.connect(args.pg_url, connect_timeout=5) as conn:
                info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            info["redis"] = redis.Redis.from_url(args.redis_url).info()["redis_version"]
        report = {"machine": info, "settings": vars(args), "result": result,
                  "baseline": baseline}
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, f"{args.name}.json"), "w") as f:
            json.dump(report, f, indent=2, ensure_ascii=False)
            f.write("\n")
        with open(os.path.join(args.out, f"{args.name}.md"), "w") as f:
            f.write(markdown(report))
        if not args.quick and not args.py_spy:
            write_latest(report, args.out)
        print(markdown(report))
        if not result["correct"]:
            raise SystemExit("live voting: correctness checks failed (see the report)")
    finally:
        for server in servers:
            stop(server)
        for log in logs:
            log.close()
        if schema is not None:
            try:
                _pg_admin(args.pg_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                print(f"dropped schema {schema}", flush=True)
            except Exception as exc:  # noqa: BLE001 - said, then the run's outcome stands
                print(f"could not drop schema {schema}: {exc}", flush=True)
        if channel is not None:
            try:
                _drop_redis_keys(args.redis_url, channel)
            except Exception as exc:  # noqa: BLE001
                print(f"could not delete the Redis keys {channel}*: {exc}", flush=True)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
