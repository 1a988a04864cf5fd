"""The moderated board, live: a moderator (Mia) and two participants (Anna, Ben) in one
room, each action seen by everyone it should reach and by nobody else."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx2
import pytest

from .bot import Member
from .helpers import MYK, PASSWORD, make_organiser, moderator

ROOM = "narrative-der-smart-city"


@dataclass
class Room:
    id: int
    columns: list[int]
    mia: Member  # moderates
    anna: Member
    ben: Member

    @property
    def everyone(self) -> list[Member]:
        return [self.mia, self.anna, self.ben]

    async def all_see(self, condition, members: list[Member] | None = None) -> None:
        for member in members or self.everyone:
            await member.until(condition)

    async def card(self, author: Member, text: str, column: int | None = None) -> int:
        """Post a card and wait until everyone has it; returns its id."""
        column = column if column is not None else self.columns[0]
        cid = await author.post(column, text)
        await author.until(lambda m: cid in m.replies)
        assert author.replies[cid] is None, author.replies[cid]
        await self.all_see(lambda m: text in m.texts(column))
        return next(int(c.get("id")[5:]) for c in author.cards(column) if text in c.text_content())


@pytest.fixture
async def room(live) -> Room:
    room_id = live.rooms()[ROOM]
    mia = await moderator(live)
    anna = await Member.join(live.base, MYK, "Anna", "Stadt Ulm")
    ben = await Member.join(live.base, MYK, "Ben")
    for member in (mia, anna, ben):
        await member.enter(room_id)
    return Room(room_id, live.columns(room_id), mia, anna, ben)


async def _phase(room: Room, phase: str) -> None:
    assert await room.mia.act("set_phase", phase=phase) is None
    await room.all_see(lambda m: m.state().get("data-phase") == phase)


# --- Participants' own cards ----------------------------------------------------------------


async def test_authors_edit_their_cards_and_everyone_sees_it(room):
    card = await room.card(room.anna, "Offene Daten")

    assert await room.anna.act("edit_card", card=card, text="Offene Daten für alle") is None
    await room.all_see(lambda m: m.card_text(card) == "Offene Daten für alle")
    assert "bearbeitet" in room.ben.card(card).text_content()
    assert await room.ben.act("edit_card", card=card, text="Meins") == (
        "Sie können nur Ihre eigenen Ideen ändern oder löschen."
    )
    assert room.anna.card_text(card) == "Offene Daten für alle"


async def test_a_moderators_edit_is_marked_as_such(room):
    card = await room.card(room.anna, "Smart Ctiy")
    assert await room.mia.act("edit_card", card=card, text="Smart City") is None
    await room.all_see(lambda m: m.card_text(card) == "Smart City")
    assert "von der Moderation bearbeitet" in room.anna.card(card).text_content()


async def test_authors_delete_their_cards_and_others_cannot(room):
    card = await room.card(room.anna, "Doppelt gepostet")
    assert await room.ben.act("delete_card", card=card) is not None
    assert await room.mia.act("delete_card", card=card) is not None  # moderators hide instead
    assert await room.anna.act("delete_card", card=card) is None
    await room.all_see(lambda m: m.card(card) is None)


async def test_own_cards_change_only_while_the_phase_allows(room):
    card = await room.card(room.anna, "Zu spät geändert")
    await _phase(room, "vote")
    assert await room.anna.act("edit_card", card=card, text="Anders") == (
        "In dieser Phase können keine neuen Ideen gepostet werden."
    )


async def test_comments_reach_everyone_with_their_count(room):
    card = await room.card(room.anna, "Ehrenamt stärken")
    assert await room.ben.act("comment", card=card, text="Mit Qualifizierung!") is None
    await room.all_see(lambda m: "1 Kommentar" in m.card(card).text_content())
    assert "Ben: Mit Qualifizierung!" in " ".join(room.anna.card(card).text_content().split())


# --- Dot voting -----------------------------------------------------------------------------


async def test_votes_only_in_the_vote_phase_within_budget_and_card_limit(room, live):
    live.set_room(room.id, vote_budget=3, max_votes_per_card=2)
    card = await room.card(room.anna, "Radwege")
    other = await room.card(room.anna, "Carsharing")
    assert await room.ben.act("vote", card=card) == (
        "Punkte können nur in der Abstimmungsphase vergeben werden."
    )
    await _phase(room, "vote")

    assert await room.ben.act("vote", card=card) is None
    assert await room.ben.act("vote", card=card) is None
    assert await room.ben.act("vote", card=card) == (
        "Eine Idee kann von Ihnen höchstens 2 Punkte bekommen."
    )
    assert await room.ben.act("vote", card=other) is None
    assert await room.ben.act("vote", card=other) == (
        "Sie haben alle 3 Punkte vergeben. Nehmen Sie einen Punkt zurück, um ihn neu zu setzen."
    )
    await room.ben.until(lambda m: m.my_votes() == {"left": 0, "cards": {card: 2, other: 1}})

    assert await room.ben.act("unvote", card=card) is None
    await room.ben.until(lambda m: m.my_votes() == {"left": 1, "cards": {card: 1, other: 1}})
    assert await room.ben.act("unvote", card=card) is None
    assert await room.ben.act("unvote", card=card) == (
        "Sie haben auf dieser Idee keinen Punkt, den Sie zurücknehmen könnten."
    )


async def test_totals_stay_hidden_from_participants_until_voting_ends(room):
    card = await room.card(room.anna, "Digitale Bürgerdienste")
    await _phase(room, "vote")
    seen = len(room.anna.frames)
    assert await room.ben.act("vote", card=card) is None

    await room.mia.until(lambda m: m.votes(card) == 1)
    assert room.anna.votes(card) is None
    assert room.ben.votes(card) is None
    assert not any('id="votes-' in frame for frame in room.anna.frames[seen:])

    await _phase(room, "discuss")
    await room.all_see(lambda m: m.votes(card) == 1)


async def test_visible_votes_setting_shows_totals_while_voting(room, live):
    live.set_room(room.id, votes_visible_while_voting=True)
    card = await room.card(room.anna, "Open Data Portal")
    await _phase(room, "vote")
    assert await room.ben.act("vote", card=card) is None
    await room.all_see(lambda m: m.votes(card) == 1)


async def test_own_cards_take_no_votes_when_the_room_says_so(room, live):
    live.set_room(room.id, vote_on_own_cards=False)
    card = await room.card(room.anna, "Meine eigene Idee")
    await _phase(room, "vote")
    assert await room.anna.act("vote", card=card) == (
        "In diesem Raum können Sie Ihre eigenen Ideen nicht bepunkten."
    )
    assert await room.ben.act("vote", card=card) is None


async def test_two_sockets_of_one_person_cannot_overspend(room, live):
    """Both tabs fire at once; the room's row lock makes the second see the first's dots."""
    live.set_room(room.id, vote_budget=3, max_votes_per_card=3)
    cards = [await room.card(room.anna, f"Idee {n}") for n in range(3)]
    await _phase(room, "vote")
    second_tab = Member(room.ben.base, room.ben.cookie, "Ben (Tab 2)")
    await second_tab.enter(room.id)

    cids = []
    for n in range(12):
        tab = room.ben if n % 2 else second_tab
        cids.append((tab, await tab.command("vote", card=cards[n % 3])))
    for tab, cid in cids:
        await tab.until(lambda m, cid=cid: cid in m.replies)

    applied = [cid for tab, cid in cids if tab.replies[cid] is None]
    assert len(applied) == 3
    await room.ben.until(lambda m: m.my_votes().get("left") == 0)
    await second_tab.until(lambda m: m.my_votes().get("left") == 0)
    assert sum(room.ben.my_votes()["cards"].values()) == 3


async def test_a_retried_vote_counts_once(room):
    card = await room.card(room.anna, "Einmal zählen")
    await _phase(room, "vote")
    await room.ben.command("vote", cid="same-vote", card=card)
    await room.ben.command("vote", cid="same-vote", card=card)
    await room.ben.until(lambda m: m.my_votes().get("cards") == {card: 1})
    await room.mia.until(lambda m: m.votes(card) == 1)
    assert await room.ben.act("vote", card=card) is None
    await room.mia.until(lambda m: m.votes(card) == 2)


# --- Moderation -----------------------------------------------------------------------------


async def test_a_hidden_card_is_absent_from_everything_participants_receive(room, live):
    card = await room.card(room.anna, "Unpassender Beitrag")
    assert await room.mia.act("hide_card", card=card) is None
    await room.all_see(lambda m: m.card(card) is None, [room.anna, room.ben])
    await room.mia.until(lambda m: "hidden" in m.card(card).get("class"))

    seen = len(room.ben.frames)
    assert await room.mia.act("edit_card", card=card, text="Geheimer Text") is None
    await room.mia.until(lambda m: m.card_text(card) == "Geheimer Text")
    carla = await Member.join(live.base, MYK, "Carla")
    await carla.enter(room.id)
    assert await room.ben.act("comment", card=card, text="?") == (
        "Diese Karte gibt es hier nicht (mehr)."
    )
    assert not any("Geheimer Text" in frame for frame in room.ben.frames[seen:])
    assert "Geheimer Text" not in carla.frames[0] and carla.card(card) is None

    assert await room.mia.act("unhide_card", card=card) is None
    await room.all_see(lambda m: m.card_text(card) == "Geheimer Text")


async def test_pre_moderation_queues_new_cards_until_approved(room, live):
    live.set_room(room.id, pre_moderation=True)
    column = room.columns[0]
    cid = await room.anna.post(column, "Bitte freigeben")
    await room.anna.until(lambda m: cid in m.notices)
    assert room.anna.notices[cid] == "Ihre Idee wartet auf die Freigabe durch die Moderation."
    await room.mia.until(lambda m: len(m.queue()) == 1)
    card = room.mia.queue()[0]
    assert room.ben.card(card) is None and not room.ben.has("queue")
    assert not any("Bitte freigeben" in frame for frame in room.ben.frames)

    assert await room.mia.act("approve_card", card=card) is None
    await room.all_see(lambda m: "Bitte freigeben" in m.texts(column))
    assert room.mia.queue() == []
    await room.card(room.mia, "Moderierende brauchen keine Freigabe")


async def test_highlight_and_move_reach_everyone(room):
    first, second = room.columns[:2]
    card = await room.card(room.anna, "Wichtig", first)
    assert await room.mia.act("highlight", card=card, highlighted="yes") is None
    await room.all_see(lambda m: "highlighted" in m.card(card).get("class"))
    assert await room.mia.act("move_cards", cards=str(card), column=second) is None
    await room.all_see(lambda m: "Wichtig" in m.texts(second) and "Wichtig" not in m.texts(first))


async def test_clusters_are_made_renamed_filled_and_dissolved_live(room):
    column = room.columns[0]
    a = await room.card(room.anna, "Open Data", column)
    b = await room.card(room.ben, "Datenportal", column)
    c = await room.card(room.ben, "Datenethik", column)
    other_column = await room.card(room.ben, "Anderswo", room.columns[1])

    assert await room.mia.act("group_cards", cards=f"{a},{b}", name="Daten") is None
    await room.all_see(lambda m: m.clusters() == {"Daten": [a, b]})
    refused = await room.mia.act("group_cards", cards=f"{c},{other_column}", name="X")
    assert refused.startswith("Ein Cluster fasst Karten aus einer Spalte zusammen")
    cluster = int(room.anna.page.find_class("cluster")[0].get("data-cluster"))
    assert await room.mia.act("rename_cluster", cluster=cluster, name="Offene Daten") is None
    assert await room.mia.act("cluster_cards", cards=str(c), cluster=cluster) is None
    await room.all_see(lambda m: m.clusters() == {"Offene Daten": [a, b, c]})
    assert await room.mia.act("cluster_cards", cards=str(a), cluster="") is None
    await room.all_see(lambda m: m.clusters() == {"Offene Daten": [b, c]})
    assert await room.mia.act("ungroup", cluster=cluster) is None
    await room.all_see(
        lambda m: m.clusters() == {} and sorted(m.card_ids()) == [a, b, c, other_column]
    )
    assert await room.anna.act("group_cards", cards=f"{a},{b}", name="Meins") == (
        "Das ist Ihnen in diesem Raum nicht erlaubt."
    )


async def test_merging_carries_votes_and_comments_and_undo_separates_again(room, live):
    live.set_room(room.id, votes_visible_while_voting=True)
    keep = await room.card(room.anna, "Bürgerbeteiligung")
    duplicate = await room.card(room.ben, "Beteiligung der Bürger")
    assert await room.anna.act("comment", card=duplicate, text="Genau!") is None
    await _phase(room, "vote")
    assert await room.anna.act("vote", card=duplicate) is None
    assert await room.ben.act("vote", card=keep) is None

    assert await room.mia.act("merge_cards", cards=f"{duplicate},{keep}") is None
    await room.all_see(lambda m: m.card(duplicate) is None and m.votes(keep) == 2)
    merged = room.ben.card(keep).text_content()
    assert "Beteiligung der Bürger" in merged and "1 Kommentar" in merged
    await room.anna.until(lambda m: m.my_votes().get("cards") == {keep: 1})

    assert await room.mia.act("undo") is None
    await room.all_see(lambda m: m.votes(keep) == 1 and m.votes(duplicate) == 1)
    await room.anna.until(lambda m: m.my_votes().get("cards") == {duplicate: 1})
    assert "1 Kommentar" in room.ben.card(duplicate).text_content()


async def test_undo_takes_back_moderation_steps_one_by_one(room):
    card = await room.card(room.anna, "Schritt für Schritt")
    assert await room.mia.act("highlight", card=card, highlighted="yes") is None
    assert await room.mia.act("hide_card", card=card) is None
    await room.anna.until(lambda m: m.card(card) is None)

    assert await room.mia.act("undo") is None
    await room.anna.until(lambda m: m.card(card) is not None)
    assert "highlighted" in room.anna.card(card).get("class")
    assert await room.mia.act("undo") is None
    await room.anna.until(lambda m: "highlighted" not in m.card(card).get("class"))
    assert await room.mia.act("undo") == (
        "Es gibt keine Moderationsaktion, die rückgängig gemacht werden kann."
    )
    assert await room.anna.act("undo") == "Das ist Ihnen in diesem Raum nicht erlaubt."


async def test_the_timer_counts_down_from_a_server_deadline(room, live):
    assert await room.mia.act("timer", action="start", minutes="10") is None
    await room.all_see(lambda m: m.find("timer").get("data-state") == "running")
    deadline = int(room.anna.find("timer").get("data-deadline-ms"))
    expected = (datetime.now(UTC) + timedelta(minutes=10)).timestamp() * 1000
    assert abs(deadline - expected) < 5000

    assert await room.mia.act("timer", action="pause") is None
    await room.all_see(lambda m: m.find("timer").get("data-state") == "paused")
    assert await room.mia.act("timer", action="extend", minutes="5") is None
    await room.anna.until(lambda m: int(m.find("timer").get("data-seconds-left")) > 14 * 60)
    carla = await Member.join(live.base, MYK, "Carla")
    await carla.enter(room.id)  # a newcomer (or a reconnect) gets the same time
    await carla.until(lambda m: int(m.find("timer").get("data-seconds-left") or 0) > 14 * 60)
    assert (
        await room.anna.act("timer", action="stop") == "Das ist Ihnen in diesem Raum nicht erlaubt."
    )
    assert await room.mia.act("timer", action="stop") is None
    await room.all_see(lambda m: m.find("timer").get("data-state") == "off")


async def test_closing_the_room_stops_its_timer_and_a_closed_room_starts_none(room):
    assert await room.mia.act("timer", action="start", minutes="10") is None
    await room.all_see(lambda m: m.find("timer").get("data-state") == "running")

    assert await room.mia.act("set_phase", phase="closed") is None
    await room.all_see(lambda m: m.state().get("data-phase") == "closed")
    await room.all_see(lambda m: m.find("timer").get("data-state") == "off")
    controls = room.mia.find("moderation").xpath(".//input[@name='command'][@value='timer']")
    assert controls == []  # nothing to start in a read-only room
    closed = "Dieser Raum ist geschlossen; das Board kann nur noch gelesen werden."
    assert await room.mia.act("timer", action="start", minutes="5") == closed

    assert await room.mia.act("set_phase", phase="discuss") is None  # reopened
    assert await room.mia.act("timer", action="start", minutes="5") is None


async def test_at_zero_the_board_turns_read_only_when_the_room_says_so(room, live):
    past = datetime.now(UTC) - timedelta(seconds=1)
    live.set_room(room.id, read_only_when_time_is_up=True, timer_deadline=past)
    column = room.columns[0]
    assert await room.anna.act("post_card", column=column, text="Zu spät") == (
        "Die Zeit ist abgelaufen; das Board kann nur noch gelesen werden."
    )
    await room.card(room.mia, "Die Moderation darf noch", column)


async def test_results_are_written_promoted_ordered_and_seen_live(room):
    card = await room.card(room.anna, "Datenstrategie für den Landkreis")
    assert await room.mia.act("add_takeaway", text="Eine gemeinsame Vision zuerst") is None
    assert await room.mia.act("promote", card=card) is None
    await room.all_see(
        lambda m: (
            m.takeaways() == ["Eine gemeinsame Vision zuerst", "Datenstrategie für den Landkreis"]
        )
    )
    second = int(room.mia.find("results").xpath(".//li")[1].get("id")[9:])
    assert await room.mia.act("move_takeaway", takeaway=second, step="up") is None
    assert await room.mia.act("edit_takeaway", takeaway=second, text="Datenstrategie") is None
    await room.all_see(
        lambda m: m.takeaways() == ["Datenstrategie", "Eine gemeinsame Vision zuerst"]
    )
    assert await room.mia.act("remove_takeaway", takeaway=second) is None
    await room.all_see(lambda m: m.takeaways() == ["Eine gemeinsame Vision zuerst"])
    assert await room.anna.act("add_takeaway", text="Meins") == (
        "Das ist Ihnen in diesem Raum nicht erlaubt."
    )


# --- Presence and removal -------------------------------------------------------------------


async def test_members_are_marked_and_a_moderator_can_remove_a_participant(room, live):
    await room.anna.until(lambda m: len(m.members) == 3)
    assert room.anna.members[min(room.anna.members)] == "Mia Moderation"
    ben_id = next(pid for pid, name in room.anna.members.items() if name == "Ben")
    mia_id = next(pid for pid, name in room.anna.members.items() if name.startswith("Mia"))
    assert await room.anna.act("remove_member", participant=ben_id) == (
        "Das ist Ihnen in diesem Raum nicht erlaubt."
    )
    assert await room.mia.act("remove_member", participant=mia_id) == (
        "Moderierende und Sie selbst können nicht entfernt werden."
    )

    assert await room.mia.act("remove_member", participant=ben_id) is None
    with pytest.raises(Exception):  # noqa: B017 - the socket closes under Ben
        await room.ben.until(lambda m: False)
    assert room.ben.closed_with == 4403
    assert "Die Moderation hat Sie aus diesem Raum entfernt." in room.ben.frames[-1]
    await room.anna.until(lambda m: ben_id not in m.members)

    with pytest.raises(Exception):  # noqa: B017 - refused at the door
        await room.ben.enter(room.id)
    assert "Die Moderation hat Sie aus diesem Raum entfernt." in room.ben.frames[-1]

    assert await room.mia.act("undo") is None
    await room.ben.enter(room.id)
    await room.anna.until(lambda m: ben_id in m.members)


# --- The permission table over the socket ---------------------------------------------------

MODERATOR_COMMANDS = [
    ("set_phase", {"phase": "vote"}),
    ("lock_board", {"locked": "yes"}),
    ("timer", {"action": "start", "minutes": "5"}),
    ("hide_card", {}),
    ("highlight", {"highlighted": "yes"}),
    ("move_cards", {"column": None}),
    ("merge_cards", {}),
    ("group_cards", {"name": "X"}),
    ("add_takeaway", {"text": "X"}),
    ("promote", {}),
    ("undo", {}),
]


@pytest.mark.parametrize(("command", "fields"), MODERATOR_COMMANDS)
async def test_participants_and_other_rooms_moderators_are_refused_moderation(
    room, live, command, fields
):
    """Refused with a message to that person only, and nothing changes for anyone."""
    card = await room.card(room.anna, "Zu moderieren")
    second = await room.card(room.anna, "Noch eine")
    values = {"card": card, "cards": f"{card},{second}", **fields}
    if "column" in values:
        values["column"] = room.columns[1]
    outsider = await moderator(live, "strategieentwicklung")
    outsider.name = "Olaf"
    await outsider.enter(room.id)
    seen = [len(m.frames) for m in room.everyone]

    for refused in (room.anna, outsider):
        assert await refused.act(command, **values) == "Das ist Ihnen in diesem Raum nicht erlaubt."
    # A harmless command afterwards: once its echo arrives, any change would have too.
    await room.card(room.ben, "Kontrolle")
    for member, count in zip(room.everyone, seen, strict=True):
        later = member.frames[count:]
        assert not any(
            "room-error" in f and "nicht erlaubt" in f for f in later if member is not room.anna
        )
    assert room.ben.state().get("data-phase") == "collect"
    assert room.ben.state().get("data-locked") == "no"
    assert room.ben.card(card) is not None and room.ben.takeaways() == []


async def test_unknown_commands_and_cards_of_other_rooms_are_refused_clearly(room, live):
    strategy = live.rooms()["strategieentwicklung"]
    carla = await Member.join(live.base, MYK, "Carla")
    await carla.enter(strategy)
    elsewhere = await Room(strategy, live.columns(strategy), carla, carla, carla).card(
        carla, "Anderer Raum"
    )
    assert await room.anna.act("frobnicate") == "Diese Nachricht hat der Server nicht verstanden."
    assert (
        await room.mia.act("hide_card", card=elsewhere) == "Diese Karte gibt es hier nicht (mehr)."
    )
    assert await room.mia.act("hide_card", card="drei") == "Diese Karte gibt es hier nicht (mehr)."


async def _organiser(live) -> Member:
    """Olga, signed in as an organiser, who opened the conference (and so joined it)."""
    make_organiser(live.settings, username="olga", name="Olga Orga")
    async with httpx2.AsyncClient(base_url=f"http://{live.base}") as client:
        signed_in = await client.post("/login", data={"username": "olga", "password": PASSWORD})
        assert signed_in.status_code == 303, signed_in.text
        lobby = await client.get(f"/c/{MYK}")
        assert lobby.status_code == 200
        return Member(live.base, f"plenum_session={client.cookies['plenum_session']}", "Olga")


async def test_an_organiser_moderates_every_room(room, live):
    card = await room.card(room.anna, "Vom Orga-Team ausgeblendet")
    olga = await _organiser(live)
    await olga.enter(room.id)
    assert olga.has("moderation") and not room.anna.has("moderation")
    assert await olga.act("hide_card", card=card) is None
    await room.anna.until(lambda m: m.card(card) is None)
    assert await olga.act("set_phase", phase="discuss") is None
    await room.all_see(lambda m: m.state().get("data-phase") == "discuss")
    await room.anna.until(lambda m: "Olga Orga Moderation" in m.members.values())
