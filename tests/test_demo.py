"""The demo tells the story on an empty database: needs across the region, with supports."""

from sqlalchemy import func, select

from inspir_events import demo
from inspir_events.needs.models import Need, NeedSupport


def test_demo_needs_cover_the_region_with_consistent_supports(db):
    assert demo.seed()
    needs = db.session.scalars(select(Need)).all()
    assert len(needs) == len(demo.DEMO_NEEDS)
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
    assert len(addressed) == 4  # the needs of the three published events
    listing = client.get("/events?labelled=1").get_data(as_text=True)
    assert "Hackathon des mobilités rurales" in listing
    assert "Groupe de travail données culturelles" not in client.get("/events").get_data(
        as_text=True)
