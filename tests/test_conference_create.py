"""Organisers set up a conference in the console: like an earlier one, from a first
programme item, or from a conference file; checked by the file's rules, logged, and
nothing half-made when something is wrong."""

import json

import yaml
from lxml import html
from sqlmodel import select

from server.settings import PROJECT_ROOT
from server.store.database import Database
from server.store.tables import AgendaItem, Conference, PlenaryEvent, Room, RoomModerator

from .helpers import MYK, join, organiser_cookie

NEW, UPLOAD = "/console/conferences/new", "/console/conferences/upload"
BONN = "regionalkonferenz-bonn-2023"
DETAILS = {
    "title": "Regionalkonferenz Bonn",
    "slug": BONN,
    "code": "BONN2023",
    "date": "2023-05-10",
    "start": "09:30",
    "end": "13:30",
    "place": "Bonn",
    "format": "in_person",
    "language": "de",
}


def _conference(settings, slug: str):
    """(conference, agenda titles, room slugs, moderators, its log's events) or None."""
    database = Database(settings.database_url)
    try:
        with database.session() as s:
            found = s.exec(select(Conference).where(Conference.slug == slug)).first()
            if found is None:
                return None
            agenda = s.exec(
                select(AgendaItem.title)
                .where(AgendaItem.conference_id == found.id)
                .order_by(AgendaItem.position)
            ).all()
            rooms = s.exec(
                select(Room).where(Room.conference_id == found.id).order_by(Room.position)
            ).all()
            moderators = s.exec(
                select(RoomModerator).where(RoomModerator.room_id.in_([r.id for r in rooms]))
            ).all()
            events = s.exec(
                select(PlenaryEvent).where(PlenaryEvent.conference_id == found.id)
            ).all()
            return found, list(agenda), [r.slug for r in rooms], moderators, events
    finally:
        database.close()


def test_a_conference_like_an_earlier_one_has_its_rooms_and_programme_but_not_its_people(
    client, settings
):
    organiser = organiser_cookie(client, settings)
    console = html.fromstring(client.get("/console", headers={"cookie": organiser}).text)
    assert console.xpath("//a[.='Neue Konferenz anlegen']/@href") == [NEW]
    assert client.get(NEW, headers={"cookie": organiser}).status_code == 200

    made = client.post(
        NEW,
        data={**DETAILS, "template": MYK},
        headers={"cookie": organiser},
        follow_redirects=False,
    )

    assert made.status_code == 303
    assert made.headers["location"] == f"/console/{BONN}?saved=created"
    page = client.get(made.headers["location"], headers={"cookie": organiser}).text
    assert "Die Konferenz ist angelegt." in page
    conference, agenda, rooms, moderators, events = _conference(settings, BONN)
    _, myk_agenda, myk_rooms, _, _ = _conference(settings, MYK)
    assert (conference.title, conference.code, conference.place) == (
        "Regionalkonferenz Bonn",
        "BONN2023",
        "Bonn",
    )
    assert conference.subtitle is None
    assert agenda == myk_agenda and rooms == myk_rooms
    assert moderators == []
    (event,) = events
    assert json.loads(event.payload)["part"] == "template" and event.actor_id is not None
    client.cookies.clear()
    assert client.get(f"/c/{BONN}").status_code == 200  # people can join it


def test_a_conference_from_nothing_starts_with_a_welcome_in_its_first_quarter_hour(
    client, settings
):
    organiser = organiser_cookie(client, settings)
    english = {**DETAILS, "language": "en", "start": "09:00"}

    made = client.post(NEW, data=english, headers={"cookie": organiser}, follow_redirects=False)

    assert made.status_code == 303
    conference, agenda, rooms, _, _ = _conference(settings, BONN)
    assert agenda == ["Welcome"] and rooms == []
    database = Database(settings.database_url)
    with database.session() as s:
        item = s.exec(select(AgendaItem).where(AgendaItem.conference_id == conference.id)).one()
        assert (str(item.start), str(item.end), item.kind) == ("09:00:00", "09:15:00", "welcome")
    database.close()


def test_what_is_wrong_is_said_at_its_field_and_nothing_is_made(client, settings):
    organiser = organiser_cookie(client, settings)
    broken = {**DETAILS, "slug": "Bonn 2023", "code": "bonn", "template": ""}

    refused = client.post(NEW, data=broken, headers={"cookie": organiser})

    assert refused.status_code == 422
    page = html.fromstring(refused.text)
    for name in ("slug", "code"):
        assert page.get_element_by_id(f"field-{name}").get("aria-invalid") == "true"
    assert page.get_element_by_id("field-slug").get("value") == "Bonn 2023"  # kept
    assert _conference(settings, "Bonn 2023") is None

    # Taken, and a programme that does not fit the new day: said above the form.
    taken = client.post(
        NEW, data={**DETAILS, "code": "MYK2022", "template": MYK}, headers={"cookie": organiser}
    )
    assert taken.status_code == 422
    assert "Den Code MYK2022 hat schon eine andere Konferenz." in taken.text
    late = client.post(
        NEW, data={**DETAILS, "start": "10:00", "template": MYK}, headers={"cookie": organiser}
    )
    assert late.status_code == 422
    assert "agenda[0].start 09:30 liegt vor dem Beginn der Konferenz (10:00–13:30)" in late.text
    assert _conference(settings, BONN) is None


def _file(slug: str, **changes) -> bytes:
    source = PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data.update(slug=slug, **changes)
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_a_file_uploaded_sets_up_a_new_conference_or_changes_the_one_it_names(client, settings):
    organiser = organiser_cookie(client, settings)
    new = _file(BONN, code="BONN2023", title="Bonn aus der Datei")

    made = client.post(
        UPLOAD,
        files={"file": (f"{BONN}.yaml", new, "application/yaml")},
        headers={"cookie": organiser},
        follow_redirects=False,
    )

    assert made.headers["location"] == f"/console/{BONN}?saved=created"
    assert _conference(settings, BONN)[0].title == "Bonn aus der Datei"

    changed = _file(MYK, title="Mayen-Koblenz aus der Datei")
    replaced = client.post(
        UPLOAD,
        files={"file": (f"{MYK}.yaml", changed, "application/yaml")},
        headers={"cookie": organiser},
        follow_redirects=False,
    )
    assert replaced.headers["location"] == f"/console/{MYK}?saved=file"
    conference, _, _, _, events = _conference(settings, MYK)
    assert conference.title == "Mayen-Koblenz aus der Datei"
    assert [json.loads(e.payload)["fields"] for e in events] == [["title"]]


def test_a_broken_file_is_named_with_its_line_in_german_and_changes_nothing(client, settings):
    organiser = organiser_cookie(client, settings)
    broken = _file(MYK).replace(b"capacity: 60", b"capacity: viele", 1)

    refused = client.post(
        UPLOAD,
        files={"file": (f"{MYK}.yaml", broken, "application/yaml")},
        headers={"cookie": organiser},
    )

    assert refused.status_code == 422
    summary = " ".join(html.fromstring(refused.text).get_element_by_id("form-errors").itertext())
    assert f"{MYK}.yaml:" in summary
    assert "capacity muss eine positive ganze Zahl sein, gefunden: 'viele'" in summary
    wrong_name = client.post(
        UPLOAD,
        files={"file": ("bonn.yaml", _file(BONN, code="BONN2023"), "application/yaml")},
        headers={"cookie": organiser},
    )
    assert wrong_name.status_code == 422
    assert _conference(settings, BONN) is None
    assert _conference(settings, MYK)[4] == []  # no event: nothing changed


def test_participants_and_strangers_set_up_nothing(client, settings):
    anna = join(client, "Anna")
    client.cookies.clear()
    for cookie in (anna, ""):
        assert (
            client.get(NEW, headers={"cookie": cookie}, follow_redirects=False).status_code == 303
        )
        assert client.post(NEW, data=DETAILS, headers={"cookie": cookie}).status_code == 403
        sent = client.post(
            UPLOAD,
            files={"file": (f"{BONN}.yaml", _file(BONN), "application/yaml")},
            headers={"cookie": cookie},
        )
        assert sent.status_code == 403
    assert _conference(settings, BONN) is None
