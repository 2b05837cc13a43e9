"""The matrix's rows: each route's URL arguments, form and expected answers per role.

Answers are nine status codes in ``world.ROLES`` order:

    visitor citizen participant organiser other_organiser committee admin structure decider

``DEFAULTS[group]`` holds a group's usual answers per method; a row's ``get``/``post``
replace them for that route. Each non-obvious cell says why in a comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL = "200 200 200 200 200 200 200 200 200"

DEFAULTS = {
    # Anyone reads; signing in changes nothing.
    "public": {"GET": ALL},
    # Log-in and sign-up: for visitors; a signed-in user is sent on (302).
    "guest": {"GET": "200 302 302 302 302 302 302 302 302",
              "POST": "422 302 302 302 302 302 302 302 302"},
    # An account is needed: visitors are sent to log in (302), others served. A post
    # of an empty form is answered 422 where the form needs fields (overrides).
    "account": {"GET": "302 200 200 200 200 200 200 200 200",
                "POST": "302 302 302 302 302 302 302 302 302"},
    # Admin pages: admin only (403 for every other signed-in role).
    "admin": {"GET": "302 403 403 403 403 403 200 403 403",
              "POST": "302 403 403 403 403 403 302 403 403"},
    # Moderating needs: the committee and the admins.
    "moderation": {"GET": "302 403 403 403 403 200 200 403 403",
                   "POST": "302 403 403 403 403 302 302 403 403"},
    # Committee decisions (labels, the pipeline): committee only; the admin manages
    # envelopes and roles but decides nothing.
    "committee": {"GET": "302 403 403 403 403 200 403 403 403",
                  "POST": "302 403 403 403 403 302 403 403 403"},
    # Money: the committee, and a delegated envelope's decider for what the committee
    # entrusted to its envelope (the hackathon's application, in Amiens).
    "money": {"GET": "302 403 403 403 403 200 403 403 200",
              "POST": "302 403 403 403 403 302 403 403 302"},
    # The hackathon's organiser only (the other organiser's event is not theirs).
    "organiser": {"GET": "302 403 403 200 403 403 403 403 403",
                  "POST": "302 403 403 302 403 403 403 403 403"},
    # Acting in the hackathon: its confirmed participant only.
    "participant": {"GET": "302 403 200 403 403 403 403 403 403",
                    "POST": "302 403 302 403 403 403 403 403 403"},
    # Camille's own things (her need, her team, her idea): nobody in the matrix is Camille.
    "owner": {"GET": "302 403 403 403 403 403 403 403 403",
              "POST": "302 403 403 403 403 403 403 403 403"},
}
# Posting an empty form where the role is allowed: the form's errors (422).
EMPTY_FORM = "302 422 422 422 422 422 422 422 422"
NOBODY = "404 404 404 404 404 404 404 404 404"
GONE = "410 410 410 410 410 410 410 410 410"


@dataclass(frozen=True)
class Row:
    group: str
    args: dict[str, str] = field(default_factory=dict)  # URL argument -> world id name
    form: dict[str, str] = field(default_factory=dict)  # field -> value ("@name": an id)
    get: str | None = None
    post: str | None = None
    # For a post: a number read from the database before and after the request, and
    # the roles whose request must change it (every other role's must leave it alone).
    effect: str = ""
    changed_by: str = ""

    def data(self, ids: dict[str, int]) -> dict[str, str]:
        return {k: str(ids[v[1:]]) if v.startswith("@") else v for k, v in self.form.items()}


LITERAL = {"unknown": "nothing-here", "filename": "css/main.css", "code": "80",
           "decision": "accept"}


def url_values(row: Row, ids: dict[str, int]) -> dict[str, object]:
    values = {}
    for name, source in row.args.items():
        values[name] = source[1:] if source.startswith("=") else ids[source]
    return values


def expected_answers(row: Row, method: str) -> list[int]:
    text = (row.get if method == "GET" else row.post) or DEFAULTS[row.group][method]
    answers = [int(code) for code in text.split()]
    assert len(answers) == 9, (row, method)
    return answers


EV = {"event_id": "hackathon"}
SIGNED_IN = "citizen participant organiser other_organiser committee admin structure decider"
ENTRUSTED = "SELECT count(*) FROM cofunding_application WHERE envelope_id IS NOT NULL"
REFUSED = "SELECT count(*) FROM cofunding_application WHERE status = 'refused'"
# Issue 16: nobody decides on what they are party to (« déport »): 403 for all.
RECUSED = "302 403 403 403 403 403 403 403 403"
RECUSED_APP = {"application_id": "recused_application"}
OUTSIDE = {"application_id": "picardie_application"}  # in Picardie, entrusted to nobody
TEAM = {"team_id": "team"}
AID = {"grant_id": "followed_aid"}
PROJECT_AID = {"grant_id": "project_aid"}
SCHEDULED = "SELECT count(*) FROM aid_followup WHERE advance_percent IS NOT NULL"
PAID = "SELECT count(*) FROM aid_payment"
CALL = {"call_id": "call"}
CALL_APP = {"application_id": "call_application"}
JURY = {"subject_type": "=call", "subject_id": "call"}
SESSION = {"session_id": "open_session"}
SESSION_JURY = {"subject_type": "=cofunding_session", "subject_id": "open_session"}
# A session's scores: its jury (nobody of the matrix), the committee, the administrators.
JURY_READERS = "302 403 403 403 403 200 200 403 403"
IN_SESSION = "SELECT count(*) FROM cofunding_application WHERE session_id IS NOT NULL"
CLOSED_SESSIONS = "SELECT count(*) FROM cofunding_session WHERE status = 'closed'"

ROUTES: dict[str, Row] = {
    # ---- main, static, accounts
    "main.index": Row("public"),
    "main.healthz": Row("public"),
    "main.readyz": Row("public"),
    "main.help_index": Row("public"),
    "main.help_guide": Row("public", {"guide": "=comite"}),
    "main.accessibility": Row("public"),
    "main.set_language": Row("account", form={"language": "en"},
                             post="302 302 302 302 302 302 302 302 302"),
    "static": Row("public", {"filename": "=css/main.css"}),
    "accounts.login": Row("guest"),
    "accounts.signup": Row("guest"),
    "accounts.logout": Row("account"),
    "accounts.profile": Row("account", post=EMPTY_FORM),
    "accounts.change_password": Row("account", post=EMPTY_FORM),
    "accounts.export_page": Row("account"),
    # The download of one's own data is the answer itself.
    "accounts.export_download": Row("account", post="302 200 200 200 200 200 200 200 200"),
    # Deleting needs the password typed again: an empty form deletes nobody.
    "accounts.delete_account": Row("account", post=EMPTY_FORM,
                                   effect="SELECT count(*) FROM user_account"),
    "accounts.admin_users": Row("admin"),
    "audit.log": Row("admin"),  # the audit log: admins read it, nobody edits it
    "accounts.admin_set_roles": Row("admin", {"user_id": "citizen"}),
    # ---- addresses, password reset, the outbox (issue 17)
    "accounts.check_mailbox": Row("public"),
    # A link that is no more (forged here): its page says so, to anyone (410 Gone).
    "accounts.confirm_email_page": Row("public", {"token": "=x"}, get=GONE),
    "accounts.confirm_email": Row("public", {"token": "=x"}, post=GONE),
    # Everyone in the matrix is confirmed: nothing to send, back to the profile.
    "accounts.resend_confirmation": Row("account"),
    "accounts.change_email": Row("account", post=EMPTY_FORM),
    "accounts.forgot_password": Row("public", post="422 422 422 422 422 422 422 422 422"),
    "accounts.reset_sent": Row("public"),
    "accounts.reset_password": Row("public", {"token": "=x"}, get=GONE, post=GONE),
    # « Mes notifications »: one's own choices; an empty form misses every choice (422).
    "accounts.notification_preferences": Row("account", post=EMPTY_FORM,
                                             effect="SELECT count(*) FROM mail_preference"),
    "accounts.admin_mail": Row("admin"),
    # No such message to retry (404), for the admin only (the demo's story writes a few
    # messages: the id is past them).
    "accounts.admin_mail_retry": Row("admin", {"message_id": "=999999"},
                                     post="302 403 403 403 403 403 404 403 403"),
    # A forged unsubscribe link stops nothing, for anyone.
    "mail.unsubscribe_page": Row("public", {"token": "=x"}, get=NOBODY),
    "mail.unsubscribe": Row("public", {"token": "=x"}, post=NOBODY),
    # Development and tests write messages to files: their mailbox page is open.
    "mail.dev_mailbox": Row("public"),
    "mail.dev_message": Row("public", {"name": "=x"}, get=NOBODY),
    # ---- needs (Camille's need)
    "needs.board": Row("public"),
    "needs.export_csv": Row("public"),
    "needs.export_json": Row("public"),
    "needs.detail": Row("public", {"need_id": "need"}),
    "needs.edit": Row("owner", {"need_id": "need"}),
    "needs.withdraw": Row("owner", {"need_id": "need"},
                          effect="SELECT count(*) FROM need WHERE status = 'withdrawn'"),
    "needs.report": Row("account", {"need_id": "need"}, {"reason": "Hors sujet"}),
    # Everyone signed in supports; the participant and the organiser already did.
    "needs.support": Row("account", {"need_id": "need"}, {"supported": "1"},
                         effect="SELECT count(*) FROM need_support",
                         changed_by="citizen other_organiser committee admin structure "
                                    "decider"),
    # Following (issue 17 §4): anyone signed in follows the need; the participant and the
    # organiser support it, so they follow it already (supporting follows).
    "follows.follow": Row("account", {"subject_type": "=need", "subject_id": "need"},
                          {"following": "1"}, effect="SELECT count(*) FROM follow",
                          changed_by="citizen other_organiser committee admin structure "
                                     "decider"),
    # ---- discussions (issue 20 §1): Camille's reply on her need (nobody in the matrix is
    # Camille). Anyone signed in (and confirmed: all are) comments and reports; only its
    # author edits or deletes it; the committee and the admins moderate.
    "discussions.post": Row("account", {"subject_type": "=need", "subject_id": "need"},
                            {"body": "Bonjour"}, post="302 303 303 303 303 303 303 303 303",
                            effect="SELECT count(*) FROM comment",
                            changed_by=SIGNED_IN),
    "discussions.edit": Row("owner", {"comment_id": "comment"}, {"body": "Corrigé"},
                            effect="SELECT count(*) FROM comment WHERE body = 'Corrigé'"),
    "discussions.delete": Row("owner", {"comment_id": "comment"},
                              effect="SELECT count(*) FROM comment"),
    "discussions.report": Row("account", {"comment_id": "comment"}, {"reason": "Hors sujet"},
                              post="302 303 303 303 303 303 303 303 303",
                              effect="SELECT count(*) FROM comment_report",
                              changed_by=SIGNED_IN),
    "discussions.hide": Row("moderation", {"comment_id": "comment"}, {"reason": "Hors sujet"},
                            effect="SELECT count(*) FROM comment WHERE state = 'hidden'",
                            changed_by="committee admin"),
    "discussions.restore": Row("moderation", {"comment_id": "comment"}),
    "discussions.dismiss": Row("moderation", {"comment_id": "comment"}),
    "needs.mine": Row("account"),
    "needs.submit": Row("account", post=EMPTY_FORM),
    "needs.territory": Row("public", {"code": "=80"}),
    # An intercommunality's board (CA Amiens Métropole); the communes as one types.
    "needs.intercommunality": Row("public", {"siren": "=248000531"}),
    "territories.communes": Row("public"),
    "needs.theme": Row("public", {"code": "=transports"}),
    "needs.moderation": Row("moderation"),
    "needs.dismiss": Row("moderation", {"need_id": "need"}),
    "needs.hide": Row("moderation", {"need_id": "need"}, {"reason": "Test"},
                      effect="SELECT count(*) FROM need WHERE visibility = 'hidden'",
                      changed_by="committee admin"),
    "needs.restore": Row("moderation", {"need_id": "need"}),
    # ---- events (the hackathon, organised by the organiser)
    "events.listing": Row("public"),
    "events.feed_ics": Row("public"),
    "events.detail": Row("public", EV),
    "events.event_ics": Row("public", EV),
    "events.mine": Row("account"),
    # Declaring events: the organiser role (and the admin).
    "events.declare": Row("account", get="302 403 403 200 200 403 200 403 403",
                          post="302 403 403 422 422 403 422 403 403"),
    "events.edit": Row("organiser", EV, post="302 403 403 422 403 403 403 403 403"),
    "events.cancel": Row("organiser", EV),
    # The hackathon is published already: refused, back to its page (303, errors.on_refusal).
    "events.publish": Row("organiser", EV, post="302 403 403 303 403 403 403 403 403"),
    "events.label": Row("organiser", EV, post="302 403 403 422 403 403 403 403 403"),
    "events.add_organiser": Row("organiser", EV, {"email": "dev@demo.inspir.example"},
                                effect="SELECT count(*) FROM event_organiser",
                                changed_by="organiser"),
    "events.register": Row("account", EV, effect="SELECT count(*) FROM registration",
                           changed_by="citizen organiser other_organiser committee admin "
                                      "structure decider"),
    # Only the participant is registered: the others are refused, back to the event (303).
    "events.unregister": Row("account", EV, post="302 303 302 303 303 303 303 303 303"),
    "events.registrations": Row("organiser", EV),
    "events.registrations_csv": Row("organiser", EV),
    # The organisers cancel someone's registration: back to the list (303).
    "events.cancel_registration": Row(
        "organiser", {**EV, "registration_id": "registration"},
        post="302 403 403 303 403 403 403 403 403",
        effect="SELECT count(*) FROM registration WHERE status = 'cancelled'",
        changed_by="organiser"),
    # Check-in at the door (issue 17 §5): the organisers' page; a ticket's page and its
    # button, whose forged token the organiser is told is not valid (422).
    "events.check_in": Row("organiser", EV),
    "events.ticket": Row("organiser", {**EV, "token": "=x"},
                         get="302 403 403 422 403 403 403 403 403",
                         post="302 403 403 422 403 403 403 403 403"),
    # One's own ticket: only a confirmed participant has one (404 for everyone else).
    "events.ticket_png": Row("account", EV, get="302 404 200 404 404 404 404 404 404"),
    "events.attendance": Row("organiser", {**EV, "registration_id": "registration"},
                             {"attendance": "present"}),
    # A capability URL: whoever holds the token reads that feed.
    "events.private_ics": Row("public", {"token": "=matrix-private-feed-token-of-camille"}),
    # The new address is shown on the answer itself, once (only its hash is kept).
    "events.renew_token": Row("account", post="302 200 200 200 200 200 200 200 200"),
    "events.revoke_token": Row("account"),
    # ---- teams (Camille's team at the hackathon)
    "teams.index": Row("public", EV),
    "teams.export_csv": Row("organiser", EV),
    "teams.create": Row("participant", EV, post="302 403 422 403 403 403 403 403 403"),
    "teams.settings": Row("organiser", EV, post="302 403 403 422 403 403 403 403 403"),
    "teams.seeking": Row("participant", EV),
    "teams.detail": Row("public", TEAM),
    "teams.edit": Row("owner", TEAM),
    "teams.join": Row("participant", TEAM, {"message": "Bonjour"},
                      effect="SELECT (SELECT count(*) FROM team_member) "
                             "+ (SELECT count(*) FROM join_request)",
                      changed_by="participant"),
    # Nobody of the matrix is in Camille's team: leaving it changes nothing (refused, back
    # to the team: 303).
    "teams.leave": Row("account", TEAM, post="302 303 303 303 303 303 303 303 303",
                       effect="SELECT count(*) FROM team_member"),
    "teams.hand_over": Row("owner", {**TEAM, "user_id": "team_lead"}),
    "teams.remove": Row("owner", {**TEAM, "user_id": "team_lead"}),
    "teams.decide": Row("owner", {**TEAM, "request_id": "join_request",
                                  "decision": "=accept"},
                        effect="SELECT count(*) FROM team_member"),
    # ---- voting (an open round at the hackathon; the meeting's closed round)
    "voting.ideas": Row("public", EV),
    "voting.new_idea": Row("participant", EV, post="302 403 422 403 403 403 403 403 403"),
    "voting.idea": Row("public", {"idea_id": "idea"}),
    "voting.edit_idea": Row("owner", {"idea_id": "idea"}),
    # The rounds' page is public; creating one is the organiser's (a visitor: 403).
    "voting.rounds": Row("organiser", EV, get=ALL,
                         post="403 403 403 422 403 403 403 403 403"),
    "voting.round_page": Row("public", {"round_id": "open_round"}),
    # The organiser's round actions answer 303 (see other) to the round's page.
    "voting.open_round": Row("organiser", {"round_id": "open_round"},
                             post="302 403 403 303 403 403 403 403 403"),
    "voting.close_round": Row("organiser", {"round_id": "open_round"},
                              post="302 403 403 303 403 403 403 403 403",
                              effect="SELECT count(*) FROM voting_round "
                                     "WHERE status = 'closed'", changed_by="organiser"),
    # Answered by a redirect with the outcome for everyone; only the participant
    # confirmed at the hackathon has a vote stored.
    "voting.vote": Row("account", {"round_id": "open_round"}, {"idea_id": "@idea"},
                       post="302 303 303 303 303 303 303 303 303",
                       effect="SELECT count(*) FROM vote", changed_by="participant"),
    "voting.results": Row("public", {"round_id": "closed_round"}),
    "voting.results_csv": Row("public", {"round_id": "closed_round"}),
    "voting.confirm_winners": Row("organiser", {"round_id": "closed_round"}, {"k": "2"},
                                  post="302 403 403 303 403 403 403 403 403"),
    # ---- labels
    "labels.queue": Row("committee"),
    "labels.decide": Row("committee", {"request_id": "label_request"},
                         {"decision": "grant", "reason": "Conforme à la charte."},
                         effect="SELECT count(*) FROM label_request "
                                "WHERE status = 'granted'", changed_by="committee"),
    # ---- aid: applications (the hackathon's, in Picardie), envelopes, projects
    "aid.application": Row("organiser", EV),
    "aid.applications_queue": Row("money"),
    # Issue 20 §4: the application's PDFs. Its organisers send and remove them; the
    # hackathon's application is submitted, so a change is refused (409); an empty form
    # is the form's error (422).
    "aid.upload_file": Row("organiser", EV, post="302 403 403 422 403 403 403 403 403"),
    "aid.remove_file": Row("organiser", {**EV, "kind": "=budget"},
                           post="302 403 403 303 403 403 403 403 403",
                           effect="SELECT count(*) FROM application_file"),
    # Read by the applicant and the event's organisers (Olivier), the committee and the
    # decider it is entrusted to (Tiana); nobody else, and the admin neither.
    "aid.download_file": Row("money", {"application_id": "application", "kind": "=budget"},
                             get="302 403 403 200 403 200 403 403 200"),
    "aid.review": Row("money", {"application_id": "application"}),
    "aid.ask_changes": Row("money", {"application_id": "application"},
                           {"note": "Précisez le budget."}),
    "aid.grant": Row("money", {"application_id": "application"},
                     post="302 403 403 403 403 422 403 403 422",
                     effect="SELECT count(*) FROM aid_grant"),
    "aid.refuse": Row("money", {"application_id": "application"},
                      {"reason": "Hors critères."},
                      effect="SELECT count(*) FROM cofunding_application "
                             "WHERE status = 'refused'", changed_by="committee decider"),
    # Entrusting an application to a delegated envelope, taking it back: the Region's
    # committee only (the decider decides on it, but does not choose who decides).
    "aid.entrust": Row("money", {"application_id": "picardie_application"},
                       {"envelope": "@delegated_envelope"},
                       post="302 403 403 403 403 303 403 403 403", effect=ENTRUSTED,
                       changed_by="committee"),
    "aid.take_back": Row("money", {"application_id": "application"},
                         post="302 403 403 403 403 303 403 403 403", effect=ENTRUSTED,
                         changed_by="committee"),
    # Sessions of co-funding applications (issue 19 §2): the list and published results
    # are public; a session's page, its jury's page and scores are its jury's (no role
    # here) and the committee's, the administrators reading every jury's scores; only
    # the committee manages a session and its jury (an empty form: 422; closing a
    # session whose application awaits a decision, publishing an open one: refused and
    # flashed, 303, nothing changed); only the jury's members score (the committee is not).
    "aid.sessions_list": Row("public"),
    "aid.create_session": Row("committee", post="302 403 403 403 403 422 403 403 403",
                              effect="SELECT count(*) FROM cofunding_session"),
    "aid.session": Row("committee", SESSION, get=JURY_READERS),
    "aid.session_add": Row("committee", SESSION, {"add-application": "@loose_application"},
                           post="302 403 403 403 403 303 403 403 403", effect=IN_SESSION,
                           changed_by="committee"),
    "aid.session_remove": Row("committee", {**SESSION, "application_id": "application"},
                              post="302 403 403 403 403 303 403 403 403", effect=IN_SESSION,
                              changed_by="committee"),
    "aid.close_session": Row("committee", SESSION, post="302 403 403 403 403 303 403 403 403",
                             effect=CLOSED_SESSIONS),
    "aid.publish_session": Row("committee", SESSION,
                               post="302 403 403 403 403 303 403 403 403",
                               effect="SELECT count(*) FROM cofunding_session "
                                      "WHERE published_at IS NOT NULL"),
    "aid.session_results": Row("public", {"session_id": "past_session"}),
    "aid.session_application": Row("committee", {**SESSION, "application_id": "application"},
                                   get=JURY_READERS),
    # Public totals per envelope (decisions shown to the committee and admins only).
    # ---- calls for projects and their jury (issue 19)
    "aid.calls": Row("public"),
    "aid.call": Row("public", CALL),
    "aid.new_call": Row("committee", post="302 403 403 403 403 422 403 403 403"),
    "aid.edit_call": Row("committee", CALL, post="302 403 403 403 403 422 403 403 403"),
    # The demo's call is open: opening it again or publishing it is refused (flashed, 303).
    "aid.open_call": Row("committee", CALL, post="302 403 403 403 403 303 403 403 403"),
    "aid.close_call": Row("committee", CALL, post="302 403 403 403 403 303 403 403 403",
                          effect="SELECT count(*) FROM call WHERE status = 'closed'",
                          changed_by="committee"),
    "aid.publish_call": Row("committee", CALL, post="302 403 403 403 403 303 403 403 403",
                            effect="SELECT count(*) FROM call WHERE status = 'published'"),
    # The structure grant of the project in maturation: its support structure only (their
    # request is with the jury: nothing more to change, 409).
    "aid.call_apply": Row("committee", {**CALL, "project_id": "maturing", "kind": "=structure"},
                          get="302 403 403 403 403 403 403 200 403",
                          post="302 403 403 403 403 403 403 409 403",
                          effect="SELECT count(*) FROM call_application"),
    # Camille's request: its parties (the support structure), the jury (the committee
    # member sits on it), the committee and the admins read it.
    "aid.call_application": Row("committee", CALL_APP, get="302 403 403 403 403 200 200 200 403"),
    # Deciding: the committee only; an empty grant, refusal or request for changes is 422.
    "aid.call_grant": Row("committee", CALL_APP, post="302 403 403 403 403 422 403 403 403",
                          effect="SELECT count(*) FROM aid_grant"),
    "aid.call_refuse": Row("committee", CALL_APP, post="302 403 403 403 403 422 403 403 403"),
    "aid.call_changes": Row("committee", CALL_APP, post="302 403 403 403 403 422 403 403 403"),
    # The jury's pages: its members (the committee member sits on it), the committee and
    # the admins read the scores; the committee names the jury; its members score.
    "aid.jury": Row("committee", JURY, get="302 403 403 403 403 200 200 403 403"),
    "aid.jury_name_member": Row("committee", JURY, post="302 403 403 403 403 422 403 403 403"),
    "aid.jury_remove_member": Row("committee", {**JURY, "user_id": "jury_member"},
                                  post="302 403 403 403 403 303 403 403 403",
                                  effect="SELECT count(*) FROM jury_member",
                                  changed_by="committee"),
    "aid.jury_quorum": Row("committee", JURY, post="302 403 403 403 403 422 403 403 403"),
    "aid.jury_score": Row("committee", {**JURY, "application_id": "call_application"},
                          get="302 403 403 403 403 200 200 403 403"),
    "aid.jury_score_post": Row("committee", {**JURY, "application_id": "call_application"},
                               post="302 403 403 403 403 422 403 403 403",
                               effect="SELECT count(*) FROM jury_score"),
    "aid.envelopes": Row("public"),
    # Budget years (issue 16): every year's rules are public; only admins open or change
    # them (an empty form: its errors, 422; the year's rules change in its own test).
    "aid.years": Row("public"),
    "aid.open_year": Row("admin", post="302 403 403 403 403 403 422 403 403"),
    "aid.change_rules": Row("admin", {"year": "=2016"},
                            post="302 403 403 403 403 403 422 403 403"),
    "aid.delegate": Row("admin", post="302 403 403 403 403 403 422 403 403"),
    "aid.envelope_members": Row("admin", {"envelope_id": "delegated_envelope"},
                                post="302 403 403 403 403 403 422 403 403"),
    "aid.remove_envelope_member": Row("admin", {"envelope_id": "delegated_envelope",
                                                "user_id": "decider"},
                                      effect="SELECT count(*) FROM envelope_member",
                                      changed_by="admin"),
    "aid.subventions_csv": Row("public"),
    "aid.subventions_json": Row("public"),
    # The public simulator: without its amounts, a 400 for everyone.
    "aid.cofunding_check": Row("public", get="400 400 400 400 400 400 400 400 400"),
    "aid.grant_check": Row("public"),
    "aid.projects": Row("public"),
    "aid.project": Row("public", {"project_id": "experimented"}),
    "aid.propose_project": Row("account", post=EMPTY_FORM),
    # The project's details: its team, its support structure and the committee (303).
    "aid.project_details": Row("owner", {"project_id": "experimented"},
                               post="302 403 403 403 403 303 403 303 403"),
    # Money for a project: the committee and the decider of an envelope it can draw on
    # (the project is in the Aisne, Picardie); an empty form is refused (422).
    "aid.grant_project": Row("money", {"project_id": "experimented"},
                             post="302 403 403 403 403 422 403 403 422",
                             effect="SELECT count(*) FROM aid_grant"),
    "aid.move_project": Row("committee", {"project_id": "experimented"},
                            post="302 403 403 403 403 422 403 403 403"),
    "aid.qualify_project": Row("committee", {"project_id": "proposal"},
                               post="302 403 403 403 403 422 403 403 403"),
    # The organiser promotes their round's confirmed winners into the pipeline (where
    # the committee then qualifies them): the meeting is the organiser's.
    "aid.promote_winners": Row("organiser", {"round_id": "closed_round"},
                               post="302 403 403 303 403 403 403 403 403"),
    # ---- store and structures
    "store.catalogue": Row("public"),
    # ---- pictures (issue 20 §4): the hackathon's, changed by its organiser only (an
    # empty form misses the file and its text: 422; removing it: 303 and one row fewer).
    "pictures.edit": Row("organiser", {"subject_type": "=event", "subject_id": "hackathon"},
                         post="302 403 403 422 403 403 403 403 403"),
    "pictures.remove": Row("organiser", {"subject_type": "=event", "subject_id": "hackathon"},
                           post="302 403 403 303 403 403 403 403 403",
                           effect="SELECT count(*) FROM picture", changed_by="organiser"),
    # The pictures' files are public (a made-up name: not found, for everyone).
    "uploads.media": Row("public", {"name": "=" + "0" * 64 + ".png"}, get=NOBODY),
    # ---- the site's search (issue 20 §2): anyone searches, signed in or not.
    "search.search": Row("public"),
    # ---- aid: the follow-up (issue 19 §3). Everyone signed in has a list (their aid).
    "aid.followups": Row("account"),
    # The demo's aid paid in two parts: its beneficiary (the meeting's organiser) and the
    # committee read it; it is closed, so nothing more is scheduled or paid (409).
    "aid.followup": Row("money", AID, get="302 403 403 200 403 200 403 403 403"),
    "aid.followup_schedule": Row("money", AID, {"advance_percent": "50",
                                                "advance_on": "2026-01-05",
                                                "balance_on": "2026-06-05"},
                                 post="302 403 403 403 403 409 403 403 403",
                                 effect=SCHEDULED),
    "aid.followup_payment": Row("money", AID, {"part": "balance", "amount": "10",
                                               "paid_on": "2026-06-05"},
                                post="302 403 403 403 403 409 403 403 403", effect=PAID),
    # Its final report is accepted: its beneficiary no longer edits it (303 back to the
    # aid's page); nobody else files it.
    "aid.followup_report": Row("money", AID, {"action": "save"},
                               get="302 403 403 200 403 403 403 403 403",
                               post="302 403 403 303 403 403 403 403 403",
                               effect="SELECT count(*) FROM aid_report_expense"),
    # No report awaits the committee: 409 (the accept flashes it and goes back: 303).
    "aid.followup_accept": Row("money", AID, post="302 403 403 403 403 303 403 403 403",
                               effect="SELECT count(*) FROM aid_report "
                                      "WHERE status = 'accepted'"),
    "aid.followup_changes": Row("money", AID, {"note": "Les factures ?"},
                                post="302 403 403 403 403 409 403 403 403",
                                effect="SELECT count(*) FROM aid_report "
                                       "WHERE status = 'changes_requested'"),
    "store.lineage": Row("public", {"project_id": "diffused"}),
    "store.reproduce": Row("account", {"project_id": "diffused"},
                           {"message": "Chez nous aussi."}),
    # The structure accompanies the diffused project and is itself the structure
    # named: both label requests are theirs.
    "store.project_label_request": Row("owner", {"project_id": "diffused"},
                                       get="302 403 403 403 403 403 403 200 403",
                                       post="302 403 403 403 403 403 403 422 403"),
    "store.structure_list": Row("public"),
    "store.structure": Row("public", {"user_id": "structure"}),
    "store.structure_label": Row("owner", {"user_id": "structure"},
                                 get="302 403 403 403 403 403 403 200 403",
                                 post="302 403 403 403 403 403 403 422 403"),
    # ---- recusal: declaring a conflict of interest on what one may decide on (the
    # hackathon's application: the committee, and the decider it is entrusted to)
    "recusal.declare": Row("account", {"subject_type": "=cofunding_application",
                                       "subject_id": "application"},
                           {"reason": "Je connais l'association."},
                           post="302 403 403 403 403 303 403 403 303",
                           effect="SELECT count(*) FROM declared_conflict",
                           changed_by="committee decider"),
    # ---- notifications, statistics, open data, API
    "notifications.index": Row("account"),
    "notifications.mark_read": Row("account"),
    "stats.statistics": Row("public"),
    "api.open_data": Row("public"),
    "api.events_csv": Row("public"),
    "api.events_json": Row("public"),
    "api.store_csv": Row("public"),
    "api.store_json": Row("public"),
    "api.comments_csv": Row("public"),
    "api.comments_json": Row("public"),
    "api.comments": Row("public"),
    "api.unknown": Row("public", {"unknown": "=nothing-here"}, get=NOBODY),
    "api.openapi_document": Row("public"),
    "api.events": Row("public"),
    "api.event": Row("public", EV),
    "api.ideas": Row("public"),
    # The API shows the ideas of closed rounds only: the open round's idea is unknown.
    "api.idea": Row("public", {"idea_id": "idea"}, get=NOBODY),
    "api.needs": Row("public"),
    "api.need": Row("public", {"need_id": "need"}),
    "api.projects": Row("public"),
    "api.project": Row("public", {"project_id": "diffused"}),
    "api.statistics": Row("public"),
    "api.store": Row("public"),
    "api.store_entry": Row("public", {"project_id": "diffused"}),
}


# More objects for some routes: the same route on an object where other roles hold rights.
ALSO: dict[str, list[Row]] = {
    # The jury of a session of co-funding applications (issue 19 §2.1): the same pages
    # for the other juried subject.
    "aid.jury": [Row("committee", SESSION_JURY, get=JURY_READERS)],
    "aid.jury_name_member": [Row("committee", SESSION_JURY,
                                 post="302 403 403 403 403 422 403 403 403",
                                 effect="SELECT count(*) FROM jury_member")],
    "aid.jury_remove_member": [Row("committee", {**SESSION_JURY, "user_id": "juror"},
                                  post="302 403 403 403 403 303 403 403 403",
                                  effect="SELECT count(*) FROM jury_member",
                                  changed_by="committee")],
    "aid.jury_quorum": [Row("committee", SESSION_JURY,
                            post="302 403 403 403 403 422 403 403 403")],
    "aid.jury_score": [Row("committee", {**SESSION_JURY, "application_id": "application"},
                          get=JURY_READERS)],
    "aid.jury_score_post": [Row("owner", {**SESSION_JURY, "application_id": "application"},
                               effect="SELECT count(*) FROM jury_score")],
    # An application in Nord - Pas-de-Calais: outside the delegated (Picardie) envelope;
    # one in Picardie not entrusted to it (issue 16: the decider of a delegated envelope
    # refused, or sent back, any application of its region and year); one of an event
    # the committee member and the decider co-organise (issue 16: granting oneself the
    # co-funding): they see it, and decide nothing on it.
    "aid.review": [Row("committee", {"application_id": "npdc_application"}),
                   Row("committee", OUTSIDE),
                   Row("money", RECUSED_APP)],
    "aid.refuse": [Row("committee", {"application_id": "npdc_application"},
                       {"reason": "Hors critères."}, effect=REFUSED, changed_by="committee"),
                   Row("committee", OUTSIDE, {"reason": "Hors critères."}, effect=REFUSED,
                       changed_by="committee"),
                   Row("money", RECUSED_APP, {"reason": "Hors critères."}, post=RECUSED,
                       effect=REFUSED),
                   # Issue 19 §2: an application in no session of co-funding applications:
                   # nobody decides on it (409, nothing changed) before its jury scores it.
                   Row("committee", {"application_id": "loose_application"},
                       {"reason": "Hors critères."}, post="302 403 403 403 403 409 403 403 403",
                       effect=REFUSED)],
    "aid.ask_changes": [Row("committee", OUTSIDE, {"note": "Précisez le budget."}),
                        Row("money", RECUSED_APP, {"note": "Précisez le budget."},
                            post=RECUSED)],
    "aid.grant": [Row("committee", OUTSIDE, post="302 403 403 403 403 422 403 403 403"),
                  Row("money", RECUSED_APP, {"operating": "1 000"}, post=RECUSED,
                      effect="SELECT count(*) FROM aid_grant")],
    "aid.entrust": [Row("money", RECUSED_APP, {"envelope": "@delegated_envelope"},
                        post=RECUSED)],
    "aid.take_back": [Row("money", RECUSED_APP, post=RECUSED, effect=ENTRUSTED)],
    # A label request for that event: the committee member co-organises it.
    "labels.decide": [Row("committee", {"request_id": "recused_label"},
                          {"decision": "grant", "reason": "Conforme à la charte."},
                          post=RECUSED, effect="SELECT count(*) FROM label_request "
                                               "WHERE status = 'granted'")],
    # The project the committee member declared a conflict on (the decider, who may fund
    # it from the delegated envelope, is not recused: an empty form, 422), and their own
    # proposal.
    "aid.move_project": [Row("committee", {"project_id": "conflicted_project"},
                             {"move-target": "experimentation", "move-note": "On teste."},
                             post=RECUSED, effect="SELECT count(*) FROM project_move")],
    "aid.grant_project": [Row("money", {"project_id": "conflicted_project"},
                              post="302 403 403 403 403 403 403 403 422",
                              effect="SELECT count(*) FROM aid_grant")],
    "aid.qualify_project": [Row("committee", {"project_id": "own_proposal"},
                                {"qualify-decision": "qualify", "qualify-note": "Oui."},
                                post=RECUSED, effect="SELECT count(*) FROM project_move")],
    "aid.project": [Row("public", {"project_id": "conflicted_project"})],
    # Declaring on other kinds of subject: a label request (the committee), a project (the
    # committee, and the decider who may fund it); an unknown kind: 404.
    "recusal.declare": [
        Row("account", {"subject_type": "=label_request", "subject_id": "label_request"},
            {"reason": "Motif."}, post="302 403 403 403 403 303 403 403 403",
            effect="SELECT count(*) FROM declared_conflict", changed_by="committee"),
        Row("account", {"subject_type": "=project", "subject_id": "experimented"},
            {"reason": "Motif."}, post="302 403 403 403 403 303 403 403 303",
            effect="SELECT count(*) FROM declared_conflict", changed_by="committee decider"),
        Row("account", {"subject_type": "=sandwich", "subject_id": "application"},
            {"reason": "Motif."}, post="302 404 404 404 404 404 404 404 404")],
    # Following an event, a project in the store and a support structure: anyone signed
    # in; a proposal awaiting the committee (not public) is followed by nobody (404).
    # Comments on an idea of the hackathon (published) and a project in the store; an
    # unknown kind, and a proposal awaiting the committee (not public): 404 for all.
    "discussions.post": [
        Row("account", {"subject_type": "=idea", "subject_id": "idea"}, {"body": "Bonjour"},
            post="302 303 303 303 303 303 303 303 303", effect="SELECT count(*) FROM comment",
            changed_by=SIGNED_IN),
        Row("account", {"subject_type": "=project", "subject_id": "diffused"},
            {"body": "Bonjour"}, post="302 303 303 303 303 303 303 303 303",
            effect="SELECT count(*) FROM comment", changed_by=SIGNED_IN),
        Row("account", {"subject_type": "=sandwich", "subject_id": "need"},
            {"body": "Bonjour"}, post="302 404 404 404 404 404 404 404 404",
            effect="SELECT count(*) FROM comment"),
        Row("account", {"subject_type": "=project", "subject_id": "proposal"},
            {"body": "Bonjour"}, post="302 404 404 404 404 404 404 404 404",
            effect="SELECT count(*) FROM comment")],
    "follows.follow": [
        Row("account", {"subject_type": "=event", "subject_id": "hackathon"},
            {"following": "1"}, effect="SELECT count(*) FROM follow",
            changed_by="citizen participant organiser other_organiser committee admin "
                       "structure decider"),
        Row("account", {"subject_type": "=project", "subject_id": "diffused"},
            {"following": "1"}, effect="SELECT count(*) FROM follow",
            changed_by="citizen participant organiser other_organiser committee admin "
                       "structure decider"),
        Row("account", {"subject_type": "=support_structure", "subject_id": "structure"},
            {"following": "1"}, effect="SELECT count(*) FROM follow",
            changed_by="citizen participant organiser other_organiser committee admin "
                       "structure decider"),
        Row("account", {"subject_type": "=project", "subject_id": "proposal"},
            {"following": "1"}, post="302 404 404 404 404 404 404 404 404",
            effect="SELECT count(*) FROM follow"),
        Row("account", {"subject_type": "=sandwich", "subject_id": "need"},
            {"following": "1"}, post="302 404 404 404 404 404 404 404 404")],
    # The experimented project's grants, not yet scheduled (its team is in no column: the
    # committee alone reads them here); the committee schedules them (303); a payment
    # before the schedule is refused (409).
    "aid.followup": [Row("money", PROJECT_AID, get="302 403 403 403 403 200 403 403 403"),
                     # The structure's grant: the structure, the committee and the
                     # delegated envelope's decider (it was granted from that envelope).
                     Row("money", {"grant_id": "structure_aid"},
                         get="302 403 403 403 403 200 403 200 200")],
    "aid.followup_report": [Row("money", {"grant_id": "structure_aid"}, {"action": "save"},
                                get="302 403 403 403 403 403 403 200 403",
                                post="302 403 403 403 403 403 403 303 403",
                                effect="SELECT count(*) FROM aid_report",
                                changed_by="structure")],
    "aid.followup_schedule": [Row("money", PROJECT_AID, {"advance_percent": "50",
                                                         "advance_on": "2026-01-05",
                                                         "balance_on": "2026-06-05"},
                                  post="302 403 403 403 403 303 403 403 403",
                                  effect=SCHEDULED, changed_by="committee")],
    "aid.followup_payment": [Row("money", PROJECT_AID, {"part": "advance", "amount": "10",
                                                        "paid_on": "2026-06-05"},
                                 post="302 403 403 403 403 409 403 403 403", effect=PAID)],
    # The other organiser's event: now the organiser is the outsider.
    "api.idea": [Row("public", {"idea_id": "closed_idea"})],
    "events.edit": [Row("organiser", {"event_id": "other_event"},
                        get="302 403 403 403 200 403 403 403 403",
                        post="302 403 403 403 422 403 403 403 403")],
    "events.cancel": [Row("organiser", {"event_id": "other_event"},
                          post="302 403 403 403 302 403 403 403 403",
                          effect="SELECT count(*) FROM event WHERE status = 'cancelled'",
                          changed_by="other_organiser")],
}
