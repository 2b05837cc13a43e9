"""bench/voting_analysis.py: the live-voting bench's plan, shares, merging and fan-out."""

from __future__ import annotations

import random
from array import array
from collections import Counter

import voting_analysis as va


def test_the_mix_plan_keeps_its_shape():
    plan = va.plan_votes(voters=10, total=100, quota=3, rounds=[list(range(1, 9))],
                         rng=random.Random(1))
    kinds = Counter(kind for *_, kind in plan)
    assert kinds == {"new": 30, "repeat": 60, "over": 10}
    assert va.expected_outcomes(plan) == {"stored": 30, "duplicate": 60, "quota": 10}
    for v in range(10):
        mine = [(idea, kind) for voter, _, idea, kind in plan if voter == v]
        assert mine[0][1] == "new" and mine[-1][1] == "over"
        news = [idea for idea, kind in mine if kind == "new"]
        assert len(set(news)) == 3
        assert all(idea in news for idea, kind in mine if kind == "repeat")
        assert mine[-1][0] not in news


def test_the_stores_workload_sends_only_new_votes_across_its_rounds():
    shape = va.WORKLOADS["stores"]
    rounds = [list(range(r * shape["ideas"] + 1, (r + 1) * shape["ideas"] + 1))
              for r in range(shape["rounds"])]
    # 1,000 voters at 1,000 votes/s for 60 s: 60 votes each, 20 in each round.
    plan = va.plan_votes(voters=1000, total=60_000, quota=shape["quota"], rounds=rounds,
                         rng=random.Random(2))
    assert va.expected_outcomes(plan) == {"stored": 60_000}
    pairs = {(v, idea) for v, _, idea, _ in plan}
    assert len(pairs) == 60_000  # never twice the same idea
    per_round = Counter((v, r) for v, r, _, _ in plan)
    assert set(per_round.values()) == {shape["quota"]}
    assert all(idea in rounds[r] for _, r, idea, _ in plan)


def test_worker_specs_share_the_clients_and_keep_the_global_rank():
    people = [{"cookie": f"c{i}", "user_id": 100 + i} for i in range(5)]
    plan = [(0, 0, 7, "new"), (1, 1, 8, "new"), (2, 0, 9, "new"), (3, 1, 7, "new")]
    specs = va.worker_specs(people, ["http://a", "http://b"], plan, [11, 12], 2,
                            {"event_id": 1})
    assert [c[0] for c in specs[0]["clients"]] == [0, 2, 4]
    assert specs[1]["clients"][0] == (1, "http://b", "c1", 101)
    assert specs[0]["votes"] == [(0, 0, 11, 7), (2, 2, 11, 9)]
    assert specs[1]["votes"] == [(1, 1, 12, 8), (3, 3, 12, 7)]
    assert all(s["event_id"] == 1 and s["round_ids"] == [11, 12] for s in specs)
    # Never more workers than clients.
    assert len(va.worker_specs(people[:1], ["http://a"], [], [11], 4, {})) == 1


def _worker(payloads, clients):
    return {"payloads": payloads, "clients": [
        {"index": i, "user_id": uid, "times": array("d", times), "kinds": array("l", kinds),
         "votes": votes, "errors": []} for i, uid, times, kinds, votes in clients]}


def test_merge_orders_the_clients_and_shares_equal_tallies_across_workers():
    tally = (1, 5, 2, {"3": 2}, 4)
    first = _worker([(1, 0, 0, {}, 3), tally],
                    [(2, 12, [1.0, 2.0], [0, 1], [[1, 3, 1.5, 1.6, "stored"]])])
    second = _worker([(1, 5, 2, {"3": 2}, 4)], [(1, 11, [2.1], [0], [])])
    merged = va.merge([first, second])
    assert [c.index for c in merged] == [1, 2]
    assert merged[1].votes == [{"round": 1, "idea": 3, "send": 1.5, "ack": 1.6,
                                "outcome": "stored"}]
    assert merged[1].rounds[1] == [(1.0, 0, 0, {}), (2.0, 5, 2, {"3": 2})]
    assert merged[0].rounds[1][0][3] is merged[1].rounds[1][1][3]
    assert merged[0].connected_seen == 4
    view = merged[1].of_round(1)
    assert view.tallies == merged[1].rounds[1] and len(view.votes) == 1
    assert merged[1].of_round(2).tallies == [] and merged[1].of_round(2).votes == []


def _listener(index, tallies):
    return va.Listener(index, index, rounds={1: tallies})


def _brute_force(listeners, sent, column):
    """Every (vote, client) pair: the first tally whose value (running max) >= the key."""
    every, some = [], []
    for send, key in sent:
        worst, mine = float("-inf"), []
        for c in listeners:
            top, when = float("-inf"), None
            for t in c.tallies:
                top = max(top, t[column])
                if top >= key:
                    when = t[0]
                    break
            if when is None:
                worst = None
                break
            mine.append(when - send)
            worst = max(worst, when - send)
        if worst is not None:  # a vote that reached every client
            every.append(worst)
            some += mine
    return sorted(every), sorted(some)


def test_fanout_by_thresholds_equals_every_vote_times_every_client():
    rng = random.Random(3)
    listeners = []
    for index in range(30):
        t, version, total, tallies = 0.0, 0, 0, []
        for _ in range(rng.randrange(5, 40)):
            t += rng.random()
            version += rng.randrange(0, 20)
            total += rng.randrange(0, 5)
            tallies.append((t, version, total, None))
        listeners.append(_listener(index, tallies))
    reach = max(c.tallies[-1][1] for c in listeners)
    sent = sorted((rng.random() * 5, rng.randrange(1, reach + 30)) for _ in range(300))
    every, some, undelivered = va.fanout(listeners, sent, "ids", sample=len(sent))
    expected_every, expected_some = _brute_force(listeners, sent, 1)
    assert every == expected_every
    assert some == expected_some
    assert undelivered == len(sent) - len(expected_every) > 0
    by_totals, _, _ = va.fanout(listeners, [(0.0, k) for k in range(1, 40)], "totals", 0)
    assert by_totals == _brute_force(listeners, [(0.0, k) for k in range(1, 40)], 2)[0]


def test_a_client_that_never_reaches_a_vote_makes_it_undelivered():
    listeners = [_listener(0, [(1.0, 5, 5, None), (2.0, 9, 9, None)]),
                 _listener(1, [(1.5, 5, 5, None)])]
    every, some, undelivered = va.fanout(listeners, [(0.5, 3), (0.5, 7)], "ids")
    assert every == [1.0]  # vote 3: the second client at 1.5
    assert undelivered == 1  # vote 7 never reached the second client
    assert some == [0.5, 1.0]


def test_prefix_tallies():
    rows = [(1, 10, 7), (2, 11, 7), (4, 10, 8), (9, 12, 7)]
    assert va.prefix_tallies(rows, {0, 2, 5, 9}) == {
        0: (0, {}), 2: (2, {7: 2}), 5: (3, {7: 2, 8: 1}), 9: (4, {7: 3, 8: 1})}


def test_loadgen_cpu():
    assert va.loadgen_cpu([3.0, 6.0], 30.0) == {
        "loadgen_processes": 2, "loadgen_cpu_s": [3.0, 6.0],
        "loadgen_cpu_percent": [10.0, 20.0], "loadgen_cpu_percent_total": 30.0}
