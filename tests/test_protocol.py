"""docs/protocol.md against the server: a client that follows the doc (tests/bot.py) keeps
an exact copy of the board, in order, and every message gets the reply the doc promises."""

import asyncio
import dataclasses
import re

import pytest
import websockets
from babel.messages.pofile import read_po

from server.cli import main
from server.settings import PROJECT_ROOT
from server.store import presence
from server.store.database import Database
from server.views.i18n import catalogue_path

from .bot import HEADER, Member
from .helpers import MYK, conference_id, moderator, organiser
from .servers import ServerThread


@pytest.fixture
def settings(settings):
    """The checks open a fresh tab for every step, more often than a person opens one (the
    socket limit has tests of its own, tests/abuse)."""
    return dataclasses.replace(
        settings, rate_limits={**settings.rate_limits, "socket": "1000 per minute"}
    )


ROOM = "narrative-der-smart-city"
DOC = PROJECT_ROOT / "docs" / "protocol.md"


class Board:
    """A room where Mia moderates and Anna and Ben take part; Anna's and Mia's copies
    follow every delta, and `check` compares them with fresh snapshots of their audience.

    The fresh snapshots come from a second server on the same database: the first one
    serves a new socket its cached snapshot and the deltas since (realtime/hub.py), which
    is what is being checked."""

    def __init__(self, live, fresh, room_id: int, mia: Member, anna: Member, ben: Member) -> None:
        self.live, self.fresh, self.room_id = live, fresh, room_id
        self.mia, self.anna, self.ben = mia, anna, ben
        self.columns = live.columns(room_id)

    async def act(self, member: Member, command: str, **fields) -> tuple[str, int] | None:
        cid = await member.command(command, **fields)
        await member.until(lambda m: cid in m.replies)
        assert member.replies[cid] is None, (command, member.replies[cid])
        await self.check(command)
        return member.created.get(cid)

    async def post(self, member: Member, text: str, column: int = 0) -> int:
        created = await self.act(member, "post_card", column=self.columns[column], text=text)
        assert created[0] == "card"
        return created[1]

    async def check(self, step: str) -> None:
        """A second tab of the follower gets a fresh snapshot (a second tab changes nobody's
        presence); the follower, once at the same seq, has the same lists in the same order,
        and so has a third tab on the follower's server (its cached snapshot and deltas).
        Presence is outside the seq: within a second or so they list the same people."""
        for follower in (self.anna, self.mia):
            probe = Member(self.fresh.base, follower.cookie, f"{follower.name} (fresh)")
            joiner = Member(self.live.base, follower.cookie, f"{follower.name} (joins)")
            await probe.enter(self.room_id)
            await joiner.enter(self.room_id)
            for copy in (follower, joiner):
                await copy.until(lambda m, seq=probe.seq: m.seq == seq)
                assert copy.lists() == probe.lists(), (step, copy.name)
                present = list(probe.members)
                await copy.until(lambda m, p=present: list(m.members) == p, timeout=3)
            await probe.leave()
            await joiner.leave()


async def test_a_client_that_follows_the_deltas_has_the_order_of_a_fresh_snapshot(live):
    fresh = ServerThread(live.settings)
    await asyncio.to_thread(fresh.start)
    try:
        await _follow_the_deltas(live, fresh)
    finally:
        await asyncio.to_thread(fresh.stop)


async def _follow_the_deltas(live, fresh) -> None:
    room_id = live.rooms()[ROOM]
    mia = await moderator(live)
    anna = await Member.join(live.base, MYK, "Anna", "Stadt Mayen")
    ben = await Member.join(live.base, MYK, "Ben")
    for member in (mia, anna, ben):
        await member.enter(room_id)
    board = Board(live, fresh, room_id, mia, anna, ben)

    a1 = await board.post(anna, "Offene Daten")
    a2 = await board.post(anna, "Datenportal")
    a3 = await board.post(anna, "Datenethik")
    b1 = await board.post(ben, "Ehrenamt stärken")
    b2 = await board.post(ben, "Radwege", column=1)
    m1 = await board.post(mia, "Smart Region")

    await board.act(anna, "edit_card", card=a1, text="Offene Daten für alle")
    await board.act(ben, "comment", card=a2, text="Mit Schnittstellen!")
    await board.act(mia, "highlight", card=a1, highlighted="yes")
    await board.act(mia, "hide_card", card=a2)
    await board.act(mia, "unhide_card", card=a2)

    live.set_room(room_id, pre_moderation=True)
    b3 = await board.post(ben, "Bitte freigeben")  # waits in the queue
    m2 = await board.post(mia, "Moderierende warten nicht")
    live.set_room(room_id, pre_moderation=False)
    await board.act(mia, "approve_card", card=b3)  # older than m2: goes before it

    await board.act(mia, "set_phase", phase="vote")
    await board.act(ben, "vote", card=a3)
    await board.act(anna, "vote", card=b1)
    await board.act(mia, "set_phase", phase="discuss")

    await board.act(mia, "move_cards", cards=str(a1), column=board.columns[1])  # before b2
    assert await board.act(mia, "group_cards", cards=f"{a3},{m1}", name="Daten") is not None
    await board.act(mia, "group_cards", cards=f"{b1},{m2}", name="Ehrenamt")  # after "Daten"
    first = mia.find(f"card-{a3}").get("data-cluster")
    await board.act(mia, "cluster_cards", cards=str(a2), cluster=first)  # before a3
    await board.act(mia, "cluster_cards", cards=str(a3), cluster="")  # back among the loose
    await board.act(mia, "rename_cluster", cluster=first, name="Offene Daten")
    await board.act(mia, "merge_cards", cards=f"{m2},{b3}")  # b3 keeps, m2 folds in
    await board.act(mia, "move_cards", cards=f"{b3},{a3}", column=board.columns[1])
    await board.act(mia, "ungroup", cluster=first)
    for _ in range(4):  # the ungroup, the move, the merge, the rename
        await board.act(mia, "undo")
    await board.act(anna, "comment", card=a3, text="Gehört dazu")
    await board.act(ben, "delete_card", card=b2)
    await board.act(anna, "delete_card", card=a3)
    await board.act(mia, "undo")  # the clustering-out of a3, a card now deleted: stays gone


# --- Replies ------------------------------------------------------------------------------


async def test_a_client_that_follows_presence_frames_ends_with_a_fresh_snapshots_presence(live):
    """Presence comes outside the seq, gathered into at most one frame a second: a copy
    that applies those frames as the doc says lists whom a fresh snapshot lists."""
    fresh = ServerThread(live.settings)  # snapshots straight from the database, no cache
    await asyncio.to_thread(fresh.start)
    try:
        await _follow_presence(live, fresh)
    finally:
        await asyncio.to_thread(fresh.stop)


async def _follow_presence(live, fresh) -> None:
    room_id = live.rooms()[ROOM]
    anna = await Member.join(live.base, MYK, "Anna", "Stadt Mayen")
    await anna.enter(room_id)
    seq = anna.seq
    people = [await Member.join(live.base, MYK, name) for name in ("Ben", "Cem", "Dora", "Eva")]
    for person in people:
        await person.enter(room_id)
    await people[1].leave()  # Cem comes and goes within the same second
    await people[2].leave()
    await people[2].enter(room_id)  # Dora drops and comes back
    await _departed(live, room_id, present=4)  # Cem's socket counts until the short grace ends

    probe = Member(fresh.base, anna.cookie, "Anna (fresh)")
    await probe.enter(room_id)
    expected = ["Anna (Stadt Mayen)", "Ben", "Dora", "Eva"]
    assert sorted(probe.members.values()) == expected
    assert probe.find("presence-count").text == "4 Personen anwesend"
    await anna.until(lambda m: sorted(m.members.values()) == expected, timeout=5)
    assert anna.find("presence-count").text == probe.find("presence-count").text
    assert anna.seq == seq  # nobody's coming or going moved the seq
    side = [frame for frame in anna.frames if frame.startswith("<!--plenum summary-->")]
    assert 1 <= len(side) <= 4  # seven changes in about a second: gathered, not one each
    await probe.leave()


async def _departed(live, room_id: int, present: int) -> None:
    database = Database(live.settings.database_url)
    try:
        async with asyncio.timeout(5):
            while True:
                with database.session() as session:
                    if presence.count_present(session, room_id) == present:
                        return
                await asyncio.sleep(0.02)
    finally:
        database.close()


async def test_replies_name_what_a_command_created_also_when_it_is_sent_again(live):
    room_id = live.rooms()[ROOM]
    mia = await moderator(live)
    anna = await Member.join(live.base, MYK, "Anna")
    for member in (mia, anna):
        await member.enter(room_id)
    column = live.columns(room_id)[0]

    posted = await anna.post(column, "Bürgerbeteiligung", cid="post-1")
    await anna.until(lambda m: posted in m.replies)
    kind, card = anna.created[posted]
    assert kind == "card"
    await anna.until(lambda m: m.card_text(card) == "Bürgerbeteiligung")
    headers = [HEADER.match(frame).group(0) for frame in anna.frames]
    assert f"<!--plenum reply post-1 ok card={card}-->" in headers
    del anna.replies[posted], anna.created[posted]
    await anna.post(column, "Bürgerbeteiligung", cid="post-1")  # a retry: applied once
    await anna.until(lambda m: posted in m.replies)
    assert anna.created[posted] == ("card", card)

    async def creates(member: Member, command: str, **fields) -> tuple[str, int]:
        cid = await member.command(command, **fields)
        await member.until(lambda m: cid in m.replies)
        assert member.replies[cid] is None, member.replies[cid]
        return member.created[cid]

    other = (await creates(anna, "post_card", column=column, text="Beteiligung"))[1]
    assert (await creates(anna, "comment", card=card, text="Ja!"))[0] == "comment"
    kind, cluster = await creates(mia, "group_cards", cards=f"{card},{other}", name="Beteiligung")
    assert kind == "cluster"
    await anna.until(lambda m: m.has(f"cluster-{cluster}"))
    kind, takeaway = await creates(mia, "add_takeaway", text="Früh beteiligen")
    assert kind == "takeaway"
    await anna.until(lambda m: m.has(f"takeaway-{takeaway}"))
    assert (await creates(mia, "promote", cluster=cluster))[0] == "takeaway"
    applied = await anna.command("vote", card=card)  # refused (not the vote phase): no id
    await anna.until(lambda m: applied in m.replies)
    assert applied not in anna.created

    plenary = conference_id(live)
    olga = await organiser(live)
    await olga.attend(plenary)
    await anna.attend(plenary)
    kind, question = await creates(anna, "ask", text="Wer bezahlt das?")
    assert kind == "question"
    await olga.until(lambda m: m.find("qa") is not None and f'"{question}"' in _html(m, "qa"))
    kind, announcement = await creates(olga, "announce", text="Pause bis 11 Uhr", target="everyone")
    assert kind == "announcement"
    assert await olga.act("end_announcement", announcement=announcement) is None


def _html(member: Member, element_id: str) -> str:
    from lxml import html

    return html.tostring(member.find(element_id), encoding="unicode")


async def test_resync_is_answered_and_the_next_numbered_frame_is_the_snapshot(live):
    room_id = live.rooms()[ROOM]
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.enter(room_id)
    seen = len(anna.frames)

    cid = await anna.command("resync")
    await anna.until(lambda m: any(f.startswith("<!--plenum snapshot") for f in m.frames[seen:]))

    headers = [HEADER.match(frame).groups() for frame in anna.frames[seen:]]
    answered = [h for h in headers if h[0] in ("reply", "snapshot", "delta")]
    assert answered[0] == ("reply", cid, "ok", None)
    assert answered[1][0] == "snapshot"


@pytest.mark.parametrize(
    ("message", "cid"),
    [
        ("not json", "*"),
        ("[1, 2]", "*"),
        ('"post_card"', "*"),
        ('{"cid": "c-7"}', "c-7"),
        ('{"command": 5, "cid": "c-8"}', "c-8"),
        ('{"command": "post_card", "cid": "a b", "text": "x"}', "*"),
        ('{"command": "post_card", "cid": "' + "x" * 65 + '", "text": "x"}', "*"),
    ],
)
async def test_a_message_that_cannot_be_read_gets_a_well_formed_reply(live, message, cid):
    room_id = live.rooms()[ROOM]
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.enter(room_id)

    await anna.socket.send(message)
    await anna.until(lambda m: cid in m.replies)

    assert anna.frames[-1].startswith(f"<!--plenum reply {cid} error bad_command-->")
    assert anna.replies[cid] == "Diese Nachricht hat der Server nicht verstanden."
    assert anna.card_ids() == []


async def test_a_refusal_carries_its_code_beside_the_sentence(live):
    room_id = live.rooms()[ROOM]
    live.set_room(room_id, vote_budget=1)
    mia = await moderator(live)
    anna = await Member.join(live.base, MYK, "Anna")
    for member in (mia, anna):
        await member.enter(room_id)
    column = live.columns(room_id)[0]
    card = anna.created[await _acted(anna, "post_card", column=column, text="Radwege")][1]

    refused = await _acted(anna, "vote", card=card)
    assert anna.codes[refused] == "voting_closed"
    assert await mia.act("set_phase", phase="vote") is None
    await _acted(anna, "vote", card=card)
    refused = await _acted(anna, "vote", card=card)
    assert anna.codes[refused] == "vote_budget_spent"
    assert anna.replies[refused].startswith("Sie haben alle 1 Punkte vergeben.")
    assert anna.frames[-1].startswith(f"<!--plenum reply {refused} error vote_budget_spent-->")
    refused = await _acted(anna, "set_phase", phase="discuss")
    assert anna.codes[refused] == "not_allowed"


async def _acted(member: Member, command: str, **fields) -> str:
    cid = await member.command(command, **fields)
    await member.until(lambda m: cid in m.replies)
    return cid


async def test_refused_at_the_door_the_reply_names_the_code(live):
    room_id = live.rooms()[ROOM]
    live.set_room(room_id, capacity=1)
    anna = await Member.join(live.base, MYK, "Anna")
    ben = await Member.join(live.base, MYK, "Ben")
    await anna.enter(room_id)
    with pytest.raises(websockets.ConnectionClosed):
        await ben.enter(room_id)
    assert ben.closed_with == 4409
    assert ben.codes == {"enter": "room_full"}


# --- The doc itself -------------------------------------------------------------------------

ERROR_TABLE = re.compile(
    r"<!-- error codes: generated -->\n(.*?)<!-- end of error codes -->", re.DOTALL
)


def error_table() -> str:
    """The doc's table of error codes, from the English catalogue (`errors.*`)."""
    with open(catalogue_path("en"), "rb") as f:
        catalogue = read_po(f)
    sentences = {
        message.id.removeprefix("errors."): message.string
        for message in catalogue
        if isinstance(message.id, str) and message.id.startswith("errors.")
    }
    lines = ["| code | the sentence (English; `{…}` filled in) |", "| --- | --- |"]
    for code, sentence in sorted(sentences.items()):
        if code != "title":  # the heading of error lists, not a code
            cell = sentence.replace("|", r"\|")
            lines.append(f"| `{code}` | {cell} |")
    return "\n".join(lines) + "\n"


def test_the_doc_lists_every_error_code_with_its_sentence():
    found = ERROR_TABLE.search(DOC.read_text())
    assert found, "docs/protocol.md lost its table of error codes"
    assert found.group(1) == error_table(), "paste this into docs/protocol.md:\n" + error_table()


def test_the_doc_lists_every_command_of_each_socket():
    from server.web.live import COMMANDS
    from server.web.plenary_live import PLENARY_COMMANDS

    text = DOC.read_text()
    for command in [*COMMANDS.handlers, *PLENARY_COMMANDS.handlers, "resync"]:
        assert f"`{command}`" in text, command


# --- A whole session with the reference client, from documented URLs only --------------------


async def test_a_whole_room_session_from_documented_urls_and_fields(live, capsys):
    anna = await Member.join(live.base, MYK, "Anna", "Stadt Mayen", name_consent=True)
    mia = await Member.join(live.base, MYK, "Mia")
    capsys.readouterr()
    made_link = ["invite", MYK, ROOM, "--name", "Mia", "--base-url", f"http://{live.base}"]
    assert main(made_link, live.settings) == 0
    link = capsys.readouterr().out.splitlines()[-1]
    assert await mia.accept_invite(link) == f"/c/{MYK}/rooms/{ROOM}"
    assert sorted(await anna.room_slugs(MYK)) == sorted(live.rooms())
    page = await anna.room_page(MYK, ROOM)
    assert page.socket_path == f"/ws/rooms/{page.room_id}"
    first, second = list(page.columns)[:2]
    await anna.open(page.socket_path)
    await mia.open((await mia.room_page(MYK, ROOM)).socket_path)
    assert mia.has("moderation") and not anna.has("moderation")

    made = {}
    for text, column in (("Offene Daten", first), ("Radwege", second), ("Datenportal", first)):
        cid = await _acted(anna, "post_card", column=column, text=text)
        assert anna.replies[cid] is None
        made[text] = anna.created[cid][1]
    cid = await _acted(mia, "group_cards", cards=f"{made['Offene Daten']},{made['Datenportal']}")
    assert mia.codes[cid] == "cluster_name_missing"
    cid = await _acted(
        mia, "group_cards", cards=f"{made['Offene Daten']},{made['Datenportal']}", name="Daten"
    )
    cluster = mia.created[cid][1]
    assert await mia.act("set_phase", phase="vote") is None
    assert await anna.act("vote", card=made["Radwege"]) is None
    await anna.until(lambda m: m.my_votes().get("cards") == {made["Radwege"]: 1})
    assert await mia.act("set_phase", phase="discuss") is None
    assert await mia.act("promote", cluster=str(cluster)) is None
    await anna.until(lambda m: m.takeaways() == ["Daten"])
    assert anna.clusters() == {"Daten": [made["Offene Daten"], made["Datenportal"]]}
    assert [card for card, _ in anna.columns[second]] == [made["Radwege"]]
