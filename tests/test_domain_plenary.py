"""Pure rules of the plenary: agenda pointer, Q&A votes and moderation, announcements,
breakout phases and who may enter which room, report-back."""

import functools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from server.domain import agenda, announcements, breakouts, questions, report_back
from server.domain.assignment import BreakoutRoom
from server.domain.errors import DomainError
from server.domain.permissions import Role
from server.domain.questions import Question, Status

NOW = datetime(2022, 3, 22, 10, 50, tzinfo=UTC)
ITEMS = [
    agenda.Item(1, time(9, 30), time(9, 40), "welcome"),
    agenda.Item(2, time(9, 40), time(10, 20), "keynote"),
    agenda.Item(3, time(11, 45), time(12, 45), "breakout"),
]
ROOMS = [BreakoutRoom("a", 2), BreakoutRoom("b", 1)]


def _refused(code: str, call, *args, **kwargs) -> None:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    assert refused.value.code == code


# --- Agenda ---


def test_the_pointer_starts_before_the_first_item_and_moves_forward_and_back():
    assert agenda.move_pointer(Role.ORGANISER, ITEMS, None, "next").item_id == 1
    assert agenda.move_pointer(Role.ORGANISER, ITEMS, 1, "next").item_id == 2
    assert agenda.move_pointer(Role.ORGANISER, ITEMS, 2, "previous").item_id == 1
    assert agenda.move_pointer(Role.ORGANISER, ITEMS, 1, "3").item_id == 3


def test_the_pointer_stops_at_both_ends_and_refuses_unknown_items():
    _refused("agenda_at_end", agenda.move_pointer, Role.ORGANISER, ITEMS, 3, "next")
    _refused("agenda_at_start", agenda.move_pointer, Role.ORGANISER, ITEMS, 1, "previous")
    _refused("agenda_unknown_item", agenda.move_pointer, Role.ORGANISER, ITEMS, 1, "99")
    _refused("agenda_unchanged", agenda.move_pointer, Role.ORGANISER, ITEMS, 2, 2)


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MODERATOR])
def test_only_organisers_move_the_pointer(role):
    _refused("not_allowed", agenda.move_pointer, role, ITEMS, None, "next")


def test_the_next_item_follows_the_current_one():
    assert agenda.next_item(ITEMS, None) == ITEMS[0]
    assert agenda.next_item(ITEMS, 2) == ITEMS[2]
    assert agenda.next_item(ITEMS, 3) is None


DAY_ONE, DAY_TWO = date(2022, 4, 26), date(2022, 4, 27)
CONGRESS = [
    agenda.Item(1, time(13, 0), time(14, 0), "welcome", DAY_ONE),
    agenda.Item(2, time(14, 30), time(16, 0), "workshop", DAY_ONE, "Daten"),
    agenda.Item(3, time(14, 30), time(16, 0), "workshop", DAY_ONE, "Mobilität"),
    agenda.Item(4, time(15, 0), time(16, 30), "workshop", DAY_ONE, "Energie"),
    agenda.Item(5, time(16, 30), time(17, 0), "break", DAY_ONE),
    agenda.Item(6, time(9, 0), time(10, 30), "workshop", DAY_TWO, "Daten"),
    agenda.Item(7, time(9, 0), time(10, 30), "workshop", DAY_TWO, "Mobilität"),
]


def test_parallel_tracks_form_one_slot_and_a_new_day_or_a_plenary_item_a_new_one():
    slots = [[item.id for item in slot] for slot in agenda.slots(CONGRESS)]
    assert slots == [[1], [2, 3, 4], [5], [6, 7]]
    assert [i.id for i in agenda.slot_of(CONGRESS, 3)] == [2, 3, 4]
    assert agenda.slot_of(CONGRESS, 99) == []


def test_the_pointer_moves_from_slot_to_slot_and_a_chosen_item_means_its_slot():
    move = functools.partial(agenda.move_pointer, Role.ORGANISER, CONGRESS)
    assert move(1, "next").item_id == 2
    assert move(2, "next").item_id == 5
    assert move(5, "previous").item_id == 2
    assert move(5, "next").item_id == 6  # the next day
    assert move(1, "4").item_id == 2  # a workshop of the slot: the slot
    _refused("agenda_unchanged", move, 2, "3")
    _refused("agenda_at_end", move, 6, "next")
    assert agenda.next_item(CONGRESS, 2) == CONGRESS[4]


def test_lateness_counts_whole_minutes_after_the_planned_start():
    started = datetime(2022, 3, 22, 9, 52, 30)
    assert agenda.minutes_late(time(9, 40), started) == 12
    assert agenda.minutes_late(time(10, 0), started) == 0  # early is not late
    assert agenda.minutes_late(time(9, 40), None) == 0


# --- Q&A ---


def _question(**changes) -> Question:
    return Question(**{"id": 7, "author_id": 1, "status": Status.VISIBLE, **changes})


def test_questions_are_cleaned_and_wait_with_pre_moderation_unless_a_moderator_asks():
    assert questions.ask(Role.PARTICIPANT, "  Wie  geht es weiter? ", False) == (
        "Wie geht es weiter?",
        Status.VISIBLE,
    )
    assert questions.ask(Role.PARTICIPANT, "Frage", True)[1] is Status.PENDING
    assert questions.ask(Role.MODERATOR, "Frage", True)[1] is Status.VISIBLE
    _refused("question_empty", questions.ask, Role.PARTICIPANT, "  ", False)
    _refused("question_too_long", questions.ask, Role.PARTICIPANT, "x" * 301, False)
    _refused("not_joined", questions.ask, Role.STRANGER, "Frage", False)


def test_one_vote_per_person_and_question_which_can_be_withdrawn():
    questions.vote(Role.PARTICIPANT, _question(), already=False)
    _refused("question_voted", questions.vote, Role.PARTICIPANT, _question(), already=True)
    questions.withdraw(Role.PARTICIPANT, _question(), already=True)
    _refused("question_not_voted", questions.withdraw, Role.PARTICIPANT, _question(), False)


@pytest.mark.parametrize(
    ("question", "code"),
    [
        (None, "unknown_question"),
        (_question(status=Status.PENDING), "unknown_question"),
        (_question(status=Status.HIDDEN), "unknown_question"),
        (_question(answered=True), "question_answered"),
    ],
)
def test_votes_only_on_visible_open_questions(question, code):
    _refused(code, questions.vote, Role.PARTICIPANT, question, already=False)


def test_moderation_approves_pins_answers_and_hides():
    pending = _question(status=Status.PENDING)
    assert questions.moderate(Role.MODERATOR, pending, "approve", None).status is Status.VISIBLE
    assert questions.moderate(Role.MODERATOR, _question(), "pin", None).pinned == 7
    answered = questions.moderate(Role.ORGANISER, _question(), "answer", 7)
    assert (answered.answered, answered.pinned) == (True, None)  # answered is unpinned
    hidden = questions.moderate(Role.MODERATOR, _question(), "hide", 7)
    assert (hidden.status, hidden.pinned) == (Status.HIDDEN, None)
    _refused("question_not_pinnable", questions.moderate, Role.MODERATOR, pending, "pin", None)
    _refused("not_allowed", questions.moderate, Role.PARTICIPANT, _question(), "pin", None)


def test_the_list_is_sorted_by_votes_with_answered_questions_last():
    asked = [
        Question(1, 1, Status.VISIBLE, votes=2),
        Question(2, 1, Status.VISIBLE, votes=5),
        Question(3, 1, Status.VISIBLE, answered=True, votes=9),
        Question(4, 1, Status.VISIBLE, votes=2),
    ]
    assert [q.id for q in questions.ordered(asked)] == [2, 1, 4, 3]


# --- Announcements ---


def test_announcements_name_their_audience_and_may_expire():
    made = announcements.announce(
        Role.ORGANISER, " 5 Minuten ", "room", 4, frozenset({4, 5}), "5", NOW
    )
    assert made.text == "5 Minuten"
    assert made.expires_at == NOW + timedelta(minutes=5)
    assert announcements.reaches(made.target, made.room_id, 4)
    assert not announcements.reaches(made.target, made.room_id, 5)
    assert not announcements.reaches(made.target, made.room_id, None)  # not the plenary


def test_everyone_reaches_the_plenary_and_rooms_reaches_rooms_only():
    everyone, rooms = announcements.Target.EVERYONE, announcements.Target.ROOMS
    assert announcements.reaches(everyone, None, None) and announcements.reaches(everyone, None, 4)
    assert announcements.reaches(rooms, None, 4) and not announcements.reaches(rooms, None, None)


def test_announcements_are_checked():
    known = frozenset({4})
    _refused(
        "not_allowed", announcements.announce, Role.MODERATOR, "x", "everyone", None, known, "", NOW
    )
    _refused(
        "announcement_room", announcements.announce, Role.ORGANISER, "x", "room", 9, known, "", NOW
    )
    _refused(
        "announcement_minutes",
        announcements.announce,
        Role.ORGANISER,
        "x",
        "rooms",
        None,
        known,
        "0",
        NOW,
    )
    _refused("announcement_over", announcements.end, Role.ORGANISER, NOW, None, NOW)


# --- Breakout phase ---


def test_breakouts_open_only_during_a_breakout_item_and_once():
    opening = breakouts.open_phase(Role.ORGANISER, "breakout", False, "random", "30", None, ROOMS)
    assert (opening.mode, opening.minutes) == (breakouts.Mode.RANDOM, 30)
    _refused(
        "breakout_not_now",
        breakouts.open_phase,
        Role.ORGANISER,
        "panel",
        False,
        "random",
        30,
        None,
        ROOMS,
    )
    _refused(
        "breakout_already_open",
        breakouts.open_phase,
        Role.ORGANISER,
        "breakout",
        True,
        "random",
        30,
        None,
        ROOMS,
    )
    _refused(
        "timer_minutes",
        breakouts.open_phase,
        Role.ORGANISER,
        "breakout",
        False,
        "random",
        0,
        None,
        ROOMS,
    )
    _refused(
        "plan_empty",
        breakouts.open_phase,
        Role.ORGANISER,
        "breakout",
        False,
        "plan",
        30,
        " ",
        ROOMS,
    )


def test_the_organiser_moves_a_rooms_breakout_end_from_itself_or_from_now():
    end = NOW + timedelta(minutes=10)
    assert breakouts.extend_end(Role.ORGANISER, end, "5", NOW) == end + timedelta(minutes=5)
    passed = NOW - timedelta(minutes=3)
    assert breakouts.extend_end(Role.ORGANISER, passed, 5, NOW) == NOW + timedelta(minutes=5)
    _refused("timer_minutes", breakouts.extend_end, Role.ORGANISER, end, "0", NOW)
    _refused("timer_minutes", breakouts.extend_end, Role.ORGANISER, end, "viel", NOW)
    _refused("not_allowed", breakouts.extend_end, Role.MODERATOR, end, 5, NOW)


def test_participants_enter_their_own_room_while_breakouts_run():
    room_a = ROOMS[0]
    assert (
        breakouts.enter(Role.PARTICIPANT, breakouts.Mode.RANDOM, "a", room_a, ROOMS, {1: "a"}, 1)
        == breakouts.Entry()
    )
    _refused(
        "assigned_elsewhere",
        breakouts.enter,
        Role.PARTICIPANT,
        breakouts.Mode.RANDOM,
        "b",
        room_a,
        ROOMS,
        {1: "b"},
        1,
    )
    _refused(
        "not_assigned_yet",
        breakouts.enter,
        Role.PARTICIPANT,
        breakouts.Mode.MANUAL,
        None,
        room_a,
        ROOMS,
        {},
        1,
    )
    assert (
        breakouts.enter(Role.MODERATOR, breakouts.Mode.RANDOM, "b", room_a, ROOMS, {}, 1)
        == breakouts.Entry()
    )
    assert breakouts.enter(Role.PARTICIPANT, None, "b", room_a, ROOMS, {}, 1) == breakouts.Entry()


def test_in_self_selection_entering_chooses_the_room_within_capacity():
    room_b = ROOMS[1]
    entry = breakouts.enter(Role.PARTICIPANT, breakouts.Mode.SELF, None, room_b, ROOMS, {}, 1)
    assert entry.chooses
    _refused(
        "room_full",
        breakouts.enter,
        Role.PARTICIPANT,
        breakouts.Mode.SELF,
        None,
        room_b,
        ROOMS,
        {2: "b"},
        1,
    )


def test_a_preference_method_uses_the_rankings_and_ignores_unknown_rooms():
    method = breakouts.method(breakouts.Mode.PREFERENCE, "s", None, {1: ["b", "gone"]}, ROOMS)
    from server.domain.assignment import Person, assign

    placed = assign(Role.ORGANISER, ROOMS, [Person(1, "Anna"), Person(2, "Ben")], method)
    assert placed[1] == "b"
    assert breakouts.method(breakouts.Mode.SELF, "s", None, {}, ROOMS) is None


def test_rankings_name_known_rooms_once():
    assert breakouts.rank(Role.PARTICIPANT, ["b", "", "a"], ROOMS) == ["b", "a"]
    _refused("ranking_twice", breakouts.rank, Role.PARTICIPANT, ["a", "a"], ROOMS)
    _refused("ranking_unknown", breakouts.rank, Role.PARTICIPANT, ["z"], ROOMS)


# --- Report-back ---


def test_report_back_follows_the_organisers_order():
    order = report_back.arrange(Role.ORGANISER, [10, 11, 12], ["12", "10"])
    assert order == [12, 10]
    assert report_back.show(Role.ORGANISER, order, 12, "next") == 10
    assert report_back.show(Role.ORGANISER, order, 10, "end") is None
    _refused("report_at_end", report_back.show, Role.ORGANISER, order, 10, "next")
    _refused("report_room_twice", report_back.arrange, Role.ORGANISER, [10], [10, 10])
    _refused("not_allowed", report_back.arrange, Role.MODERATOR, [10], [10])
