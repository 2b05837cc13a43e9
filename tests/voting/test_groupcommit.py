"""The group commit's queue (voting/groupcommit.py), with threads and no database: who
leads, what a batch holds, and every caller answered (or given the batch's error)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from inspir_events.voting.groupcommit import GroupCommit
from inspir_events.voting.votes import batch_linger
from tests.conftest import wait_until


class Writer:
    """run_batch for the tests: records each batch; the first one waits for ``go``."""

    def __init__(self, fail_on=None):
        self.batches: list[list] = []
        self.go = threading.Event()
        self.fail_on = fail_on

    def __call__(self, items):
        if not self.batches:
            self.go.wait(10)
        self.batches.append([item.work for item in items])
        if self.fail_on in self.batches[-1]:
            raise RuntimeError("the database went away")
        for item in items:
            item.result = item.work * 10


def submit_all(queue: GroupCommit, works) -> tuple[dict, list[threading.Thread]]:
    answers: dict = {}

    def run(work):
        try:
            answers[work] = queue.submit(work)
        except RuntimeError as error:
            answers[work] = error

    threads = []
    for n, work in enumerate(works):
        thread = threading.Thread(target=run, args=(work,), daemon=True)
        thread.start()
        threads.append(thread)
        # The first waits in its batch; the others queue behind it, in this order.
        wait_until(lambda n=n: queue.waiting() == n, what=f"item {work} queued")
    return answers, threads


def test_items_queued_during_a_batch_make_the_next_batches_at_most_most_each():
    writer = Writer()
    queue = GroupCommit(writer, most=2)
    answers, threads = submit_all(queue, [1, 2, 3, 4, 5, 6])
    writer.go.set()
    for thread in threads:
        thread.join(10)
    assert writer.batches == [[1], [2, 3], [4, 5], [6]]
    assert answers == {n: n * 10 for n in range(1, 7)}
    assert (queue.batches, queue.items, queue.waiting()) == (4, 6, 0)


def test_a_failed_batch_gives_its_error_to_its_callers_only():
    writer = Writer(fail_on=3)
    queue = GroupCommit(writer, most=2)
    answers, threads = submit_all(queue, [1, 2, 3, 4])
    writer.go.set()
    for thread in threads:
        thread.join(10)
    assert writer.batches == [[1], [2, 3], [4]]
    assert answers[1] == 10 and answers[4] == 40
    assert all(isinstance(answers[n], RuntimeError) for n in (2, 3))
    assert queue.submit(5) == 50  # the queue goes on


def test_a_lone_item_leads_its_own_batch():
    writer = Writer()
    writer.go.set()
    queue = GroupCommit(writer)
    assert queue.submit(7) == 70
    assert writer.batches == [[7]]


def test_a_batch_waits_for_more_votes_by_database_unless_set():
    assert batch_linger(None, "postgresql") == 0.008
    assert batch_linger(None, "sqlite") == 0.005
    assert batch_linger(0.0, "postgresql") == 0.0
    assert batch_linger(0.01, "sqlite") == 0.01


class Clock:
    """``time`` for the queue: a clock the test moves, and the sleeps asked for."""

    def __init__(self):
        self.now = 100.0
        self.sleeps: list[float] = []
        self.late = 0.0  # how much later than asked a sleep ends

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        if seconds:
            self.now += seconds + self.late


def test_under_gevent_a_leader_yields_so_the_votes_already_read_share_its_batch():
    """With no linger, the votes whose greenlets are already scheduled (read from their
    sockets in the same turn of the loop) join the first one's batch: one batch, not six
    (on SQLite nothing yields while a batch is written)."""
    script = (
        "from gevent import monkey; monkey.patch_all()\n"
        "import gevent\n"
        "from inspir_events.voting.groupcommit import GroupCommit\n"
        "batches = []\n"
        "def run(items):\n"
        "    batches.append([item.work for item in items])\n"
        "    for item in items:\n"
        "        item.result = item.work\n"
        "queue = GroupCommit(run)\n"
        "gevent.joinall([gevent.spawn(queue.submit, n) for n in range(6)])\n"
        "print(batches)\n")
    root = Path(__file__).resolve().parents[2]
    found = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                           text=True, timeout=60, check=True)
    assert found.stdout.strip() == "[[0, 1, 2, 3, 4, 5]]", found.stderr
