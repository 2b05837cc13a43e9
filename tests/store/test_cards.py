"""The store's cards are kept once rendered (store/cards.py): never stale.

Each test renders the store first, so that its cards are kept, then changes what a card
shows and reads the store again: the change shows at once, with no wait.
"""

from __future__ import annotations

from inspir_events.aid.projects.stages import Stage
from inspir_events.discussions.models import Comment
from inspir_events.discussions.rules import CommentState
from inspir_events.labels.charter import LabelStatus, SubjectType
from inspir_events.labels.models import LabelRequest
from inspir_events.store import cards as store_cards
from inspir_events.store import services
from inspir_events.timeutil import utcnow
from tests.pages import parse


def card(client, project_id: int, headers=None):
    """The project's card in the store (its first page), as parsed HTML."""
    response = client.get("/store", headers=headers or {})
    assert response.status_code == 200
    found = parse(response.get_data(as_text=True)).find(
        "article", aria_labelledby=f"store-{project_id}-title")
    assert found is not None
    return found


def test_a_kept_card_is_served_without_rendering_it_again(client, make_project, monkeypatch):
    project = make_project("Navette solidaire")
    first = str(card(client, project.id))
    rendered = []
    real = store_cards.render_template
    monkeypatch.setattr(store_cards, "render_template",
                        lambda *args, **kwargs: rendered.append(1) or real(*args, **kwargs))
    assert str(card(client, project.id)) == first
    assert rendered == []


def test_changes_show_at_once(client, db, make_project, reproducer, make_user):
    project = make_project("Navette solidaire", licence="MIT")
    card(client, project.id)  # rendered and kept
    project.title, project.licence = "Navette des villages", "CC-BY-4.0"
    db.session.commit()
    text = card(client, project.id).text
    assert "Navette des villages" in text and "CC-BY-4.0" in text and "MIT" not in text
    services.reproduce(reproducer, project.id, "Chez nous aussi")
    assert card(client, project.id).find("dd", class_="store-count").text == "1"
    db.session.add(Comment(subject_type="project", subject_id=project.id,
                           author_id=reproducer.id, body="Bravo.", content_html="<p>Bravo.</p>",
                           state=CommentState.PUBLIC, created_at=utcnow()))
    db.session.commit()
    assert card(client, project.id).find("dd", class_="comment-count").text == "1"
    project.stage = Stage.ABANDONNE
    db.session.commit()
    assert card(client, project.id).find("span", class_="store-stopped") is not None


def test_a_label_and_the_language_show_at_once(client, db, make_project, make_user):
    project = make_project("Navette solidaire")
    assert card(client, project.id).find("span", class_="label-badge") is None
    db.session.add(LabelRequest(
        subject_type=SubjectType.PROJECT, subject_id=project.id, subject_title=project.title,
        subject_url=f"/store/{project.id}", requested_by_id=make_user().id, answers={},
        status=LabelStatus.GRANTED))
    db.session.commit()
    assert card(client, project.id).find("span", class_="label-badge") is not None
    english = card(client, project.id, {"Accept-Language": "en"}).text
    assert "Territory" in english and "Territoire" not in english
    assert "Territoire" in card(client, project.id).text


def test_the_catalogue_reads_its_cards_labels_and_comments_with_its_projects(
        client, db, make_project, make_user, statements_run):
    """A store page is one statement of the store's own, whatever its number of cards:
    its projects each with its label and public comments, and their count (issue 21 §6;
    queries.catalogue_page)."""
    projects = [make_project(f"Navette solidaire {n}") for n in range(3)]
    labelled, commented = projects[0], projects[1]
    db.session.add(LabelRequest(
        subject_type=SubjectType.PROJECT, subject_id=labelled.id, subject_title="Navette",
        subject_url=f"/store/{labelled.id}", requested_by_id=make_user().id, answers={},
        status=LabelStatus.GRANTED))
    author = make_user()
    for state in (CommentState.PUBLIC, CommentState.PUBLIC, CommentState.HIDDEN):
        db.session.add(Comment(subject_type="project", subject_id=commented.id,
                               author_id=author.id, body="Bravo", content_html="<p>Bravo</p>",
                               state=state, created_at=utcnow()))
    db.session.commit()
    ids = (labelled.id, commented.id)
    client.get("/store")  # the reference rows, read once per process
    with statements_run() as seen:
        response = client.get("/store")
    assert response.status_code == 200
    assert not [s for s in seen if "FROM label_request" in s and "FROM project" not in s]
    assert not [s for s in seen if "FROM comment" in s and "FROM project" not in s]
    assert card(client, ids[0]).find("span", class_="label-badge") is not None
    assert card(client, ids[1]).find("span", class_="label-badge") is None
    assert card(client, ids[1]).find("dd", class_="comment-count").text == "2"
