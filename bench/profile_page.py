"""Time and profile pages in-process (test client, no server), on a seeded database.

    DATABASE_URL=sqlite:////tmp/inspir-bench-XXXX/bench.db \\
        .venv/bin/python bench/profile_page.py /needs "/needs?q=quartier" --profile
    ... --sign-in /needs      (the page as the signed-in bench user sees it)

prints each page's mean time per request (best of 3 runs) and, with ``--profile``,
the functions that cost the most (cProfile, sorted by ``--sort``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time

os.environ.setdefault("INSPIR_NO_GEVENT", "1")
# The limit of costly reads off, as the served benches have it (READ_LIMIT empty): with it,
# the loop's requests from one address got 429 answers after the first few, and the times
# printed were partly those of the refusal (before 2026-12-06).
os.environ.setdefault("READ_LIMIT", "")
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

from inspir_events.app import create_app  # noqa: E402


def sign_in(client) -> None:
    """Log in through the real form as seed_needs.py's bench user."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from seed_needs import BENCH_EMAIL, BENCH_PASSWORD

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    response = client.post("/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD,
                                           "csrf_token": token.group(1) if token else ""})
    if response.status_code != 302:
        raise SystemExit(f"log-in refused (status {response.status_code})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("-n", type=int, default=200, help="requests per run")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (tottime...)")
    parser.add_argument("--lines", type=int, default=35)
    parser.add_argument("--callers", metavar="PATTERN",
                        help="with --profile, also print who calls the functions matching "
                             "PATTERN (pstats' print_callers)")
    parser.add_argument("--sign-in", action="store_true",
                        help="sign in first as the bench user (seed_needs.py's), through the "
                             "real log-in form: the pages as a signed-in citizen sees them")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a seeded database (bench/needs_board.py --keep).")
    client = create_app().test_client()
    if args.sign_in:
        sign_in(client)
    for path in args.paths:
        status = client.get(path).status_code
        for _ in range(20):  # warm-up
            client.get(path)
        best = cpu = float("inf")
        for _ in range(3):
            started, started_cpu = time.perf_counter(), time.process_time()
            for _ in range(args.n):
                if client.get(path).status_code != status:
                    raise SystemExit(f"{path} answered another status than {status}")
            best = min(best, (time.perf_counter() - started) / args.n)
            cpu = min(cpu, (time.process_time() - started_cpu) / args.n)
        # CPU: this process's only (a PostgreSQL server's own work is not in it).
        print(f"{path}: {best * 1000:.2f} ms per request, {cpu * 1000:.2f} ms of this "
              f"process's CPU (status {status})")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                client.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.lines)
            if args.callers:
                stats.print_callers(args.callers)


if __name__ == "__main__":
    main()
