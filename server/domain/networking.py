"""Networking tables ("Kaffeepause"): who sits with whom in one round. Pure rules, no I/O.

In a networking round everyone who opted in is drawn to a table of about four people to
talk for a few minutes; a day has several rounds. `draw_round` draws one round from the
people (`Attendee`: id and municipality), the pairs who met in earlier rounds (each a
frozenset of two ids; `Round.pairs()` gives a round's own to add to them), the table size
and a seed: the same arguments always give the same round.

Tables: `table_sizes`. Nobody sits alone. For n people and target size s there are
ceil(n / s) or floor(n / s) tables, sized as evenly as possible (sizes differ by at most
one); of the two counts the one whose sizes stay closer to s wins, on a tie the larger
count (smaller tables: more time to talk, fewer pairs to keep apart). With s = 4: tables
of four and, for the remainder, one to three tables of three; 2 people make one table of
two, 3 one of three, 5 one of five (the only table of five), 6 two of three. So every
table has s - 1 to s + 1 people except the one table of two; for larger s that holds
once there are at least s * s people. One person alone gets no table and comes back in
`Round.left_out` (the only way anyone is left out), so that the caller can tell them.

What is minimised: at each table every pair costs
    R if the two met before (a repeat), plus 1 if they come from the same municipality,
with R = n * n, more than all same-municipality pairs of a round together: fewer
repeats always come first, then fewer same-municipality pairs (mixing municipalities is
the point). Municipalities match after trimming and ignoring case; an empty or missing
one matches nobody. Among seatings of equal cost the seed decides.

Method: a greedy start plus local search by swaps, from a few random starts.
- Greedy: people in a seeded random order, those with most weight (repeats and
  municipality mates) first, each to a cheapest table with a seat left (ties drawn).
- Local search: for each person who costs something at their table (in random order),
  the swap with someone at another table that lowers the total most (ties drawn); again
  while a pass over them finds one, at most `MAX_PASSES` passes. Any swap that helps
  involves such a person, so when a pass finds none no swap of two people helps. What
  each person would cost at each table is kept up to date: trying a swap is a few lookups.
- Starts: again from another random start while the cost is above a floor (the
  same-municipality pairs no seating avoids, each municipality spread evenly, and no
  repeats), at most `MAX_ATTEMPTS` starts and `MAX_STEPS` steps of work per round; the
  cheapest seating wins. Small groups, where one start is cheap but may get stuck, get
  many starts; large ones mostly reach the floor with the first.

How good, measured (not proven), with each day's rounds drawn one after another:
- 150 people from 30 municipalities of five, 4 rounds, 50 seeded days: 0 repeats and 0
  same-municipality pairs on every day. With 3 municipalities of 50, or one town of 60
  among 30 of three: 0 repeats and the floor (36 and 22 pairs a round, unavoidable).
- 500 people, 6 rounds, 10 days each: 0 repeats; same-municipality pairs at the floor
  (0 with 30 municipalities; 125 a round with three, 250 with two).
- 16 people at tables of four, 200 days: rounds 1 to 3 without repeats; round 4 without
  on 42 days, with 4 on the other 158. Rounds are drawn one at a time, and after some
  third rounds no repeat-free fourth exists: on all 200 days a repeat-free round was found
  whenever one existed (checked exhaustively), and 4 was the least possible in the 34
  such rounds we solved exactly.
- Time per round on the development VM (2 cores, Python 3.11, shared with other work),
  500 people, rounds 1 to 6: 0.02 to 0.05 s with 30 municipalities, up to 0.1 s from
  two municipalities and 0.16 s from one (0.23 s by round 12); 150 people at most 0.01 s.
  The step budget holds contrived rounds (500 people of whom half of all pairs met
  before) to about 0.2 to 0.3 s.
"""

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from .assignment import BreakoutRoom, Person, balance, check_rooms, free_places
from .errors import DomainError

DEFAULT_TABLE_SIZE = 4
MIN_TABLE_SIZE = 2  # never anyone alone
MAX_PASSES = 10  # of one local search; it usually settles after two or three
MAX_ATTEMPTS = 50  # random starts per round
MAX_STEPS = 400_000  # of work per round: a table looked at to seat someone, a swap tried

Pair = frozenset[int]  # two participant ids


@dataclass(frozen=True)
class Attendee:
    id: int  # the participant's
    municipality: str | None = None  # empty or None: matches nobody


@dataclass(frozen=True)
class Round:
    """One round's tables (participant ids) and who got none: only ever one person, when
    nobody else opted in."""

    tables: tuple[tuple[int, ...], ...]
    left_out: tuple[int, ...] = ()

    def pairs(self) -> frozenset[Pair]:
        """Who met whom at this round's tables, for the pairs that met before the next."""
        return frozenset(frozenset(p) for table in self.tables for p in combinations(table, 2))


@dataclass(frozen=True)
class Measure:
    repeats: int  # pairs at one table who had met before
    same_municipality: int  # pairs at one table from one municipality


def table_sizes(count: int, size: int = DEFAULT_TABLE_SIZE) -> list[int]:
    """The sizes of the tables for `count` people, largest first (module docstring)."""
    _check_size(size)
    if count < MIN_TABLE_SIZE:
        return []
    options = {-(-count // size), count // size}
    feasible = [k for k in options if 1 <= k <= count // MIN_TABLE_SIZE]

    def badness(tables: int) -> tuple[int, int]:
        largest, smallest = -(-count // tables), count // tables
        return max(largest - size, size - smallest), -tables

    tables = min(feasible, key=badness)
    bigger = count % tables
    return [count // tables + 1] * bigger + [count // tables] * (tables - bigger)


def draw_round(
    people: Sequence[Attendee],
    met: Collection[Pair] = frozenset(),
    size: int = DEFAULT_TABLE_SIZE,
    seed: int | str = 0,
) -> Round:
    """Draw one round's tables. Pairs in `met` with someone not in `people` are ignored."""
    _check_size(size)
    _check_people(people)
    if len(people) < MIN_TABLE_SIZE:
        return Round(tables=(), left_out=tuple(person.id for person in people))
    rng = random.Random(seed)
    sizes = table_sizes(len(people), size)
    weights = _weights(people, met)
    floor = _unavoidable(people, len(sizes))
    steps = 0
    best: _Seating | None = None
    for _ in range(MAX_ATTEMPTS):
        seating = _Seating(sizes, weights)
        seating.fill(rng)
        steps += len(people) * len(sizes)
        steps += seating.improve(rng, floor, MAX_STEPS - steps)
        if best is None or seating.cost < best.cost:
            best = seating
        if best.cost <= floor or steps >= MAX_STEPS:
            break
    return Round(tables=tuple(tuple(people[i].id for i in table) for table in best.tables))


def measure(
    tables: Sequence[Sequence[int]], people: Sequence[Attendee], met: Collection[Pair]
) -> Measure:
    """How many pairs at these tables met before, and how many share a municipality."""
    place = {person.id: _municipality(person) for person in people}
    pairs = [(a, b) for table in tables for a, b in combinations(table, 2)]
    repeats = sum(frozenset(pair) in met for pair in pairs)
    same = sum(place.get(a) is not None and place.get(a) == place.get(b) for a, b in pairs)
    return Measure(repeats=repeats, same_municipality=same)


# --- Checks ---


def _check_size(size: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < MIN_TABLE_SIZE:
        raise DomainError("networking_table_size", size=size, min=MIN_TABLE_SIZE)


def _check_people(people: Sequence[Attendee]) -> None:
    seen: set[int] = set()
    for person in people:
        if person.id in seen:
            raise DomainError("networking_person_twice", person=person.id)
        seen.add(person.id)


# --- Costs ---


def _municipality(person: Attendee) -> str | None:
    return (person.municipality or "").strip().casefold() or None


def _by_municipality(people: Sequence[Attendee]) -> list[list[int]]:
    """Positions in `people`, grouped by municipality (those without one left out)."""
    groups: dict[str, list[int]] = {}
    for i, person in enumerate(people):
        if (place := _municipality(person)) is not None:
            groups.setdefault(place, []).append(i)
    return list(groups.values())


def _weights(people: Sequence[Attendee], met: Collection[Pair]) -> list[dict[int, int]]:
    """What each pair costs at one table, for each person (by position) and only for the
    others who cost anything: 1 for the same municipality, plus R if they met before."""
    repeat = len(people) * len(people)
    weights: list[dict[int, int]] = [{} for _ in people]
    for group in _by_municipality(people):
        for a, b in combinations(group, 2):
            weights[a][b] = weights[b][a] = 1
    position = {person.id: i for i, person in enumerate(people)}
    for pair in met:
        both = [position[p] for p in pair if p in position]
        if len(both) == 2:
            a, b = both
            weights[a][b] = weights[b][a] = weights[a].get(b, 0) + repeat
    return weights


def _unavoidable(people: Sequence[Attendee], tables: int) -> int:
    """A floor for the cost: each municipality spread as evenly as tables allow."""
    floor = 0
    for group in _by_municipality(people):
        per_table, rest = divmod(len(group), tables)
        floor += rest * (per_table + 1) * per_table // 2
        floor += (tables - rest) * per_table * (per_table - 1) // 2
    return floor


# --- The search ---


class _Seating:
    """People (by position) at tables of fixed sizes. `load[i][t]` is what person i costs
    at table t (their weights with the people there, 0 if missing); it and the cost are
    kept up to date on every move."""

    def __init__(self, sizes: list[int], weights: list[dict[int, int]]) -> None:
        self.sizes = sizes
        self.weights = weights
        self.tables: list[list[int]] = [[] for _ in sizes]
        self.table_of: list[int] = [-1] * len(weights)
        self.load: list[dict[int, int]] = [{} for _ in weights]
        self.cost = 0  # of the tables: every pair's weight once

    def fill(self, rng: random.Random) -> None:
        """Greedy start: the heaviest first, each at a cheapest table with a seat left."""
        order = list(range(len(self.weights)))
        rng.shuffle(order)
        order.sort(key=lambda i: -sum(self.weights[i].values()))
        for i in order:
            free = [t for t, table in enumerate(self.tables) if len(table) < self.sizes[t]]
            cheapest = min(self.load[i].get(t, 0) for t in free)
            self._sit(i, rng.choice([t for t in free if self.load[i].get(t, 0) == cheapest]))

    def improve(self, rng: random.Random, floor: int, budget: int) -> int:
        """Local search by swaps (module docstring). Returns the steps taken: the people
        compared with, a table's worth more than the budget at most."""
        tried = 0
        for _ in range(MAX_PASSES):
            troubled = [i for i, t in enumerate(self.table_of) if self.load[i].get(t, 0)]
            rng.shuffle(troubled)
            improved = False
            for a in troubled:
                if tried >= budget or self.cost <= floor:
                    return tried
                tried += len(self.table_of)
                if (b := self._best_partner(a, rng)) is not None:
                    self._swap(a, b)
                    improved = True
            if not improved:
                break
        return tried

    def _best_partner(self, a: int, rng: random.Random) -> int | None:
        """Whom at another table `a` should swap with to lower the cost most, if anyone."""
        home, load, weights_a = self.table_of[a], self.load, self.weights[a]
        here = load[a].get(home, 0)
        best_delta, best = 0, []
        for t, table in enumerate(self.tables):
            if t == home:
                continue
            change_a = load[a].get(t, 0) - here
            for b in table:
                delta = (
                    change_a + load[b].get(home, 0) - load[b].get(t, 0) - 2 * weights_a.get(b, 0)
                )
                if delta < best_delta:
                    best_delta, best = delta, [b]
                elif delta == best_delta and best:
                    best.append(b)
        return rng.choice(best) if best else None

    def _swap(self, a: int, b: int) -> None:
        home, there = self.table_of[a], self.table_of[b]
        self._stand(a)
        self._stand(b)
        self._sit(a, there)
        self._sit(b, home)

    def _sit(self, i: int, t: int) -> None:
        self.tables[t].append(i)
        self.table_of[i] = t
        self.cost += self.load[i].get(t, 0)
        for j, weight in self.weights[i].items():
            self.load[j][t] = self.load[j].get(t, 0) + weight

    def _stand(self, i: int) -> None:
        t = self.table_of[i]
        self.tables[t].remove(i)
        self.cost -= self.load[i].get(t, 0)
        for j, weight in self.weights[i].items():
            self.load[j][t] -= weight


@dataclass(frozen=True)
class AtTables:
    """A breakout method (assignment.Method) for a networking round: those who want a table
    (the keys of `municipalities`) drawn into tables, each table in a room of its own, in
    the rooms' order; whoever does not want one is not placed and stays in the plenary.
    Whoever comes later, or was alone, goes to a room with the fewest people that has
    space."""

    municipalities: Mapping[int, str | None]  # who wants a table -> their organisation
    met: frozenset[Pair]  # who sat at one table in an earlier round
    seed: str
    size: int = DEFAULT_TABLE_SIZE

    def place(
        self, rooms: Sequence[BreakoutRoom], fixed: Mapping[int, str], people: Sequence[Person]
    ) -> dict[int, str]:
        check_rooms(rooms)
        free = free_places(rooms, fixed)
        waiting = [p.id for p in people if p.id not in fixed and p.id in self.municipalities]
        drawn = draw_round(
            [Attendee(pid, self.municipalities.get(pid)) for pid in waiting],
            self.met,
            self.size,
            self.seed,
        )
        placed = dict(fixed)
        open_rooms = [room.slug for room in rooms if free[room.slug] > 0]
        if len(drawn.tables) > len(open_rooms):
            raise DomainError("tables_need_rooms", tables=len(drawn.tables), rooms=len(open_rooms))
        for table, slug in zip(drawn.tables, open_rooms, strict=False):
            if len(table) > free[slug]:
                raise DomainError("table_too_big", room=slug, people=len(table))
            placed |= dict.fromkeys(table, slug)
        if drawn.left_out:
            rng = random.Random(self.seed)
            free = free_places(rooms, placed)
            if sum(free.values()) < len(drawn.left_out):
                raise DomainError(
                    "not_enough_places", people=len(waiting), places=sum(free.values())
                )
            placed |= balance(rooms, placed, list(drawn.left_out), free, rng)
        return placed
