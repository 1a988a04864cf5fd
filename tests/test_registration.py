"""Registration before the event through the pages: the form, the personal link with its
seat or waitlist place, cancelling, the way into the live event on its day, and the
organiser's desk (numbers, moving, closing, allocating, the CSV)."""

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import select
from starlette.testclient import TestClient

from server.app import create_app
from server.services import plenary
from server.store import conferences, retention
from server.store.tables import Participant, Registration, RegistrationPlace
from server.views.environment import Views

from .helpers import organiser_cookie

SLUG = "werkstatt"


def werkstatt(allocation: str = "first_come", invitations: bool = True) -> str:
    """Two days, the second today, with two parallel workshops of one place each and a
    third without a room (no limit): the first people fill them, the next ones wait."""
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    yesterday = today - timedelta(days=1)
    codes = (
        "  invitations:\n"
        "    - code: KIEL2022\n      municipality: Landeshauptstadt Kiel\n"
        "    - code: ULM2022\n      municipality: Stadt Ulm\n"
        if invitations
        else ""
    )
    return f"""\
slug: {SLUG}
code: WERKSTATT
title: Werkstatt
date: "{yesterday}"
end_date: "{today}"
start: "08:00"
end: "20:00"
place: Virtuell
format: virtual
agenda:
  - start: "09:00"
    end: "10:00"
    title: Eröffnung
    kind: welcome
  - day: "{today}"
    start: "10:00"
    end: "12:00"
    title: Daten teilen
    kind: workshop
    track: Daten
    room: daten
  - day: "{today}"
    start: "10:00"
    end: "12:00"
    title: Klima handeln
    kind: workshop
    track: Klima
    room: klima
  - day: "{today}"
    start: "10:00"
    end: "12:00"
    title: Offene Runde
    kind: workshop
    track: Offen
rooms:
  - slug: daten
    title: Daten
    capacity: 1
    prompts:
      - key: ideen
        title: Ideen
  - slug: klima
    title: Klima
    capacity: 1
    prompts:
      - key: ideen
        title: Ideen
registration:
  allocation: {allocation}
{codes}"""


def app_with(settings, tmp_path, text: str) -> TestClient:
    path = tmp_path / f"{SLUG}.yaml"
    path.write_text(text, encoding="utf-8")
    return TestClient(create_app(replace(settings, sessions_config=(path,))), "http://testserver")


@pytest.fixture
def client(settings, tmp_path):
    with app_with(settings, tmp_path, werkstatt()) as test_client:
        yield test_client


def text(key: str, **params) -> str:
    return Views().translator("de")(key, **params)


def items(client: TestClient) -> dict[str, int]:
    def read(session):
        conference = conferences.conference_by_slug(session, SLUG)
        return {item.title: item.id for item in conferences.agenda_of(session, conference.id)}

    return client.app_state["runtime"].backends.database.run_read(read)


def register(client: TestClient, name: str, ranking: list[str], code="KIEL2022", **fields):
    """Fill in the form as a person would; the answer (not followed)."""
    ids = items(client)
    client.cookies.clear()
    form = {"name": name, "code": code, "consent": "yes", **fields}
    form["slot-0"] = [str(ids[title]) for title in ranking]
    return client.post(f"/c/{SLUG}/register", data=form, follow_redirects=False)


def personal_link(answer) -> str:
    assert answer.status_code == 303, answer.text
    return answer.headers["location"].removesuffix("?saved=1")


def test_people_register_with_ranked_workshops_get_a_seat_or_wait_and_move_up(client):
    anna = personal_link(register(client, "Anna", ["Daten teilen", "Klima handeln"]))
    ben = personal_link(register(client, "Ben", ["Daten teilen", "Klima handeln"]))
    cem = personal_link(register(client, "Cem", ["Daten teilen", "Klima handeln"], "ULM2022"))

    page = client.get(anna + "?saved=1")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert text("registration.saved") in page.text
    assert text("registration.seat", title="Daten teilen") in page.text
    assert "Landeshauptstadt Kiel" in page.text  # the code named the municipality
    assert text("registration.seat", title="Klima handeln") in client.get(ben).text
    waiting = client.get(cem).text
    assert text("registration.waiting_for", title="Daten teilen", position=1) in waiting
    assert text("registration.waiting_for", title="Klima handeln", position=1) in waiting

    refused = client.post(anna + "/cancel", data={}, follow_redirects=False)
    assert refused.status_code == 422
    assert text("errors.registration_cancel_unconfirmed") in refused.text
    cancelled = client.post(anna + "/cancel", data={"confirm": "yes"}, follow_redirects=False)
    assert cancelled.status_code == 303

    assert text("registration.cancelled") in client.get(anna).text
    moved_up = client.get(cem).text
    assert text("registration.seat", title="Daten teilen") in moved_up
    assert text("registration.waiting") not in moved_up


def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(client):
    answers = {
        "registration_code_unknown": register(client, "Anna", [], code="BERLIN1"),
        "registration_consent_missing": register(client, "Anna", [], consent=""),
        "registration_ranked_twice": register(client, "Anna", ["Klima handeln"] * 2),
        "name_missing": register(client, "  ", []),
    }
    for code, answer in answers.items():
        assert answer.status_code == 422, code
        assert text(f"errors.{code}").split("{")[0] in answer.text, code
    assert 'value="BERLIN1"' in answers["registration_code_unknown"].text
    assert (
        client.app_state["runtime"].backends.database.run_read(
            lambda s: s.exec(select(Registration)).all()
        )
        == []
    )


def test_a_personal_link_that_was_tampered_with_or_belongs_elsewhere_is_not_found(client):
    link = personal_link(register(client, "Anna", []))
    token = link.rsplit("/", 1)[1]
    forged = link[:-2] + ("AA" if not link.endswith("AA") else "BB")
    assert client.get(forged).status_code == 404
    elsewhere = f"/c/regionalkonferenz-mayen-koblenz-2022/registration/{token}"
    assert client.get(elsewhere).status_code == 404
    assert client.post(elsewhere + "/enter", follow_redirects=False).status_code == 404
    assert client.get(f"/c/{SLUG}/registration/nonsense").status_code == 404


def test_on_the_day_the_personal_link_opens_the_event_and_lands_in_the_running_workshop(
    client, settings
):
    link = personal_link(register(client, "Anna", ["Klima handeln"]))
    client.cookies.clear()
    outside = client.post(link + "/enter", follow_redirects=False)
    assert outside.headers["location"] == f"/c/{SLUG}"  # no workshop runs yet

    move_agenda_to(client, settings, "Daten teilen")  # the slot's first item: it runs now
    client.cookies.clear()
    inside = client.post(link + "/enter", follow_redirects=False)
    assert inside.headers["location"] == f"/c/{SLUG}/rooms/klima"
    room = client.get(inside.headers["location"])
    assert room.status_code == 200 and "Klima" in room.text

    people = client.app_state["runtime"].backends.database.run_read(
        lambda s: s.exec(select(Participant).where(Participant.display_name == "Anna")).all()
    )
    assert len(people) == 1  # the second entry is the same participant


def move_agenda_to(client: TestClient, settings, title: str) -> None:
    """The organiser opens the conference and moves the programme to `title`."""
    cookie = organiser_cookie(client, settings)
    client.cookies.clear()
    assert client.get(f"/c/{SLUG}", headers={"cookie": cookie}).status_code == 200
    backends = client.app_state["runtime"].backends

    def read(session):
        organiser = session.exec(
            select(Participant.id).where(Participant.organiser_id.is_not(None))
        ).one()
        return (
            conferences.conference_by_slug(session, SLUG),
            conferences.participant_by_id(session, organiser),
        )

    conference, organiser = backends.database.run_read(read)
    target = str(items(client)[title])
    client.portal.call(plenary.move_agenda, backends, organiser, conference, target, None)


def test_the_organiser_sees_numbers_moves_cancels_closes_and_exports(client, settings):
    register(client, '=HYPERLINK("http://x")', ["Daten teilen"])
    register(client, "Ben", ["Daten teilen"], accessibility="Untertitel")
    register(client, "Cem", ["Klima handeln"], code="ULM2022")
    cookie = organiser_cookie(client, settings)
    desk = f"/console/{SLUG}/registrations"

    page = client.get(desk, headers={"cookie": cookie})
    assert page.status_code == 200
    assert Views().translator("de").plural("registrations.count", 3) in page.text
    numbers = re.findall(r"<td>(\d+(?: / \d+)?)</td>", page.text)
    assert numbers[:6] == ["1 / 1", "1", "0", "1 / 1", "0", "0"]  # Daten, Klima
    assert "Untertitel" in page.text

    ben_id = registration_id(client, "Ben")
    ids = items(client)
    full = client.post(
        f"{desk}/{ben_id}/move",
        data={"workshop": str(ids["Klima handeln"])},
        headers={"cookie": cookie},
        follow_redirects=False,
    )
    assert full.status_code == 422 and text("errors.registration_workshop_full") in full.text
    moved = client.post(
        f"{desk}/{ben_id}/move",
        data={"workshop": str(ids["Offene Runde"])},
        headers={"cookie": cookie},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    cancelled = client.post(
        f"{desk}/{registration_id(client, 'Cem')}/cancel",
        headers={"cookie": cookie},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303

    closed = client.post(
        f"{desk}/open", data={"open": "no"}, headers={"cookie": cookie}, follow_redirects=False
    )
    assert closed.status_code == 303
    client.cookies.clear()
    assert text("register.closed") in client.get(f"/c/{SLUG}/register").text
    late = register(client, "Dora", [])
    assert late.status_code == 422 and text("errors.registration_closed") in late.text

    exported = client.get(f"{desk}.csv", headers={"cookie": cookie})
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(exported.text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:2] == [text("registrations.csv.name"), text("registrations.csv.organisation")]
    by_name = {row[0]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in by_name  # a formula is defused
    assert by_name["Ben"][-1] == text("registrations.csv.seat", workshops="Offene Runde")
    assert by_name["Cem"][6]  # cancelled on
    assert by_name["Cem"][2] == "Stadt Ulm"


def registration_id(client: TestClient, name: str) -> int:
    return client.app_state["runtime"].backends.database.run_read(
        lambda s: s.exec(select(Registration.id).where(Registration.name == name)).one()
    )


def test_strangers_do_not_see_the_desk(client):
    client.cookies.clear()
    answer = client.get(f"/console/{SLUG}/registrations", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert client.post(f"/console/{SLUG}/registrations/allocate").status_code == 403


def test_wishes_wait_for_the_organisers_allocation_by_preference(settings, tmp_path):
    with app_with(settings, tmp_path, werkstatt("preferences", invitations=False)) as client:
        anna = personal_link(register(client, "Anna", ["Daten teilen", "Klima handeln"], code=""))
        ben = personal_link(register(client, "Ben", ["Daten teilen"], code=""))
        cem = personal_link(register(client, "Cem", ["Daten teilen"], code=""))
        wished = client.get(anna).text
        assert text("registration.wished", titles="Daten teilen, Klima handeln") in wished

        cookie = organiser_cookie(client, settings)
        desk = f"/console/{SLUG}/registrations"
        assert client.post(f"{desk}/allocate", headers={"cookie": cookie}).status_code == 200

        # Only Anna can take Klima: she does, so one of Ben and Cem gets Daten.
        assert text("registration.seat", title="Klima handeln") in client.get(anna).text
        seated = [
            text("registration.seat", title="Daten teilen") in client.get(link).text
            for link in (ben, cem)
        ]
        assert sorted(seated) == [False, True]
        late = personal_link(register(client, "Dora", ["Offene Runde"], code=""))
        assert text("registration.seat", title="Offene Runde") in client.get(late).text


def test_the_join_page_points_to_the_registration_while_it_is_open(client):
    client.cookies.clear()
    page = client.get(f"/c/{SLUG}")
    assert f'href="/c/{SLUG}/register"' in page.text
    assert client.get("/c/regionalkonferenz-mayen-koblenz-2022/register").status_code == 404


def test_a_script_cannot_fill_the_workshops_with_made_up_people(settings, tmp_path):
    """Registrations count against the address's "join" limit; what was refused for what
    was typed does not count."""
    limited = replace(settings, rate_limits={**settings.rate_limits, "join": "2 per minute"})
    with app_with(limited, tmp_path, werkstatt()) as client:
        assert register(client, "Anna", [], code="NOPE").status_code == 422
        assert register(client, "Anna", ["Daten teilen"]).status_code == 303
        assert register(client, "Ben", ["Klima handeln"]).status_code == 303
        flood = register(client, "Bot", ["Offene Runde"])
        assert flood.status_code == 429 and int(flood.headers["retry-after"]) > 0
        assert 'value="Bot"' in flood.text  # the form as typed


def test_purging_the_conference_deletes_its_registrations_and_their_places(client):
    register(client, "Anna", ["Daten teilen"], accessibility="Gebärdensprache")
    database = client.app_state["runtime"].backends.database

    def purge(session):
        conference = conferences.conference_by_slug(session, SLUG)
        return retention.purge(session, conference.id, lambda n: f"Person {n}", datetime.now(UTC))

    counts = database.run_write(purge)

    assert counts.registrations == 1
    assert database.run_read(lambda s: s.exec(select(Registration)).all()) == []
    assert database.run_read(lambda s: s.exec(select(RegistrationPlace)).all()) == []


def test_the_personal_programme_and_calendar_hold_only_the_workshops_with_a_seat(client):
    link = personal_link(register(client, "Anna", ["Klima handeln"]))

    page = client.get(link).text
    titles = re.findall(r'<strong class="agenda-title">([^<]+)</strong>', page)
    assert titles == ["Eröffnung", "Klima handeln"]
    calendar = Calendar.from_ical(client.get(link + "/calendar.ics").content)
    assert [str(event["SUMMARY"]) for event in calendar.events] == titles


def test_the_whole_report_says_how_many_registered(client, settings):
    register(client, "Anna", ["Daten teilen"])
    link = personal_link(register(client, "Ben", ["Klima handeln"]))
    client.post(link + "/cancel", data={"confirm": "yes"})
    organiser = organiser_cookie(client, settings)

    report = client.get(
        f"/console/{SLUG}/exports/download",
        params={"format": "html"},
        headers={"cookie": organiser},
    )

    assert report.status_code == 200
    assert Views().translator("de").plural("export.report.registered", 1) in report.text


def test_the_organiser_takes_late_registrations_for_a_conference_past_its_dates(client, settings):
    """The shipped congress of 2022: closed by its dates until the organiser opens it."""
    congress = "/c/mpsc-kongress-2022/register"
    client.cookies.clear()
    assert text("register.closed") in client.get(congress).text
    cookie = organiser_cookie(client, settings)
    opened = client.post(
        "/console/mpsc-kongress-2022/registrations/open",
        data={"open": "yes"},
        headers={"cookie": cookie},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    client.cookies.clear()
    form = client.get(congress).text
    assert text("register.code_label") in form and "Strategie und Umsetzung" in form
