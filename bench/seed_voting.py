"""Seed a live-voting room in bulk into DATABASE_URL's (migrated, empty) database.

One published hackathon run by one organiser; ``participants`` confirmed participants
(password ``BENCH_PASSWORD``); ``rounds`` open rounds (one by default; tally live,
``votes_per_participant`` each), each with ``ideas`` ideas of its own (8 by default)
frozen in it, posted alone by the first participants.
Each participant gets a server-side session (a ``user_session`` row, as
``accounts.services.open_session`` makes at log-in) and the signed Flask session
cookie that carries it, built with the app's own session serializer: no N log-ins.

    DATABASE_URL=sqlite:////tmp/x.db .venv/bin/python bench/seed_voting.py 200 OUT.json 3 8 1

Works on SQLite and PostgreSQL (there the sequences are moved past the explicit ids).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.dirname(HERE)
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy import text as text_sql  # noqa: E402

from inspir_events import markdown  # noqa: E402
from inspir_events.accounts import services as account_services  # noqa: E402
from inspir_events.accounts.models import Role, User, UserRole, UserSession  # noqa: E402
from inspir_events.app import create_app  # noqa: E402
from inspir_events.events.models import Event, EventOrganiser, Registration  # noqa: E402
from inspir_events.events.rules import (  # noqa: E402
    EventKind,
    EventStatus,
    RegistrationStatus,
    RunBy,
)
from inspir_events.extensions import db  # noqa: E402
from inspir_events.timeutil import utcnow  # noqa: E402
from inspir_events.voting.models import Idea, VotingRound, round_idea  # noqa: E402
from inspir_events.voting.rules import RoundStatus, TallyVisibility  # noqa: E402

BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - throw-away benchmark database
IDEAS = (
    "Minibus à la demande", "Covoiturage solidaire", "Vélos en libre-service rural",
    "Navette du marché", "Autopartage communal", "Pédibus des écoles",
    "Transport solidaire seniors", "Carte unique des mobilités",
)


def idea_titles(count: int) -> list[str]:
    """``count`` distinct titles: the 8 of IDEAS, then numbered variants of them."""
    return [IDEAS[n] if n < len(IDEAS) else f"{IDEAS[n % len(IDEAS)]} n°{n // len(IDEAS) + 1}"
            for n in range(count)]


def seed(participants: int, votes_per_participant: int = 3, idea_count: int = 8,
         round_count: int = 1) -> dict:
    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(Event)):
            raise SystemExit("The database already holds events; seed an empty one.")
        now = utcnow().replace(microsecond=0)
        password_hash = account_services.passwords().hash(BENCH_PASSWORD)
        users = [{"id": 1, "email": "organiser@bench.inspir.example",
                  "display_name": "Organisatrice (bench)", "password_hash": password_hash,
                  "bio": "", "created_at": now, "department_code": "80",
                  "email_verified_at": now}]
        users += [{"id": n + 2, "email": f"voter{n + 1}@bench.inspir.example",
                   "display_name": f"Votant·e {n + 1}", "password_hash": password_hash,
                   "bio": "", "created_at": now, "department_code": "80",
                   # Confirmed addresses: since issue 17 only they vote (else every vote
                   # is answered "unverified" and nothing is stored).
                   "email_verified_at": now}
                  for n in range(participants)]
        voter_ids = [u["id"] for u in users[1:]]
        text = "Deux jours pour imaginer **les mobilités rurales** avec les habitants."
        event = {"id": 1, "title": "Hackathon des mobilités rurales (bench)",
                 "kind": EventKind.HACKATHON.value, "description": text,
                 "description_html": markdown.render(text), "starts_at": now,
                 "ends_at": now + timedelta(hours=32), "venue_name": "La Machinerie",
                 "venue_address": "12 rue Dupuis", "venue_commune": "Amiens",
                 "department_code": "80", "capacity": None, "run_by": RunBy.REGION.value,
                 "status": EventStatus.PUBLISHED.value, "sequence": 0,
                 "confirmed_count": participants, "created_by_id": 1,
                 "created_at": now - timedelta(days=30), "updated_at": now,
                 "solo_ideas_allowed": True}
        registrations = [{"event_id": 1, "user_id": uid, "status":
                          RegistrationStatus.CONFIRMED.value, "position": i + 1,
                          "created_at": now, "updated_at": now}
                         for i, uid in enumerate(voter_ids)]
        summary = "Une idée pour **mieux se déplacer** entre villages."
        ideas = [{"id": i + 1, "event_id": 1, "team_id": None,
                  "author_id": voter_ids[i % len(voter_ids)], "need_id": None, "title": title,
                  "summary": summary, "summary_html": markdown.render(summary),
                  "created_at": now, "updated_at": now}
                 for i, title in enumerate(idea_titles(idea_count * round_count))]
        rounds = [{"id": r + 1, "event_id": 1, "title": f"Tour de vote {r + 1} (bench)",
                   "votes_per_participant": votes_per_participant,
                   "allow_own_team": False, "require_check_in": False,
                   "visibility": TallyVisibility.LIVE.value,
                   "status": RoundStatus.OPEN.value, "opened_at": now, "created_at": now}
                  for r in range(round_count)]
        idea_ids = {r + 1: [i["id"] for i in ideas[r * idea_count:(r + 1) * idea_count]]
                    for r in range(round_count)}
        tokens = {uid: secrets.token_urlsafe(32) for uid in voter_ids}
        sessions = [{"token_hash": account_services.token_hash(token), "user_id": uid,
                     "created_at": now, "last_seen_at": now} for uid, token in tokens.items()]
        with db.engine.begin() as conn:
            conn.execute(insert(User), users)
            conn.execute(insert(UserRole), [{"user_id": 1, "role": Role.ORGANISER.value,
                                             "granted_at": now}])
            conn.execute(insert(Event), [event])
            conn.execute(insert(EventOrganiser), [{"event_id": 1, "user_id": 1,
                                                   "added_at": now}])
            conn.execute(insert(Registration), registrations)
            conn.execute(insert(Idea), ideas)
            conn.execute(insert(VotingRound), rounds)
            conn.execute(insert(round_idea), [{"round_id": r, "idea_id": i}
                                              for r, ids in idea_ids.items() for i in ids])
            conn.execute(insert(UserSession), sessions)
            if conn.dialect.name == "postgresql":
                # Explicit ids do not move PostgreSQL's sequences: move them past the rows.
                for model in (User, Event, Idea, VotingRound):
                    table = model.__table__
                    sql = ("SELECT setval(pg_get_serial_sequence(:t, 'id'), "  # noqa: S608
                           f'(SELECT max(id) FROM "{table.name}"))')  # model names only
                    conn.execute(text_sql(sql), {"t": f'"{table.name}"'})
        # The signed session cookie Flask-Login reads: "_user_id" is the session token.
        with app.test_request_context():
            serializer = app.session_interface.get_signing_serializer(app)
            cookies = {uid: serializer.dumps({"_user_id": token, "_fresh": True})
                       for uid, token in tokens.items()}
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        db.engine.dispose()
    return {
        "event_id": 1, "rounds": [{"round_id": r, "idea_ids": ids}
                                  for r, ids in idea_ids.items()],
        "votes_per_participant": votes_per_participant, "participants": participants,
        "voters": [{"user_id": uid, "cookie": f"{cookie_name}={cookies[uid]}"}
                   for uid in voter_ids],
        "seconds": round(time.perf_counter() - started, 2),
    }


if __name__ == "__main__":
    if not os.environ.get("DATABASE_URL") or len(sys.argv) < 3:
        raise SystemExit("usage: DATABASE_URL=... seed_voting.py PARTICIPANTS OUT.json "
                         "[QUOTA [IDEAS [ROUNDS]]]")
    numbers = [int(n) for n in sys.argv[3:6]]
    result = seed(int(sys.argv[1]), *numbers)
    with open(sys.argv[2], "w") as out:
        json.dump(result, out)
    print(json.dumps({k: v for k, v in result.items() if k != "voters"}))
