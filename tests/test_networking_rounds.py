"""Networking rounds in a coffee break: the organiser opens breakouts of mode "tables" on
the break; whoever is here and wants a table is drawn into tables of four (municipalities
mixed), one table per room, and the next round seats nobody with someone they met before;
whoever does not want one stays in the plenary."""

import functools
from dataclasses import replace
from itertools import combinations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from server.app import create_app
from server.domain.errors import DomainError
from server.services import breakouts, plenary
from server.store import conferences
from server.store.tables import Participant, RoomAssignment

from .helpers import join, organiser_cookie

SLUG = "kaffee"
TOWNS = ("Kiel", "Ulm", "Solingen", "Wolfsburg", "Bamberg", "Gera", "Haßfurt", "Zwönitz", "Lemgo")


def kaffee(tables: int = 3) -> str:
    rooms = "".join(
        f"  - slug: tisch-{n}\n    title: Tisch {n}\n    capacity: 5\n"
        f"    video_url: https://video.example.org/kaffee/tisch-{n}\n"
        "    prompts:\n      - key: notizen\n        title: Was nehmen wir mit?\n"
        for n in range(1, tables + 1)
    )
    return f"""\
slug: {SLUG}
code: KAFFEE
title: Regionalkonferenz mit Kaffeepause
date: "2022-07-06"
start: "09:00"
end: "16:00"
place: Volkswagen-Arena Wolfsburg
format: in_person
agenda:
  - start: "09:00"
    end: "10:00"
    title: Begrüßung
    kind: welcome
  - start: "10:00"
    end: "10:30"
    title: Kaffeepause
    kind: break
rooms:
{rooms}"""


@pytest.fixture
def client(settings, tmp_path):
    path = tmp_path / f"{SLUG}.yaml"
    path.write_text(kaffee(), encoding="utf-8")
    app = create_app(replace(settings, sessions_config=(path,)))
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def here(client: TestClient, settings, people: int, without_a_table: int = 0):
    """`people` participants (two per town) in the plenary, all but the last
    `without_a_table` of them wanting a table, and the organiser; returns a function that
    runs a networking round of `minutes` and gives its tables."""
    for n in range(people):
        cookie = join(client, f"Person {n}", slug=SLUG, organisation=TOWNS[n // 2])
        if n < people - without_a_table:
            chose = client.post(
                f"/c/{SLUG}/tables",
                data={"wanted": "yes"},
                headers={"cookie": cookie},
                follow_redirects=False,
            )
            assert chose.status_code == 303
    cookie = organiser_cookie(client, settings)
    client.cookies.clear()
    client.get(f"/c/{SLUG}", headers={"cookie": cookie})
    backends = client.app_state["runtime"].backends

    def read(session):
        conference = conferences.conference_by_slug(session, SLUG)
        rows = session.exec(select(Participant).where(Participant.conference_id == conference.id))
        people = [conferences.participant_by_id(session, row.id) for row in rows]
        items = {i.title: i.id for i in conferences.agenda_of(session, conference.id)}
        return conference, people, items

    conference, everyone, items = backends.database.run_read(read)
    organiser = next(p for p in everyone if p.organiser_id is not None)
    call = client.portal.call
    for person in everyone:
        if person.organiser_id is None:
            call(
                functools.partial(breakouts.arrive, socket_limit=5), backends, person, conference.id
            )
    call(plenary.move_agenda, backends, organiser, conference, str(items["Kaffeepause"]), None)

    def round_of_tables(minutes: str = "10") -> list[set[int]]:
        call(
            breakouts.open_breakout, backends, organiser, conference, "tables", minutes, None, None
        )
        tables = backends.database.run_read(lambda s: _newest_tables(s))
        call(breakouts.close_breakout, backends, organiser, conference.id, None)
        return tables

    return round_of_tables, {p.id: p.organisation for p in everyone}


def _newest_tables(session) -> list[set[int]]:
    newest = session.exec(
        select(RoomAssignment.breakout_id).order_by(RoomAssignment.breakout_id.desc())
    ).first()
    tables: dict[int, set[int]] = {}
    for row in session.exec(select(RoomAssignment).where(RoomAssignment.breakout_id == newest)):
        tables.setdefault(row.room_id, set()).add(row.participant_id)
    return list(tables.values())


def test_a_coffee_break_round_draws_tables_of_four_that_mix_municipalities(client, settings):
    round_of_tables, towns = here(client, settings, people=9)

    tables = round_of_tables()

    assert sorted(len(table) for table in tables) in ([3, 3, 3], [4, 5])
    assert sum(len(table) for table in tables) == 9  # everyone here, nobody alone
    for table in tables:
        assert len({towns[pid] for pid in table}) == len(table)  # no two from one town


def test_the_next_round_seats_nobody_with_someone_they_met(client, settings):
    round_of_tables, _ = here(client, settings, people=9)

    first, second = round_of_tables(), round_of_tables()

    def pairs(tables):
        return {frozenset(p) for table in tables for p in combinations(sorted(table), 2)}

    assert pairs(first) and pairs(second)
    assert not pairs(first) & pairs(second)


def test_a_round_needs_a_room_for_every_table(settings, tmp_path):
    path = tmp_path / f"{SLUG}.yaml"
    path.write_text(kaffee(tables=1), encoding="utf-8")
    with TestClient(create_app(replace(settings, sessions_config=(path,)))) as client:
        round_of_tables, _ = here(client, settings, people=9)
        with pytest.raises(DomainError) as refused:
            round_of_tables()
    assert refused.value.code in ("tables_need_rooms", "table_too_big")


def test_whoever_does_not_want_a_table_stays_in_the_plenary(client, settings):
    round_of_tables, towns = here(client, settings, people=6, without_a_table=2)

    tables = round_of_tables()

    seated = {pid for table in tables for pid in table}
    assert len(seated) == 4 and [len(table) for table in tables] == [4]
    assert not {"Person 4", "Person 5"} & {_name(client, pid) for pid in seated}


def _name(client: TestClient, pid: int) -> str:
    database = client.app_state["runtime"].backends.database
    return database.run_read(lambda s: s.get(Participant, pid).display_name)


def test_the_lobby_says_whether_one_is_drawn_to_a_table_and_changes_it(client):
    cookie = join(client, "Anna", slug=SLUG)
    lobby = client.get(f"/c/{SLUG}", headers={"cookie": cookie}).text
    assert 'name="wanted" value="yes"' in lobby
    client.post(f"/c/{SLUG}/tables", data={"wanted": "yes"}, headers={"cookie": cookie})
    lobby = client.get(f"/c/{SLUG}", headers={"cookie": cookie}).text
    assert 'name="wanted" value="no"' in lobby
    client.cookies.clear()
    stranger = client.post(f"/c/{SLUG}/tables", data={"wanted": "yes"})
    assert stranger.status_code == 403
