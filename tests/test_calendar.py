"""The programme as an iCalendar file: a participant's own from the lobby, the whole one
from the console; read back with icalendar as a calendar program would."""

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from sqlmodel import select
from starlette.testclient import TestClient

from server.app import create_app
from server.services import breakouts, plenary
from server.store import conferences
from server.store.records import AgendaRecord
from server.store.tables import Participant
from server.views.environment import Views

from .helpers import MYK, NARRATIVE, join, organiser_cookie, room_ids
from .test_conference_files import TWO_DAYS

BERLIN = ZoneInfo("Europe/Berlin")
# The two-day conference of the file tests, with a speaker and a second workshop room.
KONGRESS = (
    TWO_DAYS.replace(
        "    track: Inkubator Daten\n", "    speaker: Dana Daten\n    track: Inkubator Daten\n"
    ).replace(
        "    track: Inkubator Mobilität\n", "    track: Inkubator Mobilität\n    room: mobil\n"
    )
    + "  - slug: mobil\n    title: Mobilität und Verkehr\n    capacity: 20\n"
    + "    prompts:\n      - key: ideen\n        title: Ideen\n"
)


def _download(client: TestClient, path: str, cookie: str):
    client.cookies.clear()
    return client.get(path, headers={"cookie": cookie})


def _calendar(answer) -> Calendar:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    return Calendar.from_ical(answer.content)


def _events(calendar: Calendar) -> dict[str, Event]:
    return {str(event["SUMMARY"]): event for event in calendar.events}


def _text(language: str, key: str, **params) -> str:
    return Views().translator(language)(key, **params)


def _agenda(client: TestClient) -> list[AgendaRecord]:
    def read(session):
        return conferences.agenda_of(session, conferences.conference_by_slug(session, MYK).id)

    return client.app_state["runtime"].backends.database.run_read(read)


def test_a_participant_downloads_the_programme_in_the_conferences_time_zone(client):
    anna = join(client, "Anna")
    answer = _download(client, f"/c/{MYK}/calendar.ics", anna)

    calendar = _calendar(answer)
    assert answer.headers["content-disposition"] == f'attachment; filename="{MYK}.ics"'
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "Regionalkonferenz Mayen-Koblenz"
    assert calendar["X-WR-CALDESC"] == _text("de", "calendar.mine")
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    events = _events(calendar)
    assert list(events) == [item.title for item in _agenda(client)]
    keynote = events["Die digitale Stadt gestalten"]
    assert keynote.start == datetime(2022, 3, 22, 9, 50, tzinfo=BERLIN)
    assert keynote.end == datetime(2022, 3, 22, 10, 20, tzinfo=BERLIN)
    assert str(keynote.start.tzinfo) == "Europe/Berlin"
    assert keynote["DTSTAMP"] and keynote["UID"].endswith(f".{MYK}@plenum")
    description = str(keynote["DESCRIPTION"]).splitlines()
    assert description[:2] == [
        "Impulsvortrag",
        _text("de", "calendar.speaker", speaker="Christoph Walther, Urban Catalyst"),
    ]
    assert "Handreichung" in description[-1]
    assert keynote["URL"] == f"http://testserver/c/{MYK}"  # the plenary
    assert "LOCATION" not in keynote
    # Downloaded again: the same events, so a calendar program updates instead of adding.
    again = _calendar(_download(client, f"/c/{MYK}/calendar.ics", anna))
    assert [e["UID"] for e in again.events] == [e["UID"] for e in calendar.events]
    assert len({e["UID"] for e in calendar.events}) == len(calendar.events)


def test_the_lobby_links_to_the_calendar_file(client):
    join(client, "Anna")
    lobby = client.get(f"/c/{MYK}").text
    assert f'<a href="/c/{MYK}/calendar.ics" download>' in lobby


def test_without_joining_there_is_no_calendar(client):
    client.cookies.clear()
    answer = client.get(f"/c/{MYK}/calendar.ics")
    assert answer.status_code == 403
    assert "Bitte treten Sie der Konferenz zuerst bei." in answer.text
    assert client.get("/c/gibt-es-nicht/calendar.ics").status_code == 404


def test_an_english_participant_gets_the_file_in_english(client):
    join(client, "Ann")
    client.post("/language", data={"language": "en", "next": f"/c/{MYK}"})
    cookie = f"plenum_session={client.cookies['plenum_session']}"

    calendar = _calendar(_download(client, f"/c/{MYK}/calendar.ics", cookie))

    assert calendar["X-WR-CALDESC"] == _text("en", "calendar.mine")
    events = _events(calendar)
    assert str(events["Die digitale Stadt gestalten"]["DESCRIPTION"]).startswith("Keynote\n")
    assert str(events["Pause"]["DESCRIPTION"]) == "Break"


def test_the_organiser_downloads_the_whole_programme_from_the_console(client, settings):
    organiser = organiser_cookie(client, settings)
    page = _download(client, f"/console/{MYK}", organiser).text
    assert f'<a href="/console/{MYK}/calendar.ics" download>' in page

    answer = _download(client, f"/console/{MYK}/calendar.ics", organiser)

    calendar = _calendar(answer)
    assert answer.headers["content-disposition"] == f'attachment; filename="{MYK}.ics"'
    assert calendar["X-WR-CALDESC"] == _text("de", "calendar.whole")
    assert len(calendar.events) == len(_agenda(client))
    client.cookies.clear()
    refused = client.get(f"/console/{MYK}/calendar.ics", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


def test_a_participant_placed_in_a_room_finds_it_on_the_breakout(client, settings):
    organiser = organiser_cookie(client, settings)
    _download(client, f"/c/{MYK}", organiser)  # the organiser opens the conference
    anna = join(client, "Anna")
    before = _events(_calendar(_download(client, f"/c/{MYK}/calendar.ics", anna)))
    assert "LOCATION" not in before["Breakout Sessions"]
    end_breakout = _place(client, "Anna", room_ids(settings)[NARRATIVE])

    events = _events(_calendar(_download(client, f"/c/{MYK}/calendar.ics", anna)))

    breakout = events["Breakout Sessions"]
    assert breakout["LOCATION"] == "Narrative der Smart City"
    assert breakout["URL"] == f"http://testserver/c/{MYK}/rooms/{NARRATIVE}"
    assert _text("de", "calendar.your_room", room="Narrative der Smart City") in str(
        breakout["DESCRIPTION"]
    )
    assert "LOCATION" not in events["Ergebnisse aus den Breakout Sessions"]
    # The whole programme names nobody's room.
    whole = _events(_calendar(_download(client, f"/console/{MYK}/calendar.ics", organiser)))
    assert "LOCATION" not in whole["Breakout Sessions"]
    # Once the breakout is over, the room is no longer hers.
    end_breakout()
    after = _events(_calendar(_download(client, f"/c/{MYK}/calendar.ics", anna)))
    assert "LOCATION" not in after["Breakout Sessions"]


def _place(client: TestClient, name: str, room_id: int) -> Callable[[], object]:
    """`name` opens the plenary; the organiser moves the programme to the breakout, opens
    it for manual placement and puts them into the room (the services the live overview's
    commands call). Returns what ends the breakout."""
    backends = client.app_state["runtime"].backends

    def people(session):
        organiser = session.exec(
            select(Participant.id).where(Participant.organiser_id.is_not(None))
        )
        person = session.exec(select(Participant.id).where(Participant.display_name == name))
        return (
            conferences.conference_by_slug(session, MYK),
            conferences.participant_by_id(session, organiser.one()),
            conferences.participant_by_id(session, person.one()),
        )

    conference, organiser, person = backends.database.run_read(people)
    item = next(item.id for item in _agenda(client) if item.kind == "breakout")
    call = client.portal.call
    call(functools.partial(breakouts.arrive, socket_limit=5), backends, person, conference.id)
    call(plenary.move_agenda, backends, organiser, conference, str(item), None)
    call(breakouts.open_breakout, backends, organiser, conference, "manual", "30", None, None)
    call(breakouts.move_person, backends, organiser, conference, person.id, str(room_id), None)
    return lambda: call(breakouts.close_breakout, backends, organiser, conference.id, None)


@pytest.fixture
def kongress(settings, tmp_path):
    """The app with a conference of two days and two tracks as its only one."""
    path = tmp_path / "kongress.yaml"
    path.write_text(KONGRESS, encoding="utf-8")
    only = replace(settings, sessions_config=(path,))
    with TestClient(create_app(only), base_url="http://testserver") as test_client:
        yield test_client


def test_days_tracks_and_rooms_of_a_longer_conference(kongress):
    cookie = join(kongress, "Anna", slug="kongress")

    calendar = _calendar(_download(kongress, "/c/kongress/calendar.ics", cookie))

    events = _events(calendar)
    assert list(events) == ["Eröffnung", "Daten teilen", "Mobilität", "Rückblick"]
    data = events["Daten teilen"]
    assert data.start == datetime(2022, 4, 26, 14, 30, tzinfo=BERLIN)
    assert data["LOCATION"] == "Daten"
    assert data["URL"] == "http://testserver/c/kongress/rooms/daten"
    assert str(data["DESCRIPTION"]).splitlines() == [
        "Workshop",
        _text("de", "calendar.speaker", speaker="Dana Daten"),
        "Track: Inkubator Daten",
    ]
    assert events["Mobilität"]["LOCATION"] == "Mobilität und Verkehr"
    assert events["Mobilität"].start == data.start  # parallel, in another track
    second_day = events["Rückblick"]
    assert second_day.start == datetime(2022, 4, 27, 9, tzinfo=BERLIN)
    assert second_day.start.utcoffset().total_seconds() == 2 * 3600  # summer time
    assert "LOCATION" not in second_day
    assert second_day["URL"] == "http://testserver/c/kongress"
