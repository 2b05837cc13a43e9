"""Compare two commits' pages in-process, the one's batches alternating with the other's.

    .venv/bin/python bench/compare_commits.py --before HEAD~1 \\
        --database sqlite:////tmp/inspir-bench-pages-sqlite-XXXX/bench.db --sign-in \\
        /accessibilite /needs /events/1 /store /api/v1/needs

This machine's speed drifts by up to 30 % within minutes, and the two cores do not run
alike: two timings taken one after the other, or side by side on the two cores, differ by
more than most changes. Here each commit's code runs in a process of its own (the test
client on the same seeded database, signed in as the bench user with ``--sign-in``), both
pinned to the same core, and they take turns: a batch of ``-n`` requests by one, then by
the other, ``--rounds`` times, the order switched every round. Each prints its CPU per
request (``time.process_time``, the application's process only: a PostgreSQL server's own
work is not in it); the medians' ratio is the change.

``--before`` is exported with ``git archive`` to a temporary folder (the working tree, as
it is, is the « after »); it uses this checkout's virtual environment and compiled
catalogue. The database must be seeded: ``bench/pages_signed_in.py --keep`` or
``bench/search.py --keep`` print one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CATALOGUE = os.path.join("inspir_events", "translations", "fr", "LC_MESSAGES", "messages.mo")

# One tree's process: signs in, then runs the batches it is sent on stdin
# ("PATH N" -> "wall_ms cpu_ms" per request).
WORKER = r'''
import logging, os, sys, time
sys.path.insert(0, os.path.join(os.getcwd(), "bench")); sys.path.insert(0, os.getcwd())
os.environ.setdefault("INSPIR_NO_GEVENT", "1")
os.environ.setdefault("READ_LIMIT", "")  # the limit of costly reads off, as in the benches
from inspir_events.app import create_app
from profile_page import sign_in
logging.disable(logging.CRITICAL)
client = create_app().test_client()
if os.environ.get("COMPARE_SIGN_IN"):
    sign_in(client)
print("ready", flush=True)
for line in sys.stdin:
    path, n = line.split()
    started, started_cpu = time.perf_counter(), time.process_time()
    for _ in range(int(n)):
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    print((time.perf_counter() - started) / int(n) * 1000,
          (time.process_time() - started_cpu) / int(n) * 1000, flush=True)
'''


def export(revision: str) -> str:
    folder = tempfile.mkdtemp(prefix="inspir-compare-")
    archive = subprocess.run(  # noqa: S603 - git itself, on this checkout
        [shutil.which("git"), "archive", revision], cwd=ROOT, check=True,
        capture_output=True).stdout
    subprocess.run([shutil.which("tar"), "-x", "-C", folder],  # noqa: S603 - its own archive
                   input=archive, check=True)
    os.symlink(os.path.join(ROOT, ".venv"), os.path.join(folder, ".venv"))
    shutil.copy(os.path.join(ROOT, CATALOGUE), os.path.join(folder, CATALOGUE))
    return folder


class Worker:
    def __init__(self, tree: str, env: dict, core: int):
        self.process = subprocess.Popen(  # noqa: S603 - this checkout's interpreter
            [shutil.which("taskset"), "-c", str(core),
             os.path.join(ROOT, ".venv", "bin", "python"), "-c", WORKER],
            cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"{tree}: the application did not start")

    def run(self, path: str, n: int, column: int = 1) -> float:
        self.process.stdin.write(f"{path} {n}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{path}: the worker stopped (a status other than 200?)")
        return float(line.split()[column])

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--database", required=True, help="DATABASE_URL of a seeded database")
    parser.add_argument("--sign-in", action="store_true", help="as the bench user")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("-n", type=int, default=40, help="requests per batch")
    parser.add_argument("--core", type=int, default=1, help="the core both run on")
    parser.add_argument("--wall", action="store_true",
                        help="compare the time per request, not the CPU: with PostgreSQL, "
                             "its server's work on the statements is in it (the requests "
                             "follow one another), the application's alone is not")
    args = parser.parse_args()
    env = dict(os.environ, DATABASE_URL=args.database)
    if args.sign_in:
        env["COMPARE_SIGN_IN"] = "1"
    before_tree = export(args.before)
    try:
        workers = {"before": Worker(before_tree, env, args.core),
                   "after": Worker(ROOT, env, args.core)}
        measure = "Time" if args.wall else "CPU"
        print(f"{measure} per request, median of {args.rounds} alternating batches of {args.n} "
              f"(before = {args.before}, after = the working tree):")
        for path in args.paths:
            for worker in workers.values():
                worker.run(path, 30)  # warm-up
            times = {name: [] for name in workers}
            for round_ in range(args.rounds):
                for name in (("before", "after") if round_ % 2 == 0 else ("after", "before")):
                    times[name].append(workers[name].run(path, args.n, 0 if args.wall else 1))
            before, after = (statistics.median(times[name]) for name in ("before", "after"))
            print(f"  {path}: {before:.2f} -> {after:.2f} ms ({after / before - 1:+.1%})",
                  flush=True)
        for worker in workers.values():
            worker.close()
    finally:
        shutil.rmtree(before_tree, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
