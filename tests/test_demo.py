"""The demo tells the story on an empty database: needs across the region, with supports."""

from sqlalchemy import func, select

from inspir_events import demo
from inspir_events.needs.models import Need, NeedSupport


def test_demo_needs_cover_the_region_with_consistent_supports(db):
    assert demo.seed()
    needs = db.session.scalars(select(Need)).all()
    assert len(needs) == len(demo.DEMO_NEEDS) + 1  # and demo_territories.py's need of Liévin
    assert {n.department_code for n in needs} == {"02", "59", "60", "62", "80"}
    for need in needs:
        rows = db.session.scalar(select(func.count()).select_from(NeedSupport)
                                 .where(NeedSupport.need_id == need.id))
        assert need.supporters_count == rows
        assert need.is_public
        assert "<" not in need.search_text
    assert not demo.seed()  # a second run adds nothing


def test_demo_needs_show_on_the_board(client, db):
    demo.seed()
    page = client.get("/needs").get_data(as_text=True)
    assert "Un bus le dimanche pour rejoindre l&#39;hôpital" in page


def test_demo_events_show_every_state(client, db):
    from inspir_events.events.models import Event, Registration
    from inspir_events.events.rules import EventStatus, RegistrationStatus
    from inspir_events.needs.rules import NeedStatus

    demo.seed()
    events = db.session.scalars(select(Event)).all()
    assert {e.status for e in events} == {EventStatus.PUBLISHED, EventStatus.DRAFT}
    full = next(e for e in events if e.capacity == 3)
    statuses = [r.status for r in db.session.scalars(
        select(Registration).where(Registration.event_id == full.id)
        .order_by(Registration.position))]
    assert statuses == [RegistrationStatus.CONFIRMED] * 3 + [RegistrationStatus.WAITLISTED]
    assert full.confirmed_count == 3
    addressed = db.session.scalars(select(Need).where(Need.status == NeedStatus.ADDRESSED)).all()
    in_experimentation = db.session.scalars(
        select(Need).where(Need.status == NeedStatus.IN_EXPERIMENTATION)).all()
    # The needs of the three published coming or running events; the past meeting's need is
    # experimented.
    assert len(addressed) == 4 and len(in_experimentation) == 1
    listing = client.get("/events?labelled=1").get_data(as_text=True)
    assert "Hackathon des mobilités rurales" in listing
    assert "Groupe de travail données culturelles" not in client.get("/events").get_data(
        as_text=True)


def test_demo_money_respects_the_rules_and_the_envelopes(client, db):
    """Every envelope within its amount and equal to its commitments; every application
    within the co-funding rule; every project's grants within the caps; the SCDL export valid."""
    import csv
    import io

    from inspir_events.aid import rules
    from inspir_events.aid.cofunding.models import CofundingApplication
    from inspir_events.aid.envelopes.models import Commitment, Envelope
    from inspir_events.aid.models import AidGrant, GrantKind
    from inspir_events.aid.opendata import scdl
    from inspir_events.aid.projects.models import Project
    from inspir_events.aid.projects.stages import Qualification, Stage
    from inspir_events.aid.years import services as years

    assert demo.seed()
    policy = years.policy_for(years.today().year)
    for envelope in db.session.scalars(select(Envelope)):
        committed = db.session.scalar(select(func.coalesce(func.sum(Commitment.amount_cents), 0))
                                      .where(Commitment.envelope_id == envelope.id))
        # A closed aid gave back what it will never pay (issue 19 §3).
        released = db.session.scalar(select(func.coalesce(func.sum(AidGrant.released_cents), 0))
                                     .where(AidGrant.envelope_id == envelope.id))
        assert 0 <= envelope.committed_cents == committed - released <= envelope.amount_cents
    for application in db.session.scalars(select(CofundingApplication)):
        verdict = rules.check_event_cofunding(
            application.total_cost_cents, application.region_share_cents,
            application.other_revenues_cents, False, years.policy_for(application.year))
        assert verdict.eligible, verdict.codes
        granted = sum(g.amount_cents for g in db.session.scalars(
            select(AidGrant).where(AidGrant.application_id == application.id)))
        assert granted <= verdict.max_region_share_cents
    kinds = {GrantKind.PROJECT_OPERATING: "operating",
             GrantKind.PROJECT_INVESTMENT: "investment", GrantKind.STRUCTURE: "structure"}
    projects = db.session.scalars(select(Project)).all()
    for project in projects:
        received = {"operating": 0, "investment": 0, "structure": 0}
        for grant in db.session.scalars(select(AidGrant).where(AidGrant.project_id == project.id)):
            received[kinds[grant.kind]] += grant.amount_cents
        verdict = rules.check_grants(received["operating"], received["investment"],
                                     received["structure"], None, policy)
        assert verdict.eligible, (project.title, verdict.codes)
    assert {p.stage for p in projects} == {Stage.IDEE, Stage.PROJET, Stage.EXPERIMENTATION,
                                           Stage.DIFFUSION, Stage.ABANDONNE}
    assert any(p.qualification == Qualification.AWAITING for p in projects)
    rows = list(csv.DictReader(io.StringIO(
        client.get("/aid/open-data/subventions.csv").get_data(as_text=True))))
    assert len(rows) == 4  # one co-funding decision, two project decisions, one structure grant
    assert all(scdl.validate_row(row) == [] for row in rows)
    pages = ["/aid/envelopes", "/projects", "/aid/open-data/subventions.json"]
    pages += [f"/projects/{p.id}" for p in projects if p.is_listed]  # not awaiting, not oriented
    for path in pages:
        assert client.get(path).status_code == 200, path


def test_demo_holds_2016_and_the_current_year_and_applies_through_the_use_case(db):
    """Two budget years: 2016 (the deliberation) and the current one, opened by the admin
    (audited); the upcoming hackathon's application was submitted by its organiser under its
    own year's rules, like anyone's; the decided past is under the current year's rules."""
    from inspir_events.aid.cofunding.models import ApplicationStatus, CofundingApplication
    from inspir_events.aid.cofunding.services import budget_year
    from inspir_events.aid.models import AidGrant
    from inspir_events.aid.years import services as years
    from inspir_events.audit.models import AuditEntry

    assert demo.seed()
    current = years.today().year
    assert {2016, current} <= set(years.opened_years())
    assert years.policy_for(2016).vote_date.isoformat() == "2016-09-23"
    opened = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "budget_year.open")).all()
    assert current in {int(entry.object_id) for entry in opened}
    submitted = db.session.scalar(select(CofundingApplication).where(
        CofundingApplication.status == ApplicationStatus.SUBMITTED))
    assert submitted.year == budget_year(submitted.event)
    assert submitted.submitted_at is not None and submitted.expense_lines
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "application.submit",
        AuditEntry.object_id == str(submitted.id))) == 1
    grants = db.session.scalars(select(AidGrant)).all()
    assert grants and all(g.policy.year == current == g.year for g in grants)
    assert years.current(current).frozen_at is not None


def test_demo_committee_pages_render(client, db, login):
    from inspir_events.accounts.models import User
    from inspir_events.aid.cofunding.models import CofundingApplication
    from inspir_events.aid.projects.models import Project

    assert demo.seed()
    member = db.session.scalar(select(User).where(User.email == f"comite@{demo.DEMO_DOMAIN}"))
    login(member, password=demo.DEMO_PASSWORD)
    pages = ["/aid/applications", "/aid/envelopes", "/projects"]
    pages += [f"/aid/applications/{a.id}" for a in db.session.scalars(
        select(CofundingApplication))]
    pages += [f"/projects/{p.id}" for p in db.session.scalars(select(Project))]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path


def test_a_need_page_shows_the_projects_answering_it(client, db):
    """The need's lineage ends with its projects (a proposal awaiting the committee excluded)."""
    from inspir_events.aid.projects.models import Project
    from inspir_events.aid.projects.stages import Qualification

    assert demo.seed()
    projects = db.session.scalars(select(Project).where(Project.need_id.is_not(None))).all()
    listed = [p for p in projects if p.qualification == Qualification.QUALIFIED]
    awaiting = [p for p in projects if p.qualification == Qualification.AWAITING]
    assert listed and awaiting
    page = client.get(f"/needs/{listed[0].need_id}").get_data(as_text=True)
    for project in listed:
        assert f'href="/projects/{project.id}"' in page
    other = client.get(f"/needs/{awaiting[0].need_id}").get_data(as_text=True)
    assert f'href="/projects/{awaiting[0].id}"' not in other


def test_demo_store_search_finds_the_diffused_project(client, db):
    assert demo.seed()
    page = client.get("/store?q=aidants").get_data(as_text=True)
    assert "Carnet de liaison pour les aidants" in page
    assert "Borne de téléconsultation" not in page  # stopped, and not about « aidants »


def test_demo_runs_an_event_today_with_an_open_round(client, db, login):
    """The workshop running now: its round is open with votes, and a participant who has
    not voted yet sees the live tally and votes by form post."""
    from datetime import timedelta

    from inspir_events.accounts.models import User
    from inspir_events.events.models import Event, Registration
    from inspir_events.events.rules import RegistrationStatus
    from inspir_events.teams.models import Team, TeamMember
    from inspir_events.timeutil import utcnow
    from inspir_events.voting.models import Vote, VotingRound
    from inspir_events.voting.rules import RoundStatus
    from tests.pages import parse

    assert demo.seed()
    live = db.session.scalars(select(VotingRound)
                              .where(VotingRound.status == RoundStatus.OPEN)).all()
    assert len(live) == 1
    voting_round = live[0]
    event = db.session.get(Event, voting_round.event_id)
    now = utcnow()
    assert event.starts_at < now < event.ends_at and event.ends_at - now > timedelta(hours=5)
    confirmed = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED))
    assert confirmed == event.confirmed_count >= 6
    teams = db.session.scalars(select(Team).where(Team.event_id == event.id)).all()
    assert len(teams) == 2
    for team in teams:
        assert team.member_count == db.session.scalar(
            select(func.count()).select_from(TeamMember).where(TeamMember.team_id == team.id))
    votes = db.session.scalars(select(Vote).where(Vote.round_id == voting_round.id)).all()
    assert len(votes) == 6 and len(voting_round.ideas) == 3
    # Nobody voted for their own team's idea, nor beyond their votes.
    team_of = {(m.user_id): m.team_id for m in db.session.scalars(
        select(TeamMember).where(TeamMember.event_id == event.id))}
    ideas = {i.id: i for i in voting_round.ideas}
    for vote in votes:
        assert team_of.get(vote.voter_id) != ideas[vote.idea_id].team_id
    per_voter = {v.voter_id: sum(1 for w in votes if w.voter_id == v.voter_id) for v in votes}
    assert max(per_voter.values()) <= voting_round.votes_per_participant

    camille = db.session.scalar(select(User).where(
        User.email == f"citoyenne@{demo.DEMO_DOMAIN}"))
    login(camille, password=demo.DEMO_PASSWORD)
    page = client.get(f"/rounds/{voting_round.id}")
    assert page.status_code == 200
    doc = parse(page.get_data(as_text=True))
    assert doc.find("span", data_total=True).text == "6"
    tallies = {int(s.get("data-tally-idea")): s.text
               for s in doc.find_all("span", data_tally_idea=True)}
    assert sorted(tallies.values()) == ["1", "2", "3"]
    assert "Il vous reste 2 votes." in page.get_data(as_text=True)
    buttons = doc.find_all("form", class_="vote-form")
    assert len(buttons) == 3
    idea_id = buttons[0].find("input", name="idea_id").get("value")
    response = client.post_form(f"/rounds/{voting_round.id}/vote", {"idea_id": idea_id},
                                token_from=f"/rounds/{voting_round.id}")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Vote).where(
        Vote.round_id == voting_round.id)) == 7


def test_demo_tells_the_rest_of_the_story(client, db):
    """Past events with results, a documented abandonment, envelopes partly committed."""
    from inspir_events.aid.envelopes.models import Envelope
    from inspir_events.aid.projects.models import Project
    from inspir_events.aid.projects.stages import Stage
    from inspir_events.voting.models import RoundWinner, VotingRound
    from inspir_events.voting.rules import RoundStatus

    assert demo.seed()
    closed = db.session.scalars(select(VotingRound)
                                .where(VotingRound.status == RoundStatus.CLOSED)).all()
    assert closed and all(r.winners_confirmed_at for r in closed)
    assert db.session.scalar(select(func.count()).select_from(RoundWinner)) >= 3
    results = client.get(f"/rounds/{closed[0].id}/results")
    assert results.status_code == 200
    stopped = db.session.scalar(select(Project).where(Project.stage == Stage.ABANDONNE))
    assert stopped.lessons.strip() and stopped.lessons_html
    partly = [e for e in db.session.scalars(select(Envelope))
              if 0 < e.committed_cents < e.amount_cents]
    assert partly


def test_demo_gives_the_evaluation_of_the_current_year_figures(client, db):
    """Issue 19 §4: every part of /statistics' evaluation the demo can fill is non-empty
    for the current budget year, on the page as in the queries."""
    from inspir_events.aid.years import services as aid_years
    from inspir_events.stats import evaluation

    assert demo.seed()
    year = aid_years.today().year
    result = evaluation.evaluate(year)
    labels = {row.subject: row for row in result.labels}
    assert labels["event"].asked >= 1 and labels["event"].granted >= 1
    assert result.cofunding.asked.count >= 2 and result.cofunding.granted.cents == 900_000
    assert result.cofunding.awaiting >= 1  # the hackathon's application
    funnel = result.funnel
    assert funnel.needs >= funnel.with_event >= 1 and funnel.with_idea >= 1
    assert funnel.with_project >= 1
    assert (result.diffused, result.stopped) == (1, 1)
    assert (result.reproductions, result.reproduced_projects) == (1, 1)
    assert dict(result.oriented)["projets_etudiants"] == 1
    assert 0 < result.teams.citizens < result.teams.members
    assert sum(row.cents for row in result.aid_by_department) > 0
    body = client.get(f"/statistics?year={year}").get_data(as_text=True)
    assert 'id="chart-eval-funnel-table"' in body and 'id="chart-eval-teams"' in body
def test_demo_pays_an_aid_in_two_parts_with_its_final_report(client, db, login):
    """Issue 19 §5: the past meeting's co-funding (9,000 € of 18,000 € planned) scheduled
    with an advance of 50 %, paid; the event cost 14,000 €: the final report brings the aid
    to 7,000 €, the 2,500 € balance is paid and 2,000 € go back to the envelopes."""
    from inspir_events.accounts.models import User
    from inspir_events.aid.followup import queries
    from inspir_events.aid.followup.models import ReportStatus
    from inspir_events.aid.models import AidGrant, AidPayment, PaymentPart

    assert demo.seed()
    grant = db.session.scalar(select(AidGrant).where(AidGrant.paid_cents > 0)
                              .order_by(AidGrant.id))
    aid = queries.aid_of(grant.id)
    assert aid.title == "Rencontre santé et territoires"
    assert aid.granted_cents == 900_000 and aid.application.total_cost_cents == 1_800_000
    assert aid.report.status == ReportStatus.ACCEPTED
    assert aid.report.expenses_cents == 1_400_000  # it cost less than planned
    assert aid.final_cents == 700_000 and aid.paid_cents == 700_000
    assert aid.released_cents == 200_000 and aid.closed
    parts = sorted((p.part, sum(q.amount_cents for q in aid.payments if q.part == p.part))
                   for p in aid.payments)
    assert dict(parts) == {PaymentPart.ADVANCE: 450_000, PaymentPart.BALANCE: 250_000}
    assert db.session.scalar(select(func.count()).select_from(AidPayment)) == len(aid.payments)
    assert {row.payment_terms for row in aid.rows} == {"échelonné"}
    # The organiser reads it; the dashboard shows what was paid and released.
    login(db.session.scalar(select(User).where(User.email == f"orga@{demo.DEMO_DOMAIN}")),
          password=demo.DEMO_PASSWORD)
    page = client.get(f"/aid/followup/{aid.id}").get_data(as_text=True)
    assert "Solde restant à verser\xa0: 0,00\xa0€" in page
    assert "7\u202f000,00\xa0€" in page and "62 habitants et soignants" in page
    from inspir_events.aid.envelopes import queries as envelopes
    board = envelopes.dashboard(aid.first.year)
    assert (board.paid_cents, board.released_cents) == (700_000, 200_000)
    assert "Libéré" in client.get("/aid/envelopes").get_data(as_text=True)
def test_demo_call_for_projects_has_a_scored_jury_with_one_member_recused(client, login, db):
    """Issue 19 §5: an open call with applications scored by a jury of three disciplines
    or more, one member recused (a declared conflict); the ranking shows to the jury."""
    from inspir_events import demo_calls
    from inspir_events.aid.calls import services as calls
    from inspir_events.aid.calls.models import Call
    from inspir_events.aid.calls.rules import ApplicationStatus, CallStatus
    from inspir_events.aid.jury import services as jury
    from inspir_events.aid.years import services as years
    from inspir_events.recusal.models import DeclaredConflict

    assert demo.seed()
    call = db.session.scalar(select(Call))
    assert call.status == CallStatus.OPEN and calls.accepting(call)
    assert call.year == years.today().year
    assert len(call.applications) >= 3
    assert {a.status for a in call.applications} == {ApplicationStatus.SUBMITTED}
    panel = jury.jury_of(calls.JURY_SUBJECT, call.id)
    assert len({m.discipline for m in panel.members}) >= 3
    conflict = db.session.scalar(select(DeclaredConflict).where(
        DeclaredConflict.subject_type == "call_application"))
    assert conflict.user.email.startswith(demo_calls.RECUSED + "@")
    comite = db.session.scalar(select(demo.User).where(
        demo.User.email == f"comite@{demo.DEMO_DOMAIN}"))
    rows = jury.ranking(comite, calls.JURY_SUBJECT, call.id)
    assert [row.result.rank for row in rows] == [1, 2, 3]
    assert all(row.result.quorum.reached for row in rows)
    recused = [row for row in rows if any(m.recused for m in row.members)]
    assert [row.application.id for row in recused] == [conflict.subject_id]
    login(comite, password=demo.DEMO_PASSWORD)
    page = client.get(f"/aid/jury/call/{call.id}").get_data(as_text=True)
    assert "Déporté" in page or "Recused" in page
    assert call.title in client.get("/aid/calls").get_data(as_text=True)
def test_demo_sessions_show_a_quorate_jury_with_a_recused_member_and_published_results(
        client, db):
    """Issue 19 §2 for co-funding: the past meeting's co-funding was decided in a closed
    session whose results are public and cited by the decision; the hackathon's
    application is in an open session whose jury of three disciplines reached its quorum,
    one member recused (a declared conflict)."""
    from inspir_events import demo_sessions
    from inspir_events.aid.cofunding import decisions
    from inspir_events.aid.cofunding.models import (
        ApplicationStatus,
        CofundingApplication,
        CofundingSession,
        SessionStatus,
    )
    from inspir_events.aid.jury import services as jury

    demo.seed()
    past = db.session.scalar(select(CofundingSession).where(
        CofundingSession.title == demo_sessions.PAST_SESSION))
    assert past.status == SessionStatus.CLOSED and past.published_at is not None
    (granted,) = past.applications
    assert granted.status == ApplicationStatus.GRANTED
    assert granted.jury_citation == ("Classement du jury : rang 1 sur 1, moyenne 3,9/5, "
                                         "écart 0,2, 3 membres, 3 disciplines.")
    results = client.get(f"/aid/sessions/{past.id}/results").get_data(as_text=True)
    assert "Rencontre santé et territoires" in results and "3,9" in results
    assert "Les aidants ont été associés" not in results  # no comment, no score
    current = db.session.scalar(select(CofundingSession).where(
        CofundingSession.title == demo_sessions.OPEN_SESSION))
    assert current.status == SessionStatus.OPEN and current.published_at is None
    (hackathon,) = current.applications
    assert hackathon.status == ApplicationStatus.SUBMITTED
    panel = jury.jury_of("cofunding_session", current.id)
    assert len({m.discipline for m in panel.members}) == 3
    row = jury.application_of("cofunding_session", current.id, hackathon.id)
    members = jury.member_scores(panel, "cofunding_session", row)
    assert [m.recused for m in members] == [False, False, True]
    result = jury.require_quorum("cofunding_session", current.id, hackathon.id)
    assert result.scorers == 2 and len(result.disciplines) == 2
    assert decisions.jury_citation(db.session.get(CofundingApplication, hackathon.id)) \
        .startswith("Classement du jury : rang 1 sur 1")
    assert client.get(f"/aid/sessions/{current.id}/results").status_code == 404
    listing = client.get("/aid/sessions").get_data(as_text=True)
    assert demo_sessions.PAST_SESSION in listing and demo_sessions.OPEN_SESSION not in listing


def test_demo_holds_conversations_and_a_comment_awaiting_the_moderators(client, db, login):
    """Issue 20 §1: a thread with a reply on the Sunday bus need, experience shared on the
    diffused project (on its store page), a question on an idea of the past meeting, and
    a reported comment in the moderators' queue; the cards count the comments."""
    from inspir_events.accounts.models import User
    from inspir_events.aid.projects.models import Project
    from inspir_events.aid.projects.stages import Stage
    from inspir_events.discussions.models import Comment, CommentReport

    assert demo.seed()
    bus = db.session.scalar(select(Need).where(Need.title.like("Un bus le dimanche%")))
    thread = db.session.scalars(select(Comment).where(
        Comment.subject_type == "need", Comment.subject_id == bus.id)).all()
    assert len(thread) == 4 and sum(1 for c in thread if c.parent_id) == 1
    page = client.get(f"/needs/{bus.id}").get_data(as_text=True)
    assert "Friville-Escarbotin" in page and "(4 commentaires)" in page
    diffused = db.session.scalar(select(Project).where(Project.stage == Stage.DIFFUSION))
    store = client.get(f"/store/{diffused.id}").get_data(as_text=True)
    assert "six aidants à Roubaix" in store and "même questionnaire" in store
    assert db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.subject_type == "idea")) == 1
    assert "4 commentaires" in client.get("/needs").get_data(as_text=True)
    [report] = db.session.scalars(select(CommentReport)).all()
    assert report.resolved_at is None
    login(db.session.scalar(select(User).where(User.email == f"comite@{demo.DEMO_DOMAIN}")),
          password=demo.DEMO_PASSWORD)
    queue = client.get("/moderation/needs").get_data(as_text=True)
    assert "Commentaires signalés (1)" in queue and "Vends vélo électrique" in queue
    assert client.get("/api/v1/comments").get_json()["total"] == 7


def test_demo_pictures_and_the_hackathons_budget_pdf(app, client, db, login):
    """Issue 20 §4: the hackathon, the diffused project and the structure carry a picture
    (shown with its text, served without the camera's data); the hackathon's application
    carries its budget as a PDF, which its organiser downloads."""
    import io

    from PIL import Image

    from inspir_events.accounts.models import User
    from inspir_events.aid.cofunding.models import ApplicationFile
    from inspir_events.uploads.models import Picture

    assert demo.seed()
    pictures = {p.subject_type: p for p in db.session.scalars(select(Picture))}
    assert set(pictures) == {"event", "project", "support_structure"}
    pages = {"event": f"/events/{pictures['event'].subject_id}",
             "project": f"/projects/{pictures['project'].subject_id}",
             "support_structure": f"/structures/{pictures['support_structure'].subject_id}"}
    for kind, path in pages.items():
        page = client.get(path).get_data(as_text=True)
        picture = pictures[kind]
        assert f"/media/{picture.largest['name']}" in page, path
        assert picture.alt.replace("'", "&#39;") in page
    served = client.get(f"/media/{pictures['event'].largest['name']}")
    image = Image.open(io.BytesIO(served.data))
    served.close()
    assert image.format == "JPEG" and not image.getexif()  # the camera's Artist is gone
    budget = db.session.scalar(select(ApplicationFile))
    assert budget.kind.value == "budget"
    organiser = db.session.scalar(select(User).where(User.email == f"orga@{demo.DEMO_DOMAIN}"))
    login(organiser, password=demo.DEMO_PASSWORD)
    response = client.get(f"/aid/applications/{budget.application_id}/files/budget")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-1.4")
    response.close()


def test_demo_search_finds_every_kind_and_ignores_accents(client, db):
    from inspir_events.accounts.models import User
    from inspir_events.events.models import Event

    assert demo.seed()
    structure = db.session.scalar(select(User).where(User.email.like("structure@%")))
    page = client.get("/search?q=ecologie").get_data(as_text=True)  # the bio says « écologie »
    assert f'href="/structures/{structure.id}"' in page and "<mark>écologie</mark>" in page
    covoiturage = client.get("/search?q=covoiturage").get_data(as_text=True)
    need = db.session.scalar(select(Need).where(Need.title.like("%covoiturage solidaire%")))
    assert f'href="/needs/{need.id}"' in covoiturage
    store = client.get("/search?q=aidants&kind=store").get_data(as_text=True)
    assert "Carnet de liaison pour les" in store and 'href="/store/' in store
    assert 'class="search-result"' in client.get("/search?q=hackathon&kind=event").get_data(
        as_text=True)
    draft = db.session.scalar(select(Event).where(Event.title.like("Groupe de travail%")))
    assert f'href="/events/{draft.id}"' not in client.get(
        "/search?q=culturelles").get_data(as_text=True)  # a draft is never found


def test_demo_territories_name_communes_and_fill_an_intercommunality(client, db):
    """Issue 20 §3: every demo need and event names its commune from the list; the board of
    the CA de Lens - Liévin shows the need of Lens and the one of Liévin, the statistics
    count the project of Liévin there, and the map on /needs counts the needs."""
    from inspir_events.aid.projects.models import Project
    from inspir_events.events.models import Event

    demo.seed()
    needs = db.session.scalars(select(Need)).all()
    assert all(n.commune_code and n.commune_row.department_code == n.department_code
               for n in needs)
    assert all(e.venue_commune_code for e in db.session.scalars(select(Event)))
    board = client.get("/needs/epci/246200364").get_data(as_text=True)
    assert "CA de Lens - Liévin" in board
    assert "Un accompagnement aux démarches en ligne près de chez soi" in board
    assert "2 besoins" in board
    project = db.session.scalar(select(Project).where(Project.commune_code == "62510"))
    assert project.qualification.value == "qualified"
    stats = client.get("/statistics").get_data(as_text=True)
    assert 'href="/needs/epci/246200364" translate="no">CA de Lens - Liévin</a>' in stats
    needs_page = client.get("/needs").get_data(as_text=True)
    in_62 = sum(1 for n in needs if n.department_code == "62" and n.is_public)
    assert in_62 == 3  # Lens, Arras and Liévin
    assert 'id="needs-map-table"' in needs_page
    assert f'<title>62 Pas-de-Calais : Besoins {in_62}</title>' in needs_page
