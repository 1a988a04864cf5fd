"""Registration's rules: seats first come, the waitlist moving up, allocation by
preference, the organiser's moves, and what the form accepts."""

import datetime

import pytest

from server.domain import registration as rules
from server.domain.errors import DomainError
from server.domain.registration import Place, Standing, Workshop

DATA, KLIMA, MOBIL = 1, 2, 3
SLOT = [Workshop(DATA, 1), Workshop(KLIMA, 1), Workshop(MOBIL, None)]


def first_come(places: list[Place], registration_id: int, ranking: list[int]) -> list[Place]:
    taken = rules.seats_taken(places)
    return places + rules.place_first_come(SLOT, taken, registration_id, ranking, registration_id)


def standing(places: list[Place], registration_id: int) -> dict[int, Standing]:
    return {p.item_id: p.standing for p in places if p.registration_id == registration_id}


def test_a_seat_in_the_best_ranked_workshop_with_room_else_waiting_for_every_wish():
    places = first_come([], 1, [DATA, KLIMA])
    places = first_come(places, 2, [DATA, KLIMA])
    places = first_come(places, 3, [DATA, KLIMA])

    assert standing(places, 1) == {DATA: Standing.SEAT}
    assert standing(places, 2) == {KLIMA: Standing.SEAT}  # the first wish was full
    assert standing(places, 3) == {DATA: Standing.WAITING, KLIMA: Standing.WAITING}
    assert rules.waiting_position(places, 3, DATA) == 1
    assert rules.seats_taken(places) == {DATA: 1, KLIMA: 1}


def test_a_workshop_without_a_room_takes_everyone():
    places: list[Place] = []
    for registration_id in range(1, 40):
        places = first_come(places, registration_id, [MOBIL])
    assert rules.seats_taken(places) == {MOBIL: 39}


def test_a_cancelled_seat_goes_to_who_waits_longest_and_they_leave_the_other_lines():
    places = first_come([], 1, [DATA])
    places = first_come(places, 2, [KLIMA])
    places = first_come(places, 3, [DATA, KLIMA])
    places = first_come(places, 4, [DATA])

    places = rules.cancel(SLOT, places, 1)

    assert standing(places, 3) == {DATA: Standing.SEAT}  # waited longer than 4
    assert standing(places, 4) == {DATA: Standing.WAITING}
    assert rules.waiting_position(places, 4, DATA) == 1
    assert rules.waiting_position(places, 3, KLIMA) is None
    places = rules.cancel(SLOT, places, 2)  # nobody waits for Klima any more
    assert rules.seats_taken(places) == {DATA: 1}


def test_allocation_by_preference_gives_as_many_first_wishes_as_the_places_allow():
    slot = [Workshop(DATA, 2), Workshop(KLIMA, 2)]
    wishes = [
        *rules.wishes(1, [DATA, KLIMA], 1),
        *rules.wishes(2, [DATA, KLIMA], 2),
        *rules.wishes(3, [DATA], 3),
        *rules.wishes(4, [KLIMA, DATA], 4),
        *rules.wishes(5, [DATA], 5),
    ]

    places = rules.allocate(slot, wishes, seed=7)

    seats = [p for p in places if p.standing == Standing.SEAT]
    # Data holds two of the four who want it first: three first wishes at most (with 4 in
    # Klima), and then the last place in Klima is a second wish (of 1 or 2, the only ones
    # who wished for it): nothing gives more first wishes, or as many and more second.
    assert sorted(p.rank for p in seats) == [0, 0, 0, 1]
    assert next(p for p in seats if p.registration_id == 4).item_id == KLIMA
    (waiting,) = {1, 2, 3, 5} - {p.registration_id for p in seats}
    assert set(standing(places, waiting).values()) == {Standing.WAITING}
    assert rules.seats_taken(places) == {DATA: 2, KLIMA: 2}


def test_allocation_keeps_seats_already_given_and_never_seats_anyone_where_they_did_not_wish():
    slot = [Workshop(DATA, 1), Workshop(KLIMA, 5)]
    given = rules.place_first_come(slot, {}, 1, [DATA], 1)
    places = rules.allocate(slot, [*given, *rules.wishes(2, [DATA], 2)], seed=1)

    assert standing(places, 1) == {DATA: Standing.SEAT}
    assert standing(places, 2) == {DATA: Standing.WAITING}  # Klima had room; 2 did not ask


def test_the_organiser_moves_someone_into_a_free_place_and_their_seat_moves_up_the_line():
    places = first_come([], 1, [DATA])
    places = first_come(places, 2, [DATA])

    places = rules.move(SLOT, places, 1, MOBIL)

    assert standing(places, 1) == {MOBIL: Standing.SEAT}
    assert standing(places, 2) == {DATA: Standing.SEAT}
    with pytest.raises(DomainError) as refused:
        rules.move(SLOT, places, 1, DATA)
    assert refused.value.code == "registration_workshop_full"


@pytest.mark.parametrize(
    ("ranking", "code"),
    [([DATA, DATA], "registration_ranked_twice"), ([99], "registration_unknown_workshop")],
)
def test_a_ranking_names_each_workshop_of_the_slot_once(ranking, code):
    with pytest.raises(DomainError) as refused:
        rules.place_first_come(SLOT, {}, 1, ranking, 1)
    assert refused.value.code == code


def test_the_form_needs_consent_and_with_invitations_a_known_code_that_names_the_municipality():
    invitations = {"KIEL2022": "Landeshauptstadt Kiel"}

    person = rules.registering("  Anna  ", "", "Ulm", "CDO", "", True, "kiel2022 ", invitations)

    assert person.name == "Anna" and person.municipality == "Landeshauptstadt Kiel"
    assert person.organisation is None and person.role == "CDO"
    for consent, code, expected in [
        (True, "ULM2022", "registration_code_unknown"),
        (False, "KIEL2022", "registration_consent_missing"),
    ]:
        with pytest.raises(DomainError) as refused:
            rules.registering("Anna", "", "", "", "", consent, code, invitations)
        assert refused.value.code == expected
    with pytest.raises(DomainError) as refused:
        rules.registering("Anna", "", "", "", "x" * 1001, True, "", {})
    assert refused.value.code == "accessibility_too_long"


def test_registration_is_open_by_its_dates_unless_the_organiser_says_otherwise():
    day = datetime.date(2022, 4, 22)
    last = datetime.date(2022, 4, 29)
    assert rules.is_open(None, day, last, day)
    assert not rules.is_open(None, day, last, day + datetime.timedelta(days=1))
    assert rules.is_open(None, None, last, last)
    assert not rules.is_open(False, None, last, day)  # the organiser closed it early
    assert rules.is_open(True, None, last, last + datetime.timedelta(days=9))  # or takes late ones
