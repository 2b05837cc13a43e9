"""The live-voting bench's pure parts: the plan, the workers' shares, merging what they
recorded, and the fan-out latencies (standard library only; tests/bench checks them).

Fan-out ("vote -> tally on every client") without visiting every (vote, client) pair:
a client's tallies only grow (checked elsewhere), so the first tally of a client that
includes a vote depends only on where the vote falls among the values (versions or
totals) that any client received. With U = those values sorted, the votes of (U[b-1],
U[b]] reach client c at the first time c's value >= U[b]: one pass per client over U
(``first_times``), then each vote is a bisection into U. At 5,000 clients and 60,000
stored votes that is about 2 million steps instead of 300 million.
"""

from __future__ import annotations

import bisect
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

WORKLOADS = {
    # The room of issue 7: one round of 8 ideas, 3 votes each: per voter 3 new ideas,
    # then repeats ("duplicate") and one attempt over the quota; about 5 % of the votes
    # are stored.
    "mix": {"rounds": 1, "ideas": 8, "quota": 3},
    # Issue 21 §3: mostly new votes. A round allows at most 20 votes each (the rules'
    # VOTES_MAX, a database constraint), so 3 rounds of 20 ideas are open at once in the
    # room, 20 votes each: a voter's votes go to the rounds in turn, its first 60 all new
    # ones (at 1,000 votes/s for 60 s from 1,000 voters, every vote is stored).
    "stores": {"rounds": 3, "ideas": 20, "quota": 20},
}


def _kinds(count: int, quota: int, ideas: int, rng: random.Random) -> list[str]:
    """A voter's ``count`` votes in one round: ``quota`` new ideas at random slots (a
    repeat never before its first new idea), one attempt at one more idea in the last
    slot (over the quota), repeats of earlier ideas elsewhere."""
    news = min(quota, count, ideas)
    over = 1 if count > news and news < ideas else 0
    kinds = ["new"] * news + ["repeat"] * (count - news - over)
    rng.shuffle(kinds)
    if kinds and kinds[0] == "repeat":
        first_new = kinds.index("new")
        kinds[0], kinds[first_new] = "new", "repeat"
    return kinds + ["over"] * over


def plan_votes(voters: int, total: int, quota: int, rounds: list[list[int]],
               rng: random.Random) -> list[tuple[int, int, int, str]]:
    """(voter index, round index, idea, kind) for each vote event, in sending order.

    Event j goes to voter j % voters; a voter's m-th vote goes to round m % len(rounds)
    (``rounds``: each round's idea ids). Per voter and round: ``quota`` new ideas at
    random slots, one attempt over the quota in the last slot when it has more votes
    there, repeats of earlier ideas elsewhere.
    """
    n_rounds = len(rounds)
    per_voter = [len(range(v, total, voters)) for v in range(voters)]
    kinds_of = {(v, r): _kinds(len(range(r, count, n_rounds)), quota, len(rounds[r]), rng)
                for v, count in enumerate(per_voter) for r in range(n_rounds)}
    picks = {(v, r): rng.sample(rounds[r], min(len(rounds[r]), quota + 1))
             for v in range(voters) for r in range(n_rounds)}
    sent: dict[tuple[int, int], list[int]] = defaultdict(list)
    slot: Counter = Counter()
    plan = []
    for j in range(total):
        v = j % voters
        r = (j // voters) % n_rounds
        kind = kinds_of[v, r][slot[v, r]]
        slot[v, r] += 1
        if kind == "new":
            idea = picks[v, r][len(sent[v, r])]
            sent[v, r].append(idea)
        elif kind == "repeat":
            idea = rng.choice(sent[v, r])
        else:
            idea = picks[v, r][-1]
        plan.append((v, r, idea, kind))
    return plan


def expected_outcomes(plan: list[tuple[int, int, int, str]]) -> dict[str, int]:
    """The answers the plan calls for: a new idea is stored, a repeat is a duplicate, one
    more idea is over the quota."""
    kinds = Counter(kind for *_, kind in plan)
    return {outcome: kinds[kind] for kind, outcome in
            (("new", "stored"), ("repeat", "duplicate"), ("over", "quota")) if kinds[kind]}


def worker_specs(people: list[dict], urls: list[str], plan: list[tuple[int, int, int, str]],
                 round_ids: list[int], workers: int, common: dict) -> list[dict]:
    """Each worker's share: client i (people[i]) in worker i % W, on server i % S, and
    the plan's votes of its clients with their global rank j (sent at start + j / rate)."""
    workers = max(1, min(workers, len(people)))
    specs = [{**common, "round_ids": round_ids, "clients": [], "votes": []}
             for _ in range(workers)]
    for i, person in enumerate(people):
        specs[i % workers]["clients"].append(
            (i, urls[i % len(urls)], person["cookie"], person["user_id"]))
    for j, (i, r, idea, _) in enumerate(plan):
        specs[i % workers]["votes"].append((j, i, round_ids[r], idea))
    return specs


@dataclass
class Listener:
    """One client's record, merged from its worker: the votes it sent ({"round", "idea",
    "send", "ack", "outcome"}) and, per round, the tallies it received, (time, version,
    total, tally); a round's first tally is its join's snapshot."""

    index: int
    user_id: int
    votes: list[dict] = field(default_factory=list)
    rounds: dict[int, list[tuple]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    connected_seen: int = 0

    def of_round(self, round_id: int) -> Listener:
        """This client seen in one round only (its votes there, its tallies of it)."""
        return Listener(self.index, self.user_id,
                        [v for v in self.votes if v["round"] == round_id],
                        {round_id: self.rounds.get(round_id, [])}, self.errors,
                        self.connected_seen)

    @property
    def tallies(self) -> list[tuple]:
        """The tallies of a one-round view (``of_round``)."""
        (tallies,) = self.rounds.values()
        return tallies


def merge(results: list[dict]) -> list[Listener]:
    """The workers' records as one list of listeners (by client index). Equal tallies
    share one object across workers, so checks may cache by identity."""
    canonical: dict[tuple, tuple] = {}
    listeners = []
    for result in results:
        table = []
        for round_id, version, total, tally, connected in result["payloads"]:
            key = (round_id, version, total, json.dumps(tally, sort_keys=True), connected)
            table.append(canonical.setdefault(key, (round_id, version, total, tally,
                                                    connected)))
        for c in result["clients"]:
            rounds: dict[int, list[tuple]] = {}
            for t, k in zip(c["times"], c["kinds"], strict=True):
                round_id, version, total, tally, _ = table[k]
                rounds.setdefault(round_id, []).append((t, version, total, tally))
            listeners.append(Listener(
                index=c["index"], user_id=c["user_id"], rounds=rounds,
                votes=[{"round": round_id, "idea": idea, "send": send, "ack": ack,
                        "outcome": outcome}
                       for round_id, idea, send, ack, outcome in c["votes"]],
                errors=list(c["errors"]),
                connected_seen=table[c["kinds"][-1]][4] if len(c["kinds"]) else 0))
    listeners.sort(key=lambda listener: listener.index)
    return listeners


def first_times(series: list[tuple[list[float], list[float]]], thresholds: list[float]
                ) -> tuple[list[float | None], list[list[float | None]]]:
    """For each threshold U[b]: the time the last client reached a value >= U[b] (None if
    one never did), and each client's own time (rows: clients; None: never).

    ``series``: per client, (values in receiving order, times); a value going back is
    taken as its running maximum (the checks report it)."""
    worst: list[float | None] = [float("-inf")] * len(thresholds)
    rows = []
    for values, times in series:
        row: list[float | None] = []
        p, top, n = 0, float("-inf"), len(values)
        for b, u in enumerate(thresholds):
            while p < n and max(top, values[p]) < u:
                top = max(top, values[p])
                p += 1
            if p == n:
                row.extend([None] * (len(thresholds) - b))
                for rest in range(b, len(thresholds)):
                    worst[rest] = None
                break
            row.append(times[p])
            if worst[b] is not None and times[p] > worst[b]:
                worst[b] = times[p]
        rows.append(row)
    return worst, rows


def fanout(listeners: list[Listener], sent: list[tuple[float, float]], by: str,
           sample: int = 500) -> tuple[list[float], list[float], int]:
    """Vote -> tally on every client, sorted; vote -> tally on a client for an evenly
    spaced sample of about ``sample`` of the votes that reached every client, sorted;
    votes that never reached every client. ``sent``: (the vote's send time, its key):
    its row id (by="ids": a tally of version >= id includes it) or its rank k among the
    stored votes in acknowledgement order (by="totals": a tally of total >= k is taken to
    include it)."""
    column = 1 if by == "ids" else 2
    series = [([t[column] for t in c.tallies], [t[0] for t in c.tallies]) for c in listeners]
    thresholds = sorted({value for values, _ in series for value in values})
    worst, rows = first_times(series, thresholds)
    every, undelivered = [], 0
    step = max(1, len(sent) // sample) if sample else 0
    some = []
    for n, (send, key) in enumerate(sent):
        b = bisect.bisect_left(thresholds, key)
        if b == len(thresholds) or worst[b] is None:
            undelivered += 1
            continue
        every.append(worst[b] - send)
        if step and n % step == 0:
            some.extend(row[b] - send for row in rows if row[b] is not None)
    every.sort()
    some.sort()
    return every, some, undelivered


def prefix_tallies(rows: list[tuple[int, int, int]], versions: set[int]
                   ) -> dict[int, tuple[int, dict[int, int]]]:
    """The database's tally up to each version: {version: (rows with id <= version,
    {idea: votes})}; ``rows``: (id, voter, idea)."""
    ordered = sorted(rows)
    out, counts, n = {}, Counter(), 0
    for version in sorted(versions):
        while n < len(ordered) and ordered[n][0] <= version:
            counts[ordered[n][2]] += 1
            n += 1
        out[version] = (n, dict(+counts))
    return out


def loadgen_cpu(cpu_seconds: list[float], wall_s: float) -> dict:
    """The load generator's CPU over the vote phase: per worker process and in all, in
    seconds and in % of one core."""
    per = [round(100 * s / wall_s, 1) if wall_s else None for s in cpu_seconds]
    total = sum(cpu_seconds)
    return {"loadgen_processes": len(cpu_seconds),
            "loadgen_cpu_s": [round(s, 2) for s in cpu_seconds],
            "loadgen_cpu_percent": per,
            "loadgen_cpu_percent_total": round(100 * total / wall_s, 1) if wall_s else None}
