"""Benchmark of live voting over Socket.IO, end to end (``make bench-voting``).

1. a temporary SQLite database, migrated by ``flask db upgrade`` (DATABASE_URL);
2. seeded in bulk (``seed_voting.py``): one published event, N confirmed participants
   with a server-side session each and the signed session cookie that carries it,
   8 ideas, one open round (3 votes per participant, tally live);
3. the real server started as ``make run`` serves it (``serve.py``: gevent, the
   development settings, ALLOWED_ORIGINS = the server's own origin);
4. N listeners, each a signed-in participant on its own websocket (light raw
   Engine.IO v4 / Socket.IO v5 clients over aiohttp, as in the reference bench:
   they send the session cookie and the allowed Origin), join the event's room;
   M of them (all, by default) also vote through their socket, at a fixed total
   rate, each spaced M/rate seconds apart (well under the 5 votes/s per user limit):
   per voter 3 new ideas, then repeats (answered "duplicate") and one attempt at a
   4th idea (answered "quota");
5. after the run, the vote rows are read from the database and everything checked:
   stored rows = final tally = distinct (voter, idea) pairs acknowledged "stored" =
   what every client last saw; every tally any client received equals the database's
   prefix at its version; lost = doubled = 0;
6. bench/results/live_voting.json and .md, with the machine; a full run (not --quick) also
   puts its row (clients x mode) into bench/results/latest.json and latest.md.

The baseline, in the same run, before the app: ``baseline_server.py``, a bare
python-socketio gevent server that only relays (acks each vote from memory, re-broadcasts a
tally-shaped payload to the room at the app's tick when something changed), driven by the
same clients at the same rate for the same duration and measured the same way. The report
gives both servers' CPU per delivered message (tallies received + acks, within the vote
phase's CPU window) and their ratio, and both memories per connection.

How "vote to tally on every client" is measured. A vote's acknowledgement does not
carry its row id, but the row is unique on (round, voter, idea): after the run the
database gives each acknowledged-stored vote its id. The tally's version is the
round's latest vote id and SQLite serialises writers (BEGIN IMMEDIATE), so ids are
committed in increasing order: a tally whose version >= the vote's id includes it
(checked too: every received tally equals the count of rows with id <= its version).
For each stored vote: latency = (the time its last listener received a tally with
version >= its id) - (the time the voter sent it), one clock (one process).

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
import asyncio
import bisect
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
from collections import Counter, defaultdict

import aiohttp
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

class Client:
    """A signed-in participant's socket: Engine.IO v4 / Socket.IO v5 text packets."""

    def __init__(self, session, url, origin, cookie, user_id, round_id):
        self.session, self.url, self.origin = session, url, origin
        self.cookie, self.user_id, self.round_id = cookie, user_id, round_id
        self.ws = None
        self.task = None
        self.next_ack = 0
        self.pending: dict[int, tuple] = {}  # ack id -> (kind, payload)
        self.join_ack: asyncio.Future | None = None
        self.tallies: list[tuple[float, int, int, dict | None]] = []  # t, version, total, tally
        self.votes: list[dict] = []  # send, ack, idea, outcome
        self.connected_seen = 0
        self.errors: list[str] = []

    async def connect(self, event_id: int) -> None:
        self.ws = await self.session.ws_connect(
            self.url + "/socket.io/?EIO=4&transport=websocket",
            headers={"Cookie": self.cookie, "Origin": self.origin},
            autoping=False, max_msg_size=0, heartbeat=None)
        msg = await self.ws.receive_str()  # '0{...}' engine.io OPEN
        if not msg.startswith("0"):
            raise RuntimeError(f"no engine.io open: {msg[:80]}")
        await self.ws.send_str("40")  # socket.io CONNECT '/'
        msg = await self.ws.receive_str()
        if not msg.startswith("40"):
            raise RuntimeError(f"connection refused: {msg[:120]}")
        self.task = asyncio.ensure_future(self.reader())
        self.join_ack = asyncio.get_running_loop().create_future()
        ack = self._ack_id(("join", None))
        await self.ws.send_str(f"42{ack}" + json.dumps(["join", {"event_id": event_id}]))
        when, reply = await asyncio.wait_for(self.join_ack, 60)
        if not reply.get("ok"):
            raise RuntimeError(f"join refused: {reply}")
        for snap in reply.get("rounds", []):
            if snap.get("round_id") == self.round_id:
                self.tallies.append((when, snap["version"], snap["total"], snap.get("tally")))

    def _ack_id(self, what) -> int:
        ack = self.next_ack
        self.next_ack += 1
        self.pending[ack] = what
        return ack

    async def vote(self, idea_id: int) -> None:
        ack = self._ack_id(("vote", idea_id))
        record = {"idea": idea_id, "send": time.perf_counter(), "ack": None, "outcome": None}
        self.pending[ack] = ("vote", record)
        self.votes.append(record)
        await self.ws.send_str(f"42{ack}" + json.dumps(
            ["vote", {"round_id": self.round_id, "idea_id": idea_id}]))

    async def reader(self) -> None:
        ws, loads, pc = self.ws, json.loads, time.perf_counter
        try:
            async for m in ws:
                if m.type != aiohttp.WSMsgType.TEXT:
                    break
                d = m.data
                if d.startswith("42"):
                    now = pc()
                    name, payload = loads(d[2:])[:2]
                    if name == "tally" and payload.get("round_id") == self.round_id:
                        self.tallies.append((now, payload["version"], payload["total"],
                                             payload.get("tally")))
                        self.connected_seen = payload.get("connected", 0)
                elif d.startswith("43"):
                    now = pc()
                    i = 2
                    while d[i].isdigit():
                        i += 1
                    kind, what = self.pending.pop(int(d[2:i]))
                    reply = loads(d[i:])[0]
                    if kind == "join":
                        self.join_ack.set_result((now, reply))
                    else:
                        what["ack"] = now
                        what["outcome"] = reply.get("outcome")
                elif d == "2":
                    await ws.send_str("3")
                elif d.startswith("41") or d.startswith("1"):
                    self.errors.append(f"disconnected: {d[:80]}")
                    break
        except Exception as exc:  # noqa: BLE001 - reported with the results
            self.errors.append(f"{type(exc).__name__}: {exc}")

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
        if self.ws:
            await self.ws.close()


def plan_votes(voters: int, total: int, quota: int, idea_ids: list[int],
               rng: random.Random) -> list[tuple[int, int, str]]:
    """(voter index, idea, kind) for each vote event, in sending order.

    Event j goes to voter j % voters. Per voter: ``quota`` new ideas at random slots
    (a repeat never comes before the voter's first new idea), one attempt at one
    more idea in the last slot (over the quota), repeats of earlier ideas elsewhere.
    """
    per_voter = [len(range(v, total, voters)) for v in range(voters)]
    kinds_of = {}
    for v, count in enumerate(per_voter):
        news = min(quota, count, len(idea_ids))
        over = 1 if count > news and news < len(idea_ids) else 0
        kinds = ["new"] * news + ["repeat"] * (count - news - over)
        rng.shuffle(kinds)
        if kinds and kinds[0] == "repeat":
            first_new = kinds.index("new")
            kinds[0], kinds[first_new] = "new", "repeat"
        kinds_of[v] = kinds + ["over"] * over
    picks = {v: rng.sample(idea_ids, min(len(idea_ids), quota + 1)) for v in range(voters)}
    sent: dict[int, list[int]] = defaultdict(list)
    slot: Counter = Counter()
    plan = []
    for j in range(total):
        v = j % voters
        kind = kinds_of[v][slot[v]]
        slot[v] += 1
        if kind == "new":
            idea = picks[v][len(sent[v])]
            sent[v].append(idea)
        elif kind == "repeat":
            idea = rng.choice(sent[v])
        else:
            idea = picks[v][-1]
        plan.append((v, idea, kind))
    return plan


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


async def drive(args, ports: list[int], pids: list[int], seed: dict, db_final,
                label: str = "") -> dict:
    """Connect, vote, settle. ``db_final(clients)`` -> (max vote id, count) of the round."""
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    round_id, event_id = seed["round_id"], seed["event_id"]
    conn = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
    out: dict = {}
    async with aiohttp.ClientSession(connector=conn, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        people = seed["voters"][:args.clients]
        clients = [Client(session, urls[i % len(urls)], urls[i % len(urls)], p["cookie"],
                          p["user_id"], round_id)
                   for i, p in enumerate(people)]
        await asyncio.sleep(0.5)
        rss0 = sum(proc_rss_kb(pid) for pid in pids)
        t0 = time.perf_counter()
        for i in range(0, len(clients), args.connect_batch):
            await asyncio.gather(*(c.connect(event_id) for c in clients[i:i + args.connect_batch]))
        out["connect_s"] = round(time.perf_counter() - t0, 2)
        await asyncio.sleep(1.0)
        rss1 = sum(proc_rss_kb(pid) for pid in pids)
        out.update(server_rss_mb_before=round(rss0 / 1024, 1),
                   server_rss_mb_after=round(rss1 / 1024, 1),
                   server_kb_per_connection=round((rss1 - rss0) / len(clients), 1))
        rng = random.Random(args.seed)  # noqa: S311 - a reproducible plan, not security
        plan = plan_votes(args.voters, int(args.rate * args.duration),
                          seed["votes_per_participant"], seed["idea_ids"], rng)
        interval = 1.0 / args.rate
        spies = start_py_spy(args, pids, label)
        cpu0, cli0 = sum(proc_cpu(pid) for pid in pids), os.times()
        start = time.perf_counter()
        for j, (v, idea, _) in enumerate(plan):
            delay = start + j * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await clients[v].vote(idea)
        sent_s = time.perf_counter() - start
        # Every acknowledgement, then every listener at the database's final version.
        deadline = time.perf_counter() + args.settle
        while time.perf_counter() < deadline and any(c.pending for c in clients):
            await asyncio.sleep(0.05)
        final_version, final_total = db_final(clients)
        while time.perf_counter() < deadline and any(
                not c.tallies or c.tallies[-1][1] < final_version
                or c.tallies[-1][2] < final_total for c in clients):
            await asyncio.sleep(0.05)
        wall = time.perf_counter() - start
        cpu1, cli1 = sum(proc_cpu(pid) for pid in pids), os.times()
        for spy in spies:
            spy.wait(timeout=60)
        out["window"] = (start, start + wall)  # the CPU's: messages counted within it
        out.update(sent_s=round(sent_s, 2), phase_wall_s=round(wall, 2),
                   server_cpu_s=round(cpu1 - cpu0, 2),
                   client_cpu_s=round((cli1.user + cli1.system) - (cli0.user + cli0.system), 2),
                   final_version_seen_in_db=final_version)
        await asyncio.sleep(0.6)  # a last tick: nothing more may come
        out["clients"] = clients
        out["plan"] = plan
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    return out


def fanout_by_totals(clients: list[Client], stored: list) -> list[float]:
    """Vote -> every client, by totals: the k-th stored vote (acknowledgement order) is
    on a client with its first tally whose total >= k; the worst client per vote."""
    ranked = sorted((v for _, v in stored if v["ack"] is not None), key=lambda v: v["ack"])
    listeners = []
    for c in clients:
        totals, times, top = [], [], -1
        for t, _, total, _ in c.tallies:
            top = max(top, total)  # a going-back total is reported by the checks
            totals.append(top)
            times.append(t)
        listeners.append((totals, times))
    out = []
    for k, v in enumerate(ranked, start=1):
        worst = 0.0
        for totals, times in listeners:
            i = bisect.bisect_left(totals, k)
            if i == len(totals):
                worst = None
                break
            worst = max(worst, times[i] - v["send"])
        if worst is not None:
            out.append(worst)
    return sorted(out)


def phase_messages(clients: list[Client], window: tuple[float, float]) -> tuple[int, int, int]:
    """Tally deliveries, distinct tallies (versions) and acks received within the vote
    phase's CPU window: the room's broadcasts while the clients were connecting (their
    count changes) are not paid for by the phase's CPU, so they are not counted."""
    lo, hi = window
    deliveries, versions = 0, set()
    for c in clients:
        for t in c.tallies[1:]:
            if lo <= t[0] <= hi:
                deliveries += 1
                versions.add(t[1])
    acks = sum(1 for c in clients for v in c.votes if v["ack"] is not None and v["ack"] <= hi)
    return deliveries, len(versions), acks


def analyse(run: dict, rows: list[tuple[int, int, int]], args) -> dict:
    clients: list[Client] = run.pop("clients")
    plan = run.pop("plan")
    by_pair = {(voter, idea): vid for vid, voter, idea in rows}
    ids_sorted = sorted(vid for vid, _, _ in rows)
    db_tally = Counter(idea for _, _, idea in rows)
    votes = [(c.user_id, v) for c in clients for v in c.votes]
    outcomes = Counter(v["outcome"] for _, v in votes)
    stored = [(uid, v) for uid, v in votes if v["outcome"] == "stored"]
    stored_pairs = Counter((uid, v["idea"]) for uid, v in stored)
    lost = sum(1 for pair in stored_pairs if pair not in by_pair)
    doubled = sum(n - 1 for n in stored_pairs.values() if n > 1)
    unacknowledged_rows = sum(1 for pair in by_pair if pair not in stored_pairs)
    acks = sorted(v["ack"] - v["send"] for _, v in votes if v["ack"] is not None)
    # Every received tally is the database's prefix at its version (per idea).
    prefix_total = {}
    inconsistent = 0
    inconsistent_examples: list[dict] = []
    non_monotonic = 0
    deliveries = 0
    by_ids = not args.scale_out  # SQLite: ids commit in order; PostgreSQL: they may not
    final_counts = dict(db_tally)
    for c in clients:
        last_version, last_total, last_counts = -1, -1, {}
        for _, version, total, tally in c.tallies[1:] if c.tallies else []:
            deliveries += 1
            got = {int(k): v for k, v in (tally or {}).items() if v}
            if not by_ids:
                if total < last_total or any(got.get(i, 0) < n for i, n in last_counts.items()):
                    non_monotonic += 1
                last_total, last_counts = total, got
                if (tally is not None and sum(got.values()) != total) or total > len(rows) \
                        or any(n > final_counts.get(i, 0) for i, n in got.items()):
                    inconsistent += 1
                    if len(inconsistent_examples) < 5:
                        inconsistent_examples.append({"version": version, "total": total,
                                                      "tally": tally})
                continue
            if version < last_version:
                non_monotonic += 1
            last_version = version
            if version not in prefix_total:
                upto = [(vid, idea) for vid, _, idea in rows if vid <= version]
                prefix_total[version] = (len(upto), Counter(i for _, i in upto))
            n, per_idea = prefix_total[version]
            if total != n or (tally is not None and got != dict(per_idea)):
                inconsistent += 1
    # Latency from a stored vote's send to its tally on every listener.
    fanout, per_delivery, undelivered = [], [], 0
    listeners = [(c, [t[1] for t in c.tallies], [t[0] for t in c.tallies]) for c in clients]
    for uid, v in stored:
        vid = by_pair.get((uid, v["idea"]))
        if vid is None:
            continue
        worst = 0.0
        for _, versions, times in listeners:
            k = bisect.bisect_left(versions, vid)
            if k == len(versions):
                undelivered += 1
                worst = None
                break
            lat = times[k] - v["send"]
            per_delivery.append(lat)
            worst = max(worst, lat)
        if worst is not None:
            fanout.append(worst)
    fanout.sort()
    per_delivery.sort()
    fanout_totals = fanout_by_totals(clients, stored)
    if not by_ids:  # the ids say nothing on PostgreSQL: the figures by totals
        fanout = fanout_totals
        per_delivery = []
    last_seen = [(c.tallies[-1][1], c.tallies[-1][2],
                  {int(k): n for k, n in (c.tallies[-1][3] or {}).items() if n})
                 for c in clients if c.tallies]
    final = (ids_sorted[-1] if ids_sorted else 0, len(rows), dict(db_tally))
    clients_at_final = sum(1 for seen in last_seen if seen == final)
    errors = [e for c in clients for e in c.errors]
    wanted = len(plan)
    kinds = Counter(kind for *_, kind in plan)
    phase = phase_messages(clients, run.pop("window"))
    result = {
        "mode": "scale-out" if args.scale_out else "single process",
        "processes": args.processes if args.scale_out else 1,
        "database": "PostgreSQL" if args.scale_out else "SQLite",
        "fanout_measured_by": "ids" if by_ids else "totals",
        "clients": len(clients),
        "voters": args.voters,
        "target_votes_per_s": args.rate,
        "duration_s": args.duration,
        "votes_sent": len(votes),
        "votes_planned": wanted,
        "plan_kinds": dict(kinds),
        "outcomes": dict(outcomes),
        "votes_sent_per_s": round(len(votes) / run["sent_s"], 1),
        "votes_stored_per_s": round(len(rows) / run["sent_s"], 1),
        "stored_rows": len(rows),
        "final_tally_sum": sum(db_tally.values()),
        "distinct_pairs_acknowledged_stored": len(stored_pairs),
        "clients_whose_last_tally_is_final": clients_at_final,
        "lost": lost,
        "doubled": doubled,
        "rows_without_stored_ack": unacknowledged_rows,
        "tallies_inconsistent_with_db": inconsistent,
        "tallies_inconsistent_examples": inconsistent_examples,
        "versions_going_back": non_monotonic,
        "stored_votes_not_reaching_every_client": sum(
            1 for uid, v in stored if (uid, v["idea"]) in by_pair) - len(fanout),
        "final_version": final[0],
        "tally_deliveries_all": deliveries,
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
    result["correct"] = (lost == 0 and doubled == 0 and unacknowledged_rows == 0
                         and inconsistent == 0 and non_monotonic == 0
                         and len(rows) == sum(db_tally.values()) == len(stored_pairs)
                         and clients_at_final == len(clients) and not errors
                         and len(votes) == wanted and outcomes.get(None, 0) == 0)
    return result


def analyse_baseline(run: dict) -> dict:
    """The baseline's figures, measured as the app's (vote -> every client by totals)."""
    clients: list[Client] = run.pop("clients")
    run.pop("plan")
    votes = [(c.user_id, v) for c in clients for v in c.votes]
    stored = [(uid, v) for uid, v in votes if v["outcome"] == "stored"]
    acks = sorted(v["ack"] - v["send"] for _, v in votes if v["ack"] is not None)
    deliveries, broadcasts, in_phase_acks = phase_messages(clients, run.pop("window"))
    fanout = fanout_by_totals(clients, stored)
    messages = deliveries + in_phase_acks
    return {
        "votes_sent": len(votes), "votes_acknowledged": len(acks),
        "outcomes": dict(Counter(v["outcome"] for _, v in votes)),
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


def run_baseline(args, env: dict, seed: dict, workdir: str) -> dict:
    """The bare relay server (``baseline_server.py``), same clients, rate and duration."""
    port = free_port()
    log = open(os.path.join(workdir, "baseline.log"), "w")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, os.path.join(HERE, "baseline_server.py")],
        env={**env, "PORT": str(port), "BASELINE_ROUND_ID": str(seed["round_id"]),
             "BASELINE_QUOTA": str(seed["votes_per_participant"])},
        cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, server)
        print(f"baseline pid {server.pid} on port {port}", flush=True)

        def final(clients):
            n = sum(1 for c in clients for v in c.votes if v["outcome"] == "stored")
            return n, n

        run = asyncio.run(drive(args, [port], [server.pid], seed, final, label="_baseline"))
        return analyse_baseline(run)
    finally:
        stop(server)
        log.close()


def ratio(app_value, base_value) -> float | None:
    if not app_value or not base_value:
        return None
    return round(app_value / base_value, 2)


def run_key(result: dict) -> str:
    """latest.json's key of a run: mode, clients, votes/s (a rerun replaces its row)."""
    mode = "scale-out" if result.get("mode") == "scale-out" else "single"
    return f"{mode}-{result['clients']}-{result['target_votes_per_s']:g}"


def _fmt(value, unit: str = "") -> str:
    return "–" if value is None else f"{value:g}{unit}"


def summary_rows(runs: list[dict]) -> list[str]:
    """The table of README.md and latest.md: one row per (clients, mode)."""
    lines = [
        "| clients | mode | votes/s sent → stored | vote → every client p50 / p99 | "
        "ack p50 / p99 | CPU µs/msg app / baseline (ratio) | KB/conn app / baseline | "
        "lost / doubled | correct | load avg | date |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    order = {"single": 0, "scale-out": 1}
    for report in sorted(runs, key=lambda r: (r["result"]["clients"],
                                             order.get(run_key(r["result"]).split("-")[0], 2),
                                             -r["result"]["target_votes_per_s"])):
        r, b, m = report["result"], report.get("baseline") or {}, report["machine"]
        mode = ("1 process, SQLite" if r.get("mode") != "scale-out"
                else f"{r['processes']} processes, PostgreSQL + Redis")
        lines.append(
            f"| {r['clients']:,} | {mode} | {r['votes_sent_per_s']:g} → {r['votes_stored_per_s']:g}"
            f" | {_fmt(r['vote_to_all_clients_ms_p50'])} / "
            f"{_fmt(r['vote_to_all_clients_ms_p99'], ' ms')} | {_fmt(r['ack_ms_p50'])} / "
            f"{_fmt(r['ack_ms_p99'], ' ms')} | {_fmt(r['server_cpu_us_per_delivered_message'])} / "
            f"{_fmt(b.get('server_cpu_us_per_delivered_message'))} "
            f"(**{_fmt(r.get('cpu_ratio_to_baseline'))}**) | "
            f"{_fmt(r['server_kb_per_connection'])} / {_fmt(b.get('server_kb_per_connection'))} | "
            f"{r['lost']} / {r['doubled']} | {'yes' if r['correct'] else 'NO'} | "
            f"{_load(m['load_average_before'])} → {_load(m['load_average'])} | "
            f"{m['date'][:16].replace('T', ' ')} |")
    return lines


def write_latest(report: dict, out: str) -> None:
    """bench/results/latest.json (every full run's figures, by clients and mode) and .md."""
    path = os.path.join(out, "latest.json")
    try:
        with open(path) as f:
            latest = json.load(f)
    except (OSError, ValueError):
        latest = {}
    runs = latest.get("runs", {})
    runs[run_key(report["result"])] = report
    latest = {"updated": report["machine"]["date"], "last_run": run_key(report["result"]),
              "runs": runs}
    with open(path, "w") as f:
        json.dump(latest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    m = report["machine"]
    lines = [
        "# Live voting: the latest full runs",
        "",
        f"Machine: {m['nproc']} CPU ({m['cpu_model']}), Python {m['python']}, SQLite "
        f"{m['sqlite']}; last run {m['date']} (commit {m['git_commit']}"
        f"{', dirty' if m['git_dirty'] else ''}"
        f"{'; source: ' + m['source'] if m.get('source') else ''}). Each row is one run of "
        "`bench/live_voting.py` (the baseline, `bench/baseline_server.py`, measured in the same"
        " run with the same clients, rate and duration); details in the `live_voting*.md` "
        "file of that run.",
        "",
        *summary_rows(list(runs.values())),
        "",
        "Targets (issue 7, single process): at 1,000 clients and 1,000 votes/s for 60 s, 0 lost "
        "or doubled, vote → every client p99 ≤ 300 ms, ack p99 ≤ 50 ms, CPU per delivered "
        "message ≤ 1.3 × the baseline's, memory ≤ 100 KB per connection.",
        "",
    ]
    with open(os.path.join(out, "latest.md"), "w") as f:
        f.write("\n".join(lines))


def baseline_lines(report: dict) -> list[str]:
    b, r = report.get("baseline"), report["result"]
    if not b:
        return ["| baseline | not run (`--no-baseline`) |"]
    return [
        f"| **baseline** (bare relay, `bench/baseline_server.py`, same clients/rate/duration):"
        f" server CPU per delivered message | {b['server_cpu_us_per_delivered_message']} µs "
        f"({b['server_cpu_percent']} % of a core) |",
        f"| **ratio app / baseline, CPU per delivered message** (target ≤ 1.3) | "
        f"**{r.get('cpu_ratio_to_baseline')}** |",
        f"| baseline: vote → every client p50 / p99; ack p50 / p99 | "
        f"{b['vote_to_all_clients_ms_p50']} / {b['vote_to_all_clients_ms_p99']} ms; "
        f"{b['ack_ms_p50']} / {b['ack_ms_p99']} ms |",
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
        f"machine); {r['voters']} of them vote through their socket at {r['target_votes_per_s']}"
        f" votes/s in total for {r['duration_s']} s (3 new ideas each, then repeats and one "
        f"attempt over the quota). Method: see the docstring of `bench/live_voting.py`.",
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
    parser.add_argument("--quota", type=int, default=3, help="votes per participant")
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
    parser.add_argument("--pg-url", default=os.environ.get(
        "PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--redis-url", default=os.environ.get(
        "REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    quick = {"clients": 100, "rate": 100.0, "duration": 8.0}
    full = {"clients": 200, "rate": 100.0, "duration": 20.0}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.name is None:
        args.name = "live_voting" + ("_scaleout" if args.scale_out else "") + \
            ("_quick" if args.quick else "")
    args.voters = min(args.voters or args.clients, args.clients)
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
        print(f"seeding {args.clients} participants, 8 ideas, an open round ...", flush=True)
        print("  " + run_checked([sys.executable, os.path.join(HERE, "seed_voting.py"),
                                  str(args.clients), seed_file, str(args.quota)],
                                 env, "seeding").strip().splitlines()[-1], flush=True)
        with open(seed_file) as f:
            seed = json.load(f)
        baseline = None
        if not args.no_baseline:
            print("baseline: the bare relay server, same clients, rate and duration ...",
                  flush=True)
            baseline = run_baseline(args, env, seed, workdir)
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
        round_id = seed["round_id"]

        def db_final(_clients) -> tuple[int, int]:
            return tuple(query("SELECT coalesce(max(id), 0), count(*) FROM vote "
                               "WHERE round_id = ?", (round_id,))[0])

        run = asyncio.run(drive(args, ports, [s.pid for s in servers], seed, db_final))
        rows = [tuple(r) for r in query("SELECT id, voter_id, idea_id FROM vote "
                                        "WHERE round_id = ? ORDER BY id", (round_id,))]
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
