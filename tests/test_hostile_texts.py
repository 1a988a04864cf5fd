"""Hostile text everywhere: every text a person can enter, entered the way they enter it,
with strings meant to break files, pages and sockets. Each is stored cleaned or refused
with a clear error; every page shows it escaped; every export still makes a valid file.
"""

import asyncio
import csv
import dataclasses
import io
import json
from urllib.parse import urlencode

import docx
import httpx2
import pypdfium2
import pytest
from lxml import html as lxml_html
from sqlalchemy import update
from sqlmodel import select

from server.domain import announcements, board, clusters, participants, questions, results
from server.domain.text import clean_text
from server.exports import Format
from server.services import projectors
from server.settings import RATE_LIMITS
from server.store.database import Database
from server.store.tables import (
    AgendaItem,
    Announcement,
    BoardColumn,
    Card,
    CardCluster,
    Comment,
    Conference,
    Participant,
    Question,
    Room,
    Takeaway,
)

from .bot import HEADER, Member
from .helpers import conference_id, export, moderator, organiser
from .results_seed import MYK, NARRATIVE

MARKER = "plenum-injected"  # a tag or attribute of this name would mean markup got through

# The corpus, once. Where markup could slip through, it would make an element or an
# attribute named MARKER (or an `on…` handler): the pages are searched for those.
HOSTILE = [
    ("noncharacters", "Idee \ufffe\uffff\ufdd0\U0001fffe\U0010ffff Ende"),
    ("lone_surrogates", "Idee \ud800 und \udfff Ende"),
    ("nul_and_controls", "Idee\x00\x01\x07\x08\x1b[31m\x7f\x85\x9f Ende"),
    ("bidi_controls", "\u202egnp.exe\u202c Admin \u2066\u2067x\u2069\u200e\u200f\u061c"),
    ("invisible_format", "Ad\u200bmin\ufeff\u00ad\u2060 \U000e0041\U000e0042 \u3164"),
    ("only_invisible", "\u202e\u200b\ufeff\u2066\x00"),
    ("emoji_and_marks", "👩🏽\u200d💻 ❤\ufe0f q\u0323\u0307 مرحبا שלום 🏴\U000e0067\U000e007f"),
    ("html", f"<script>alert('{MARKER}')</script><img src=x onerror=alert(1) {MARKER}>&amp;"),
    ("htmx", f'<div hx-post="/logout" hx-trigger="load" hx-swap-oob="true" {MARKER}>x</div>'),
    ("attribute", f'" onmouseover="alert(1)" {MARKER}="\' data-x=\''),
    ("template", "{{ 7*7 }} {% raw %} ${7*7} #{7*7} <%= 7*7 %>"),
    ("formula", '=HYPERLINK("http://example.org","klick")'),
    ("formula_at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("markdown", "# Titel\n\n[klick](javascript:alert(1)) **fett** | a | b |\n---"),
    ("json", '{"text": "x"}\\u0000 </script><!--'),
    ("lines", "eins\r\n\r\n\r\n\r\nzwei\u2028drei\u2029vier\tfünf"),
]
LONG = ("long", "x" * 100_000)  # once per field: refused as too long, quickly
IDS = [name for name, _ in HOSTILE]


def injected(tree) -> list:
    """Elements or attributes a hostile string made, instead of being shown as text."""
    return tree.xpath(
        f"//{MARKER} | //@*[name()='{MARKER}' or starts-with(name(), 'on')]"
        f" | //script[contains(., '{MARKER}')]"
    )


# Every character of the corpus that must not reach anyone, named here once more so that
# these tests do not take the rule's word for it.
MUST_GO = frozenset(
    "\x00\x01\x07\x08\x1b\x7f\x85\x9f\ud800\udfff\ufffe\uffff\ufdd0\U0001fffe\U0010ffff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    "\u200b\ufeff\u00ad\u2060\U000e0041\U000e0042\u3164"
)


def no_unsafe_characters(text: str) -> bool:
    return not MUST_GO & set(text)


@pytest.fixture
def settings(settings):
    """Room enough in the rate limits for a corpus sent by one person in a few seconds."""
    generous = {name: "10000 per minute" for name in RATE_LIMITS}
    return dataclasses.replace(settings, rate_limits=generous)


# --- Rows stored before the rule existed ---


def _stored_hostile(database_url: str) -> str:
    """What an older row can hold: PostgreSQL refuses NUL in text (SQLite keeps it), and
    no database stores a lone surrogate."""
    text = f"Alt\u202e\x01\x1b\ufffe\uffff\U0010ffff\u200b <b {MARKER}>fett</b> =1+1"
    return text + ("\x00" if database_url.startswith("sqlite") else "")


def _spoil(database, text: str) -> None:
    """Write the text into every kind of row an export shows, as an older version could."""

    def write(session) -> None:
        conference = session.exec(select(Conference).where(Conference.slug == MYK)).one()
        room = session.exec(select(Room).where(Room.slug == NARRATIVE)).one()
        column = session.exec(select(BoardColumn).where(BoardColumn.room_id == room.id)).first()
        changes = [
            (Conference, Conference.id == conference.id, {"title": text, "subtitle": text}),
            (AgendaItem, AgendaItem.conference_id == conference.id, {"speaker": text}),
            (Room, Room.id == room.id, {"title": text, "description": text}),
            (BoardColumn, BoardColumn.id == column.id, {"title": text}),
            (Card, Card.room_id == room.id, {"text": text}),
            (Comment, Comment.room_id == room.id, {"text": text}),
            (CardCluster, CardCluster.room_id == room.id, {"name": text}),
            (Takeaway, Takeaway.room_id == room.id, {"text": text}),
            (Question, Question.conference_id == conference.id, {"text": text}),
            (
                Participant,
                Participant.conference_id == conference.id,
                {"display_name": text, "organisation": text},
            ),
        ]
        for table, where, values in changes:
            session.execute(update(table).where(where).values(**values))

    database.run_write(write)


def _readable(fmt: Format, data: bytes) -> str:
    """The file opened with the library a reader's program would use; its text."""
    if fmt is Format.CSV:
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        assert len(rows) > 1
        return "\n".join(";".join(row) for row in rows)
    if fmt is Format.JSON:
        return json.dumps(json.loads(data), ensure_ascii=False)
    if fmt is Format.HTML:
        tree = lxml_html.document_fromstring(data)
        assert injected(tree) == []
        return tree.text_content()
    if fmt is Format.DOCX:
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt is Format.PDF:
        pdf = pypdfium2.PdfDocument(data)
        try:
            pages = (pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
            return "\n".join(pages).replace("\r\n", "\n")  # pdfium ends lines so
        finally:
            pdf.close()
    return data.decode("utf-8")


def test_every_export_completes_over_rows_stored_before_the_rule(seeded, database_url):
    database, _ = seeded
    stored = _stored_hostile(database_url)
    _spoil(database, stored)

    for fmt in Format:
        data = export(database, fmt, include_hidden=True)

        text = _readable(fmt, data)
        assert "fett" in text and "=1+1" in text, fmt
        if fmt is Format.JSON:  # complete: the stored words as they are
            assert stored in {card["text"] for card in json.loads(data)["rooms"][0]["cards"]}
        elif fmt in (Format.DOCX, Format.PDF):
            assert no_unsafe_characters(text), fmt  # cleaned where the container demands it


# --- Entered the way people enter them ---


@dataclasses.dataclass(frozen=True)
class Entry:
    """A field people type into, and the rule its text follows."""

    multiline: bool
    max_length: int
    empty: str | None  # the refusal when nothing is left (None: stored as nothing)
    too_long: str

    def outcome(self, typed: str) -> tuple[str | None, str | None]:
        """(what is stored, None) or (None, the refusal's code)."""
        cleaned = clean_text(typed, multiline=self.multiline)
        if not cleaned:
            return None, self.empty
        if len(cleaned) > self.max_length:
            return None, self.too_long
        return cleaned, None


NAME = Entry(False, participants.MAX_NAME_LENGTH, "name_missing", "name_too_long")
ORGANISATION = Entry(False, participants.MAX_ORGANISATION_LENGTH, None, "organisation_too_long")
CARD = Entry(True, board.MAX_CARD_LENGTH, "card_empty", "card_too_long")
COMMENT = Entry(True, board.MAX_COMMENT_LENGTH, "card_empty", "card_too_long")
CLUSTER = Entry(
    False, clusters.MAX_CLUSTER_NAME_LENGTH, "cluster_name_missing", "cluster_name_too_long"
)
TAKEAWAY = Entry(True, results.MAX_TAKEAWAY_LENGTH, "card_empty", "card_too_long")
QUESTION = Entry(True, questions.MAX_LENGTH, "question_empty", "question_too_long")
ANNOUNCEMENT = Entry(False, announcements.MAX_LENGTH, "announcement_empty", "announcement_too_long")
FORM = {"content-type": "application/x-www-form-urlencoded"}


def as_a_form_sends_it(typed: str) -> str:
    """A form carries UTF-8 bytes: a lone surrogate arrives as the bytes it would be,
    which the server reads as U+FFFD (as a browser would have sent it)."""
    return typed.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _form(fields: dict[str, str]) -> bytes:
    return urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()


def _shown(text: str) -> str:
    return " ".join(text.split())


def _page(answer) -> object:
    assert answer.status_code == 200, answer.status_code
    tree = lxml_html.document_fromstring(answer.content)
    assert injected(tree) == [], answer.url
    return tree


def _frames_escaped(member: Member) -> None:
    """Every frame the socket carried parses without a hostile element or attribute."""
    for frame in member.frames:
        body = HEADER.sub("", frame, count=1)
        if body.strip():
            assert injected(lxml_html.fragment_fromstring(body, create_parent="div")) == []


async def _entered(
    member: Member, entry: Entry, command: str, sent: list[dict], key: str = "text"
) -> list[str]:
    """Send one command per text without waiting, as a fast typist would; then check each
    answer against the rule. What was stored, in order; each refusal has the rule's code
    and a sentence a person understands."""
    cids = [await member.command(command, **fields) for fields in sent]
    await member.until(lambda m: all(cid in m.replies for cid in cids), timeout=30)
    kept = []
    for fields, cid in zip(sent, cids, strict=True):
        stored, refusal = entry.outcome(fields[key])
        assert member.codes.get(cid) == refusal, (command, fields[key][:40], member.replies[cid])
        if refusal is None:
            kept.append(stored)
        else:
            assert member.replies[cid] and member.replies[cid] != refusal
    return kept


def _stored(live, where, *columns) -> list:
    database = Database(live.settings.database_url)
    try:
        return database.run_read(lambda s: list(s.exec(select(*columns).where(where))))
    finally:
        database.close()


async def test_names_and_organisations_on_the_join_form_are_cleaned_or_refused(live, crowd):
    room = live.rooms()[NARRATIVE]
    column = live.columns(room)[0]
    expected, people = set(), []
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as http:
        for label, typed in [*HOSTILE, LONG]:
            for entry, fields in (
                (NAME, {"display_name": typed, "organisation": "Stadt Mayen"}),
                (ORGANISATION, {"display_name": f"Orga {label}", "organisation": typed}),
            ):
                http.cookies.clear()
                form = _form({**fields, "name_consent": "yes"})
                answer = await http.post(f"/c/{MYK}/join", content=form, headers=FORM)
                kept, refusal = entry.outcome(as_a_form_sends_it(typed))
                if refusal is not None:
                    assert answer.status_code == 422, (label, answer.status_code)
                    page = lxml_html.document_fromstring(answer.content)
                    assert injected(page) == []
                    assert page.get_element_by_id("form-errors").text_content().strip()
                    continue
                assert answer.status_code == 303, (label, answer.status_code)
                cookie = f"plenum_session={http.cookies['plenum_session']}"
                name = kept if entry is NAME else f"Orga {label}"
                expected.add((name, kept if entry is ORGANISATION else "Stadt Mayen"))
                if entry is NAME:
                    people.append(crowd(Member(live.base, cookie, name)))

    found = _stored(
        live,
        Participant.conference_id == conference_id(live),
        Participant.display_name,
        Participant.organisation,
    )
    assert {tuple(row) for row in found} == expected

    # The hostile names where others read them: the room's members, cards, the plenary.
    mia = crowd(await moderator(live))
    # Sockets that do not read every frame to the end must not hold up their close.
    await mia.enter(room, max_queue=None)
    for person in people:
        await person.enter(room, max_queue=None)
        assert await person.act("post_card", column=str(column), text="Meine Idee") is None
    await mia.until(lambda m: len(m.cards(column)) == len(people))

    def everyone_present(member) -> bool:  # presence comes at most once a second
        members = [_shown(text) for text in member.members.values()]
        return all(any(person.name in text for text in members) for person in people)

    await mia.until(everyone_present)
    _frames_escaped(mia)
    for path in (f"/c/{MYK}", f"/c/{MYK}/rooms/{NARRATIVE}"):
        _page(await mia.get(path))


async def _made(member: Member, command: str, **fields) -> int:
    """Apply a plain command; the id of what it created."""
    cid = await member.command(command, **fields)
    await member.until(lambda m: cid in m.replies)
    assert member.replies[cid] is None, member.replies[cid]
    return member.created[cid][1]


async def _through_the_console(live, olga: Member, label: str, typed: str) -> str | None:
    """A moderator's link made for the hostile name; its invite page shows the name."""
    kept, refusal = NAME.outcome(as_a_form_sends_it(typed))
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as http:
        answer = await http.post(
            f"/console/{MYK}/invites",
            content=_form({"room": NARRATIVE, "name": typed}),
            headers={**FORM, "Cookie": olga.cookie},
        )
    if refusal is not None:
        assert answer.status_code == 422, (label, answer.status_code)
        assert injected(lxml_html.document_fromstring(answer.content)) == []
        return None
    link = _page(answer).get_element_by_id("new-link-url").text_content().strip()
    stranger = Member(live.base, "", "")  # sees the name suggested in the join form
    invitation = _page(await stranger.get("/" + link.split("/", 3)[3]))
    assert kept in [field.get("value") for field in invitation.xpath("//input")]
    return kept


def _plain_texts(live, room: int, cid: int) -> dict[str, list[str]]:
    def read(session) -> dict[str, list[str]]:
        def texts(column, where) -> list[str]:
            return list(session.exec(select(column).where(where).order_by(column)))

        return {
            "cards": texts(Card.text, Card.room_id == room),
            "comments": texts(Comment.text, Comment.room_id == room),
            "clusters": texts(CardCluster.name, CardCluster.room_id == room),
            "takeaways": texts(Takeaway.text, Takeaway.room_id == room),
            "questions": texts(Question.text, Question.conference_id == cid),
            "announcements": texts(Announcement.text, Announcement.conference_id == cid),
        }

    database = Database(live.settings.database_url)
    try:
        return database.run_read(read)
    finally:
        database.close()


async def test_every_text_in_rooms_plenary_and_console_is_cleaned_or_refused_and_escaped(
    live, crowd
):
    room = live.rooms()[NARRATIVE]
    column = str(live.columns(room)[0])
    conference = conference_id(live)
    mia = crowd(await moderator(live))
    anna = crowd(await Member.join(live.base, MYK, "Anna", name_consent=True))
    olga = crowd(await organiser(live))
    asking = crowd(Member(live.base, anna.cookie, "Anna"))
    # Sockets that do not read every frame to the end must not hold up their close.
    await mia.enter(room, max_queue=None)
    await anna.enter(room, max_queue=None)
    await asking.open(f"/ws/conferences/{conference}", max_queue=None)
    await olga.open(f"/ws/conferences/{conference}/dashboard", max_queue=None)
    base = await _made(anna, "post_card", column=column, text="Basis")
    cluster = await _made(mia, "group_cards", cards=str(base), name="Basis-Cluster")
    takeaway = await _made(mia, "add_takeaway", text="Erstes Ergebnis")

    texts = [typed for _, typed in [*HOSTILE, LONG]]

    async def anna_writes() -> dict[str, list[str]]:
        return {
            "cards": await _entered(
                anna, CARD, "post_card", [{"column": column, "text": t} for t in texts]
            ),
            "edits": await _entered(
                anna, CARD, "edit_card", [{"card": str(base), "text": t} for t in texts]
            ),
            "comments": await _entered(
                anna, COMMENT, "comment", [{"card": str(base), "text": t} for t in texts]
            ),
        }

    async def mia_moderates() -> dict[str, list[str]]:
        plain = [{"column": column, "text": f"Karte {label}"} for label, _ in [*HOSTILE, LONG]]
        alone = [await mia.command("post_card", **fields) for fields in plain]
        await mia.until(lambda m: all(cid in m.created for cid in alone))
        cards = [str(mia.created[cid][1]) for cid in alone]
        groups = [{"cards": c, "name": t} for c, t in zip(cards, texts, strict=True)]
        edits = [{"takeaway": str(takeaway), "text": t} for t in texts]
        return {
            "clusters": await _entered(mia, CLUSTER, "group_cards", groups, key="name"),
            "renamed": await _entered(
                mia,
                CLUSTER,
                "rename_cluster",
                [{"cluster": str(cluster), "name": t} for t in texts],
                key="name",
            ),
            "takeaways": await _entered(
                mia, TAKEAWAY, "add_takeaway", [{"text": t} for t in texts]
            ),
            "takeaway_edits": await _entered(mia, TAKEAWAY, "edit_takeaway", edits),
        }

    async def in_the_plenary() -> dict[str, list[str]]:
        announced = [{"text": t, "target": "everyone"} for t in texts]
        return {
            "questions": await _entered(asking, QUESTION, "ask", [{"text": t} for t in texts]),
            "announcements": await _entered(olga, ANNOUNCEMENT, "announce", announced),
        }

    async def olga_invites() -> dict[str, list[str]]:
        made = [await _through_the_console(live, olga, label, t) for label, t in [*HOSTILE, LONG]]
        return {"invites": [name for name in made if name is not None]}

    kept = {}
    for part in await asyncio.gather(
        anna_writes(), mia_moderates(), in_the_plenary(), olga_invites()
    ):
        kept |= part

    # Stored as cleaned, nothing else.
    stored = _plain_texts(live, room, conference)
    assert set(kept["cards"]) <= set(stored["cards"])
    assert kept["edits"][-1] in stored["cards"] and "Basis" not in stored["cards"]
    assert sorted(kept["comments"]) == stored["comments"]
    assert set(kept["clusters"]) | {kept["renamed"][-1]} == set(stored["clusters"])
    assert sorted(kept["takeaways"] + kept["takeaway_edits"][-1:]) == stored["takeaways"]
    assert sorted(kept["questions"]) == stored["questions"]
    assert sorted(kept["announcements"]) == stored["announcements"]
    assert all(no_unsafe_characters(text) for texts in stored.values() for text in texts)

    # Shown as text on every socket and page, never as markup.
    await anna.until(lambda m: len(m.cards(int(column))) == len(stored["cards"]))
    assert {_shown(text) for text in kept["cards"]} <= set(map(_shown, anna.texts(int(column))))
    for member in (mia, anna, asking, olga):
        _frames_escaped(member)
    signer = projectors.signer(live.settings.secret_key)
    screens = {
        f"/c/{MYK}/projector/{projectors.key_for(signer, projectors.CONFERENCE, conference)}",
        f"/c/{MYK}/rooms/{NARRATIVE}/projector/{projectors.key_for(signer, projectors.ROOM, room)}",
    }
    pages = [(anna, f"/c/{MYK}"), (anna, f"/c/{MYK}/rooms/{NARRATIVE}"), (mia, f"/c/{MYK}")]
    pages += [(mia, f"/c/{MYK}/rooms/{NARRATIVE}"), *((olga, path) for path in screens)]
    pages += [(olga, f"/console/{MYK}{part}") for part in ("", "/live", "/exports")]
    for member, path in pages:
        _page(await member.get(path))

    # Every export makes a file its program opens, with the words as they were stored.
    for fmt in Format:
        answer = await olga.get(
            f"/console/{MYK}/exports/download?format={fmt.value}&include_hidden=yes"
        )
        assert answer.status_code == 200, fmt
        text = _readable(fmt, answer.content)
        assert kept["takeaways"][0].split()[0] in text, fmt
        if fmt is Format.JSON:
            cards = json.loads(answer.content)["rooms"][0]["cards"]
            assert set(kept["cards"]) <= {card["text"] for card in cards}
