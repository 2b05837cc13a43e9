"""Following (issue 17 §4): a button on the page of a need, an event, a project and a
support structure (a form without JavaScript, JSON for the script that toggles it in
place); what one follows listed on the profile, each with a button to stop; supporting a
need follows it; the table in the personal data (export, deletion)."""

from __future__ import annotations

import html

import pytest

from inspir_events.accounts import privacy
from inspir_events.accounts.models import Role
from inspir_events.follows import services
from inspir_events.needs import services as needs
from inspir_events.needs.rules import Visibility
from tests.conftest import PASSWORD

JSON = {"Accept": "application/json"}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def follow_url(subject_type: str, subject_id: int) -> str:
    return f"/follow/{subject_type}/{subject_id}"


@pytest.fixture
def reader(make_user, login):
    """A citizen signed in on ``client``."""
    user = make_user(display_name="Karim Lecteur")
    login(user)
    return user


def test_without_javascript_the_button_follows_and_the_page_comes_back_saying_so(
        client, make_need, reader, followed):
    need = make_need(title="Un bus le dimanche")
    page = f"/needs/{need.id}"
    button = text_of(client.get(page))
    assert f'action="{follow_url("need", need.id)}"' in button
    assert 'name="following" value="1"' in button and 'aria-pressed="false"' in button

    response = client.post_form(follow_url("need", need.id), {"following": "1"},
                                token_from=page, headers={"Referer": "http://localhost" + page})
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert followed(reader) == {("need", need.id)}
    after = text_of(client.get(page))
    assert "You follow it" in after or "Vous le suivez" in after
    assert 'name="following" value="0"' in after and 'aria-pressed="true"' in after

    client.post_form(follow_url("need", need.id), {"following": "0"}, token_from=page)
    assert followed(reader) == set()


def test_with_javascript_the_button_gets_json_and_twice_is_one_follow(client, make_need,
                                                                      reader, followed):
    need = make_need()
    for _ in range(2):
        response = client.post_form(follow_url("need", need.id), {"following": "1"},
                                    headers=JSON)
        assert response.status_code == 200 and response.get_json() == {"following": True}
    assert followed(reader) == {("need", need.id)}
    response = client.post_form(follow_url("need", need.id), {"following": "0"}, headers=JSON)
    assert response.get_json() == {"following": False}
    assert followed(reader) == set()


def test_each_kind_of_subject_is_followed_from_its_page(client, db, make_need, make_event,
                                                        make_project, support_structure,
                                                        reader, followed):
    need = make_need()
    event = make_event()
    project = make_project("diffusion")
    pages = {("need", need.id): f"/needs/{need.id}",
             ("event", event.id): f"/events/{event.id}",
             ("project", project.id): f"/projects/{project.id}",
             ("support_structure", support_structure.id): f"/structures/{support_structure.id}"}
    for (kind, subject_id), page in pages.items():
        assert f'action="{follow_url(kind, subject_id)}"' in text_of(client.get(page)), page
        response = client.post_form(follow_url(kind, subject_id), {"following": "1"},
                                    token_from=page)
        assert response.status_code == 302, (kind, response.status_code)
        assert 'aria-pressed="true"' in text_of(client.get(page)), page  # its page says so
    # The store's page of the project shows the same button, pressed.
    lineage = text_of(client.get(f"/store/{project.id}"))
    assert f'action="{follow_url("project", project.id)}"' in lineage
    assert 'aria-pressed="true"' in lineage
    assert followed(reader) == set(pages)


def test_what_a_visitor_may_not_see_cannot_be_followed(client, make_need, make_event,
                                                       make_project, make_user, reader,
                                                       followed):
    hidden = make_need(visibility=Visibility.HIDDEN)
    draft = make_event(published=False)
    proposal = make_project(None)  # awaiting the committee: not in the public lists
    citizen = make_user(display_name="Pas une structure")
    refused = [("need", hidden.id), ("event", draft.id), ("project", proposal.id),
               ("support_structure", citizen.id), ("need", 999_999), ("sandwich", 1)]
    for kind, subject_id in refused:
        response = client.post_form(follow_url(kind, subject_id), {"following": "1"})
        assert response.status_code == 404, (kind, response.status_code)
    assert followed(reader) == set()
    # A draft shows no button to its organiser either (it is not public).
    assert 'data-follow' not in text_of(client.get(f"/events/{draft.id}"))


def test_a_visitor_is_asked_to_sign_in(client, make_need):
    need = make_need()
    page = text_of(client.get(f"/needs/{need.id}"))
    assert "data-follow" not in page and "/login?next=" in page
    response = client.post_form(follow_url("need", need.id), {"following": "1"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_follow_without_its_choice_is_a_bad_request(client, make_need, reader, followed):
    need = make_need()
    response = client.post_form(follow_url("need", need.id), {"following": "yes"})
    assert response.status_code == 400
    assert followed(reader) == set()


def test_the_profile_lists_what_one_follows_with_a_button_to_stop(client, db, make_need,
                                                                  make_event, reader,
                                                                  followed):
    need = make_need(title="Des bancs le long du canal")
    event = make_event(title="Atelier des mobilités")
    services.set_following(reader, "need", need.id, True)
    services.set_following(reader, "event", event.id, True)
    profile = text_of(client.get("/profile"))
    assert "Des bancs le long du canal" in profile and "Atelier des mobilités" in profile
    assert f'href="/needs/{need.id}"' in profile and f'href="/events/{event.id}"' in profile

    # The need is hidden since: still listed (without its page), and can be unfollowed.
    db.session.get(type(need), need.id).visibility = Visibility.HIDDEN
    db.session.commit()
    profile = text_of(client.get("/profile"))
    assert "Des bancs le long du canal" not in profile
    assert f'action="{follow_url("need", need.id)}"' in profile
    response = client.post_form(follow_url("need", need.id), {"following": "0"},
                                token_from="/profile",
                                headers={"Referer": "http://localhost/profile"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    assert followed(reader) == {("event", event.id)}


def test_nothing_followed_says_how_to_follow(client, reader):
    profile = text_of(client.get("/profile"))
    assert 'id="follows-title"' in profile and "/profile/notifications" in profile


def test_supporting_a_need_follows_it_and_withdrawing_does_not_unfollow(client, make_need,
                                                                        reader, followed):
    need = make_need()
    client.post_form(f"/needs/{need.id}/support", {"supported": "1"})
    assert followed(reader) == {("need", need.id)}
    client.post_form(f"/needs/{need.id}/support", {"supported": "0"})
    assert followed(reader) == {("need", need.id)}  # still told what becomes of it
    # Unfollowed, supporting again follows it again.
    client.post_form(follow_url("need", need.id), {"following": "0"})
    assert followed(reader) == set()
    needs.set_support(reader, need.id, True)
    assert followed(reader) == {("need", need.id)}


def test_following_is_exported_and_deleted_with_the_account(db, make_need, make_user,
                                                            followed):
    need = make_need()
    person = make_user()
    services.set_following(person, "need", need.id, True)
    data = privacy.export_data(person)
    assert [(row["subject_type"], row["subject_id"]) for row in data["follows"]] == \
        [("need", need.id)]
    privacy.delete_account(person, PASSWORD)
    assert followed(person) == set()
    assert services.followers("need", need.id) == []


def test_followers_are_who_follow_a_subject(db, make_need, make_user):
    need, other = make_need(), make_need()
    people = [make_user() for _ in range(3)]
    for person in people[:2]:
        services.set_following(person, "need", need.id, True)
    services.set_following(people[2], "need", other.id, True)
    assert services.followers("need", need.id) == sorted(p.id for p in people[:2])
    assert services.is_following(people[0], "need", need.id)
    assert not services.is_following(people[2], "need", need.id)


def test_a_support_structure_is_followed_by_anyone_signed_in(client, make_user, login,
                                                             support_structure, followed):
    organiser = make_user(roles=(Role.ORGANISER,))
    login(organiser)
    response = client.post_form(follow_url("support_structure", support_structure.id),
                                {"following": "1"}, headers=JSON)
    assert response.get_json() == {"following": True}
    assert followed(organiser) == {("support_structure", support_structure.id)}
