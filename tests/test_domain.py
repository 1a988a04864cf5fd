"""Pure rules: no database, no server."""

from datetime import UTC, datetime

import pytest

from server.domain import board, participants, phases, rooms
from server.domain.errors import DomainError
from server.domain.permissions import PERMISSIONS, Action, Role, is_allowed, require
from server.domain.text import clean_text

NOW = datetime(2022, 3, 22, 11, 45, tzinfo=UTC)
OPEN = phases.RoomState(phase=phases.Phase.COLLECT, locked=False)
BOARD = board.BoardState(room_id=1, column_ids=frozenset({10, 11}), room=OPEN)


def _board(phase: str, locked: bool = False) -> board.BoardState:
    state = phases.RoomState(phase=phases.Phase(phase), locked=locked)
    return board.BoardState(room_id=1, column_ids=frozenset({10}), room=state)


def test_card_text_is_cleaned_before_it_is_posted():
    posted = board.post_card(BOARD, Role.PARTICIPANT, 10, "  Offene\r\n\r\n\r\nDaten \x00 ", NOW)
    assert posted == board.CardPosted(
        column_id=10, text="Offene\n\nDaten", status=board.CardStatus.VISIBLE
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\x00\x01"])
def test_empty_card_is_refused(text):
    with pytest.raises(DomainError) as refused:
        board.post_card(BOARD, Role.PARTICIPANT, 10, text, NOW)
    assert refused.value.code == "card_empty"


def test_card_over_the_limit_is_refused_with_its_length():
    with pytest.raises(DomainError) as refused:
        board.post_card(BOARD, Role.PARTICIPANT, 10, "ä" * (board.MAX_CARD_LENGTH + 1), NOW)
    assert refused.value.code == "card_too_long"
    assert refused.value.params == {"max": 500, "length": 501}


def test_card_at_the_limit_counts_what_others_will_see():
    padded = "  " + "x" * board.MAX_CARD_LENGTH + "  "
    assert len(board.post_card(BOARD, Role.PARTICIPANT, 10, padded, NOW).text) == 500


def test_card_in_a_column_of_another_room_is_refused():
    with pytest.raises(DomainError) as refused:
        board.post_card(BOARD, Role.PARTICIPANT, 99, "Idee", NOW)
    assert refused.value.code == "unknown_column"


def test_stranger_may_not_post():
    with pytest.raises(DomainError) as refused:
        board.post_card(BOARD, Role.STRANGER, 10, "Idee", NOW)
    assert refused.value.code == "not_joined"


def test_unicode_is_normalised_so_equal_texts_compare_equal():
    decomposed = "Mu\u0308nchen"
    assert clean_text(decomposed, multiline=False) == "München"


def test_single_line_text_loses_its_line_breaks():
    assert clean_text("Anna\nSchmidt", multiline=False) == "Anna Schmidt"


def test_join_needs_a_name_and_keeps_an_optional_organisation():
    assert participants.join(" Anna ", "") == participants.Joining("Anna", None)
    assert participants.join("Anna", " Stadt Ulm ").organisation == "Stadt Ulm"
    with pytest.raises(DomainError) as refused:
        participants.join("   ", "Ulm")
    assert refused.value.code == "name_missing"


def test_overlong_names_are_refused():
    with pytest.raises(DomainError) as refused:
        participants.join("A" * 61, None)
    assert refused.value.code == "name_too_long"
    with pytest.raises(DomainError) as refused:
        participants.join("Anna", "B" * 101)
    assert refused.value.code == "organisation_too_long"


def test_full_room_refuses_newcomers_but_not_those_already_inside():
    rooms.enter_room(Role.PARTICIPANT, capacity=2, present=1, already_present=False)
    rooms.enter_room(Role.PARTICIPANT, capacity=2, present=2, already_present=True)
    with pytest.raises(DomainError) as refused:
        rooms.enter_room(Role.PARTICIPANT, capacity=2, present=2, already_present=False)
    assert refused.value.code == "room_full"


def test_moderators_and_organisers_get_into_a_full_room():
    for role in (Role.MODERATOR, Role.ORGANISER):
        rooms.enter_room(role, capacity=2, present=2, already_present=False)


def test_stranger_may_not_enter_a_room():
    with pytest.raises(DomainError):
        rooms.enter_room(Role.STRANGER, capacity=2, present=0, already_present=False)


@pytest.mark.parametrize(
    ("phase", "locked", "role", "refusal"),
    [
        ("collect", False, Role.PARTICIPANT, None),
        ("cluster", False, Role.PARTICIPANT, None),
        ("discuss", False, Role.PARTICIPANT, None),
        ("vote", False, Role.PARTICIPANT, "posting_closed"),
        ("closed", False, Role.PARTICIPANT, "room_closed"),
        ("collect", True, Role.PARTICIPANT, "board_locked"),
        ("collect", True, Role.MODERATOR, None),
        ("vote", False, Role.MODERATOR, "posting_closed"),
        ("closed", False, Role.MODERATOR, "room_closed"),
    ],
)
def test_phase_and_lock_decide_who_may_post(phase, locked, role, refusal):
    if refusal is None:
        board.post_card(_board(phase, locked), role, 10, "Idee", NOW)
    else:
        with pytest.raises(DomainError) as refused:
            board.post_card(_board(phase, locked), role, 10, "Idee", NOW)
        assert refused.value.code == refusal


def test_only_moderators_change_the_phase_or_lock_the_board():
    assert phases.change_phase(Role.MODERATOR, OPEN, "vote") == phases.PhaseChanged(
        phases.Phase.VOTE
    )
    assert phases.lock_board(Role.ORGANISER, OPEN, True) == phases.BoardLocked(True)
    for role in (Role.PARTICIPANT, Role.STRANGER):
        with pytest.raises(DomainError):
            phases.change_phase(role, OPEN, "vote")
        with pytest.raises(DomainError):
            phases.lock_board(role, OPEN, True)


@pytest.mark.parametrize(
    ("target", "code"), [("voting", "unknown_phase"), ("collect", "phase_unchanged")]
)
def test_a_phase_change_needs_another_known_phase(target, code):
    with pytest.raises(DomainError) as refused:
        phases.change_phase(Role.MODERATOR, OPEN, target)
    assert refused.value.code == code


MODERATOR_ACTIONS = {
    Action.MODERATE_ROOM,
    Action.MODERATE_CARDS,
    Action.CLUSTER_CARDS,
    Action.WRITE_RESULTS,
    Action.REMOVE_PARTICIPANT,
    # --- The plenary (issue 4) ---
    Action.MODERATE_QUESTIONS,
}
# --- Organiser's console and breakout assignment (issue 4) ---
ORGANISER_ACTIONS = {
    Action.VIEW_CONSOLE,
    Action.INVITE_MODERATOR,
    Action.REVOKE_INVITE,
    Action.ASSIGN_ROOMS,
    Action.EXPORT_RESULTS,
    Action.PURGE_DATA,
    Action.EXPORT_CONFERENCE,
    Action.EDIT_CONFERENCE,
    Action.MANAGE_REGISTRATIONS,
    # --- The plenary and breakout orchestration (issue 4) ---
    Action.MOVE_AGENDA,
    Action.ANNOUNCE,
    Action.RUN_BREAKOUT,
    Action.VIEW_DASHBOARD,
    Action.RUN_REPORT_BACK,
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_permission_table_decides_every_action_for_every_role(role, action):
    if action in ORGANISER_ACTIONS:
        expected = role is Role.ORGANISER
    elif action in MODERATOR_ACTIONS:
        expected = role in (Role.MODERATOR, Role.ORGANISER)
    else:
        expected = role is not Role.STRANGER
    assert is_allowed(role, action) is expected
    if expected:
        require(role, action)
    else:
        with pytest.raises(DomainError):
            require(role, action)


def test_every_action_has_a_row_in_the_permission_table():
    assert set(PERMISSIONS) == set(Action)
