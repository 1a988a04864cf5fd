"""Golden tests: every format over one seeded conference holds exactly what it should."""

import csv
import io
import json
import re
import zipfile

import docx
import pypdfium2
import pytest
from lxml import html as lxml_html
from sqlmodel import select

from server.domain.errors import DomainError
from server.domain.permissions import Role
from server.exports import Authors, ExportOptions, Format
from server.services import board, exports, plenary
from server.services import conferences as conferences_service
from server.store import boards, conferences
from server.store.database import Database
from server.store.tables import Question, QuestionVote
from server.views.environment import Views

from .helpers import backends_of, export, export_file
from .results_seed import AT, MYK, NARRATIVE, NOT_CONSENTED, SECRETS, STRATEGY

NETWORKS = "erfolgreiche-akteursnetzwerke"
# What a default export shows: visible cards, and the duplicate merged into one of them.
SHOWN = {"listening", "formula", "benches", "app", "stories", "merged", "strategy"}


def _text(data: bytes) -> str:
    return data.decode("utf-8")


def _rows(data: bytes, delimiter: str = ";") -> list[dict]:
    text = _text(data)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def _ids(ids, names) -> set[str]:
    return {str(ids.cards[name]) for name in names}


def test_csv_parses_keeps_umlauts_and_holds_only_what_may_be_shown(seeded):
    database, ids = seeded
    rows = _rows(export(database, Format.CSV))
    assert {row["Karte"] for row in rows} == _ids(ids, SHOWN)
    listening = next(row for row in rows if row["Karte"] == str(ids.cards["listening"]))
    assert listening["Text"] == "Ämter, die zuhören – „Bürgernähe“ erzählen"
    assert listening["Von"] == "Anna Älterwein" and listening["Organisation"] == "Stadt Mayen"
    assert (listening["Punkte"], listening["Kommentare"]) == ("3", "2")
    assert listening["Erstellt"] == "2022-03-22 12:05"  # local time in Mayen
    app = next(row for row in rows if row["Karte"] == str(ids.cards["app"]))
    assert app["Cluster"] == "Gute Beispiele & „Vorbilder“" and app["Punkte"] == "5"
    merged = next(row for row in rows if row["Karte"] == str(ids.cards["merged"]))
    assert merged["Status"] == "zusammengeführt"
    assert merged["Zusammengeführt in Karte"] == str(ids.cards["listening"])
    text = _text(export(database, Format.CSV))
    for word in SECRETS + NOT_CONSENTED:
        assert word not in text


def test_csv_defuses_formulas_and_names_people_who_did_not_agree_by_pseudonym(seeded):
    database, ids = seeded
    rows = _rows(export(database, Format.CSV))
    formula = next(row for row in rows if row["Karte"] == str(ids.cards["formula"]))
    assert formula["Text"] == '\'=HYPERLINK("http://example.org","klick")'
    assert formula["Von"] == "Teilnehmende 2" and formula["Organisation"] == ""


def test_csv_with_commas_and_hidden_cards_still_never_has_deleted_ones(seeded):
    database, ids = seeded
    rows = _rows(export(database, Format.CSV, delimiter=",", include_hidden=True), ",")
    assert {row["Karte"] for row in rows} == _ids(ids, SHOWN | {"hidden", "pending"})
    statuses = {row["Karte"]: row["Status"] for row in rows}
    assert statuses[str(ids.cards["hidden"])] == "ausgeblendet"
    assert statuses[str(ids.cards["pending"])] == "wartet auf Freigabe"
    assert "GEHEIM-DELETED" not in _text(export(database, Format.CSV, include_hidden=True))


def test_pseudonyms_for_everyone_leave_no_name_and_no_organisation(seeded):
    database, _ = seeded
    for fmt in (Format.CSV, Format.JSON, Format.MARKDOWN, Format.HTML):
        text = _text(export(database, fmt, authors=Authors.PSEUDONYMS))
        for name in ("Anna Älterwein", "Cem Großmann", "Jürgen Weiß", "Mia Moderatorin"):
            assert name not in text, (fmt, name)
        assert "Teilnehmende 1" in text
        assert "Verbandsgemeinde Vordereifel" not in text


def _all_cards(document: dict) -> list[dict]:
    found = []

    def walk(cards):
        for card in cards:
            found.append(card)
            walk(card["merged"])

    for room in document["rooms"]:
        walk(room["cards"])
    return found


def test_json_is_complete_versioned_and_finds_every_card_again(seeded):
    database, ids = seeded
    document = json.loads(export(database, Format.JSON))
    assert (document["schema"], document["version"]) == ("plenum-results", 1)
    assert document["conference"]["date"] == "2022-03-22"
    assert [item["kind"] for item in document["agenda"]][0] == "welcome"
    assert [q["id"] for q in document["questions"]] == [
        ids.questions[key] for key in ("popular", "quiet", "answered")
    ]
    assert {card["id"] for card in _all_cards(document)} == {ids.cards[n] for n in SHOWN}
    narrative = next(room for room in document["rooms"] if room["slug"] == NARRATIVE)
    listening = next(c for c in narrative["cards"] if c["id"] == ids.cards["listening"])
    assert [m["id"] for m in listening["merged"]] == [ids.cards["merged"]]
    assert [c["text"] for c in listening["comments"]][0] == "Unbedingt, gerade für Ältere."
    assert narrative["clusters"] == [
        {
            "id": ids.clusters["examples"],
            "column": "was-macht-sie-aus",
            "name": "Gute Beispiele & „Vorbilder“",
            "cards": [ids.cards["app"], ids.cards["benches"]],
        }
    ]
    assert len(narrative["votes"]) == 11 and "participant" not in narrative["votes"][0]
    assert [r["text"] for r in narrative["results"]][0].startswith("Bürgernähe ist")
    assert document["attendance"]["rooms"][0] == {"room": NARRATIVE, "participants": 5}
    by_id = {p["id"]: p for p in document["participants"]}
    assert by_id[ids.people["ben"]]["label"] == "Teilnehmende 2"
    assert by_id[ids.people["anna"]]["organisation"] == "Stadt Mayen"


def test_json_event_log_keeps_references_only_and_no_voter(seeded):
    database, ids = seeded
    text = _text(export(database, Format.JSON))
    for word in SECRETS + NOT_CONSENTED:
        assert word not in text
    narrative = next(r for r in json.loads(text)["rooms"] if r["slug"] == NARRATIVE)
    types = [event["type"] for event in narrative["events"]]
    assert "card_deleted" in types and "member_joined" not in types  # presence: no events
    assert [e["seq"] for e in narrative["events"]] == sorted(e["seq"] for e in narrative["events"])
    vote = next(event for event in narrative["events"] if event["type"] == "vote_cast")
    assert vote["actor"] is None and vote["payload"] == {"vote_cards": [ids.cards["app"]]}
    assert all("undo" not in event["payload"] for event in narrative["events"])


def test_json_lists_the_plenarys_questions_most_votes_first_and_answered_last(seeded):
    database, ids = seeded
    questions = json.loads(export(database, Format.JSON))["questions"]
    assert questions[0] == {
        "id": ids.questions["popular"],
        "text": "Wie kommen kleine Gemeinden an Fördermittel?",
        "author": ids.people["anna"],
        "author_label": "Anna Älterwein",
        "votes": 3,
        "status": "visible",
        "answered": False,
        "created_at": "2022-03-22T12:01:00+01:00",
    }
    assert [(q["votes"], q["answered"]) for q in questions] == [(3, False), (1, False), (2, True)]


def test_a_question_of_someone_who_did_not_agree_names_them_by_pseudonym(seeded):
    database, ids = seeded
    text = _text(export(database, Format.JSON))
    answered = next(q for q in json.loads(text)["questions"] if q["answered"])
    assert (answered["author"], answered["author_label"]) == (ids.people["ben"], "Teilnehmende 2")
    assert "Ben Ohnename" not in text
    for q in json.loads(export(database, Format.JSON, authors=Authors.PSEUDONYMS))["questions"]:
        assert q["author_label"].startswith("Teilnehmende ")


def test_hidden_and_waiting_questions_only_with_include_hidden(seeded):
    database, ids = seeded
    default = json.loads(export(database, Format.JSON))["questions"]
    assert {q["status"] for q in default} == {"visible"}
    shown = json.loads(export(database, Format.JSON, include_hidden=True))["questions"]
    statuses = {q["id"]: q["status"] for q in shown}
    assert statuses[ids.questions["hidden"]] == "hidden"
    assert statuses[ids.questions["pending"]] == "pending"
    assert len(shown) == 5 and shown[-1]["id"] == ids.questions["answered"]
    waiting = next(q for q in shown if q["status"] == "pending")
    assert waiting["author_label"] == "Teilnehmende 5"  # Dora did not agree either
    markdown = _text(export(database, Format.MARKDOWN, include_hidden=True))
    assert "Versteckte Frage GEHEIM-FRAGE-HIDDEN  \n  *von Cem Großmann (Landkreis" in markdown
    assert "ausgeblendet*" in markdown and "wartet auf Freigabe*" in markdown


def test_a_room_export_has_no_questions(seeded):
    database, _ = seeded
    assert json.loads(export(database, Format.JSON, room=STRATEGY))["questions"] == []
    assert "Fragen aus dem Plenum" not in _text(export(database, Format.MARKDOWN, room=STRATEGY))


def test_markdown_lists_the_questions_answered_then_open_with_their_votes(seeded):
    database, _ = seeded
    text = _text(export(database, Format.MARKDOWN))
    section = text[text.index("## Fragen aus dem Plenum") : text.index("---")]
    assert text.index("## Strategieentwicklung") < text.index("## Fragen aus dem Plenum")
    assert section.index("### Beantwortete Fragen") < section.index("### Offene Fragen")
    assert "- Gibt es eine Ansprechperson im Land?  \n  *von Teilnehmende 2 · 2 Stimmen*" in section
    assert section.index("Fördermittel?") < section.index("Daten später?")  # 3 before 1 vote
    assert "*von Anna Älterwein (Stadt Mayen) · 3 Stimmen*" in section
    assert "*von Jürgen Weiß (Stadt Mayen) · 1 Stimme*" in section
    english = _text(export(database, Format.MARKDOWN, language="en"))
    assert "## Questions from the plenary" in english and "### Answered questions" in english


def _forget_questions(database: Database) -> None:
    def write(session):
        for table in (QuestionVote, Question):
            for row in session.exec(select(table)):
                session.delete(row)

    database.run_write(write)


def test_without_questions_the_reports_have_no_qa_section(seeded):
    database, _ = seeded
    _forget_questions(database)
    assert json.loads(export(database, Format.JSON))["questions"] == []
    for fmt in (Format.MARKDOWN, Format.HTML):
        assert "Fragen aus dem Plenum" not in _text(export(database, fmt)), fmt
    document = docx.Document(io.BytesIO(export(database, Format.DOCX)))
    assert all("Fragen aus dem Plenum" not in p.text for p in document.paragraphs)


def test_markdown_lists_results_and_clusters_with_cards_by_votes(seeded):
    database, _ = seeded
    text = _text(export(database, Format.MARKDOWN))
    assert "## Narrative der Smart City" in text and "## Strategieentwicklung" in text
    assert "1. Bürgernähe ist die Geschichte, nicht die Technik." in text
    assert "#### Gute Beispiele & „Vorbilder“ (7 Punkte)" in text
    assert text.index("Mängelmelder-App") < text.index("Smarte Bänke")  # 5 before 2 votes
    assert "  - Doppelt: Bürgernähe als Geschichte *(zusammengeführt, von Cem Großmann)*" in text
    assert "\\=HYPERLINK" not in text and 'HYPERLINK("http://example.org","klick")' in text
    for word in SECRETS + NOT_CONSENTED:
        assert word not in text


def test_html_report_has_title_page_a_section_per_agenda_item_and_rooms(seeded):
    database, ids = seeded
    page = lxml_html.fromstring(export(database, Format.HTML))
    assert page.findtext(".//h1") == "Regionalkonferenz Mayen-Koblenz"
    sections = page.findall(".//section[@class]")
    agenda_sections = [s for s in sections if "agenda-section" in s.get("class")]
    assert len(agenda_sections) == 9
    rooms = [a.get("id") for a in page.findall(".//article[@class='room']")]
    assert rooms == [f"room-{NARRATIVE}", f"room-{STRATEGY}", "room-erfolgreiche-akteursnetzwerke"]
    breakout = next(s for s in agenda_sections if "has-rooms" in s.get("class"))
    assert breakout.findtext("h2") == "Breakout Sessions"
    narrative = page.get_element_by_id(f"room-{NARRATIVE}")
    assert narrative.findtext(".//p[@class='meta']") == "Moderation: Anna Beispiel · 6 Ideen"
    assert [li.text for li in narrative.findall(".//ol[@class='results']/li")][1] == (
        "Beispiele aus der Region zeigen"
    )
    questions = page.find(".//section[@class='questions']")
    assert questions.getprevious() is agenda_sections[-1]
    assert [h.text for h in questions.findall("h3")] == ["Beantwortete Fragen", "Offene Fragen"]
    assert [li.get("id") for li in questions.findall(".//li")] == [
        f"question-{ids.questions[key]}" for key in ("answered", "popular", "quiet")
    ]
    assert questions.findtext(".//li/span") == "von Teilnehmende 2 · 2 Stimmen"
    attendance = page.find(".//section[@class='attendance']")
    assert attendance.getprevious() is questions
    assert "Stadt Mayen (2)" in attendance.text_content()
    assert "Verbandsgemeinde" not in attendance.text_content()
    text = _text(export(database, Format.HTML))
    assert "@page { size: A4" in text and "<script" not in text
    for word in SECRETS + NOT_CONSENTED:
        assert word not in text


def test_docx_opens_with_the_expected_headings(seeded):
    database, _ = seeded
    data = export(database, Format.DOCX)
    assert zipfile.is_zipfile(io.BytesIO(data))
    document = docx.Document(io.BytesIO(data))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Title", "Heading"))
    ]
    assert headings[0] == ("Title", "Regionalkonferenz Mayen-Koblenz")
    assert ("Heading 1", "Programm") in headings
    assert ("Heading 1", "Breakout Sessions") in headings
    assert ("Heading 2", "Breakout-Raum: Narrative der Smart City") in headings
    assert ("Heading 3", "Ergebnisse") in headings
    assert ("Heading 4", "Gute Beispiele & „Vorbilder“ (7 Punkte)") in headings
    qa = headings.index(("Heading 1", "Fragen aus dem Plenum"))
    assert headings[qa + 1 : qa + 3] == [
        ("Heading 2", "Beantwortete Fragen"),
        ("Heading 2", "Offene Fragen"),
    ]
    assert headings[-2:] == [
        ("Heading 1", "Teilnahme"),
        ("Heading 2", "Vertretene Kommunen und Organisationen"),
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Ämter, die zuhören – „Bürgernähe“ erzählen" in text
    assert "Wie kommen kleine Gemeinden an Fördermittel?" in text
    for word in SECRETS + NOT_CONSENTED:
        assert word not in text


def test_pdf_has_a4_pages_with_the_report_on_them(seeded):
    database, _ = seeded
    pdf = pypdfium2.PdfDocument(export(database, Format.PDF))
    try:
        # Title, items, three rooms, the items after them with the questions, attendance.
        assert len(pdf) == 7
        width, height = pdf[0].get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
        assert "Ergebnisprotokoll" in pages[0] and "Programm" in pages[0]
        assert "Breakout-Raum: Narrative der Smart City" in pages[2]
        assert "Ämter, die zuhören – „Bürgernähe“ erzählen" in pages[2]
        assert "Fragen aus dem Plenum" in pages[-2]
        assert "von Anna Älterwein (Stadt Mayen) · 3 Stimmen" in pages[-2]
        assert "Teilnahme" in pages[-1] and "Seite 7" in pages[-1]
        for word in SECRETS + NOT_CONSENTED:
            assert all(word not in page for page in pages)
        image = pdf[2].render(scale=0.5).to_pil().convert("L")
        dark = image.histogram()[:128]
        assert sum(dark) > 2000  # text was drawn, not just an empty page
    finally:
        pdf.close()


def test_pdf_without_system_fonts_uses_the_font_inside_reportlab(seeded, monkeypatch):
    from server.exports import report_pdf

    database, _ = seeded
    monkeypatch.setattr(report_pdf, "_DEJAVU", report_pdf._VERA / "not-here")
    report_pdf.fonts.cache_clear()
    report_pdf._styles.cache_clear()
    try:
        pdf = pypdfium2.PdfDocument(export(database, Format.PDF, room=NARRATIVE))
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        dark = pdf[2].render(scale=0.5).to_pil().convert("L").histogram()[:128]
        pdf.close()
    finally:
        report_pdf.fonts.cache_clear()
        report_pdf._styles.cache_clear()
    assert report_pdf.fonts.cache_info().currsize == 0
    assert sum(dark) > 2000
    assert "Ämter, die zuhören – „Bürgernähe“ erzählen" in text


def test_a_room_export_has_only_that_room(seeded):
    database, ids = seeded
    rows = _rows(export(database, Format.CSV, room=STRATEGY))
    assert [row["Karte"] for row in rows] == [str(ids.cards["strategy"])]
    document = json.loads(export(database, Format.JSON, room=STRATEGY))
    assert [room["slug"] for room in document["rooms"]] == [STRATEGY]
    assert document["attendance"]["participants"] == 1
    with pytest.raises(DomainError) as refused:
        export(database, Format.CSV, room="gibt-es-nicht")
    assert refused.value.code == "unknown_room"


def test_english_labels_and_pseudonyms(seeded):
    database, ids = seeded
    rows = _rows(export(database, Format.CSV, language="en"))
    formula = next(row for row in rows if row["Card"] == str(ids.cards["formula"]))
    assert formula["By"] == "Participant 2" and formula["State"] == "visible"


@pytest.mark.parametrize("role", [Role.STRANGER, Role.PARTICIPANT, Role.MODERATOR])
def test_only_organisers_export(seeded, role):
    database, _ = seeded
    conference = database.run_read(lambda s: conferences.conference_by_slug(s, MYK))
    views = Views()
    with pytest.raises(DomainError):
        exports.open_export(
            backends_of(database), role, conference, ExportOptions(), views.translator("de"), None
        )


def test_cli_writes_an_export_to_a_file_and_to_standard_output(
    seeded, settings, tmp_path, capsysbinary
):
    from server.cli import main

    out = tmp_path / "ergebnisse.json"
    assert (
        main(["export", MYK, "--format", "json", "--pseudonyms", "--out", str(out)], settings) == 0
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["options"]["authors"] == "pseudonyms"
    assert all(not p["named"] for p in document["participants"])
    capsysbinary.readouterr()
    assert main(["export", MYK, "--room", STRATEGY, "--comma"], settings) == 0
    lines = capsysbinary.readouterr().out.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Raum,Leitfrage,Cluster,Karte") and len(lines) == 2
    assert main(["export", "gibt-es-nicht"], settings) == 2


def test_streamed_formats_arrive_room_by_room(seeded):
    """The header first, then one piece per room: never the whole conference at once."""
    database, _ = seeded
    conference = database.run_read(lambda s: conferences.conference_by_slug(s, MYK))
    views = Views()
    made = exports.open_export(
        backends_of(database),
        Role.ORGANISER,
        conference,
        ExportOptions(format=Format.CSV, language="de"),
        views.translator("de"),
        None,
    )
    pieces = list(made.chunks)
    assert len(pieces) == 1 + 3  # the header, then each of the three rooms
    assert pieces[0].decode("utf-8").startswith("\ufeffRaum;Leitfrage")


async def test_an_export_is_one_moment_while_people_go_on_writing(seeded):
    """Every room as of the moment the export began, on both engines: a card posted in
    the last room and a question asked in the plenary while the first room is written
    are in the next export, not in this one."""
    database, ids = seeded
    before = json.loads(export(database, Format.JSON))
    backends = backends_of(database)
    conference = await conferences_service.find_by_slug(backends, MYK)
    cem = await conferences_service.participant(backends, ids.people["cem"])
    networks = await conferences_service.room(backends, conference, NETWORKS)
    column = min(database.run_read(lambda s: boards.board_state(s, networks.id)).column_ids)

    pieces = iter(export_file(database, Format.JSON).chunks)
    begun = next(pieces)  # conference and people read; no room yet
    await board.post_card(backends, cem, networks, column, "Während des Exports", None)
    await plenary.ask(backends, cem, conference, "Eine Frage während des Exports?", None)
    during = json.loads(begun + b"".join(pieces))
    after = json.loads(export(database, Format.JSON))

    assert {**during, "generated_at": ""} == {**before, "generated_at": ""}
    cards_after = [card["text"] for card in after["rooms"][-1]["cards"]]
    assert "Während des Exports" in cards_after
    assert "Eine Frage während des Exports?" in [q["text"] for q in after["questions"]]


def _moderated_by(database: Database, ids, taken: dict[str, str], revoked: dict[str, str]):
    """Invites for rooms (room slug -> person key), taken up; `revoked` ones revoked since."""
    from server.store.tables import ModeratorGrant, ModeratorInvite

    def write(session):
        for grants, ended in ((taken, None), (revoked, AT)):
            for slug, key in grants.items():
                room = ids.rooms[slug]
                invite = ModeratorInvite(
                    room_id=room, name=key, secret_hash=key, created_at=AT, revoked_at=ended
                )
                session.add(invite)
                session.flush()
                session.add(
                    ModeratorGrant(
                        room_id=room, participant_id=ids.people[key], invite_id=invite.id
                    )
                )

    database.run_write(write)


def test_every_export_names_who_moderated_by_consent_and_the_plan_only_where_nobody_did(seeded):
    database, ids = seeded
    # Mia (named) moderated Narrative instead of the planned Anna Beispiel; Dora (no
    # consent) Strategieentwicklung; Cem's link was revoked. Nobody took up the third.
    _moderated_by(database, ids, {NARRATIVE: "mia", STRATEGY: "dora"}, {NETWORKS: "cem"})
    document = json.loads(export(database, Format.JSON))
    dora = next(p["label"] for p in document["participants"] if p["id"] == ids.people["dora"])
    assert dora.startswith("Teilnehmende ")
    rooms = {room["slug"]: room for room in document["rooms"]}
    assert rooms[NARRATIVE]["moderators"] == ["Mia Moderatorin"]
    assert rooms[NARRATIVE]["moderated_by"] == [ids.people["mia"]]
    assert rooms[STRATEGY]["moderators"] == [dora]
    assert rooms[NETWORKS]["moderators"] == ["Paul Exempel"]
    assert rooms[NETWORKS]["moderated_by"] == []

    lines = {
        NARRATIVE: "Moderation: Mia Moderatorin",
        STRATEGY: f"Moderation: {dora}",
        NETWORKS: "Moderation: Paul Exempel",
    }
    html = lxml_html.fromstring(export(database, Format.HTML))
    for slug, line in lines.items():
        meta = html.get_element_by_id(f"room-{slug}").findtext(".//p[@class='meta']")
        assert meta.startswith(f"{line} · "), meta
    markdown = _text(export(database, Format.MARKDOWN))
    document = docx.Document(io.BytesIO(export(database, Format.DOCX)))
    word = "\n".join(p.text for p in document.paragraphs)
    pdf = pypdfium2.PdfDocument(export(database, Format.PDF))
    try:
        printed = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    for text in (markdown, word, printed):
        named = [" ".join(m.split()) for m in re.findall(r"Moderation: ([^·\n]+)", text)]
        assert sorted(named) == sorted(line.removeprefix("Moderation: ") for line in lines.values())
