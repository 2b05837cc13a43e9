"""The whole INS'pir journey in a real browser (issue 11), each actor in a context of its own.

A citizen signs up, confirms their address by the link of the message the platform wrote,
and posts a need; another supports it; an organiser declares an event
addressing it and asks for the label; the committee grants it; the organiser applies for
co-funding and watches the live verdict as they type; participants register (one waits
and is promoted), form teams, post ideas; the organiser opens a round and a vote in one
browser reaches the other's tally without a reload; winners are confirmed and promoted;
the committee takes the project to diffusion; the store shows its lineage; a visitor
downloads the event's calendar file. The duration goes to ``test-artifacts/journey.json``.

The event is dated next week: the demo's administrator opened the current budget year
(issue 16), so its co-funding is checked under this year's rules.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from inspir_events.aid.cofunding.models import CofundingApplication
from inspir_events.aid.projects.models import Project
from inspir_events.events.models import Registration
from inspir_events.events.rules import RegistrationStatus
from inspir_events.extensions import db
from inspir_events.labels.charter import SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.mail.models import OutboxMessage
from inspir_events.timeutil import utc_to_paris, utcnow
from inspir_events.voting.models import Idea, VotingRound
from tests.conftest import link_path
from tests.e2e.conftest import DEMO_PASSWORD, demo_email, log_in, write_artifact

NEED_TITLE = "Des bancs partagés le long des quais de la Somme"
EVENT_TITLE = "Hackathon des bancs partagés"
TEAMS = ("Les bancs du quai", "Assis ensemble")
IDEAS = ("Une carte des bancs à l'ombre", "Adopter un banc près de chez soi")
REFUSED = "is more than 50"  # the 50 % rule's live message
ELIGIBLE = "The amounts follow the co-funding rules."


def query(app, statement):
    with app.app_context():
        try:
            return db.session.scalars(statement).all()
        finally:
            db.session.remove()


def click(page, name: str, scope=None) -> None:
    """Press a button (by its accessible name) that sends a form; wait for the new page."""
    with page.expect_navigation():
        (scope or page).get_by_role("button", name=name, exact=True).click()


def flash_text(page) -> str:
    return page.locator(".flashes").inner_text() if page.locator(".flashes").count() else ""


def as_member(contexts, local: str):
    page = contexts(locale="en-GB").new_page()
    log_in(page, demo_email(local), DEMO_PASSWORD)
    return page


def local_input(moment) -> str:
    return utc_to_paris(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_whole_journey_across_roles(contexts, live_server):
    app = live_server.app
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def step(name: str) -> None:
        steps[name] = round(time.perf_counter() - started, 2)

    # -- A citizen signs up, confirms their address and posts a need ------------------------
    citizen = contexts(locale="en-GB").new_page()
    email, password = f"nadia-{uuid.uuid4().hex[:8]}@example.org", "des bancs pour tout le monde"
    citizen.goto("/signup")
    citizen.fill("#email", email)
    citizen.fill("#display_name", "Nadia Habitante")
    citizen.fill("#password", password)
    citizen.fill("#password_confirm", password)
    click(citizen, "Create my account")
    assert citizen.locator("h1").inner_text() == "Check your mailbox"
    (message,) = query(app, select(OutboxMessage).where(OutboxMessage.recipient == email))
    citizen.goto(link_path(message, "/account/confirm/"))  # the link of the message
    click(citizen, "Confirm my address")
    log_in(citizen, email, password)
    assert citizen.get_by_role("button", name="Sign out").is_visible()
    citizen.goto("/needs/new")
    citizen.fill("#title", NEED_TITLE)
    citizen.fill("#description", "Entre la gare et le parc, aucun banc : les personnes âgées "
                 "renoncent à la promenade.")
    citizen.select_option("#department", "80")
    citizen.fill("#commune", "Amiens")
    citizen.select_option("#theme", "environnement")
    click(citizen, "Publish the need")
    need_id = int(citizen.url.rstrip("/").split("/")[-1])
    assert citizen.locator("h1").inner_text() == NEED_TITLE
    step("need posted")

    # -- Another citizen supports it --------------------------------------------------------
    karim = as_member(contexts, "citoyen")
    karim.goto(f"/needs/{need_id}")
    karim.locator(".support-button").click()
    karim.wait_for_selector(".support-button[aria-pressed=true]")
    karim.reload()
    assert "1 supporter" in karim.locator("main").inner_text()
    step("need supported")

    # -- An organiser declares an event addressing it and asks for the label ----------------
    orga = as_member(contexts, "orga")
    orga.goto("/events/new")
    orga.fill("#title", EVENT_TITLE)
    orga.fill("#description", "Deux jours pour imaginer des bancs partagés avec les "
              "habitants.")
    start = (utcnow() + timedelta(days=7)).replace(hour=8, minute=0)
    orga.fill("#starts_at", local_input(start))
    orga.fill("#ends_at", local_input(start + timedelta(days=1, hours=9)))
    orga.fill("#venue_name", "Maison du quartier")
    orga.fill("#venue_address", "12 rue des Jacobins")
    orga.fill("#venue_commune", "Amiens")
    orga.select_option("#department", "80")
    orga.fill("#capacity", "2")
    orga.check("input[name=run_by][value=third_party]")
    orga.check(f"input[name=needs][value='{need_id}']")
    click(orga, "Save")
    event_id = int(orga.url.rstrip("/").split("/")[-1])
    click(orga, "Publish")
    orga.goto(f"/events/{event_id}/label")
    for area in orga.locator("main form textarea").all():
        area.fill("Les habitants décident avec nous ; le code est ouvert.")
    click(orga, "Send the request")
    step("event declared, label asked")

    # -- The committee grants the label -----------------------------------------------------
    (request_id,) = query(app, select(LabelRequest.id).where(
        LabelRequest.subject_type == SubjectType.EVENT, LabelRequest.subject_id == event_id))
    comite = as_member(contexts, "comite")
    comite.goto("/committee/labels")
    comite.check(f"#grant-{request_id}")
    comite.fill(f"#reason-{request_id}", "Conforme à la charte INS'pir.")
    form = comite.locator(f"form:has(#grant-{request_id})")
    click(comite, "Record the decision", scope=form)
    (label,) = query(app, select(LabelRequest).where(LabelRequest.id == request_id))
    assert label.status.value == "granted"
    step("label granted")

    # -- Co-funding: the live verdict follows the amounts as they are typed ----------------
    orga.goto(f"/events/{event_id}/cofunding")
    orga.fill("#beneficiary_name", "Association Bancs Publics")
    orga.fill("#beneficiary_identifier", "W802001234")
    orga.fill("#expenses-0-label", "Location de la salle et matériel")
    orga.fill("#expenses-0-amount", "10 000")
    live = orga.locator("#live-verdict")
    orga.fill("#region_share", "6 000")  # 60 %: over the rule
    live.filter(has_text=REFUSED).wait_for()
    assert ELIGIBLE not in live.inner_text()
    orga.fill("#region_share", "5 000")
    orga.fill("#revenues-0-label", "Ville d'Amiens")
    orga.fill("#revenues-0-amount", "5 000")
    live.filter(has_text=ELIGIBLE).wait_for()
    assert REFUSED not in live.inner_text()
    assert "/cofunding" in orga.url  # nothing was sent: the verdict came live
    click(orga, "Submit to the committee")
    assert "sent to the committee" in flash_text(orga)
    (application,) = query(app, select(CofundingApplication).where(
        CofundingApplication.event_id == event_id))
    assert (application.region_share_cents, application.status.value) == (500_000, "submitted")
    step("co-funding applied")

    assert application.year == utc_to_paris(start).year  # this year's rules

    # -- Participants register; one waits and is promoted when another cancels -------------
    dev, design, territoire = (as_member(contexts, who) for who in ("dev", "design",
                                                                        "territoire"))
    for page in (dev, design):
        page.goto(f"/events/{event_id}")
        click(page, "Register")
    territoire.goto(f"/events/{event_id}")
    click(territoire, "Join the waitlist")
    assert "waitlist" in territoire.locator("main").inner_text().lower()
    waiting = query(app, select(Registration.status).where(
        Registration.event_id == event_id, Registration.position == 3))
    assert waiting == [RegistrationStatus.WAITLISTED]
    click(design, "Cancel my registration")
    territoire.reload()
    registrations = query(app, select(Registration).where(Registration.event_id == event_id))
    statuses = sorted(r.status for r in registrations)
    assert statuses.count(RegistrationStatus.CONFIRMED) == 2, statuses
    assert RegistrationStatus.WAITLISTED not in statuses
    assert territoire.get_by_role("button", name="Cancel my registration").is_visible()
    step("registered, waitlist promoted")

    # -- Teams and ideas --------------------------------------------------------------------
    for page, team, idea in ((dev, TEAMS[0], IDEAS[0]), (territoire, TEAMS[1], IDEAS[1])):
        page.goto(f"/events/{event_id}/teams/new")
        page.fill("#name", team)
        page.fill("#pitch", "Partir de ce que disent les promeneurs.")
        click(page, "Save")
        page.goto(f"/events/{event_id}/ideas/new")
        page.fill("#title", idea)
        page.fill("#summary", "Une idée simple, testée avec les habitants du quartier.")
        page.select_option("#need", str(need_id))
        click(page, "Post the idea")
    ideas = {i.title: i.id for i in query(app, select(Idea).where(Idea.event_id == event_id))}
    assert set(ideas) == set(IDEAS)
    step("teams and ideas")

    # -- The organiser opens a round; a vote reaches the other browser live ----------------
    orga.goto(f"/events/{event_id}/rounds")
    orga.fill("#title", "Vote des participants")
    orga.fill("#votes_per_participant", "1")
    orga.check("input[name=visibility][value=live]")
    click(orga, "Create the round")
    (round_id,) = query(app, select(VotingRound.id).where(VotingRound.event_id == event_id))
    orga.goto(f"/rounds/{round_id}")
    click(orga, "Open the round")
    for page in (dev, territoire):
        page.goto(f"/rounds/{round_id}")
        page.wait_for_function(
            "() => document.querySelector('[data-connected]').textContent !== '—'")
        page.evaluate("() => { window.__sameDocument = true; }")
    theirs, mine = ideas[IDEAS[1]], ideas[IDEAS[0]]
    dev.locator(f"form.vote-form:has(input[name=idea_id][value='{theirs}']) button").click()
    territoire.wait_for_function(
        f"() => document.querySelector(\"[data-tally-idea='{theirs}']\").textContent === '1'")
    assert territoire.evaluate("() => window.__sameDocument === true")  # no reload
    territoire.locator(f"form.vote-form:has(input[name=idea_id][value='{mine}']) button").click()
    dev.wait_for_function(
        f"() => document.querySelector(\"[data-tally-idea='{mine}']\").textContent === '1'")
    assert dev.evaluate("() => window.__sameDocument === true")
    step("live vote")

    # -- Close, confirm the winners, promote them -------------------------------------------
    orga.goto(f"/rounds/{round_id}")
    click(orga, "Close the round")
    orga.goto(f"/rounds/{round_id}/results")
    orga.fill("#k", "2")
    click(orga, "Confirm the winners")
    click(orga, "Promote the winners to the INS'pir pipeline")
    projects = query(app, select(Project).where(Project.event_id == event_id)
                     .order_by(Project.id))
    assert len(projects) == 2, projects
    project = next(p for p in projects if p.title == IDEAS[0])
    step("winners promoted")

    # -- The committee takes the project to diffusion ---------------------------------------
    comite.goto(f"/projects/{project.id}")
    structure = comite.locator("#details-support_structure option", has_text="Sami Structure")
    comite.select_option("#details-support_structure", structure.get_attribute("value"))
    click(comite, "Save the details")
    move_to(comite, "projet")
    comite.select_option("#details-licence", "AGPL-3.0-or-later")
    comite.fill("#details-repository_url", "https://code.example.org/bancs-partages")
    click(comite, "Save the details")
    move_to(comite, "experimentation")
    comite.fill("#details-results", "Douze bancs adoptés en trois mois ; la carte est "
                "reprise par la ville.")
    click(comite, "Save the details")
    move_to(comite, "diffusion")
    (moved,) = query(app, select(Project).where(Project.id == project.id))
    assert moved.stage.value == "diffusion"
    step("project diffused")

    # -- The store shows the project with its lineage ---------------------------------------
    visitor = contexts(locale="en-GB").new_page()
    visitor.goto("/store")
    with visitor.expect_navigation():
        visitor.get_by_role("link", name=IDEAS[0]).first.click()
    story = visitor.locator("main").inner_text()
    for expected in (NEED_TITLE, EVENT_TITLE, "Dominique Dev", "Vote des participants",
                     "1 vote", "Sami Structure", "AGPL-3.0-or-later",
                     "https://code.example.org/bancs-partages", "Douze bancs adoptés"):
        assert expected in story, expected

    # -- A visitor downloads the event's calendar file --------------------------------------
    visitor.goto(f"/events/{event_id}")
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Add to my calendar (.ics)").click()
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in ics
    assert EVENT_TITLE in ics.replace("\r\n ", "")
    assert utc_to_paris(start).strftime("%Y%m%d") in ics
    step("store and calendar")

    duration = round(time.perf_counter() - started, 1)
    print(f"\njourney: {duration} s; steps (cumulative s): {steps}")
    write_artifact("journey.json", {"duration_seconds": duration, "steps": steps})


def move_to(page, stage: str) -> None:
    page.check(f"input[name=move-target][value={stage}]")
    page.fill("#move-note", f"The committee's conditions for « {stage} » are met.")
    click(page, "Move")
    assert "The project moves to the stage" in flash_text(page), page.locator("main").inner_text()
