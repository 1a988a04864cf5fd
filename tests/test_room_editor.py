"""The console's editor for breakout rooms: a room's details, board settings, prompts and
moderators are checked by the conference file's model, saved through the same sync and
logged; rooms are added at the end and removed only into the archive, cards and all; a
save never overwrites what someone else saved in the same room meanwhile."""

import json
from datetime import UTC, datetime

from lxml import html
from sqlmodel import select

from server.store.database import Database
from server.store.tables import BoardColumn, Card, Conference, Participant, PlenaryEvent, Room

from .helpers import MYK, STRATEGY, join, make_organiser, organiser_cookie, sign_in

ROOMS = f"/console/{MYK}/edit/rooms"
EDIT = f"{ROOMS}/{STRATEGY}"


def _form(page: str, name: str = "room-editor") -> dict[str, str]:
    """What the form would send as it stands (a checkbox only when ticked)."""
    form = html.fromstring(page).xpath(f"//form[contains(@class, '{name}')]")[0]
    return dict(form.form_values())


def _press(page: str, action: str, **changes) -> dict[str, str]:
    return {**_form(page), **changes, "action": action}


def _field(page: str, key: str):
    return html.fromstring(page).get_element_by_id(f"field-{key}")


def _summary(page: str) -> str:
    return " ".join(html.fromstring(page).get_element_by_id("form-errors").itertext())


def _read(settings, work):
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            conference = session.exec(select(Conference).where(Conference.slug == MYK)).one()
            return work(session, conference.id)
    finally:
        database.close()


def _room(settings, slug: str = STRATEGY) -> Room:
    return _read(
        settings,
        lambda s, cid: s.exec(
            select(Room).where(Room.conference_id == cid, Room.slug == slug)
        ).one(),
    )


def _rooms(settings) -> list[str]:
    """The slugs of the rooms people see, in order."""

    def work(s, cid):
        rows = s.exec(
            select(Room).where(Room.conference_id == cid, ~Room.archived).order_by(Room.position)
        )
        return [row.slug for row in rows]

    return _read(settings, work)


def _columns(settings, slug: str = STRATEGY) -> list[tuple[str, str, bool]]:
    """(key, title, archived) of the room's columns, the live ones in their order first."""
    room_id = _room(settings, slug).id
    rows = _read(
        settings,
        lambda s, _: s.exec(select(BoardColumn).where(BoardColumn.room_id == room_id)).all(),
    )
    rows = sorted(rows, key=lambda c: (c.archived, c.position))
    return [(c.key, c.title, c.archived) for c in rows]


def _edits(settings) -> list[dict]:
    rows = _read(
        settings,
        lambda s, cid: s.exec(
            select(PlenaryEvent.payload).where(
                PlenaryEvent.conference_id == cid, PlenaryEvent.type == "conference_edited"
            )
        ).all(),
    )
    return [json.loads(payload) for payload in rows]


def _card(settings, slug: str, key: str, text: str) -> int:
    """A card posted in the room's column `key`, by someone who joined."""
    database = Database(settings.database_url)

    def work(session):
        conference = session.exec(select(Conference).where(Conference.slug == MYK)).one()
        room = session.exec(
            select(Room).where(Room.conference_id == conference.id, Room.slug == slug)
        ).one()
        column = session.exec(
            select(BoardColumn).where(BoardColumn.room_id == room.id, BoardColumn.key == key)
        ).one()
        author = Participant(
            conference_id=conference.id, display_name="Anna", joined_at=datetime.now(UTC)
        )
        session.add(author)
        session.flush()
        card = Card(
            room_id=room.id,
            column_id=column.id,
            author_id=author.id,
            text=text,
            created_at=datetime.now(UTC),
        )
        session.add(card)
        session.flush()
        return card.id

    try:
        return database.run_write(work)
    finally:
        database.close()


def _two_organisers(client, settings) -> tuple[str, str]:
    olga = organiser_cookie(client, settings)
    make_organiser(settings, "ben", "Ben Orga")
    client.cookies.clear()
    assert sign_in(client, "ben").status_code == 303
    ben = f"plenum_session={client.cookies['plenum_session']}"
    client.cookies.clear()
    return olga, ben


def test_the_organiser_changes_a_rooms_title_capacity_and_board_and_the_log_says_which(
    client, settings
):
    organiser = organiser_cookie(client, settings)
    console = html.fromstring(client.get(f"/console/{MYK}", headers={"cookie": organiser}).text)
    assert console.xpath("//a[.='Räume bearbeiten']/@href") == [ROOMS]
    rooms = html.fromstring(client.get(ROOMS, headers={"cookie": organiser}).text)
    assert [li.get("id") for li in rooms.xpath("//ol[@class='editor-rooms']/li")] == [
        f"room-{slug}" for slug in _rooms(settings)
    ]
    page = client.get(EDIT, headers={"cookie": organiser}).text
    assert _field(page, "capacity").get("value") == "60"
    assert _field(page, "pre_moderation").get("checked") is None

    sent = {
        **_form(page),
        "title": "Strategie entwickeln",
        "capacity": "40",
        "vote_budget": "3",
        "max_votes_per_card": "1",
        "pre_moderation": "true",
    }
    saved = client.post(EDIT, data=sent, headers={"cookie": organiser}, follow_redirects=False)

    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{ROOMS}?saved=room"
    shown = client.get(saved.headers["location"], headers={"cookie": organiser}).text
    assert "Ihre Änderungen sind gespeichert." in shown and "Strategie entwickeln" in shown
    room = _room(settings)
    assert (room.title, room.capacity, room.vote_budget, room.max_votes_per_card) == (
        "Strategie entwickeln",
        40,
        3,
        1,
    )
    assert room.pre_moderation and room.vote_on_own_cards  # the box left ticked stays on
    (edit,) = _edits(settings)
    assert edit["part"] == f"room:{STRATEGY}"
    assert edit["fields"] == [
        "rooms[1].board.max_votes_per_card",
        "rooms[1].board.pre_moderation",
        "rooms[1].board.vote_budget",
        "rooms[1].capacity",
        "rooms[1].title",
    ]
    assert "Mia Orga hat Räume geändert" in client.get(EDIT, headers={"cookie": organiser}).text


def test_prompts_are_added_moved_and_removed_by_buttons_and_a_removed_ones_cards_stay(
    client, settings
):
    organiser = organiser_cookie(client, settings)
    card = _card(settings, STRATEGY, "beteiligung", "Bürgerrat")
    page = client.get(EDIT, headers={"cookie": organiser}).text
    assert 'name="prompts-1-key"' in page and 'id="field-prompts-1-key"' not in page  # kept

    added = client.post(EDIT, data=_press(page, "prompts-add"), headers={"cookie": organiser})
    key = _field(added.text, "prompts-4-key")
    assert key.get("autofocus") is not None and key.get("value") == ""
    filled = {"prompts-4-key": "ressourcen", "prompts-4-title": "Was brauchen wir dafür?"}
    moved = client.post(
        EDIT, data=_press(added.text, "prompts-up-4", **filled), headers={"cookie": organiser}
    )
    assert _field(moved.text, "prompts-3-title").get("value") == "Was brauchen wir dafür?"
    up = html.fromstring(moved.text).get_element_by_id("prompts-up-3")
    assert up.get("autofocus") is not None  # pressing again moves it on
    removed = client.post(
        EDIT, data=_press(moved.text, "prompts-remove-1"), headers={"cookie": organiser}
    )
    assert _columns(settings)[1][0] == "beteiligung"  # only the form changed so far

    saved = client.post(
        EDIT,
        data=_press(removed.text, "save"),
        headers={"cookie": organiser},
        follow_redirects=False,
    )

    assert saved.status_code == 303, saved.text
    assert _columns(settings) == [
        ("ziele", "Welche Ziele soll unsere Strategie verfolgen?", False),
        ("stolpersteine", "Was hat uns bisher gebremst?", False),
        ("ressourcen", "Was brauchen wir dafür?", False),
        ("naechste-schritte", "Was nehmen wir uns als Nächstes vor?", False),
        ("beteiligung", "Wie beteiligen wir Bürgerinnen und Bürger?", True),
    ]
    kept = _read(settings, lambda s, _: s.get(Card, card))
    assert kept is not None and kept.text == "Bürgerrat"


def test_broken_room_input_is_marked_at_its_fields_kept_and_nothing_is_saved(client, settings):
    organiser = organiser_cookie(client, settings)
    page = client.get(EDIT, headers={"cookie": organiser}).text
    added = client.post(EDIT, data=_press(page, "moderators-add"), headers={"cookie": organiser})
    assert _field(added.text, "moderators-2-name").get("autofocus") is not None
    sent = _press(
        added.text,
        "save",
        capacity="viele",
        max_votes_per_card="9",
        **{
            "prompts-2-title": " ",
            "moderators-2-name": "Lea Neu",
            "moderators-2-email": "lea",
        },
    )

    refused = client.post(EDIT, data=sent, headers={"cookie": organiser})

    assert refused.status_code == 422
    for key in ("capacity", "max_votes_per_card", "prompts-2-title", "moderators-2-email"):
        field = _field(refused.text, key)
        assert field.get("aria-invalid") == "true", key
        assert f"error-field-{key}" in field.get("aria-describedby").split()
    summary = _summary(refused.text)
    assert "Plätze muss eine positive ganze Zahl sein" in summary
    assert "Leitfrage 3: Frage darf nicht leer sein" in summary
    assert _field(refused.text, "capacity").get("value") == "viele"  # kept as typed
    assert _field(refused.text, "moderators-2-name").get("value") == "Lea Neu"
    assert _room(settings).capacity == 60
    assert _edits(settings) == []


def test_a_room_is_added_at_the_end_and_a_taken_short_name_gets_a_sentence(client, settings):
    organiser = organiser_cookie(client, settings)
    before = _rooms(settings)
    new = {
        "title": "Mobilität",
        "slug": STRATEGY,
        "capacity": "25",
        "prompt": "Wie kommen wir hin?",
    }

    taken = client.post(ROOMS, data=new, headers={"cookie": organiser})

    assert taken.status_code == 422
    slug = _field(taken.text, "slug")
    assert slug.get("aria-invalid") == "true" and slug.get("value") == STRATEGY
    assert "Den Kurznamen strategieentwicklung hat schon der Raum „Strategieentwicklung“." in (
        _summary(taken.text)
    )
    broken = client.post(
        ROOMS, data={**new, "slug": "mobilitaet", "capacity": "0"}, headers={"cookie": organiser}
    )
    assert broken.status_code == 422
    assert _field(broken.text, "capacity").get("aria-invalid") == "true"
    assert _rooms(settings) == before

    made = client.post(
        ROOMS,
        data={**new, "slug": "mobilitaet"},
        headers={"cookie": organiser},
        follow_redirects=False,
    )

    assert made.status_code == 303, made.text
    assert made.headers["location"] == f"{ROOMS}/mobilitaet?saved=added"
    editor = client.get(made.headers["location"], headers={"cookie": organiser}).text
    assert "Der Raum ist angelegt." in editor
    assert _rooms(settings) == [*before, "mobilitaet"]
    assert _columns(settings, "mobilitaet") == [
        ("wie-kommen-wir-hin", "Wie kommen wir hin?", False)
    ]
    added = _edits(settings)[-1]
    assert (added["part"], added["fields"]) == ("room:mobilitaet", ["rooms"])


def test_a_room_with_cards_is_archived_after_the_confirmation_and_keeps_them(client, settings):
    organiser = organiser_cookie(client, settings)
    card = _card(settings, STRATEGY, "ziele", "Klimaneutral bis 2035")
    rooms = html.fromstring(client.get(ROOMS, headers={"cookie": organiser}).text)
    (confirm,) = rooms.xpath(f"//li[@id='room-{STRATEGY}']//form/@action")

    asked = client.get(confirm, headers={"cookie": organiser})

    assert asked.status_code == 200
    assert "Der Raum „Strategieentwicklung“ enthält 1 Idee." in asked.text
    assert _rooms(settings).count(STRATEGY) == 1  # asking changes nothing
    removed = client.post(confirm, headers={"cookie": organiser}, follow_redirects=False)
    assert removed.status_code == 303
    assert STRATEGY not in _rooms(settings)
    assert _room(settings).archived
    assert _read(settings, lambda s, _: s.get(Card, card)) is not None
    listed = client.get(removed.headers["location"], headers={"cookie": organiser}).text
    assert "Der Raum ist archiviert" in listed and f'id="room-{STRATEGY}"' not in listed
    assert client.get(EDIT, headers={"cookie": organiser}).status_code == 404
    # Its short name stays with it: a new room cannot take it (and its cards) over.
    again = {"title": "Neu", "slug": STRATEGY, "capacity": "10", "prompt": "Was nun?"}
    refused = client.post(ROOMS, data=again, headers={"cookie": organiser})
    assert refused.status_code == 422 and "behält der entfernte Raum" in refused.text


def test_an_empty_room_is_removed_with_the_same_confirmation(client, settings):
    organiser = organiser_cookie(client, settings)
    asked = client.get(f"{EDIT}/remove", headers={"cookie": organiser})
    assert "enthält 0 Ideen" in asked.text
    client.post(f"{EDIT}/remove", headers={"cookie": organiser})
    assert STRATEGY not in _rooms(settings)


def test_a_concurrent_edit_of_another_room_is_kept(client, settings):
    olga, ben = _two_organisers(client, settings)
    other = f"{ROOMS}/narrative-der-smart-city"
    olgas = client.get(EDIT, headers={"cookie": olga}).text
    bens = client.get(other, headers={"cookie": ben}).text

    client.post(other, data={**_form(bens), "capacity": "30"}, headers={"cookie": ben})
    second = client.post(EDIT, data={**_form(olgas), "capacity": "20"}, headers={"cookie": olga})

    assert second.status_code == 200  # followed to the rooms page
    assert _room(settings).capacity == 20
    assert _room(settings, "narrative-der-smart-city").capacity == 30


def test_a_concurrent_edit_of_the_same_room_is_refused_with_the_typed_input_kept(client, settings):
    olga, ben = _two_organisers(client, settings)
    olgas = client.get(EDIT, headers={"cookie": olga}).text
    bens = client.get(EDIT, headers={"cookie": ben}).text
    client.post(EDIT, data={**_form(bens), "title": "Bens Strategie"}, headers={"cookie": ben})

    refused = client.post(
        EDIT,
        data={**_form(olgas), "capacity": "20", "prompts-0-title": "Wohin?"},
        headers={"cookie": olga},
    )

    assert refused.status_code == 409
    assert "Jemand anderes hat diesen Raum gespeichert" in _summary(refused.text)
    assert _field(refused.text, "capacity").get("value") == "20"
    assert _field(refused.text, "prompts-0-title").get("value") == "Wohin?"
    assert (_room(settings).title, _room(settings).capacity) == ("Bens Strategie", 60)
    again = client.post(EDIT, data=_press(refused.text, "save"), headers={"cookie": olga})
    assert again.status_code == 200
    assert (_room(settings).title, _room(settings).capacity) == ("Strategieentwicklung", 20)


def test_participants_and_strangers_do_not_edit_rooms(client, settings):
    anna = join(client, "Anna")
    client.cookies.clear()
    for cookie in (anna, ""):
        for path in (ROOMS, EDIT, f"{EDIT}/remove"):
            shown = client.get(path, headers={"cookie": cookie}, follow_redirects=False)
            assert shown.status_code == 303
            assert shown.headers["location"].startswith("/login")
            sent = client.post(path, data={"title": "X", "slug": "x"}, headers={"cookie": cookie})
            assert sent.status_code == 403
    assert STRATEGY in _rooms(settings) and _room(settings).title == "Strategieentwicklung"
    assert _edits(settings) == []
