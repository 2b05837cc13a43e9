"""Group commit: callers queue work, one of them writes everybody's in one transaction.

Live voting's votes arrive by the hundred a second, each in a greenlet (or a thread) of
its own. Written one transaction each, every vote pays its round trips, its commit and a
connection of the pool (hundreds of greenlets against a pool of 15: issue 21's
diagnosis in bench/README.md). Here a caller puts its item in the process's queue; if
nobody is writing, it becomes the **leader**: it waits ``linger`` seconds for more
items (and yields at least once: other callers already scheduled queue first), takes
the whole queue and runs the batch (one transaction, set-based statements:
``voting.votes``); then it hands the lead to the first caller that queued meanwhile, if
any, and wakes the callers of its batch with their answers. A caller is answered only
after its batch committed (or failed: the batch's error is raised in every caller).

One batch at a time per queue, so a process writes votes on one connection, and a
batch's items are decided in queue order (a voter's votes in the order they arrived).
No thread or greenlet of its own: the leader is always a caller, so nothing runs when
nobody votes, and the queue works the same under gevent (its patched locks and events
yield) and with threads (the tests).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Item:
    """A caller's piece of work; the batch sets ``result`` or ``error`` on it."""

    work: Any
    result: Any = None
    error: BaseException | None = None
    done: bool = False
    leads: bool = False
    woken: threading.Event = field(default_factory=threading.Event)


class GroupCommit:
    """A queue of items written in batches by ``run_batch(items)``, which must set each
    item's ``result`` or ``error`` (an item left unanswered gets a RuntimeError)."""

    def __init__(self, run_batch: Callable[[list[Item]], None], linger: float = 0.0,
                 most: int = 1000):
        self.run_batch = run_batch
        self.linger = linger
        self.most = most  # items per batch at most (the statements' parameters grow with it)
        self._lock = threading.Lock()
        self._pending: list[Item] = []
        self._leading = False
        self.batches = 0  # how many batches ran, and their items (for the bench's report)
        self.items = 0
        self.connection = None  # what run_batch may keep between batches (one at a time)

    def waiting(self) -> int:
        """How many items wait for a batch (not counting the one being written)."""
        with self._lock:
            return len(self._pending)

    def submit(self, work: Any) -> Any:
        """Queue ``work``, wait until its batch has run, and return its result (or raise
        its error)."""
        item = Item(work)
        with self._lock:
            self._pending.append(item)
            if not self._leading:
                self._leading = item.leads = True
        while not item.done:
            if item.leads:
                self._lead(item)
            else:
                item.woken.wait()
                item.woken.clear()
        if item.error is not None:
            raise item.error
        return item.result

    def _lead(self, me: Item) -> None:
        """Run one batch (with ``me`` in it), then pass the lead on."""
        # More items come in meanwhile. Even without a linger the leader yields once:
        # under gevent, sleep(0) lets the greenlets already scheduled run first (the votes
        # the loop has just read from their sockets), and they join this batch instead of
        # writing one batch each. With threads it only gives up the GIL.
        time.sleep(self.linger)
        with self._lock:
            batch, self._pending = self._pending[:self.most], self._pending[self.most:]
        try:
            self.run_batch(batch)
        except BaseException as error:  # noqa: BLE001 - every caller of the batch gets it
            for item in batch:
                if item.result is None and item.error is None:
                    item.error = error
        finally:
            self.batches += 1
            self.items += len(batch)
            with self._lock:
                me.leads = False
                successor = self._pending[0] if self._pending else None
                if successor is None:
                    self._leading = False
                else:
                    successor.leads = True
            for item in batch:
                if item.result is None and item.error is None:
                    item.error = RuntimeError("the batch left this item unanswered")
                item.done = True
                if item is not me:
                    item.woken.set()
            if successor is not None:
                successor.woken.set()
