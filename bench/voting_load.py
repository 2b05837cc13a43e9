"""The live-voting bench's load generator, spread over several processes (issue 21 §4).

``bench/live_voting.py`` starts ``--loadgen-processes`` worker processes (``run``), each
holding a share of the clients (client i in worker i % W, on server i % S): light raw
Engine.IO v4 / Socket.IO v5 websocket clients over aiohttp, one asyncio loop per worker.
One clock for all: ``time.monotonic()`` is CLOCK_MONOTONIC, shared by every process of a
Linux machine, so a vote sent by one worker and its tally read by another compare directly.

The harness drives the workers in steps over a pipe each (``Workers``):

    connect          each worker connects and joins its clients       -> ("connected", n)
    vote START END   sends its share of the plan, vote j at START + j / rate; then waits
                     for its clients' acknowledgements (until END)
                                                 -> ("acked", {round: stored}, sent)
    final {R: (V, T)}  waits until each of its clients got a tally of each round R at
                     the database's final version V / total T (until END)
                                                              -> ("settled", end, cpu)
    close            closes its sockets, sends what it recorded   -> ("result", {...})

Each worker measures its own CPU (user + system, ``os.times()``) from START to its
"settled": the load generator's CPU, per process and in all, is in every result.

Reading 25,000 tallies a second in one process was the limit at 5,000 clients (issue 7).
A room's tally is the same text for every listener, so a worker parses each distinct
message once: it keeps a table of the distinct tally texts it read, and each client
records only (time, index in the table) per tally received.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import time
from array import array
from collections import Counter

import aiohttp

Clock = time.monotonic  # CLOCK_MONOTONIC: one clock for every process


class Payloads:
    """The distinct tally messages a worker read: text -> index, index -> parsed."""

    def __init__(self, round_ids: list[int]):
        self.round_ids = set(round_ids)
        self.index: dict[str, int] = {}
        # round, version, total, tally, connected
        self.parsed: list[tuple[int, int, int, dict | None, int]] = []

    def add(self, snapshot: dict) -> int:
        self.parsed.append((snapshot["round_id"], snapshot["version"], snapshot["total"],
                            snapshot.get("tally"), snapshot.get("connected", 0)))
        return len(self.parsed) - 1

    def of_message(self, text: str) -> int:
        """The index of a "42" message's tally, or -1 (another event, another round)."""
        known = self.index.get(text)
        if known is None:
            name, payload = json.loads(text[2:])[:2]
            known = -1
            if name == "tally" and payload.get("round_id") in self.round_ids:
                known = self.add(payload)
            self.index[text] = known
        return known


class Client:
    """A signed-in participant's socket: Engine.IO v4 / Socket.IO v5 text packets."""

    def __init__(self, session, url: str, cookie: str, user_id: int, payloads: Payloads):
        self.session, self.url, self.cookie = session, url, cookie
        self.user_id, self.payloads = user_id, payloads
        self.ws = None
        self.task = None
        self.next_ack = 0
        self.pending: dict[int, tuple] = {}  # ack id -> (kind, record)
        self.join_ack: asyncio.Future | None = None
        self.times = array("d")  # when each tally came ...
        self.kinds = array("l")  # ... and which (index in payloads)
        self.votes: list[list] = []  # [round, idea, send, ack, outcome]
        self.last: dict[int, tuple[int, int]] = {}  # round -> the last tally's version, total
        self.errors: list[str] = []

    async def connect(self, event_id: int) -> None:
        self.ws = await self.session.ws_connect(
            self.url + "/socket.io/?EIO=4&transport=websocket",
            headers={"Cookie": self.cookie, "Origin": self.url},
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
            if snap.get("round_id") in self.payloads.round_ids:
                self.times.append(when)
                self.kinds.append(self.payloads.add(snap))

    def _ack_id(self, what) -> int:
        ack = self.next_ack
        self.next_ack += 1
        self.pending[ack] = what
        return ack

    async def vote(self, round_id: int, idea_id: int) -> None:
        record = [round_id, idea_id, Clock(), None, None]
        self._ack_id(("vote", record))
        self.votes.append(record)
        await self.ws.send_str(f"42{self.next_ack - 1}" + json.dumps(
            ["vote", {"round_id": round_id, "idea_id": idea_id}]))

    async def reader(self) -> None:
        ws, loads, clock, payloads = self.ws, json.loads, Clock, self.payloads
        times, kinds = self.times, self.kinds
        try:
            async for m in ws:
                if m.type != aiohttp.WSMsgType.TEXT:
                    break
                d = m.data
                if d.startswith("42"):
                    now = clock()
                    k = payloads.of_message(d)
                    if k >= 0:
                        times.append(now)
                        kinds.append(k)
                elif d.startswith("43"):
                    now = clock()
                    i = 2
                    while d[i].isdigit():
                        i += 1
                    kind, record = self.pending.pop(int(d[2:i]))
                    reply = loads(d[i:])[0]
                    if kind == "join":
                        self.join_ack.set_result((now, reply))
                    else:
                        record[3] = now
                        record[4] = reply.get("outcome")
                elif d == "2":
                    await ws.send_str("3")
                elif d.startswith("41") or d.startswith("1"):
                    self.errors.append(f"disconnected: {d[:80]}")
                    break
        except Exception as exc:  # noqa: BLE001 - reported with the results
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def behind(self, final: dict[int, tuple[int, int]]) -> bool:
        """Whether this client's last tally of a round is below the round's final
        (version, total)."""
        last: dict[int, tuple[int, int]] = {}
        parsed = self.payloads.parsed
        for k in reversed(self.kinds):
            round_id, version, total, _, _ = parsed[k]
            last.setdefault(round_id, (version, total))
            if len(last) == len(final):
                break
        return any(last.get(r, (-1, -1))[0] < v or last.get(r, (-1, -1))[1] < t
                   for r, (v, t) in final.items())

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
        if self.ws:
            await self.ws.close()


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


async def _worker(conn, spec: dict) -> None:
    loop = asyncio.get_running_loop()

    async def command():
        return await loop.run_in_executor(None, conn.recv)

    payloads = Payloads(spec["round_ids"])
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        clients = {i: Client(session, url, cookie, user_id, payloads)
                   for i, url, cookie, user_id in spec["clients"]}
        ordered = list(clients.values())
        assert (await command())[0] == "connect"  # noqa: S101 - the protocol's order
        batch = spec["connect_batch"]
        for n in range(0, len(ordered), batch):
            await asyncio.gather(*(c.connect(spec["event_id"]) for c in ordered[n:n + batch]))
        conn.send(("connected", len(ordered)))
        step, start, deadline = await command()
        assert step == "vote"  # noqa: S101
        cpu0 = cpu_seconds()
        interval = spec["interval"]
        for j, i, round_id, idea in spec["votes"]:
            delay = start + j * interval - Clock()
            if delay > 0:
                await asyncio.sleep(delay)
            await clients[i].vote(round_id, idea)
        sent = Clock()
        while Clock() < deadline and any(c.pending for c in ordered):
            await asyncio.sleep(0.05)
        stored = Counter(v[0] for c in ordered for v in c.votes if v[4] == "stored")
        conn.send(("acked", dict(stored), sent))
        step, final = await command()
        assert step == "final"  # noqa: S101
        while Clock() < deadline and any(c.behind(final) for c in ordered):
            await asyncio.sleep(0.05)
        end = Clock()
        conn.send(("settled", end, cpu_seconds() - cpu0))
        assert (await command())[0] == "close"  # noqa: S101
        await asyncio.gather(*(c.close() for c in ordered), return_exceptions=True)
    conn.send(("result", {
        "payloads": payloads.parsed,
        "clients": [{"index": i, "user_id": c.user_id, "times": c.times, "kinds": c.kinds,
                     "votes": c.votes, "errors": c.errors} for i, c in clients.items()],
    }))


def run(conn, spec: dict) -> None:
    """A worker process's entry point (multiprocessing, spawn): drive ``spec``'s clients."""
    try:
        asyncio.run(_worker(conn, spec))
    except BaseException as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        conn.close()


class Workers:
    """The harness's side: start W worker processes and step them together."""

    def __init__(self, specs: list[dict]):
        ctx = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for spec in specs:
            mine, theirs = ctx.Pipe()
            process = ctx.Process(target=run, args=(theirs, spec), daemon=True)
            process.start()
            theirs.close()
            self.pipes.append(mine)
            self.processes.append(process)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def send(self, *message) -> None:
        for pipe in self.pipes:
            pipe.send(message)

    def gather(self, expected: str, timeout: float) -> list[tuple]:
        """Each worker's next message, which must be ``expected``."""
        answers = []
        for n, pipe in enumerate(self.pipes):
            if not pipe.poll(timeout):
                raise RuntimeError(f"load generator worker {n}: no {expected!r} within "
                                   f"{timeout:g} s")
            answer = pipe.recv()
            if answer[0] != expected:
                raise RuntimeError(f"load generator worker {n}: {answer}")
            answers.append(answer[1:])
        return answers

    def stop(self) -> None:
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        for pipe in self.pipes:
            pipe.close()
