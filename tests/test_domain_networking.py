"""Networking tables: everyone seated once, nobody alone, repeats and municipalities kept apart."""

from itertools import combinations

import pytest

from server.domain.assignment import BreakoutRoom, Person
from server.domain.errors import DomainError
from server.domain.networking import (
    AtTables,
    Attendee,
    Round,
    draw_round,
    measure,
    table_sizes,
)


def mixed(count: int, municipalities: int) -> list[Attendee]:
    return [Attendee(i, f"Gemeinde {i % municipalities}") for i in range(count)]


def day(people: list[Attendee], rounds: int, seed: int) -> list[tuple[Round, int, int]]:
    """Rounds drawn one after another, each with its repeats and same-municipality pairs."""
    met: frozenset[frozenset[int]] = frozenset()
    drawn = []
    for number in range(rounds):
        round_ = draw_round(people, met, seed=f"{seed}-{number}")
        counted = measure(round_.tables, people, met)
        drawn.append((round_, counted.repeats, counted.same_municipality))
        met |= round_.pairs()
    return drawn


def repeat_free_round_exists(ids: list[int], met: frozenset[frozenset[int]], size: int) -> bool:
    """Exhaustively: can `ids` sit at tables of exactly `size` with no pair that met?"""
    if not ids:
        return True
    first, rest = ids[0], ids[1:]
    for others in combinations(rest, size - 1):
        table = (first, *others)
        if any(frozenset(pair) in met for pair in combinations(table, 2)):
            continue
        if repeat_free_round_exists([i for i in rest if i not in others], met, size):
            return True
    return False


# --- Table sizes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(0, []), (1, []), (2, [2]), (3, [3]), (4, [4]), (5, [5]), (6, [3, 3]), (7, [4, 3])]
    + [(9, [3, 3, 3]), (10, [4, 3, 3]), (13, [4, 3, 3, 3]), (150, [4] * 36 + [3] * 2)],
)
def test_tables_of_four_with_threes_for_the_remainder(count, sizes):
    assert table_sizes(count) == sizes


@pytest.mark.parametrize("size", [2, 3, 4, 5, 6, 8])
def test_table_sizes_are_even_and_within_one_of_the_target_when_enough_people(size):
    for count in range(2, 300):
        sizes = table_sizes(count, size)
        assert sum(sizes) == count
        assert min(sizes) >= 2
        assert max(sizes) - min(sizes) <= 1
        if count >= size * size:
            assert size - 1 <= min(sizes) and max(sizes) <= size + 1, (count, sizes)


# --- Everyone seated, nobody alone ------------------------------------------------------


def test_one_person_gets_no_table_and_is_left_out():
    assert draw_round([Attendee(7, "Aachen")]) == Round(tables=(), left_out=(7,))
    assert draw_round([]) == Round(tables=(), left_out=())


@pytest.mark.parametrize("count", [2, 3, 5, 6, 7, 9, 150])
def test_everyone_sits_at_exactly_one_table_and_nobody_alone(count):
    people = mixed(count, 30)
    round_ = draw_round(people, seed=3)
    seated = [pid for table in round_.tables for pid in table]
    assert sorted(seated) == list(range(count))
    assert round_.left_out == ()
    sizes = sorted(len(table) for table in round_.tables)
    assert sizes == sorted(table_sizes(count))
    assert sizes[0] >= (2 if count == 2 else 3) and sizes[-1] <= 5


def test_other_table_sizes_are_kept():
    round_ = draw_round(mixed(41, 10), size=6, seed=1)
    assert sorted(len(table) for table in round_.tables) == [5, 6, 6, 6, 6, 6, 6]
    pairs = draw_round(mixed(5, 5), size=2, seed=1)
    assert sorted(len(table) for table in pairs.tables) == [2, 3]


def test_a_rounds_pairs_are_everyone_it_seated_together():
    round_ = Round(tables=((1, 2, 3), (4, 5)))
    expected = {frozenset(p) for p in [(1, 2), (1, 3), (2, 3), (4, 5)]}
    assert round_.pairs() == expected


# --- Reproducible --------------------------------------------------------------------------


def test_the_same_seed_draws_the_same_tables():
    people = mixed(150, 30)
    met = draw_round(people, seed="r1").pairs()
    assert draw_round(people, met, seed="r2") == draw_round(people, met, seed="r2")
    assert draw_round(people, met, seed="r2") != draw_round(people, met, seed="other")


def test_the_order_of_the_pairs_that_met_does_not_matter():
    people = mixed(40, 8)
    met = sorted(draw_round(people, seed=1).pairs(), key=sorted)
    assert draw_round(people, met, seed=2) == draw_round(people, met[::-1], seed=2)


# --- Repeats ---------------------------------------------------------------------------------


def affine_plane_rounds() -> list[list[tuple[int, ...]]]:
    """16 people (x, y over the field of four) in five rounds of four tables of four in
    which no two meet twice: the parallel classes of the affine plane of order 4."""
    times = [[0, 0, 0, 0], [0, 1, 2, 3], [0, 2, 3, 1], [0, 3, 1, 2]]  # GF(4); + is xor
    rounds = [[tuple(4 * x + y for y in range(4)) for x in range(4)]]
    for slope in range(4):
        lines = [tuple(4 * x + (times[slope][x] ^ b) for x in range(4)) for b in range(4)]
        rounds.append(lines)
    return rounds


def test_a_repeat_free_round_is_found_when_only_two_exist():
    people = [Attendee(i) for i in range(16)]
    plane = affine_plane_rounds()
    met = frozenset(frozenset(p) for r in plane[:3] for t in r for p in combinations(t, 2))
    for seed in range(5):
        round_ = draw_round(people, met, seed=seed)
        assert measure(round_.tables, people, met).repeats == 0
        assert {frozenset(t) for t in round_.tables} in [
            {frozenset(t) for t in plane[3]},
            {frozenset(t) for t in plane[4]},
        ]


@pytest.mark.parametrize("seed", range(6))
def test_sixteen_people_repeat_only_when_no_round_avoids_it(seed):
    """Rounds are drawn one at a time, so a third round may leave no repeat-free fourth
    (a day without repeats exists, but not after every third round). Then we allow 4:
    the least possible in every such case we checked exhaustively (see the module)."""
    people = [Attendee(i) for i in range(16)]
    met: frozenset[frozenset[int]] = frozenset()
    for number, (round_, repeats, _) in enumerate(day(people, 4, seed)):
        if number < 3 or repeat_free_round_exists(list(range(16)), met, 4):
            assert repeats == 0, number
        else:
            assert repeats <= 4
        met |= round_.pairs()


def test_a_repeat_weighs_more_than_any_municipality():
    people = [Attendee(1, "A"), Attendee(2, "A"), Attendee(3, "B"), Attendee(4, "B")]
    met = {frozenset(p) for p in [(1, 3), (1, 4), (2, 3), (2, 4)]}
    round_ = draw_round(people, met, size=2, seed=0)
    assert {frozenset(t) for t in round_.tables} == {frozenset({1, 2}), frozenset({3, 4})}


def test_pairs_with_someone_absent_are_ignored():
    people = mixed(8, 8)
    round_ = draw_round(people, {frozenset({0, 99}), frozenset({5})}, seed=0)
    assert sorted(pid for table in round_.tables for pid in table) == list(range(8))


# --- Municipalities ----------------------------------------------------------------------


def test_first_round_mixes_150_people_from_30_municipalities():
    people = mixed(150, 30)
    place = {person.id: person.municipality for person in people}
    for seed in range(3):
        round_ = draw_round(people, seed=seed)
        for table in round_.tables:
            assert len({place[pid] for pid in table}) == len(table)


def test_municipalities_match_ignoring_case_and_blanks_never_match():
    people = [Attendee(1, "Köln"), Attendee(2, " köln "), Attendee(3, None), Attendee(4, "")]
    assert measure([(1, 2), (3, 4)], people, set()).same_municipality == 1
    for seed in range(5):
        round_ = draw_round(people, size=2, seed=seed)
        assert measure(round_.tables, people, set()).same_municipality == 0


def test_four_rounds_of_150_from_30_municipalities_have_no_repeats_and_no_neighbours():
    """Zero is reachable: 38 tables for five people per municipality, and before round 4
    each person has met 9 of 149. We measured 0 and 0 on 50 seeded days (module)."""
    for seed in range(2):
        drawn = day(mixed(150, 30), 4, seed)
        assert sum(repeats for _, repeats, _ in drawn) == 0
        assert sum(same for _, _, same in drawn) == 0


def test_three_large_municipalities_share_tables_no_more_than_they_must():
    """150 people from 3 municipalities of 50 at 38 tables: each municipality has two at
    12 tables at least, so 36 same-municipality pairs a round are unavoidable."""
    people = [Attendee(i, "ABC"[i % 3]) for i in range(150)]
    for _, repeats, same in day(people, 4, seed=5):
        assert (repeats, same) == (0, 36)


# --- Refusals ---------------------------------------------------------------------------------


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value.code


def test_the_same_person_twice_is_refused():
    people = [Attendee(1, "A"), Attendee(2, "B"), Attendee(1, "C")]
    assert refusal(draw_round, people) == "networking_person_twice"


@pytest.mark.parametrize("size", [1, 0, -4, True])
def test_tables_below_two_are_refused(size):
    assert refusal(draw_round, mixed(8, 4), size=size) == "networking_table_size"
    assert refusal(table_sizes, 8, size) == "networking_table_size"


def test_as_a_breakout_method_tables_go_to_rooms_in_order_and_a_latecomer_to_the_emptiest():
    rooms = [BreakoutRoom("tisch-1", 5), BreakoutRoom("tisch-2", 5), BreakoutRoom("tisch-3", 5)]
    people = [Person(n, f"P{n}") for n in range(1, 8)]
    method = AtTables({n: f"Stadt {n}" for n in range(1, 9)}, frozenset(), "seed")

    placed = method.place(rooms, {}, people)

    sizes = sorted(list(placed.values()).count(slug) for slug in ("tisch-1", "tisch-2"))
    assert sizes == [3, 4] and "tisch-3" not in placed.values()
    late = method.place(rooms, placed, [*people, Person(8, "P8")])
    assert late[8] == "tisch-3" and {k: v for k, v in late.items() if k != 8} == placed
