"""The console's editor for a conference's details: what an organiser types is checked by
the conference file's model, saved through the same sync, logged, and never lost; two
organisers' changes merge per field, and one that would overwrite the other is refused."""

import json
from dataclasses import replace

from lxml import html
from sqlmodel import select
from starlette.testclient import TestClient

from server.app import create_app
from server.settings import PROJECT_ROOT
from server.store import plenary
from server.store.database import Database
from server.store.tables import AgendaItem, Conference, PlenaryEvent

from .helpers import MYK, join, organiser_cookie

EDIT = f"/console/{MYK}/edit"


def _form(page: str) -> dict[str, str]:
    """What the form would send as it stands."""
    form = html.fromstring(page).xpath("//form[contains(@class, 'editor-form')]")[0]
    return dict(form.form_values())


def _field(page: str, name: str):
    return html.fromstring(page).get_element_by_id(f"field-{name}")


def _stored(settings) -> Conference:
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            return session.exec(select(Conference).where(Conference.slug == MYK)).one()
    finally:
        database.close()


def _edits(settings) -> list[PlenaryEvent]:
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            rows = session.exec(
                select(PlenaryEvent).where(PlenaryEvent.type == "conference_edited")
            )
            return list(rows)
    finally:
        database.close()


def test_the_organiser_changes_the_title_and_place_and_the_log_says_who(client, settings):
    organiser = organiser_cookie(client, settings)
    console = html.fromstring(client.get(f"/console/{MYK}", headers={"cookie": organiser}).text)
    assert console.xpath("//a[.='Angaben bearbeiten']/@href") == [EDIT]
    page = client.get(EDIT, headers={"cookie": organiser}).text
    assert _field(page, "start").get("value") == "09:30"
    assert _field(page, "title").get("value") == "Regionalkonferenz Mayen-Koblenz"

    sent = {**_form(page), "title": "Regionalkonferenz MYK", "place": "Koblenz"}
    saved = client.post(EDIT, data=sent, headers={"cookie": organiser}, follow_redirects=False)

    assert saved.status_code == 303
    shown = client.get(saved.headers["location"], headers={"cookie": organiser}).text
    assert "Ihre Änderungen sind gespeichert." in shown and "Regionalkonferenz MYK" in shown
    stored = _stored(settings)
    assert (stored.title, stored.place) == ("Regionalkonferenz MYK", "Koblenz")
    (edit,) = _edits(settings)
    assert json.loads(edit.payload)["fields"] == ["place", "title"]
    assert edit.actor_id is not None
    history = client.get(EDIT, headers={"cookie": organiser}).text
    assert "Mia Orga hat Ort, Titel geändert" in " ".join(
        html.fromstring(history).get_element_by_id("history-heading").getparent().itertext()
    )


def test_a_console_edit_outlives_a_restart_until_the_file_itself_changes(
    client, settings, tmp_path
):
    """A server start loads only files that changed since they were loaded: the title
    the organiser set in the console stays; an edited file then wins, as `load` would."""
    organiser = organiser_cookie(client, settings)
    page = client.get(EDIT, headers={"cookie": organiser}).text
    sent = {**_form(page), "title": "Regionalkonferenz MYK"}
    assert client.post(EDIT, data=sent, headers={"cookie": organiser}).status_code in (200, 303)

    with TestClient(create_app(settings)):  # the server starts again, the file as it was
        pass
    assert _stored(settings).title == "Regionalkonferenz MYK"

    folder = tmp_path / "sessions_config"
    folder.mkdir()
    shipped = (PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml").read_text(encoding="utf-8")
    changed = shipped.replace("place: ", "place: Neu - ", 1)
    (folder / f"{MYK}.yaml").write_text(changed, encoding="utf-8")
    with TestClient(create_app(replace(settings, sessions_config=(folder,)))):
        pass
    stored = _stored(settings)
    assert stored.title == "Regionalkonferenz Mayen-Koblenz" and stored.place.startswith("Neu - ")


def test_broken_input_is_marked_at_its_fields_kept_and_nothing_is_saved(client, settings):
    organiser = organiser_cookie(client, settings)
    page = client.get(EDIT, headers={"cookie": organiser}).text
    sent = {**_form(page), "title": "  ", "code": "myk", "retention_days": "viele"}

    refused = client.post(EDIT, data=sent, headers={"cookie": organiser})

    assert refused.status_code == 422
    for name in ("title", "code", "retention_days"):
        field = _field(refused.text, name)
        assert field.get("aria-invalid") == "true"
        error = html.fromstring(refused.text).get_element_by_id(f"error-{name}")
        assert error.get("id") in field.get("aria-describedby").split()
    assert _field(refused.text, "code").get("value") == "myk"  # kept as typed
    assert "Titel darf nicht leer sein" in refused.text
    assert _stored(settings).title == "Regionalkonferenz Mayen-Koblenz"
    assert _edits(settings) == []


def test_a_day_shortened_under_its_programme_is_refused_with_the_items_that_no_longer_fit(
    client, settings
):
    organiser = organiser_cookie(client, settings)
    page = client.get(EDIT, headers={"cookie": organiser}).text

    refused = client.post(EDIT, data={**_form(page), "end": "11:00"}, headers={"cookie": organiser})

    assert refused.status_code == 422
    assert "agenda[" in refused.text and "11:00" in refused.text
    assert str(_stored(settings).end) == "13:30:00"


def test_two_organisers_changing_different_fields_both_keep_their_change(client, settings):
    olga = organiser_cookie(client, settings)
    ben = organiser_cookie(client, settings, "ben", "Ben Orga")
    client.cookies.clear()  # each request names whom it comes from
    olgas_form = _form(client.get(EDIT, headers={"cookie": olga}).text)
    bens_form = _form(client.get(EDIT, headers={"cookie": ben}).text)

    client.post(EDIT, data={**bens_form, "place": "Andernach"}, headers={"cookie": ben})
    second = client.post(EDIT, data={**olgas_form, "title": "MYK 2022"}, headers={"cookie": olga})

    assert second.status_code == 200  # followed to the console page
    stored = _stored(settings)
    assert (stored.title, stored.place) == ("MYK 2022", "Andernach")


def test_a_field_someone_else_saved_meanwhile_is_not_overwritten_silently(client, settings):
    olga = organiser_cookie(client, settings)
    ben = organiser_cookie(client, settings, "ben", "Ben Orga")
    client.cookies.clear()  # each request names whom it comes from
    olgas_form = _form(client.get(EDIT, headers={"cookie": olga}).text)
    bens_form = _form(client.get(EDIT, headers={"cookie": ben}).text)
    client.post(EDIT, data={**bens_form, "title": "Bens Titel"}, headers={"cookie": ben})

    refused = client.post(
        EDIT,
        data={**olgas_form, "title": "Olgas Titel", "place": "Mayen"},
        headers={"cookie": olga},
    )

    assert refused.status_code == 409
    summary = " ".join(html.fromstring(refused.text).get_element_by_id("form-errors").itertext())
    assert "Titel" in summary and "„Bens Titel“" in summary
    assert _field(refused.text, "title").get("value") == "Olgas Titel"  # nothing lost
    assert _field(refused.text, "place").get("value") == "Mayen"
    assert _stored(settings).title == "Bens Titel"

    again = client.post(EDIT, data=_form(refused.text), headers={"cookie": olga})
    assert again.status_code == 200
    assert (_stored(settings).title, _stored(settings).place) == ("Olgas Titel", "Mayen")


def test_participants_and_strangers_do_not_edit(client, settings):
    anna = join(client, "Anna")
    client.cookies.clear()
    for cookie in (anna, ""):
        shown = client.get(EDIT, headers={"cookie": cookie}, follow_redirects=False)
        assert shown.status_code == 303
        sent = client.post(EDIT, data={"title": "X", "base.title": "Y"}, headers={"cookie": cookie})
        assert sent.status_code == 403
    assert _stored(settings).title == "Regionalkonferenz Mayen-Koblenz"


# --- The programme ---

AGENDA = f"/console/{MYK}/edit/agenda"


def _press(page: str, action: str, **changes) -> dict[str, str]:
    """The programme form as a press of the button `action` sends it."""
    return {**_form(page), **changes, "action": action}


def _stored_agenda(settings) -> list[tuple[str, str]]:
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            rows = session.exec(
                select(AgendaItem)
                .join(Conference)
                .where(Conference.slug == MYK)
                .order_by(AgendaItem.position)
            )
            return [(str(row.start)[:5], row.title) for row in rows]
    finally:
        database.close()


def test_items_are_moved_and_removed_by_buttons_and_saved_at_once(client, settings):
    organiser = organiser_cookie(client, settings)
    before = _stored_agenda(settings)
    page = client.get(AGENDA, headers={"cookie": organiser}).text
    console = client.get(f"/console/{MYK}", headers={"cookie": organiser}).text
    assert html.fromstring(console).xpath("//a[.='Programm bearbeiten']/@href") == [AGENDA]

    last = len(before) - 1
    removed = client.post(
        AGENDA, data=_press(page, f"remove-{last}"), headers={"cookie": organiser}
    )
    assert removed.status_code == 200
    assert _field(removed.text, "agenda-0-title").get("value") == before[0][1]
    assert f'id="field-agenda-{last}-title"' not in removed.text
    assert _stored_agenda(settings) == before  # only the form changed

    # Swapping the first two items' places and times is one save.
    first, second = (_form(removed.text)[f"agenda-{n}-start"] for n in (0, 1))
    moved = client.post(AGENDA, data=_press(removed.text, "down-0"), headers={"cookie": organiser})
    assert _field(moved.text, "agenda-1-title").get("value") == before[0][1]
    # The focus stays on the button pressed, now on the moved item: pressing again moves on.
    assert html.fromstring(moved.text).get_element_by_id("down-1").get("autofocus") is not None
    fields = _form(moved.text)
    new_first_end = fields["agenda-1-end"]
    sent = {
        **fields,
        "agenda-0-start": first,
        "agenda-0-end": "09:40",
        "agenda-1-start": "09:40",
        "agenda-1-end": new_first_end if new_first_end > "09:40" else "09:50",
        "action": "save",
    }
    saved = client.post(AGENDA, data=sent, headers={"cookie": organiser}, follow_redirects=False)

    assert saved.status_code == 303, saved.text
    after = _stored_agenda(settings)
    assert [title for _, title in after] == [before[1][1], before[0][1]] + [
        title for _, title in before[2:last]
    ]
    (edit,) = _edits(settings)
    assert json.loads(edit.payload)["part"] == "agenda"
    assert second == before[1][0]


def test_an_item_added_past_the_days_end_is_marked_and_nothing_is_saved(client, settings):
    organiser = organiser_cookie(client, settings)
    before = _stored_agenda(settings)
    page = client.get(AGENDA, headers={"cookie": organiser}).text

    added = client.post(AGENDA, data=_press(page, "add"), headers={"cookie": organiser})
    new = len(before)
    start = _field(added.text, f"agenda-{new}-start")
    assert start.get("autofocus") is not None and start.get("value") == "13:30"
    sent = _press(
        added.text, "save", **{f"agenda-{new}-end": "14:00", f"agenda-{new}-title": "Ausklang"}
    )
    refused = client.post(AGENDA, data=sent, headers={"cookie": organiser})

    assert refused.status_code == 422
    end = _field(refused.text, f"agenda-{new}-end")
    assert end.get("aria-invalid") == "true" and end.get("value") == "14:00"
    summary = " ".join(html.fromstring(refused.text).get_element_by_id("form-errors").itertext())
    assert f"Punkt {new + 1}: Ende 14:00 liegt nach dem Ende der Konferenz" in summary
    assert _stored_agenda(settings) == before


def test_a_programme_saved_by_someone_else_meanwhile_is_not_replaced_silently(client, settings):
    olga = organiser_cookie(client, settings)
    ben = organiser_cookie(client, settings, "ben", "Ben Orga")
    client.cookies.clear()  # each request names whom it comes from
    olgas = client.get(AGENDA, headers={"cookie": olga}).text
    bens = client.get(AGENDA, headers={"cookie": ben}).text
    client.post(
        AGENDA, data=_press(bens, "save", **{"agenda-0-title": "Ankommen"}), headers={"cookie": ben}
    )

    sent = _press(olgas, "save", **{"agenda-0-title": "Willkommen"})
    refused = client.post(AGENDA, data=sent, headers={"cookie": olga})

    assert refused.status_code == 409
    assert "Jemand anderes hat das Programm gespeichert" in refused.text
    assert _field(refused.text, "agenda-0-title").get("value") == "Willkommen"
    assert _stored_agenda(settings)[0][1] == "Ankommen"
    again = client.post(AGENDA, data=_press(refused.text, "save"), headers={"cookie": olga})
    assert again.status_code == 200
    assert _stored_agenda(settings)[0][1] == "Willkommen"


def _now_showing(settings, title: str | None = None) -> str | None:
    """The title of the item the plenary shows now; with `title`, make it that one."""
    database = Database(settings.database_url)

    def work(session):
        conference = session.exec(select(Conference).where(Conference.slug == MYK)).one()
        state = plenary.lock(session, conference.id)
        if title is not None:
            item = session.exec(select(AgendaItem).where(AgendaItem.title == title)).one()
            plenary.change(session, conference.id, current_item_id=item.id)
            return title
        current = session.get(AgendaItem, state.current_item_id or 0)
        return current.title if current else None

    try:
        return database.run_write(work)
    finally:
        database.close()


def test_the_item_running_now_stays_running_when_others_move_and_cannot_be_removed(
    client, settings
):
    organiser = organiser_cookie(client, settings)
    keynote = "Die digitale Stadt gestalten"
    _now_showing(settings, keynote)
    page = client.get(AGENDA, headers={"cookie": organiser}).text
    titles = [_form(page)[f"agenda-{n}-title"] for n in range(int(_form(page)["items"]))]
    running = titles.index(keynote)

    renamed = _press(page, "save", **{"agenda-0-title": "Ankommen", "agenda-1-title": "Ziele"})
    assert client.post(AGENDA, data=renamed, headers={"cookie": organiser}).status_code == 200
    assert _now_showing(settings) == keynote

    page = client.get(AGENDA, headers={"cookie": organiser}).text
    without = client.post(
        AGENDA, data=_press(page, f"remove-{running}"), headers={"cookie": organiser}
    )
    # The items after it start earlier now: the gap is allowed, the removal is not.
    refused = client.post(AGENDA, data=_press(without.text, "save"), headers={"cookie": organiser})

    assert refused.status_code == 422
    assert f"„{keynote}“ läuft gerade" in refused.text
    assert _now_showing(settings) == keynote
    assert keynote in [title for _, title in _stored_agenda(settings)]


def test_times_are_checked_as_they_are_typed_with_the_saves_words_and_nothing_saved(
    client, settings
):
    organiser = organiser_cookie(client, settings)
    before = _stored_agenda(settings)
    page = client.get(AGENDA, headers={"cookie": organiser}).text
    check = html.fromstring(page).get_element_by_id("agenda-check")
    assert check.get("role") == "status"

    overlapping = {**_form(page), "agenda-1-start": "09:35"}
    said = client.post(f"{AGENDA}/check", data=overlapping, headers={"cookie": organiser})

    assert said.status_code == 200
    text = " ".join(html.fromstring(said.text).itertext())
    assert (
        "Punkt 2: Beginn 09:35 überschneidet sich mit dem vorigen Programmpunkt 'Begrüßung'" in text
    )
    assert _stored_agenda(settings) == before and _edits(settings) == []
    fine = client.post(f"{AGENDA}/check", data=_form(page), headers={"cookie": organiser})
    assert fine.status_code == 200 and "<li>" not in fine.text
    client.cookies.clear()
    assert client.post(f"{AGENDA}/check", data=_form(page)).status_code == 403


def test_a_second_day_and_parallel_workshops_in_rooms_are_set_in_the_editor(client, settings):
    """The organiser makes the conference two days long, then adds two workshops at the
    same time on the second day, each in a track and a room; a third in the same track
    as one of them is refused at its start, in the save's words."""
    organiser = organiser_cookie(client, settings)
    details = client.get(EDIT, headers={"cookie": organiser}).text
    sent = {**_form(details), "end_date": "2022-03-23"}
    assert client.post(EDIT, data=sent, headers={"cookie": organiser}).status_code in (200, 303)
    assert str(_stored(settings).end_date) == "2022-03-23"

    page = client.get(AGENDA, headers={"cookie": organiser}).text
    rooms = html.fromstring(page).xpath("//select[@id='field-agenda-0-room']/option/text()")
    assert rooms[0] == "– im Plenum –" and "Narrative der Smart City" in rooms
    n = len(_stored_agenda(settings))
    workshops = {}
    for offset, (track, room) in enumerate(
        [("Erzählen", "narrative-der-smart-city"), ("Planen", "strategieentwicklung")]
    ):
        workshops.update(
            {
                f"agenda-{n + offset}-day": "2022-03-23",
                f"agenda-{n + offset}-start": "10:00",
                f"agenda-{n + offset}-end": "11:00",
                f"agenda-{n + offset}-title": f"Werkstatt {track}",
                f"agenda-{n + offset}-kind": "workshop",
                f"agenda-{n + offset}-track": track,
                f"agenda-{n + offset}-room": room,
            }
        )
    form = {**_form(page), **workshops, "items": str(n + 2), "action": "save"}
    saved = client.post(AGENDA, data=form, headers={"cookie": organiser}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _stored_agenda(settings)[-2:] == [
        ("10:00", "Werkstatt Erzählen"),
        ("10:00", "Werkstatt Planen"),
    ]

    page = client.get(AGENDA, headers={"cookie": organiser}).text
    assert _field(page, f"agenda-{n + 1}-room").xpath("option[@selected]/@value") == [
        "strategieentwicklung"
    ]
    clash = {**_form(page), f"agenda-{n + 1}-track": "Erzählen", "action": "save"}
    refused = client.post(AGENDA, data=clash, headers={"cookie": organiser})
    assert refused.status_code == 422
    start = _field(refused.text, f"agenda-{n + 1}-start")
    assert start.get("aria-invalid") == "true"
    summary = " ".join(html.fromstring(refused.text).get_element_by_id("form-errors").itertext())
    assert (
        "Beginn 10:00 überschneidet sich mit dem vorigen Programmpunkt 'Werkstatt Erzählen'"
        in summary
    )
