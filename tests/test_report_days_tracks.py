"""The Ergebnisprotokoll of a conference of several days and tracks: the programme day by
day, each room's results under the item it was used for, one day's or one track's report,
and an English conference's report in English throughout."""

import io
import json
import re
from datetime import UTC, date, datetime, time

import docx
import pypdfium2
import pytest
import yaml
from lxml import html as lxml_html
from sqlmodel import Session, select

from server.domain.errors import DomainError
from server.domain.permissions import Role
from server.exports import ExportOptions, Format, placement, scope
from server.services import exports
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT
from server.store import conferences
from server.store.database import Database
from server.store.records import AgendaRecord, RoomRecord
from server.store.tables import (
    AgendaItem,
    BoardColumn,
    Breakout,
    BreakoutRoomState,
    Card,
    Conference,
    Participant,
    Question,
    Room,
    Takeaway,
)
from server.views.environment import Views

from .helpers import backends_of, organiser_cookie

MPSC, ISCN, TWO_ROUNDS = "mpsc-kongress-2022", "iscn-exchange-2022", "iscn-two-rounds"
STRATEGY, DATA = "inkubator-strategie", "inkubator-daten"
FIRST_STRATEGY = "Strategie und Umsetzung: Ausgangslage und Herausforderungen"
SECOND_STRATEGY = "Strategie und Umsetzung: Lösungswege"
THIRD_STRATEGY = "Strategie und Umsetzung: Ergebnisse für andere Kommunen"
FIRST_DATA = "Daten und Plattformen: Ausgangslage und Herausforderungen"
CONGRESS_DAYS = [
    "Dienstag, 26. April 2022",
    "Mittwoch, 27. April 2022",
    "Donnerstag, 28. April 2022",
    "Freitag, 29. April 2022",
]
# Words of the German report's labels that an English report must not hold.
GERMAN = (
    "Ergebnisprotokoll",
    "Programm",
    "Ergebnisse",
    "Teilnahme",
    "Breakout-Raum",
    "Ideen",
    "Punkte",
    "Stimmen",
    "Fragen aus dem Plenum",
    "Teilnehmende",
    "Kommunen",
    "Seite",
    "von",
    "ausgeblendet",
    "zusammengeführt",
    "Uhr",
)


# --- The conferences with results ---


@pytest.fixture
def results(settings, tmp_path):
    """The shipped conferences with results in the congress's workshop rooms and in the
    English exchange, and a copy of the exchange with two breakout rounds."""
    database = Database(settings.database_url)
    database.migrate()
    load_into(backends_of(database), [PROJECT_ROOT / "sessions_config", _two_rounds(tmp_path)])
    database.run_write(_seed)
    yield database
    database.close()


def _two_rounds(folder) -> object:
    """The exchange as a file of its own, with a second breakout item after the first."""
    data = yaml.safe_load((PROJECT_ROOT / "sessions_config" / f"{ISCN}.yaml").read_text())
    data |= {"slug": TWO_ROUNDS, "code": "ISCN2ROUND", "end": "17:00"}
    second = {"start": "16:30", "end": "17:00", "title": "Second round", "kind": "breakout"}
    data["agenda"].append(second)
    path = folder / f"{TWO_ROUNDS}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), UTC)


def _seed(session: Session) -> None:
    rooms = _rooms(session, MPSC)
    lena = _person(session, MPSC, "Lena Lernend", "Stadt Ulm")
    _card(session, rooms[STRATEGY], lena, "Die Verwaltung früh einbinden", _at("2022-04-26"))
    _card(session, rooms[DATA], lena, "Offene Schnittstellen für alle", _at("2022-04-27"))
    _takeaway(session, rooms[STRATEGY], "Smart City gehört in die Linie")
    _question(session, MPSC, lena, "Frage am ersten Tag?", _at("2022-04-26"))
    _question(session, MPSC, lena, "Frage am zweiten Tag?", _at("2022-04-27"))

    rooms = _rooms(session, ISCN)
    ana = _person(session, ISCN, "Ana Asked", "City of Recife")
    shy = _person(session, ISCN, "Shy Person", None, consent=False)
    first = _card(session, rooms["citizen-participation"], ana, "Citizen panels", _at("2022-11-15"))
    _card(session, rooms["citizen-participation"], shy, "Hidden one", _at("2022-11-15"), "hidden")
    _card(session, rooms["citizen-participation"], shy, "Twice", _at("2022-11-15"), "merged", first)
    _takeaway(session, rooms["citizen-participation"], "Listen before building")
    _question(session, ISCN, ana, "How do small towns start?", _at("2022-11-15"))
    _question(session, ISCN, shy, "Who pays?", _at("2022-11-15"), status="pending")

    rooms = _rooms(session, TWO_ROUNDS)
    second_round = _item(session, TWO_ROUNDS, "Second round")
    _breakout(session, TWO_ROUNDS, second_round, [rooms["urban-data"]])


def _file_rooms(slug: str) -> list[str]:
    data = yaml.safe_load((PROJECT_ROOT / "sessions_config" / f"{slug}.yaml").read_text())
    return [room["slug"] for room in data["rooms"]]


def _conference_id(session: Session, slug: str) -> int:
    return session.exec(select(Conference.id).where(Conference.slug == slug)).one()


def _rooms(session: Session, slug: str) -> dict[str, int]:
    rows = session.exec(select(Room).where(Room.conference_id == _conference_id(session, slug)))
    return {room.slug: room.id for room in rows}


def _item(session: Session, slug: str, title: str) -> int:
    cid = _conference_id(session, slug)
    query = select(AgendaItem.id).where(AgendaItem.conference_id == cid, AgendaItem.title == title)
    return session.exec(query).one()


def _person(session, slug, name, organisation, consent=True) -> int:
    row = Participant(
        conference_id=_conference_id(session, slug),
        display_name=name,
        organisation=organisation,
        name_consent=consent,
        joined_at=_at("2022-04-01"),
    )
    session.add(row)
    session.flush()
    return row.id


def _card(session, room_id, author_id, text, at, status="visible", into=None) -> int:
    column = session.exec(
        select(BoardColumn.id).where(BoardColumn.room_id == room_id).order_by(BoardColumn.position)
    ).first()
    row = Card(
        room_id=room_id,
        column_id=column,
        author_id=author_id,
        text=text,
        created_at=at,
        status=status,
        merged_into=into,
    )
    session.add(row)
    session.flush()
    return row.id


def _takeaway(session, room_id, text) -> None:
    session.add(Takeaway(room_id=room_id, position=0, text=text, created_at=_at("2022-04-28")))


def _question(session, slug, author_id, text, at, status="visible") -> None:
    cid = _conference_id(session, slug)
    session.add(
        Question(conference_id=cid, author_id=author_id, text=text, created_at=at, status=status)
    )


def _breakout(session, slug, item_id, room_ids) -> None:
    row = Breakout(
        conference_id=_conference_id(session, slug),
        agenda_item_id=item_id,
        mode="self",
        seed="s",
        opened_at=_at("2022-11-15", 15),
    )
    session.add(row)
    session.flush()
    for room_id in room_ids:
        session.add(BreakoutRoomState(breakout_id=row.id, room_id=room_id))


# --- Exports as the organiser gets them ---


def _export(database: Database, slug: str, fmt: Format, **options) -> bytes:
    """The export in the conference's own language unless one is asked for."""
    conference = database.run_read(lambda s: conferences.conference_by_slug(s, slug))
    wanted = ExportOptions(format=fmt, **options)
    views = Views()
    made = exports.open_export(
        backends_of(database),
        Role.ORGANISER,
        conference,
        wanted,
        views.translator(wanted.language or conference.language),
        views.env.get_template("report.html"),
    )
    return b"".join(made.chunks)


def _page(database: Database, slug: str = MPSC, **options):
    return lxml_html.fromstring(_export(database, slug, Format.HTML, **options))


def _markdown(database: Database, slug: str = MPSC, **options) -> str:
    return _export(database, slug, Format.MARKDOWN, **options).decode()


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _sections(page) -> dict[str, lxml_html.HtmlElement]:
    """The report's sections by their item's title."""
    found = page.xpath("//section[contains(@class, 'agenda-section')]")
    return {section.findtext("h2"): section for section in found}


def _rooms_in(section) -> list[str]:
    return [article.get("id") for article in section.findall(".//article[@class='room']")]


# --- Days and where the rooms go ---


def test_the_congress_report_shows_its_programme_and_sections_day_by_day(results):
    page = _page(results)
    programme = page.find(".//table[@class='agenda']")
    assert [_text(th) for th in programme.findall(".//tr[@class='agenda-day']/th")] == CONGRESS_DAYS
    assert [_text(h) for h in page.findall(".//h2[@class='report-day']")] == CONGRESS_DAYS
    first_item = page.find(".//h2[@class='report-day']").getnext()
    assert first_item.findtext("h2") == "Eröffnung des MPSC-Kongresses"
    strategy = _sections(page)[FIRST_STRATEGY]
    assert _text(strategy.find("p[@class='meta']")) == (
        "10:45–12:45 · Workshop · Track: Inkubator Strategie"
    )
    markdown = _markdown(results)
    days = [line.removeprefix("### ") for line in markdown.splitlines() if line.startswith("### ")]
    assert days[:4] == CONGRESS_DAYS


def test_a_workshops_cards_are_under_its_own_item_and_each_room_is_written_once(results):
    sections = _sections(_page(results))
    assert _rooms_in(sections[FIRST_STRATEGY]) == [f"room-{STRATEGY}"]
    assert _rooms_in(sections[FIRST_DATA]) == [f"room-{DATA}"]
    assert "Die Verwaltung früh einbinden" in _text(sections[FIRST_STRATEGY])
    assert "Offene Schnittstellen für alle" in _text(sections[FIRST_DATA])
    assert "Offene Schnittstellen" not in _text(sections[FIRST_STRATEGY])
    everywhere = [room for section in sections.values() for room in _rooms_in(section)]
    assert sorted(everywhere) == sorted(f"room-{slug}" for slug in _file_rooms(MPSC))
    assert _rooms_in(sections[SECOND_STRATEGY]) == []


def test_a_workshops_room_is_headed_as_a_room_and_a_breakouts_as_a_breakout_room(results):
    """Needs export.report.item_room."""
    heading = _sections(_page(results))[FIRST_STRATEGY].findtext(".//article/h2")
    assert heading == "Raum: Inkubator Strategie und Umsetzung"
    breakout = _sections(_page(results, ISCN))["Exchange in small groups"]
    assert (
        breakout.findtext(".//article/h2")
        == "Breakout room: Citizen participation in the digital city"
    )


def test_a_room_used_on_three_days_says_so_plainly(results):
    """Needs export.report.item_reference, results_under and also_results_of."""
    sections = _sections(_page(results))
    later = sections[SECOND_STRATEGY].findtext("p[@class='hint results-under']")
    assert later == (
        "Die Ergebnisse aus dem Raum „Inkubator Strategie und Umsetzung“ stehen bei "
        f"„{FIRST_STRATEGY}“ (Dienstag, 26. April 2022, 10:45): Der Raum hat ein Board für "
        "alle seine Programmpunkte."
    )
    also = sections[FIRST_STRATEGY].findtext(".//p[@class='hint also-results']")
    assert also == (
        f"Dieses Board enthält auch die Ergebnisse von „{SECOND_STRATEGY}“ (Mittwoch, 27. April "
        f"2022, 10:45), „{THIRD_STRATEGY}“ (Donnerstag, 28. April 2022, 10:00)."
    )
    markdown = _markdown(results)
    room = markdown[markdown.index("## Inkubator Strategie und Umsetzung") :]
    assert room.splitlines()[2] == (
        f"*Dienstag, 26. April 2022 · {FIRST_STRATEGY} · 10:45–12:45 · Workshop · "
        "Track: Inkubator Strategie*"
    )
    assert "Dieses Board enthält auch die Ergebnisse" in room[: room.index("### Ergebnisse")]


# --- One day, one track ---


def test_a_days_report_has_that_days_items_rooms_and_questions(results):
    page = _page(results, day=date(2022, 4, 27))
    sections = _sections(page)
    assert list(sections)[0] == "Einstieg in den zweiten Kongresstag"
    assert all("Ausgangslage" not in title for title in sections)
    assert _rooms_in(sections[SECOND_STRATEGY]) == [f"room-{STRATEGY}"]
    assert page.findall(".//h2[@class='report-day']") == []  # one day: no day headings
    facts = _text(page.find(".//div[@class='facts']"))
    assert facts.startswith("Mittwoch, 27. April 2022, 09:30–13:30")
    questions = _text(page.find(".//section[@class='questions']"))
    assert "Frage am zweiten Tag?" in questions and "ersten Tag" not in questions
    document = json.loads(_export(results, MPSC, Format.JSON, day=date(2022, 4, 27)))
    assert document["options"]["day"] == "2022-04-27"
    assert {item["day"] for item in document["agenda"]} == {"2022-04-27"}
    assert len(document["rooms"]) == 4


def test_the_last_day_has_no_rooms_and_its_csv_no_cards(results):
    page = _page(results, day=date(2022, 4, 29))
    assert page.findall(".//article[@class='room']") == []
    assert list(_sections(page))[0] == "Die Inkubatoren stellen ihre Ergebnisse vor"
    csv_text = _export(results, MPSC, Format.CSV, day=date(2022, 4, 29)).decode("utf-8-sig")
    assert csv_text.splitlines()[1:] == []


def test_a_tracks_report_keeps_the_plenarys_items_and_only_its_rooms(results):
    page = _page(results, track="Inkubator Daten")
    sections = _sections(page)
    assert "Eröffnung des MPSC-Kongresses" in sections  # no track: everyone's
    assert FIRST_DATA in sections and FIRST_STRATEGY not in sections
    assert [a.get("id") for a in page.findall(".//article[@class='room']")] == [f"room-{DATA}"]
    assert "Track: Inkubator Daten" in _text(page.find(".//div[@class='facts']"))
    assert [_text(h) for h in page.findall(".//h2[@class='report-day']")] == CONGRESS_DAYS
    both = _sections(_page(results, track="Inkubator Daten", day=date(2022, 4, 28)))
    assert list(both) == [
        "Abschauen ausdrücklich erwünscht – Lösungen übertragbar machen",
        "Daten und Plattformen: Ergebnisse für andere Kommunen",
    ]


# --- In the console ---

DOWNLOAD = f"/console/{MPSC}/exports/download"


def test_the_export_form_offers_days_and_tracks_only_where_there_are_several(client, settings):
    organiser = organiser_cookie(client, settings)
    congress = client.get(f"/console/{MPSC}/exports", headers={"cookie": organiser}).text
    assert '<option value="2022-04-28">Donnerstag, 28. April 2022</option>' in congress
    assert '<option value="Inkubator Klima">Inkubator Klima</option>' in congress
    one_day = client.get(f"/console/{ISCN}/exports", headers={"cookie": organiser}).text
    assert 'name="day"' not in one_day and 'name="track"' not in one_day


def test_a_download_of_one_day_and_track_from_the_console(client, settings, results):
    organiser = organiser_cookie(client, settings)
    params = {"format": "md", "day": "2022-04-26", "track": "Inkubator Strategie"}
    answer = client.get(DOWNLOAD, params=params, headers={"cookie": organiser})
    assert answer.status_code == 200
    assert "## Inkubator Strategie und Umsetzung" in answer.text
    assert "## Inkubator Daten" not in answer.text
    assert (
        "mpsc-kongress-2022-2022-04-26-inkubator-strategie-"
        in answer.headers["content-disposition"]
    )


@pytest.mark.parametrize(
    ("params", "sentence"),
    [
        (
            {"day": "2022-05-02"},
            "An dem Tag „2022-05-02“ findet diese Konferenz nicht statt. Bitte wählen Sie im "
            "Formular einen ihrer Tage.",
        ),
        (
            {"day": "gestern"},
            "An dem Tag „gestern“ findet diese Konferenz nicht statt. Bitte wählen Sie im "
            "Formular einen ihrer Tage.",
        ),
        (
            {"track": "Inkubator Raumfahrt"},
            "Einen Track „Inkubator Raumfahrt“ gibt es in dieser Konferenz nicht. Bitte wählen "
            "Sie im Formular einen ihrer Tracks.",
        ),
    ],
)
def test_a_day_or_track_the_conference_does_not_have_is_refused(client, settings, params, sentence):
    """The sentences need errors.export_day_invalid and errors.export_track_unknown."""
    organiser = organiser_cookie(client, settings)
    answer = client.get(
        DOWNLOAD, params={"format": "html", **params}, headers={"cookie": organiser}
    )
    assert answer.status_code == 400
    assert sentence in answer.text


def test_the_checks_refuse_by_code():
    conference = type("C", (), {"days": [date(2022, 4, 26), date(2022, 4, 27)]})()
    assert scope.day_asked("2022-04-27", conference) == date(2022, 4, 27)
    assert scope.day_asked("", conference) is None
    for wrong in ("2022-04-28", "27.04.2022"):
        with pytest.raises(DomainError) as refused:
            scope.day_asked(wrong, conference)
        assert (refused.value.code, refused.value.params) == ("export_day_invalid", {"day": wrong})
    with pytest.raises(DomainError) as refused:
        scope.track_asked("B", [_agenda_item(1, "workshop", track="A")])
    assert refused.value.code == "export_track_unknown"


# --- Where rooms go, from breakouts ---


def test_a_breakout_item_gets_the_rooms_its_breakout_was_opened_with(results):
    sections = _sections(_page(results, TWO_ROUNDS))
    assert _rooms_in(sections["Second round"]) == ["room-urban-data"]
    assert _rooms_in(sections["Exchange in small groups"]) == [
        "room-citizen-participation",
        "room-climate-and-resources",
    ]


def _agenda_item(ident, kind, room=None, track=None, day=date(2022, 4, 26)) -> AgendaRecord:
    return AgendaRecord(
        ident, day, time(10), time(11), f"Item {ident}", kind, None, None, track, room
    )


def _room(ident: int) -> RoomRecord:
    return RoomRecord(ident, 1, f"room-{ident}", f"Room {ident}", "", 10, None)


def test_placement_writes_a_room_once_and_rooms_of_no_item_under_the_first_breakout():
    rooms = [_room(1), _room(2), _room(3)]
    agenda = [
        _agenda_item(10, "workshop", room="room-1"),
        _agenda_item(11, "breakout"),
        _agenda_item(12, "breakout"),
    ]
    used = placement.items_of_rooms(agenda, rooms, {12: [1, 2]})
    parts = {
        part.item.id: part for part in placement.parts(agenda, rooms, used, whole_programme=True)
    }
    assert [room.id for room in parts[10].rooms] == [1]
    assert parts[12].written_under == [(rooms[0], agenda[0])]  # room 1: in both, said so
    assert [room.id for room in parts[11].rooms] == [3]  # of no item: the first breakout
    assert [room.id for room in parts[12].rooms] == [2]


def test_without_a_breakout_item_rooms_of_no_item_come_last_in_the_whole_report_only():
    rooms, agenda = [_room(1)], [_agenda_item(10, "keynote")]
    used = placement.items_of_rooms(agenda, rooms, {})
    assert placement.parts(agenda, rooms, used, whole_programme=True)[-1] == placement.Part(
        None, rooms
    )
    assert [part.item for part in placement.parts(agenda, rooms, used, whole_programme=False)] == [
        agenda[0]
    ]


# --- An English conference in English ---


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_the_english_conference_reports_in_english_from_first_line_to_last(
    client, settings, results
):
    organiser = organiser_cookie(client, settings)
    download = f"/console/{ISCN}/exports/download"
    texts = {}
    for fmt in ("md", "html", "docx", "pdf", "csv", "json"):
        params = {"format": fmt, "include_hidden": "yes"}
        answer = client.get(download, params=params, headers={"cookie": organiser})
        assert answer.status_code == 200, fmt
        texts[fmt] = answer.content
    html = lxml_html.fromstring(texts["html"])
    written = {
        "md": texts["md"].decode(),
        "html": html.text_content() + html.findtext(".//title"),
        "docx": _docx_text(texts["docx"]),
        "pdf": _pdf_text(texts["pdf"]),
        "csv": texts["csv"].decode("utf-8-sig"),
    }
    assert html.get("lang") == "en"
    assert "Documentation of results" in written["pdf"] and "Page 1" in written["pdf"]
    assert written["csv"].startswith("Room;Prompt;Cluster;Card")
    assert "Participant 2" in written["md"] and "hidden" in written["md"]
    for fmt, text in written.items():
        for word in GERMAN:
            assert not re.search(rf"\b{word}\b", text), (fmt, word)
    document = json.loads(texts["json"])
    assert document["options"]["language"] == "en"
    assert document["options"]["day"] is None and document["options"]["track"] is None


def test_the_command_line_exports_one_day_and_refuses_a_day_the_conference_does_not_have(
    results, settings, tmp_path, capsys
):
    from server.cli import main

    out = tmp_path / "tag.md"
    assert (
        main(["export", MPSC, "--format", "md", "--day", "2022-04-27", "--out", str(out)], settings)
        == 0
    )
    written = out.read_text()
    assert "Mittwoch, 27. April 2022" in written
    assert f"- **{SECOND_STRATEGY}**" in written and f"- **{FIRST_STRATEGY}**" not in written
    assert main(["export", MPSC, "--day", "2022-05-02"], settings) == 2
    assert "2022-05-02" in capsys.readouterr().err
