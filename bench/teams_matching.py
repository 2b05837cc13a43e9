"""Benchmark of team matching (issue 5) against a bare pair loop, same run (``make bench-teams``).

1. a seeded random event: 150 teams (sizes 4-12, some full, wanted roles,
   members with skills) and 1,000 participants looking for a team, with
   realistic skills among the 9 roles (``usager`` included);
2. ``matching.teams_for`` for each of the 1,000 participants against the 150
   teams, and ``matching.people_for`` for each of the 150 teams against the
   1,000 participants, each timed as a whole, best of 5 repeats;
3. the baseline, in the same run: the same 150,000 (person, team) pairs visited
   by a bare loop doing one set intersection each, so that the ratio can be
   compared between machines;
4. unless ``--no-db``: the same event seeded into a temporary SQLite database
   (migrated), and ``queries.suggestions_for_person`` (with
   ``queries.event_teams``, as the teams page does) and
   ``queries.suggestions_for_team`` (as a lead's team page does) timed per
   call on a sample, each in a fresh session, best of 3, after checking that
   they give exactly the pure module's rankings;
5. bench/results/teams_matching.json and .md, with the machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta

from needs_board import PROJECT_ROOT, RESULTS, _load, machine, write_report

if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from inspir_events.accounts.models import User, user_skill  # noqa: E402
from inspir_events.app import create_app  # noqa: E402
from inspir_events.events.models import Event, Registration  # noqa: E402
from inspir_events.events.rules import (  # noqa: E402
    EventKind,
    EventStatus,
    RegistrationStatus,
    RunBy,
)
from inspir_events.extensions import db  # noqa: E402
from inspir_events.teams import matching, queries, rules  # noqa: E402
from inspir_events.teams.models import (  # noqa: E402
    Team,
    TeamMember,
    TeamSeeker,
    team_wanted_role,
)
from inspir_events.timeutil import utcnow  # noqa: E402

# How often each role is among a person's skills (the 9 roles of the reference table).
ROLE_WEIGHTS = {
    "developpement": 24, "usager": 20, "design": 12, "donnees": 12, "expert_metier": 12,
    "animation": 6, "communication": 6, "juridique_economie": 4, "fabrication": 4,
}
# How often teams look for each role.
WANTED_WEIGHTS = {
    "developpement": 20, "usager": 16, "design": 16, "donnees": 14, "expert_metier": 12,
    "animation": 6, "communication": 6, "juridique_economie": 5, "fabrication": 5,
}
SKILL_COUNTS = {0: 5, 1: 45, 2: 35, 3: 15}  # how many skills a person brings, in %
MAX_SIZES = {4: 15, 5: 25, 6: 35, 8: 15, 10: 7, 12: 3}
WANTED_COUNTS = {2: 30, 3: 35, 4: 25, 5: 10}
FULL_SHARE = 0.12
LIMIT = 5


def weighted(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def distinct(rng: random.Random, weights: dict, k: int) -> frozenset[str]:
    chosen: set[str] = set()
    while len(chosen) < k:
        chosen.add(weighted(rng, weights))
    return frozenset(chosen)


def skills(rng: random.Random) -> frozenset[str]:
    return distinct(rng, ROLE_WEIGHTS, weighted(rng, SKILL_COUNTS))


def world(seed: int, n_teams: int, n_people: int):
    """(teams, people): TeamViews with ids 1..n_teams, Persons with ids 1..n_people."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    people = [matching.Person(i, skills(rng)) for i in range(1, n_people + 1)]
    teams = []
    for team_id in range(1, n_teams + 1):
        max_size = weighted(rng, MAX_SIZES)
        size = max_size if rng.random() < FULL_SHARE else rng.randint(1, max_size - 1)
        teams.append(matching.TeamView(
            team_id=team_id, wanted=distinct(rng, WANTED_WEIGHTS, weighted(rng, WANTED_COUNTS)),
            members=tuple(skills(rng) for _ in range(size)), max_size=max_size))
    return teams, people


def best_of(repeats: int, run) -> tuple[float, list[float]]:
    """The fastest of ``repeats`` runs of ``run()``, in seconds, and every run's time."""
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times), times


def time_pure(teams, people, repeats: int) -> dict:
    def every_person():
        for person in people:
            matching.teams_for(person, teams, LIMIT)

    def every_team():
        for team in teams:
            matching.people_for(team, people, LIMIT)

    def bare_pairs():
        for person in people:
            for team in teams:
                person.skills & team.wanted  # noqa: B018 - the minimal work per pair

    pairs = len(people) * len(teams)
    results = {}
    for name, run, calls in (("baseline", bare_pairs, pairs),
                             ("teams_for", every_person, len(people)),
                             ("people_for", every_team, len(teams))):
        best, times = best_of(repeats, run)
        results[name] = {"calls": calls, "best_total_ms": round(best * 1000, 2),
                         "per_call_us": round(best / calls * 1e6, 2),
                         "per_pair_ns": round(best / pairs * 1e9, 1),
                         "all_totals_ms": [round(t * 1000, 2) for t in times]}
    for name in ("teams_for", "people_for"):
        results[name]["ratio_to_baseline"] = round(
            results[name]["best_total_ms"] / results["baseline"]["best_total_ms"], 2)
    return results


def outcome(teams, people) -> dict:
    """What the rankings look like: enough suggestions, co-design, full teams left out."""
    for_people = [matching.teams_for(p, teams, LIMIT) for p in people]
    for_teams = [matching.people_for(t, people, LIMIT) for t in teams]
    return {
        "teams_full": sum(t.room == 0 for t in teams),
        "teams_without_citizen": sum(not matching.coverage(t).has_citizen for t in teams),
        "people_without_skills": sum(not p.skills for p in people),
        "people_with_citizen_role": sum(matching.CITIZEN_ROLE in p.skills for p in people),
        "people_given_no_team": sum(not found for found in for_people),
        "people_given_5_teams": sum(len(found) == LIMIT for found in for_people),
        "mean_teams_per_person": round(statistics.mean(len(f) for f in for_people), 2),
        "teams_given_no_one": sum(not found for found in for_teams),
        "open_teams_given_no_one": sum(not found for found, t in zip(for_teams, teams,
                                                                      strict=True) if t.room),
        "co_design_suggestions_share": round(
            sum(s.co_design for f in for_people for s in f)
            / max(1, sum(len(f) for f in for_people)), 3),
    }


# ---- through the services, on a seeded SQLite database ---------------------------------

def seed_database(app, teams, people) -> int:
    """Insert the world, ids kept: seekers are users 1..n, members after. Returns the event id."""
    with app.app_context():
        now = utcnow()
        db.session.execute(insert(Event.__table__), [{
            "id": 1, "title": "Hackathon des mobilités rurales", "kind": EventKind.HACKATHON,
            "description": "Deux jours pour imaginer des transports avec les habitants.",
            "description_html": "<p>Deux jours pour imaginer des transports avec les "
                                "habitants.</p>",
            "starts_at": now + timedelta(days=10), "ends_at": now + timedelta(days=10, hours=8),
            "venue_name": "La Machinerie", "venue_address": "12 rue Dupuis",
            "venue_commune": "Amiens", "department_code": "80", "run_by": RunBy.THIRD_PARTY,
            "status": EventStatus.PUBLISHED, "sequence": 0, "confirmed_count": 0,
            "team_size_default": rules.SIZE_DEFAULT, "created_at": now, "updated_at": now,
        }])
        users, user_skills = [], []
        member_ids: list[list[int]] = []
        next_id = len(people) + 1
        for person in people:
            users.append(person.user_id)
            user_skills += [(person.user_id, code) for code in person.skills]
        for team in teams:
            ids = list(range(next_id, next_id + team.size))
            next_id += team.size
            member_ids.append(ids)
            for user_id, member_skills in zip(ids, team.members, strict=True):
                users.append(user_id)
                user_skills += [(user_id, code) for code in member_skills]
        db.session.execute(insert(User.__table__), [
            {"id": uid, "email": f"p{uid}@bench.inspir.example", "display_name": f"Personne {uid}",
             "password_hash": "!", "bio": "", "created_at": now} for uid in users])
        db.session.execute(insert(user_skill), [{"user_id": u, "skill_code": c}
                                                for u, c in user_skills])
        db.session.execute(insert(Registration.__table__), [
            {"event_id": 1, "user_id": uid, "status": RegistrationStatus.CONFIRMED,
             "position": position, "created_at": now, "updated_at": now}
            for position, uid in enumerate(users, start=1)])
        db.session.execute(Event.__table__.update().values(confirmed_count=len(users)))
        db.session.execute(insert(Team.__table__), [
            {"id": t.team_id, "event_id": 1, "name": f"Équipe {t.team_id}",
             "name_key": f"équipe {t.team_id}", "pitch": "", "lead_id": ids[0],
             "max_size": t.max_size, "join_policy": rules.JoinPolicy.OPEN,
             "member_count": t.size, "created_at": now}
            for t, ids in zip(teams, member_ids, strict=True)])
        db.session.execute(insert(team_wanted_role), [
            {"team_id": t.team_id, "skill_code": code} for t in teams for code in t.wanted])
        db.session.execute(insert(TeamMember.__table__), [
            {"team_id": t.team_id, "user_id": uid, "event_id": 1,
             "joined_at": now + timedelta(seconds=n)}
            for t, ids in zip(teams, member_ids, strict=True) for n, uid in enumerate(ids)])
        db.session.execute(insert(TeamSeeker.__table__), [
            {"event_id": 1, "user_id": p.user_id, "skills": sorted(p.skills), "created_at": now}
            for p in people])
        db.session.commit()
    return 1


def time_services(teams, people, repeats: int, sample_people: int, sample_teams: int,
                  keep: bool) -> dict:
    folder = tempfile.mkdtemp(prefix="inspir-bench-teams-")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
        started = time.perf_counter()
        with app.app_context():
            upgrade()
        migrate_s = time.perf_counter() - started
        started = time.perf_counter()
        event_id = seed_database(app, teams, people)
        seed_s = time.perf_counter() - started
        rng = random.Random(99)  # noqa: S311 - a reproducible sample
        person_ids = sorted(rng.sample([p.user_id for p in people], sample_people))
        team_ids = sorted(rng.sample([t.team_id for t in teams], sample_teams))
        by_person = {p.user_id: p for p in people}
        by_team = {t.team_id: t for t in teams}

        def fresh():
            db.session.remove()

        def person_page(uid: int):
            user = db.session.get(User, uid)
            return queries.suggestions_for_person(user, event_id, queries.event_teams(event_id))

        def team_page(tid: int):
            return queries.suggestions_for_team(queries.get(tid))

        with app.app_context():
            # Same rankings as the pure module on the same data.
            for uid in person_ids:
                fresh()
                got = [(s.id, s.score) for s in person_page(uid)]
                want = [(s.id, s.score) for s in matching.teams_for(by_person[uid], teams, LIMIT)]
                assert got == want, (uid, got, want)
            for tid in team_ids:
                fresh()
                got = [(u.id, s.id, s.score) for u, s in team_page(tid)]
                want = [(s.id, s.id, s.score)
                        for s in matching.people_for(by_team[tid], people, LIMIT)]
                assert got == want, (tid, got, want)

            def timed_calls(ids, call, prepare=None) -> float:
                """Seconds per call, mean over ``ids``, each in a fresh session."""
                total = 0.0
                for item in ids:
                    fresh()
                    arg = prepare(item) if prepare else item
                    started = time.perf_counter()
                    call(arg)
                    total += time.perf_counter() - started
                return total / len(ids)

            def teams_loaded(uid):
                return db.session.get(User, uid), queries.event_teams(event_id)

            cases = {
                "person_page": (person_ids, person_page, None,
                                "get user + event_teams + suggestions_for_person"),
                "suggestions_for_person": (
                    person_ids,
                    lambda loaded: queries.suggestions_for_person(loaded[0], event_id,
                                                                   loaded[1]),
                    teams_loaded, "suggestions_for_person alone (user and teams loaded)"),
                "event_teams": (person_ids, lambda _: queries.event_teams(event_id), None,
                                "event_teams alone (150 teams, members, roles, needs)"),
                "team_page": (team_ids, team_page, None, "get team + suggestions_for_team"),
            }
            results = {}
            for name, (ids, call, prepare, what) in cases.items():
                per_call = [timed_calls(ids, call, prepare) for _ in range(repeats)]
                results[name] = {"what": what, "calls_per_repeat": len(ids),
                                 "best_per_call_ms": round(min(per_call) * 1000, 2),
                                 "all_per_call_ms": [round(x * 1000, 2) for x in per_call]}
            fresh()
            db.engine.dispose()
        return {"database": "sqlite (temporary file, migrated)", "migrate_s": round(migrate_s, 2),
                "seed_s": round(seed_s, 2), "users": len(people) + sum(t.size for t in teams),
                "checked_equal_to_pure": {"people": len(person_ids), "teams": len(team_ids)},
                "timings": results, "folder": folder if keep else None}
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


# ---- report ----------------------------------------------------------------------------

def markdown(report: dict) -> str:
    m, s, pure, o = report["machine"], report["settings"], report["pure"], report["outcome"]
    lines = [
        "# Team matching benchmark",
        "",
        f"{m['date']} · {m['nproc']} CPU ({m['cpu_model']}) · Python {m['python']} · "
        f"SQLite {m['sqlite']} · commit {m['git_commit']}{' (dirty)' if m['git_dirty'] else ''}"
        f" · load average before/after {_load(m['load_average_before'])} / "
        f"{_load(m['load_average'])} (other work on the machine skews the figures)",
        "",
        f"{s['teams']} teams ({o['teams_full']} full, {o['teams_without_citizen']} without an "
        f"inhabitant) and {s['people']:,} participants looking for a team "
        f"({o['people_with_citizen_role']} bring `usager`, {o['people_without_skills']} no "
        f"skill), 9 roles, seed {s['seed']}; limit {s['limit']}; best of {s['repeats']} repeats.",
        "",
        "## The pure module (`inspir_events/teams/matching.py`)",
        "",
        "| what | calls | best total ms | per call µs | ns per (person, team) pair | "
        "ratio to baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "baseline": "bare loop over the pairs, one set intersection each (baseline)",
        "teams_for": f"`teams_for`: each participant against the {s['teams']} teams",
        "people_for": f"`people_for`: each team against the {s['people']:,} participants",
    }
    for name in ("baseline", "teams_for", "people_for"):
        r = pure[name]
        lines.append(f"| {labels[name]} | {r['calls']:,} | {r['best_total_ms']:,.1f} | "
                     f"{r['per_call_us']:,.1f} | {r['per_pair_ns']:,.0f} | "
                     f"{r.get('ratio_to_baseline', 1.0):.2f} |")
    lines += [
        "",
        f"Outcome: {o['people_given_5_teams']:,} participants get {s['limit']} suggestions, "
        f"{o['people_given_no_team']} none (mean {o['mean_teams_per_person']}); "
        f"{o['teams_given_no_one']} teams get no one ({o['teams_full']} of them full); "
        f"{o['co_design_suggestions_share']:.0%} of the teams suggested to people are co-design "
        "suggestions.",
    ]
    db = report.get("services")
    if db:
        checked = db["checked_equal_to_pure"]
        lines += [
            "",
            "## Through the services, SQLite",
            "",
            f"The same event in a migrated SQLite file ({db['users']:,} users, confirmed; seeded "
            f"in {db['seed_s']} s). Each call in a fresh session (as a request); the rankings "
            f"were first checked equal to the pure module's for {checked['people']} "
            f"participants and {checked['teams']} teams.",
            "",
            f"| what (best of {s['db_repeats']}) | calls per repeat | best ms per call |",
            "|---|---:|---:|",
        ]
        for r in db["timings"].values():
            lines.append(f"| {r['what']} | {r['calls_per_repeat']} | {r['best_per_call_ms']:.2f} |")
    lines += ["", "How it is measured: the docstring of bench/teams_matching.py.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=150)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5, help="of the pure timings")
    parser.add_argument("--db-repeats", type=int, default=3, help="of the services' timings")
    parser.add_argument("--no-db", action="store_true", help="skip the services on SQLite")
    parser.add_argument("--sample-people", type=int, default=50)
    parser.add_argument("--sample-teams", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite database")
    parser.add_argument("--name", default="teams_matching")
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--quick", action="store_true",
                        help="fewer, shorter rounds (make bench); results in NAME_quick")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.db_repeats = 2, 1
        args.name += "_quick"
    os.environ.setdefault("INSPIR_CONFIG", "development")

    started = time.monotonic()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    teams, people = world(args.seed, args.teams, args.people)
    report = {
        "benchmark": "team matching: teams_for / people_for vs a bare pair loop (issue 5)",
        "settings": {"teams": args.teams, "people": args.people, "seed": args.seed,
                     "repeats": args.repeats, "db_repeats": args.db_repeats, "limit": LIMIT,
                     "weights": {"missing_role": matching.MISSING_ROLE,
                                 "co_design": matching.CO_DESIGN_BONUS,
                                 "room": matching.ROOM_BONUS, "room_cap": matching.ROOM_CAP}},
        "outcome": outcome(teams, people),
        "pure": time_pure(teams, people, args.repeats),
    }
    if not args.no_db:
        report["services"] = time_services(teams, people, args.db_repeats, args.sample_people,
                                           args.sample_teams, args.keep)
    report["machine"] = {**machine(), "load_average_before": load_before}
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    write_report(report, markdown(report), args.out, args.name)


if __name__ == "__main__":
    main()
