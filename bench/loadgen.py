"""A small closed-loop HTTP/1.1 load generator (asyncio, keep-alive, no dependency).

``concurrency`` clients each hold one keep-alive connection and send their next
GET as soon as the previous answer is read, for ``duration`` seconds or until
``max_requests`` requests are sent, whichever comes first. Each latency is
send-to-last-byte on the same clock. The server's CPU time over each phase is
read from ``/proc/<pid>/stat``.

    python bench/loadgen.py --port 5123 --server-pid 4242 \
        --targets '[{"name": "healthz", "path": "/healthz"}]' --duration 5

A target may add request headers (``"headers"``) and expect another status than
200 (``"status"``: 304 with ``If-None-Match``); any other status counts as an error.

prints one JSON document: per target, requests, errors, requests/s, latency
percentiles (ms) and server CPU per request (ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time


class Budget:
    """Requests left in a phase, shared by its clients (a bounded run)."""

    def __init__(self, limit: int):
        self.left = limit

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body length, server keeps the connection) of one response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    keep = headers.get("connection", "").lower() != "close"
    if status in (204, 304) or status < 200:  # never a body (RFC 9110 §6.4.1)
        return status, 0, keep
    if "content-length" in headers:
        length = int(headers["content-length"])
        await reader.readexactly(length)
        return status, length, keep
    if headers.get("transfer-encoding", "").lower() == "chunked":
        length = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            length += size
            if size == 0:
                return status, length, keep
    body = await reader.read()  # no length: the body ends with the connection
    return status, len(body), False


async def client(host: str, port: int, request: bytes | list[bytes], deadline: float,
                 budget: Budget, latencies: list[float], outcome: dict, expected: int = 200,
                 offset: int = 0) -> None:
    """One keep-alive client; with a list of requests, it sends them in turn from
    ``offset`` (a target's ``paths``: a mix of pages)."""
    requests = request if isinstance(request, list) else [request]
    reader = writer = None
    done = 0
    try:
        while time.perf_counter() < deadline and budget.take():
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
                outcome["connections"] += 1
            started = time.perf_counter()
            writer.write(requests[(offset + done) % len(requests)])
            try:
                status, length, keep = await read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                outcome["errors"] += 1
                outcome["error_kinds"][type(exc).__name__] = (
                    outcome["error_kinds"].get(type(exc).__name__, 0) + 1)
                writer.close()
                reader = writer = None
                continue
            latencies.append(time.perf_counter() - started)
            done += 1
            outcome["bytes"] += length
            if status != expected:
                outcome["errors"] += 1
                outcome["error_kinds"][str(status)] = outcome["error_kinds"].get(str(status), 0) + 1
            if not keep:
                writer.close()
                reader = writer = None
    finally:
        outcome["per_client"].append(done)
        if writer is not None:
            writer.close()


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of process ``pid`` so far (Linux), or None."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def phase(host: str, port: int, target: dict, concurrency: int, duration: float,
                max_requests: int, server_pid: int | None) -> dict:
    """Load one target for ``duration`` seconds; raw figures (merged later over rounds).
    A target with ``paths`` (a list) has its clients send each of them in turn; with
    ``"advance": true`` too, each phase goes on where the previous one stopped (no path
    sent twice until the list is used up: queries never asked before, for a server that
    keeps what it answered)."""

    def build(path: str) -> bytes:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}",
                 "Accept: text/html,application/json", "Accept-Language: fr",
                 "User-Agent: inspir-bench"]
        if target.get("cookie"):
            lines.append(f"Cookie: {target['cookie']}")
        lines += [f"{name}: {value}" for name, value in target.get("headers", {}).items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    paths = target.get("paths")
    request = [build(p) for p in paths] if paths else build(target["path"])
    latencies: list[float] = []
    outcome = {"errors": 0, "error_kinds": {}, "bytes": 0, "connections": 0, "per_client": []}
    budget = Budget(max_requests)
    cpu_before, client_before = cpu_seconds(server_pid), time.process_time()
    started = time.perf_counter()
    deadline = started + duration
    spread = max(1, len(paths) // concurrency) if paths else 0
    start = target.get("advanced", 0)
    await asyncio.gather(*(client(host, port, request, deadline, budget, latencies, outcome,
                                  target.get("status", 200), offset=start + i * spread)
                           for i in range(concurrency)))
    if target.get("advance"):
        target["advanced"] = start + max(outcome["per_client"], default=0)
    elapsed = time.perf_counter() - started
    cpu_after = cpu_seconds(server_pid)
    return {
        "latencies": latencies, "seconds": elapsed, **outcome,
        "server_cpu_seconds": (None if cpu_before is None or cpu_after is None
                               else cpu_after - cpu_before),
        "client_cpu_seconds": time.process_time() - client_before,
    }


def summarise(name: str, path: str, phases: list[dict]) -> dict:
    latencies = sorted(x for p in phases for x in p["latencies"])
    seconds = sum(p["seconds"] for p in phases)
    requests = len(latencies)
    server_cpu = [p["server_cpu_seconds"] for p in phases]
    cpu = None if None in server_cpu else sum(server_cpu)
    ms = 1000.0
    return {
        "name": name,
        "path": path,
        "requests": requests,
        "errors": sum(p["errors"] for p in phases),
        "error_kinds": {k: sum(p["error_kinds"].get(k, 0) for p in phases)
                        for k in {k for p in phases for k in p["error_kinds"]}},
        "seconds": round(seconds, 3),
        "requests_per_s": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * ms, 2),
        "p90_ms": round(percentile(latencies, 0.90) * ms, 2),
        "p99_ms": round(percentile(latencies, 0.99) * ms, 2),
        "max_ms": round(latencies[-1] * ms, 2) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * ms, 2) if latencies else None,
        "bytes_per_response": round(sum(p["bytes"] for p in phases) / requests) if requests else 0,
        "connections": sum(p["connections"] for p in phases),
        # Fairness: the fewest and most requests one client completed in a phase.
        "per_client_min": min((min(p["per_client"]) for p in phases if p["per_client"]),
                              default=0),
        "per_client_max": max((max(p["per_client"]) for p in phases if p["per_client"]),
                              default=0),
        "server_cpu_ms_per_request": round(cpu * ms / requests, 3) if cpu and requests else None,
        "server_cpu_share": round(cpu / seconds, 2) if cpu is not None and seconds else None,
        "client_cpu_share": round(sum(p["client_cpu_seconds"] for p in phases) / seconds, 2)
        if seconds else None,
    }


async def run(args) -> dict:
    if args.targets.startswith("@"):  # a file: a long list of paths is no command line
        with open(args.targets[1:], encoding="utf-8") as listed:
            targets = json.load(listed)
    else:
        targets = json.loads(args.targets)
    for target in targets:  # warm-up: connections, caches, first renders; not measured
        if args.warmup > 0:
            await phase(args.host, args.port, target, args.concurrency, args.warmup,
                        args.max_requests, None)
    phases: dict[str, list[dict]] = {t["name"]: [] for t in targets}
    for _ in range(args.rounds):  # interleaved rounds: drifts hit every target alike
        for target in targets:
            phases[target["name"]].append(await phase(
                args.host, args.port, target, args.concurrency, args.duration,
                args.max_requests, args.server_pid))
    return {
        "settings": {"concurrency": args.concurrency, "duration_s": args.duration,
                     "rounds": args.rounds, "warmup_s": args.warmup,
                     "max_requests_per_phase": args.max_requests},
        "targets": [summarise(t["name"], t["path"], phases[t["name"]]) for t in targets],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--targets", required=True,
                        help='JSON list of {"name", "path", optional "cookie", "headers" '
                             '(a dict), "status" (the expected one, 200 by default)}, or '
                             '@FILE holding it')
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per phase")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per target")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per phase")
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
