"""One participant floods a room with cards: the rate limit refuses the surplus with the
wait, keeps everything accepted before, and holds nobody else back; whatever the time,
a board holds only so much."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from server.domain import board as rules
from server.domain import questions as qa_rules
from server.domain.errors import DomainError
from server.domain.participants import Joining
from server.services import board, plenary
from server.services import conferences as conferences_service
from server.services.backends import Backends
from server.services.config_files import load_into
from server.settings import PROJECT_ROOT, Settings
from server.store import boards, conferences
from server.store.database import Database
from server.store.records import ParticipantRecord, RoomRecord
from server.store.tables import Card, Comment, Question

from ..bot import Member
from ..helpers import MYK, NARRATIVE, backends_of, column_ids, moderator, room_ids
from ..servers import ServerProcess
from .settings import with_limits

WAIT = re.compile(r"in (\d+) s noch einmal")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return with_limits(tmp_path, post="3 per minute", command="5 per minute")


async def _replies(member: Member, cids: list[str]) -> list[str | None]:
    """The code each command was refused with, None for applied, in the order sent."""
    # A socket is not read for a moment after each refusal (members.py): the replies to a
    # flood come a few a second.
    await member.until(lambda m: all(cid in m.replies for cid in cids), timeout=15)
    return [member.codes.get(cid) for cid in cids]


async def test_a_flood_of_cards_is_refused_past_the_limit_and_nothing_accepted_is_lost(live):
    room_id = live.rooms()[NARRATIVE]
    column = live.columns(room_id)[0]
    anna = await Member.join(live.base, MYK, "Anna")
    ben = await Member.join(live.base, MYK, "Ben")
    for member in (anna, ben):
        await member.enter(room_id)

    # As fast as a script can: no waiting for replies.
    cids = [await anna.post(column, f"Flut {n}") for n in range(12)]

    assert await _replies(anna, cids) == [None] * 3 + ["rate_limited"] * 9
    wait = WAIT.search(anna.replies[cids[-1]])
    assert wait and 1 <= int(wait.group(1)) <= 60, anna.replies[cids[-1]]
    assert await ben.act("post_card", column=column, text="Bens Idee") is None
    expected = ["Flut 0", "Flut 1", "Flut 2", "Bens Idee"]
    await ben.until(lambda m: m.texts(column) == expected)
    await anna.until(lambda m: m.texts(column) == expected)


async def test_the_limit_holds_across_server_processes(scaleout_env, tmp_path):
    """One person on two workers behind one Redis: one count."""
    env = {**scaleout_env, "LIMIT_POST": "3 per minute"}
    servers = [ServerProcess(env, tmp_path) for _ in range(2)]
    for server in servers:
        server.launch()
    try:
        for server in servers:
            server.wait_ready()
        room_id = room_ids(Settings(database_url=env["DATABASE_URL"]))[NARRATIVE]
        column = column_ids(Settings(database_url=env["DATABASE_URL"]), room_id)[0]
        here = await Member.join(servers[0].base, MYK, "Anna")
        there = Member(servers[1].base, here.cookie, "Anna")
        for tab in (here, there):
            await tab.enter(room_id)

        tabs = [here, there] * 3
        sent = [(tab, await tab.post(column, f"Idee {n}")) for n, tab in enumerate(tabs)]
        codes = [(await _replies(tab, [cid]))[0] for tab, cid in sent]
        for tab in (here, there):
            await tab.leave()
    finally:
        for server in servers:
            server.terminate()

    assert sorted(codes, key=str) == [None] * 3 + ["rate_limited"] * 3


async def test_comments_share_the_posting_limit_and_other_messages_have_their_own(live):
    room_id = live.rooms()[NARRATIVE]
    column = live.columns(room_id)[0]
    anna = await Member.join(live.base, MYK, "Anna")
    await anna.enter(room_id)
    cid = await anna.post(column, "Radwege")
    await anna.until(lambda m: cid in m.replies)
    card = anna.created[cid][1]

    comments = [await anna.command("comment", card=card, text=f"Ja {n}") for n in range(3)]
    assert await _replies(anna, comments) == [None, None, "rate_limited"]
    # resync makes the server render a snapshot: it counts like any other message.
    resyncs = [await anna.command("resync") for _ in range(6)]
    assert await _replies(anna, resyncs) == [None] * 5 + ["rate_limited"]
    cids = [await anna.command("vote", card=card)]
    assert await _replies(anna, cids) == ["rate_limited"]


async def test_a_moderator_curating_in_a_hurry_is_not_held_by_the_participants_limits(live):
    room_id = live.rooms()[NARRATIVE]
    column = live.columns(room_id)[0]
    mia = await moderator(live)
    await mia.enter(room_id)

    posted = [await mia.post(column, f"Von der Flipchart {n}") for n in range(6)]
    assert await _replies(mia, posted) == [None] * 6
    cards = ",".join(str(mia.created[cid][1]) for cid in posted)
    curated = [
        await mia.command("group_cards", cards=cards, name="Flipchart"),
        await mia.command("set_phase", phase="cluster"),
        await mia.command("set_phase", phase="collect"),
        await mia.command("lock_board", locked="yes"),
        await mia.command("lock_board", locked="no"),
        await mia.command("resync"),
    ]
    assert await _replies(mia, curated) == [None] * 6


# --- What a board holds, whatever the time (services; no rate limit on this path) ----------


@dataclass
class Board:
    backends: Backends
    room: RoomRecord
    column: int
    anna: ParticipantRecord
    ben: ParticipantRecord

    async def post(self, author: ParticipantRecord, text: str = "Idee") -> str | int:
        """The new card's id, or the code it was refused with."""
        try:
            applied = await board.post_card(
                self.backends, author, self.room, self.column, text, None
            )
        except DomainError as refused:
            return refused.code
        return applied.created.id

    async def comment(self, author: ParticipantRecord, card: int) -> str | int:
        try:
            applied = await board.add_comment(self.backends, author, self.room, card, "Ja", None)
        except DomainError as refused:
            return refused.code
        return applied.created.id

    def seed(self, table, rows: list[dict]) -> None:
        """Rows written straight into the store: a long day's worth, in one transaction."""
        self.backends.database.run_write(lambda s: s.execute(insert(table), rows))


@pytest.fixture
def room_board(database_url: str):
    database = Database(database_url)
    database.migrate()
    backends = backends_of(database)
    load_into(backends, [PROJECT_ROOT / "sessions_config" / f"{MYK}.yaml"])

    def seed(session):
        conference = conferences.conference_by_slug(session, MYK)
        room = conferences.room_by_slug(session, conference.id, NARRATIVE)
        anna, ben = (
            conferences.add_participant(session, conference.id, Joining(name, None))
            for name in ("Anna", "Ben")
        )
        column = min(boards.board_state(session, room.id).column_ids)
        return Board(backends, room, column, anna, ben)

    yield database.run_write(seed)
    database.close()


def _cards(room: Board, author: ParticipantRecord, count: int) -> list[dict]:
    row = {"room_id": room.room.id, "column_id": room.column, "author_id": author.id}
    row |= {"created_at": datetime.now(UTC), "status": "visible"}
    return [{**row, "text": f"Alt {n}"} for n in range(count)]


async def test_one_person_posts_at_most_their_share_of_cards_and_others_still_post(room_board):
    for n in range(rules.MAX_CARDS_PER_PERSON - 1):
        assert isinstance(await room_board.post(room_board.anna, f"Idee {n}"), int)
    deleted = await room_board.post(room_board.anna, "Gleich gelöscht")
    await board.delete_card(room_board.backends, room_board.anna, room_board.room, deleted, None)

    # A deleted card is still stored: it counts.
    assert await room_board.post(room_board.anna) == "cards_per_person"
    assert isinstance(await room_board.post(room_board.ben), int)


async def test_a_board_holds_at_most_its_cards_and_comments(room_board):
    room_board.seed(Card, _cards(room_board, room_board.ben, rules.MAX_CARDS_PER_ROOM - 1))
    card = await room_board.post(room_board.anna)
    assert isinstance(card, int)
    assert await room_board.post(room_board.anna) == "cards_per_room"

    stored = await room_board.backends.database.read(
        lambda s: boards.stored_cards(s, room_board.room.id, room_board.anna.id)
    )
    assert stored.cards == rules.MAX_CARDS_PER_ROOM and stored.my_cards == 1


async def test_comments_are_bounded_per_card_per_person_and_per_room(room_board):
    now = datetime.now(UTC)
    cards = [await room_board.post(room_board.ben) for _ in range(3)]

    def comments(card: int, author: ParticipantRecord, count: int) -> list[dict]:
        row = {"room_id": room_board.room.id, "card_id": card, "author_id": author.id}
        return [{**row, "text": "Ja", "created_at": now} for _ in range(count)]

    room_board.seed(Comment, comments(cards[0], room_board.ben, rules.MAX_COMMENTS_PER_CARD))
    assert await room_board.comment(room_board.anna, cards[0]) == "comments_per_card"
    assert isinstance(await room_board.comment(room_board.anna, cards[1]), int)

    mine = rules.MAX_COMMENTS_PER_PERSON - 1
    room_board.seed(Comment, comments(cards[2], room_board.anna, mine))
    assert await room_board.comment(room_board.anna, cards[1]) == "comments_per_person"
    assert isinstance(await room_board.comment(room_board.ben, cards[1]), int)

    stored = rules.MAX_COMMENTS_PER_CARD + 1 + mine + 1
    filler = rules.MAX_COMMENTS_PER_ROOM - stored  # Anna's, past her share: straight in
    room_board.seed(Comment, comments(cards[2], room_board.anna, filler))
    assert await room_board.comment(room_board.ben, cards[1]) == "comments_per_room"


def test_the_caps_say_how_many_and_only_refuse_what_is_past_them():
    assert rules.require_room_for_card(rules.Stored(cards=1999, my_cards=199)) is None
    with pytest.raises(DomainError) as refused:
        rules.require_room_for_card(rules.Stored(cards=10, my_cards=200))
    assert (refused.value.code, refused.value.params) == ("cards_per_person", {"max": 200})
    with pytest.raises(DomainError) as refused:
        rules.require_room_for_comment(rules.Stored(comments=10, my_comments=1, on_card=100))
    assert (refused.value.code, refused.value.params) == ("comments_per_card", {"max": 100})


async def test_the_qa_holds_at_most_its_questions_per_person_and_per_conference(room_board):
    backends = room_board.backends
    conference = await conferences_service.find_by_slug(backends, MYK)

    async def ask(author: ParticipantRecord) -> str | int:
        try:
            applied = await plenary.ask(backends, author, conference, "Noch eine Frage?", None)
        except DomainError as refused:
            return refused.code
        return applied.created.id

    def questions(count: int) -> list[dict]:
        row = {"conference_id": conference.id, "author_id": room_board.ben.id}
        row |= {"created_at": datetime.now(UTC), "status": "hidden"}  # hidden ones count too
        return [{**row, "text": f"Alt {n}"} for n in range(count)]

    room_board.seed(Question, questions(qa_rules.MAX_QUESTIONS_PER_PERSON))
    assert await ask(room_board.ben) == "questions_per_person"
    assert isinstance(await ask(room_board.anna), int)

    room_board.seed(
        Question,
        questions(qa_rules.MAX_QUESTIONS_PER_CONFERENCE - qa_rules.MAX_QUESTIONS_PER_PERSON - 1),
    )
    assert await ask(room_board.anna) == "questions_per_conference"
