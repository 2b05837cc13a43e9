"""Fill a database already seeded with needs (``seed_needs.py``) with projects and their
lineage, fast (one transaction, SQLAlchemy core): the innovation store's benchmark data.

    DATABASE_URL=sqlite:////tmp/x.db .venv/bin/python bench/seed_store.py 500

- events: published, past, across the five departments and the five kinds; one closed
  voting round each;
- projects spread over the pipeline's stages, about half in the store (``diffusion``
  and ``abandonne``), each with its lineage: a public need (its department and theme),
  the event, the idea (1:1) and the round with its confirmed winner (rank, votes), a team
  of two to four members, a licence and a repository from ``experimentation`` on,
  results (diffusion) or lessons learned (stopped); a few proposals awaiting the
  committee (never listed);
- "Je veux le reproduire" rows for the store's entries, equal to each counter;
- operating and investment grants for part of the projects, committed on the 2016
  envelopes of the project's former region, within each envelope's amount.

Vote rows are not created (the winners' vote counts are what the lineage shows).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import timedelta
from types import SimpleNamespace

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_ROOT not in sys.path:
    sys.path.insert(0, PROJECT_ROOT)

from sqlalchemy import func, insert, select, update  # noqa: E402

from inspir_events import markdown  # noqa: E402
from inspir_events.accounts.models import User  # noqa: E402
from inspir_events.aid import rules as aid_rules  # noqa: E402
from inspir_events.aid.envelopes.models import Commitment, Envelope  # noqa: E402
from inspir_events.aid.models import AidGrant, GrantKind  # noqa: E402
from inspir_events.aid.projects.models import Project, ProjectMember, ProjectMove  # noqa: E402
from inspir_events.aid.projects.rules import search_text_of  # noqa: E402
from inspir_events.aid.projects.stages import (  # noqa: E402
    OPEN_LICENCES,
    Origin,
    Qualification,
    Stage,
)
from inspir_events.aid.years.services import load_envelopes  # noqa: E402
from inspir_events.app import create_app  # noqa: E402
from inspir_events.events.models import Event  # noqa: E402
from inspir_events.events.rules import EventKind, EventStatus, RunBy  # noqa: E402
from inspir_events.extensions import db  # noqa: E402
from inspir_events.needs.models import Need  # noqa: E402
from inspir_events.reference.models import Department  # noqa: E402
from inspir_events.store.models import ReproductionRequest  # noqa: E402
from inspir_events.timeutil import utcnow  # noqa: E402
from inspir_events.voting.models import Idea, RoundWinner, VotingRound, round_idea  # noqa: E402
from inspir_events.voting.rules import RoundStatus  # noqa: E402

SEARCH_WORD = "covoiturage"  # in about a tenth of the projects' titles and summaries
STAGE_WEIGHTS = {Stage.IDEE: 10, Stage.PROJET: 16, Stage.EXPERIMENTATION: 22,
                 Stage.DIFFUSION: 30, Stage.ABANDONNE: 22}
EVENTS = 60
AWAITING = 10  # proposals awaiting the committee: never listed
SIRET = "73282932000074"  # a well-formed SIRET (Luhn key), the benchmark's beneficiary
YEAR = 2016

SUBJECTS = ["covoiturage solidaire", "agenda culturel partagé", "prise de rendez-vous médical",
            "jardins partagés", "accompagnement aux démarches en ligne", "circuits courts",
            "transport à la demande", "budget participatif", "tiers-lieu numérique",
            "stage de 3e", "rénovation énergétique", "signalement des dépôts sauvages"]
PLACES = ["Amiens", "Lille", "Arras", "Beauvais", "Saint-Quentin", "Calais", "Lens",
          "Compiègne", "Abbeville", "Dunkerque", "Soissons", "Valenciennes"]
RESULTS = ("## Ce qui a marché\n\nL'expérimentation a touché **{n} habitants** en six mois. "
           "Le code est publié sous licence ouverte et documenté pour être reproduit.\n\n"
           "- une application web légère\n- un guide pour les collectivités")
LESSONS = ("## Ce que nous avons appris\n\nLe public visé n'a pas adopté l'outil : "
           "les usagers voulaient un accompagnement humain plus qu'un service en ligne. "
           "Nous recommandons de commencer par des permanences ({n} personnes reçues).")


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _events(rng, now, departments) -> list[dict]:
    rows = []
    for index in range(EVENTS):
        starts = now - timedelta(days=rng.randint(30, 3 * 365), hours=rng.randint(0, 12))
        department = departments[index % len(departments)]
        rows.append({
            "id": index + 1, "title": f"Hackathon INS'pir n° {index + 1}",
            "kind": list(EventKind)[index % len(EventKind)].value,
            "description": "Un événement pour faire naître des idées.",
            "description_html": "<p>Un événement pour faire naître des idées.</p>",
            "starts_at": starts, "ends_at": starts + timedelta(hours=30),
            "venue_name": "Tiers-lieu", "venue_address": "1 rue de la Gare",
            "venue_commune": rng.choice(PLACES), "department_code": department,
            "run_by": RunBy.REGION.value, "status": EventStatus.PUBLISHED.value,
            "created_at": starts - timedelta(days=40), "updated_at": starts - timedelta(days=40),
        })
    return rows


def seed(count: int, seed_value: int = 2016) -> dict:
    """Insert ``count`` projects (and their events, rounds, ideas, grants) into DATABASE_URL."""
    rng = random.Random(seed_value)  # noqa: S311 - reproducible test data, not security
    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(Project)):
            raise SystemExit("The database already holds projects; seed a fresh one.")
        needs = db.session.execute(select(Need.id, Need.department_code, Need.theme_code)
                                   .where(Need.is_public)).all()
        if not needs:
            raise SystemExit("Seed the needs first (seed_needs.py).")
        regions = {code: aid_rules.FormerRegion[region.name] for code, region in
                   db.session.execute(select(Department.code, Department.former_region))}
        user_max = db.session.scalar(select(func.max(User.id))) or 0
        if user_max < 10:
            raise SystemExit("Seed the needs first (seed_needs.py creates the users).")
        load_envelopes(YEAR)
        envelopes = {(e.former_region, e.section): e for e in db.session.scalars(
            select(Envelope).where(Envelope.year == YEAR, Envelope.parent_id.is_(None)))}
        remaining = {key: e.amount_cents - e.committed_cents for key, e in envelopes.items()}
        now = utcnow().replace(microsecond=0)

        events = _events(rng, now, sorted(regions))
        rounds = [{"id": e["id"], "event_id": e["id"], "title": "Vote final",
                   "status": RoundStatus.CLOSED.value, "opened_at": e["ends_at"]
                   - timedelta(hours=2), "closed_at": e["ends_at"] - timedelta(hours=1),
                   "winners_confirmed_at": e["ends_at"], "created_at": e["created_at"]}
                  for e in events]
        ideas, round_ideas, winners, projects, members, moves = [], [], [], [], [], []
        reproductions, commitments, grants = [], [], []
        ranks: dict[int, int] = {}
        stages = [Stage.IDEE] * AWAITING + [_pick(rng, STAGE_WEIGHTS)
                                            for _ in range(count - AWAITING)]
        for index, stage in enumerate(stages):
            project_id = index + 1
            need_id, department, theme = rng.choice(needs)
            subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
            title = f"{subject.capitalize()} à {place}"[:120]
            summary = (f"Un service de {subject} imaginé par les habitants de {place}, "
                       "avec les associations du territoire et la commune.")
            awaiting = index < AWAITING
            event = rng.choice(events)
            created = event["ends_at"] + timedelta(days=rng.randint(1, 20))
            changed = min(now - timedelta(hours=1),
                          created + timedelta(days=rng.randint(10, 700)))
            project = {
                "id": project_id, "title": title, "summary": summary,
                "summary_html": markdown.render(summary), "stage": stage.value,
                "origin": (Origin.PROPOSAL if awaiting else Origin.ROUND_WINNER).value,
                "qualification": (Qualification.AWAITING if awaiting
                                  else Qualification.QUALIFIED).value,
                "department_code": department, "theme_code": theme, "need_id": need_id,
                "proposed_by_id": rng.randint(2, user_max),
                "results": "", "results_html": "", "lessons": "", "lessons_html": "",
                "reproductions_count": 0, "created_at": created, "updated_at": changed,
                "stage_changed_at": changed,
            }
            if not awaiting:
                rank = ranks[event["id"]] = ranks.get(event["id"], 0) + 1
                votes = max(1, 60 - 7 * rank + rng.randint(0, 10))
                ideas.append({"id": project_id, "event_id": event["id"], "need_id": need_id,
                              "title": title, "summary": summary,
                              "summary_html": project["summary_html"],
                              "created_at": event["starts_at"], "updated_at": event["starts_at"]})
                round_ideas.append({"round_id": event["id"], "idea_id": project_id})
                winners.append({"round_id": event["id"], "idea_id": project_id, "rank": rank,
                                "votes": votes})
                project.update(idea_id=project_id, round_id=event["id"], event_id=event["id"],
                               vote_rank=rank, vote_count=votes)
            if stage in (Stage.EXPERIMENTATION, Stage.DIFFUSION) or (
                    stage == Stage.ABANDONNE and rng.random() < 0.6):
                project["licence"] = rng.choice(list(OPEN_LICENCES))
                project["repository_url"] = f"https://forge.example.org/inspir/projet-{project_id}"
            if stage == Stage.DIFFUSION:
                project["results"] = RESULTS.format(n=rng.randint(40, 4000))
                project["results_html"] = markdown.render(project["results"])
            if stage == Stage.ABANDONNE:
                project["lessons"] = LESSONS.format(n=rng.randint(5, 300))
                project["lessons_html"] = markdown.render(project["lessons"])
            project["search_text"] = search_text_of(SimpleNamespace(**project))
            team = rng.sample(range(2, user_max + 1), k=rng.randint(2, 4))
            members.extend({"project_id": project_id, "user_id": u,
                            "role": "lead" if p == 0 else "member", "position": p}
                           for p, u in enumerate(team))
            path = [Stage.IDEE, Stage.PROJET, Stage.EXPERIMENTATION, Stage.DIFFUSION]
            steps = path[:path.index(stage) + 1] if stage in path else [
                *path[:rng.randint(1, 3)], Stage.ABANDONNE]
            for previous, target in zip([None, *steps], steps, strict=False):
                moves.append({"project_id": project_id, "from_stage": previous and previous.value,
                              "to_stage": target.value, "note": "",
                              "decided_at": changed if target == stage else created})
            if stage in (Stage.DIFFUSION, Stage.ABANDONNE):
                askers = rng.sample(range(2, user_max + 1),
                                    k=min(user_max - 1, int(rng.paretovariate(1.2)) - 1))
                reproductions.extend({"project_id": project_id, "user_id": u, "message": "",
                                      "created_at": changed} for u in askers)
                project["reproductions_count"] = len(askers)
            if stage != Stage.IDEE and not awaiting and rng.random() < 0.5:
                for kind, section in ((GrantKind.PROJECT_OPERATING, aid_rules.Section.OPERATING),
                                      (GrantKind.PROJECT_INVESTMENT,
                                       aid_rules.Section.INVESTMENT)):
                    key = (regions[department], section)
                    amount = rng.randint(10, 50) * 10_000  # 1,000 to 5,000 euros
                    if remaining[key] < amount:
                        continue
                    remaining[key] -= amount
                    commitment_id = len(commitments) + 1
                    commitments.append({
                        "id": commitment_id, "envelope_id": envelopes[key].id,
                        "amount_cents": amount, "object_type": "project",
                        "object_id": str(project_id), "decided_at": created, "reason": ""})
                    grants.append({
                        "kind": kind.value, "year": YEAR,
                        "reference": f"INSPIR-{YEAR}-P{project_id}-{section.value[:3].upper()}",
                        "project_id": project_id, "envelope_id": envelopes[key].id,
                        "commitment_id": commitment_id, "section": section.value,
                        "amount_cents": amount, "beneficiary_name": f"Association {place}",
                        "beneficiary_siret": SIRET, "purpose": title[:255],
                        "decided_at": created})
            projects.append(project)
        with db.engine.begin() as conn:
            conn.execute(insert(Event), events)
            conn.execute(insert(VotingRound), rounds)
            conn.execute(insert(Idea), ideas)
            conn.execute(insert(round_idea), round_ideas)
            conn.execute(insert(RoundWinner), winners)
            conn.execute(insert(Project), projects)
            conn.execute(insert(ProjectMember), members)
            conn.execute(insert(ProjectMove), moves)
            if reproductions:
                conn.execute(insert(ReproductionRequest), reproductions)
            if commitments:
                conn.execute(insert(Commitment), commitments)
                conn.execute(insert(AidGrant), grants)
            for key, envelope in envelopes.items():
                conn.execute(update(Envelope).where(Envelope.id == envelope.id).values(
                    committed_cents=envelope.amount_cents - remaining[key]))
        db.engine.dispose()
    in_store = sum(1 for p in projects if p["stage"] in (Stage.DIFFUSION, Stage.ABANDONNE)
                   and p["qualification"] != Qualification.AWAITING)
    return {"projects": count, "in_store": in_store, "events": len(events),
            "ideas": len(ideas), "grants": len(grants),
            "reproductions": len(reproductions),
            "search_matches": sum(1 for p in projects if SEARCH_WORD in p["search_text"]),
            "seconds": round(time.perf_counter() - started, 2)}


if __name__ == "__main__":
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a migrated database seeded with needs.")
    print(json.dumps(seed(int(sys.argv[1]) if len(sys.argv) > 1 else 500)))
