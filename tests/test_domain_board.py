"""Pure rules of the moderated board: cards, dots, clusters, timer, results, removal."""

from datetime import UTC, datetime, timedelta

import pytest

from server.domain import board, clusters, results, rooms, timer, votes
from server.domain.board import CardFacts, CardStatus
from server.domain.errors import DomainError
from server.domain.permissions import Role
from server.domain.phases import Phase, RoomState
from server.domain.room_settings import RoomSettings

NOW = datetime(2022, 3, 22, 12, 0, tzinfo=UTC)
ANNA, BEN = 1, 2


def state(phase: str = "collect", locked: bool = False, **settings) -> RoomState:
    return RoomState(Phase(phase), locked, settings=RoomSettings(**settings))


def on_board(phase: str = "collect", locked: bool = False, **settings) -> board.BoardState:
    return board.BoardState(1, frozenset({10, 11}), state(phase, locked, **settings))


def card(status: str = "visible", author: int = ANNA, **fields) -> CardFacts:
    values = {"id": 7, "column_id": 10, "author_id": author, "status": CardStatus(status)}
    return CardFacts(**(values | fields))


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value.code


# --- Cards ----------------------------------------------------------------------------------


def test_pre_moderation_holds_participants_cards_but_not_moderators():
    held = on_board(pre_moderation=True)
    assert board.post_card(held, Role.PARTICIPANT, 10, "Idee", NOW).status == CardStatus.PENDING
    assert board.post_card(held, Role.MODERATOR, 10, "Idee", NOW).status == CardStatus.VISIBLE


def test_authors_edit_while_posting_is_open_and_moderators_always():
    edited = board.edit_card(on_board(), Role.PARTICIPANT, ANNA, card(), "Neu", "Alt", NOW)
    assert edited == board.CardEdited("Neu", by_moderator=False)
    assert (
        refusal(
            board.edit_card, on_board("vote"), Role.PARTICIPANT, ANNA, card(), "Neu", "Alt", NOW
        )
        == "posting_closed"
    )
    assert (
        refusal(board.edit_card, on_board(), Role.PARTICIPANT, BEN, card(), "Neu", "Alt", NOW)
        == "not_your_card"
    )
    by_mia = board.edit_card(on_board("closed"), Role.MODERATOR, BEN, card(), "Neu", "Alt", NOW)
    assert by_mia.by_moderator
    assert (
        refusal(board.edit_card, on_board(), Role.PARTICIPANT, ANNA, card(), " Alt ", "Alt", NOW)
        == "card_unchanged"
    )


def test_only_authors_delete_and_only_live_cards():
    board.delete_card(on_board(), Role.PARTICIPANT, ANNA, card(), NOW)
    assert (
        refusal(board.delete_card, on_board(), Role.MODERATOR, BEN, card(), NOW) == "not_your_card"
    )
    assert (
        refusal(board.delete_card, on_board(), Role.PARTICIPANT, ANNA, card("deleted"), NOW)
        == "unknown_card"
    )
    assert (
        refusal(board.delete_card, on_board(locked=True), Role.PARTICIPANT, ANNA, card(), NOW)
        == "board_locked"
    )


def test_comments_go_on_visible_cards_in_any_open_phase():
    assert board.comment(on_board("vote"), Role.PARTICIPANT, card(), " Ja! ", NOW) == "Ja!"
    assert (
        refusal(board.comment, on_board("closed"), Role.PARTICIPANT, card(), "Ja", NOW)
        == "room_closed"
    )
    assert (
        refusal(board.comment, on_board(), Role.PARTICIPANT, card("hidden"), "Ja", NOW)
        == "unknown_card"
    )
    assert refusal(board.comment, on_board(), Role.STRANGER, card(), "Ja", NOW) == "not_joined"


@pytest.mark.parametrize(
    ("rule", "status", "outcome"),
    [
        (board.hide, "visible", CardStatus.HIDDEN),
        (board.hide, "pending", CardStatus.HIDDEN),
        (board.hide, "hidden", "card_already_hidden"),
        (board.unhide, "hidden", CardStatus.VISIBLE),
        (board.unhide, "visible", "card_not_hidden"),
        (board.approve, "pending", CardStatus.VISIBLE),
        (board.approve, "visible", "card_not_pending"),
        (board.hide, "merged", "unknown_card"),
    ],
)
def test_hiding_and_approving_move_a_card_between_states(rule, status, outcome):
    if isinstance(outcome, CardStatus):
        assert rule(Role.MODERATOR, card(status)) == outcome
    else:
        assert refusal(rule, Role.MODERATOR, card(status)) == outcome
    assert refusal(rule, Role.PARTICIPANT, card(status)) == "not_allowed"


def test_highlight_move_and_merge_rules():
    assert board.highlight(Role.MODERATOR, card(), True) is True
    assert (
        refusal(board.highlight, Role.MODERATOR, card(highlighted=True), True) == "card_unchanged"
    )
    assert board.move(on_board(), Role.ORGANISER, card(), 11) == 11
    assert refusal(board.move, on_board(), Role.MODERATOR, card(), 10) == "card_unchanged"
    assert refusal(board.move, on_board(), Role.MODERATOR, card(), 99) == "unknown_column"
    into, sources = board.merge(Role.MODERATOR, [card(id=9), card(id=3), card(id=5)])
    assert into.id == 3 and [c.id for c in sources] == [5, 9]
    assert refusal(board.merge, Role.MODERATOR, [card(), card()]) == "merge_needs_two"
    assert (
        refusal(board.merge, Role.MODERATOR, [card(id=1), card("pending", id=2)]) == "merge_pending"
    )
    assert refusal(board.undo, Role.MODERATOR, False) == "nothing_to_undo"
    assert refusal(board.undo, Role.PARTICIPANT, True) == "not_allowed"


# --- Dots -----------------------------------------------------------------------------------


def mine(**per_card: int) -> votes.MyVotes:
    return votes.MyVotes(budget=3, per_card={int(k[1:]): v for k, v in per_card.items()})


def test_a_dot_needs_the_vote_phase_budget_and_room_on_the_card():
    voting = state("vote", vote_budget=3, max_votes_per_card=2)
    votes.cast(Role.PARTICIPANT, voting, BEN, card(), mine(), NOW)
    assert (
        refusal(votes.cast, Role.PARTICIPANT, state("collect"), BEN, card(), mine(), NOW)
        == "voting_closed"
    )
    assert (
        refusal(votes.cast, Role.PARTICIPANT, voting, BEN, card(), mine(c7=2), NOW)
        == "vote_card_full"
    )
    assert (
        refusal(votes.cast, Role.PARTICIPANT, voting, BEN, card(), mine(c1=2, c2=1), NOW)
        == "vote_budget_spent"
    )
    assert (
        refusal(votes.cast, Role.PARTICIPANT, voting, BEN, card("hidden"), mine(), NOW)
        == "unknown_card"
    )
    assert (
        refusal(votes.cast, Role.PARTICIPANT, state("vote", locked=True), BEN, card(), mine(), NOW)
        == "board_locked"
    )


def test_own_cards_take_dots_only_if_the_room_allows():
    votes.cast(Role.PARTICIPANT, state("vote"), ANNA, card(), mine(), NOW)
    no_own = state("vote", vote_on_own_cards=False)
    assert (
        refusal(votes.cast, Role.PARTICIPANT, no_own, ANNA, card(), mine(), NOW) == "vote_own_card"
    )


def test_withdrawing_needs_a_dot_of_ones_own():
    votes.withdraw(Role.PARTICIPANT, state("vote"), card(), mine(c7=1), NOW)
    assert (
        refusal(votes.withdraw, Role.PARTICIPANT, state("vote"), card(), mine(), NOW)
        == "vote_none_to_withdraw"
    )


def test_dots_left_never_go_below_zero():
    assert votes.MyVotes(budget=2, per_card={1: 3}).left == 0  # budget lowered afterwards
    assert mine(c1=1).left == 2


def test_votes_are_visible_to_participants_except_while_voting_unless_allowed():
    assert not state("vote").votes_visible_to_participants()
    assert state("vote", votes_visible_while_voting=True).votes_visible_to_participants()
    assert state("discuss").votes_visible_to_participants()


# --- Clusters -------------------------------------------------------------------------------


def test_clusters_group_live_cards_of_one_column_under_a_name():
    assert clusters.group(Role.MODERATOR, [card(id=1), card(id=2)], "  Daten ") == "Daten"
    assert (
        refusal(clusters.group, Role.MODERATOR, [card(id=1), card(id=2, column_id=11)], "X")
        == "cluster_columns"
    )
    assert refusal(clusters.group, Role.MODERATOR, [card()], " ") == "cluster_name_missing"
    assert refusal(clusters.group, Role.MODERATOR, [card()], "x" * 81) == "cluster_name_too_long"
    assert refusal(clusters.group, Role.MODERATOR, [], "X") == "cluster_no_cards"
    assert refusal(clusters.group, Role.MODERATOR, [card("pending")], "X") == "cluster_pending"
    assert refusal(clusters.group, Role.PARTICIPANT, [card()], "X") == "not_allowed"


def test_adding_to_renaming_and_taking_out_of_clusters():
    daten = clusters.ClusterFacts(id=4, column_id=10, name="Daten")
    clusters.add_to(Role.MODERATOR, [card()], daten)
    assert refusal(clusters.add_to, Role.MODERATOR, [card(cluster_id=4)], daten) == "card_unchanged"
    assert (
        refusal(clusters.add_to, Role.MODERATOR, [card(column_id=11)], daten) == "cluster_columns"
    )
    assert refusal(clusters.add_to, Role.MODERATOR, [card()], None) == "unknown_cluster"
    assert clusters.rename(Role.MODERATOR, daten, "Offene Daten") == "Offene Daten"
    assert refusal(clusters.rename, Role.MODERATOR, daten, "Daten") == "cluster_unchanged"
    clusters.take_out(Role.MODERATOR, [card(cluster_id=4)])
    assert refusal(clusters.take_out, Role.MODERATOR, [card()]) == "card_not_clustered"


# --- Timer ----------------------------------------------------------------------------------


def test_the_timer_runs_pauses_resumes_extends_and_stops():
    running = timer.start(Role.MODERATOR, "10", NOW)
    assert running.seconds_left(NOW + timedelta(seconds=30)) == 570
    paused = timer.pause(Role.MODERATOR, running, NOW + timedelta(minutes=4))
    assert paused == timer.Timer(remaining=360)
    assert timer.extend(Role.MODERATOR, paused, 2, NOW).remaining == 480
    resumed = timer.resume(Role.MODERATOR, paused, NOW + timedelta(hours=1))
    assert resumed.deadline == NOW + timedelta(hours=1, minutes=6)
    assert timer.stop(Role.MODERATOR, resumed) == timer.Timer()


def test_an_expired_timer_extends_from_now():
    expired = timer.Timer(deadline=NOW - timedelta(minutes=5))
    assert expired.is_up(NOW)
    assert timer.extend(Role.MODERATOR, expired, 1, NOW).deadline == NOW + timedelta(minutes=1)


@pytest.mark.parametrize("minutes", ["0", "-1", "181", "zehn", None])
def test_timer_minutes_must_be_sensible(minutes):
    assert refusal(timer.start, Role.MODERATOR, minutes, NOW) == "timer_minutes"


def test_timer_controls_need_a_timer_in_the_right_state():
    assert refusal(timer.pause, Role.MODERATOR, timer.Timer(), NOW) == "timer_not_running"
    assert (
        refusal(timer.resume, Role.MODERATOR, timer.Timer(deadline=NOW), NOW) == "timer_not_paused"
    )
    assert refusal(timer.stop, Role.MODERATOR, timer.Timer()) == "timer_not_set"
    assert refusal(timer.start, Role.PARTICIPANT, 5, NOW) == "not_allowed"


def test_a_finished_timer_stops_participants_only_if_the_room_says_so():
    up = timer.Timer(deadline=NOW - timedelta(seconds=1))
    strict = board.BoardState(
        1,
        frozenset({10}),
        RoomState(Phase.COLLECT, False, up, RoomSettings(read_only_when_time_is_up=True)),
    )
    lenient = board.BoardState(1, frozenset({10}), RoomState(Phase.COLLECT, False, up))
    assert refusal(board.post_card, strict, Role.PARTICIPANT, 10, "Idee", NOW) == "time_up"
    board.post_card(strict, Role.MODERATOR, 10, "Idee", NOW)
    board.post_card(lenient, Role.PARTICIPANT, 10, "Idee", NOW)


# --- Results and removal --------------------------------------------------------------------


def test_takeaways_are_short_texts_in_a_bounded_ordered_list():
    assert results.add(Role.MODERATOR, 0, " Vision zuerst ") == "Vision zuerst"
    assert (
        refusal(results.add, Role.MODERATOR, results.MAX_TAKEAWAYS, "Noch eins") == "takeaways_full"
    )
    assert refusal(results.add, Role.PARTICIPANT, 0, "Meins") == "not_allowed"
    assert results.move(Role.MODERATOR, [1, 2, 3], 3, -1) == [1, 3, 2]
    assert refusal(results.move, Role.MODERATOR, [1, 2, 3], 1, -1) == "takeaway_at_end"
    assert refusal(results.edit, Role.MODERATOR, False, "x") == "unknown_takeaway"


def test_moderators_remove_participants_but_not_themselves_or_each_other():
    rooms.remove_participant(Role.MODERATOR, ANNA, BEN, Role.PARTICIPANT)
    assert (
        refusal(rooms.remove_participant, Role.MODERATOR, ANNA, ANNA, Role.MODERATOR)
        == "cannot_remove"
    )
    assert (
        refusal(rooms.remove_participant, Role.MODERATOR, ANNA, BEN, Role.ORGANISER)
        == "cannot_remove"
    )
    assert (
        refusal(rooms.remove_participant, Role.PARTICIPANT, ANNA, BEN, Role.PARTICIPANT)
        == "not_allowed"
    )
    assert (
        refusal(rooms.enter_room, Role.PARTICIPANT, 10, 0, False, removed=True)
        == "removed_from_room"
    )
