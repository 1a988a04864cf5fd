"""Breakout assignment: who goes into which room. Pure rules, no I/O.

An assignment maps a participant's id to a room's slug. Every function returns a new
mapping and never places more people in a room than its capacity.

Moderators: whoever moderates a room (`Moderating`: participant id -> the room's slug, given
as data) goes to that room in every mode, outside its capacity, and is never placed or
moved by a method: `assign` and `place_late_joiner` leave them out, `room_of` says where
someone goes. Only the organiser's `move` may put a moderator elsewhere on purpose (then
they take a place there like anyone), or back into their own room.

Modes
- Self-selection: `choose_room` checks one person's own choice against capacity.
- Manual: `move` puts one person into a room the organiser picks.
- Whole groups, by a *method* (`RandomBalanced`, `ByPreference`, and `FromPlan` in
  `assignment_plan`): `assign` places everyone, `place_late_joiner` places one more
  person by the same method while everybody else stays where they are. Both are
  `method.place(rooms, fixed, people)`: place everyone in `people` who is not in
  `fixed`, around the places `fixed` already takes.

Random balanced: people in a seeded random order, each into a room with the fewest
people among those with a free place (ties drawn by the same generator). Room sizes
then differ by at most one, except where a small room is full.

By preference: each person ranks rooms (topics), best first. The result maximises the
number of first choices met; among those results, the number of second choices; and
so on down the ranks (a "rank-maximal" assignment). Everyone is placed when the places
suffice, in an unranked room if need be. Among equally good results, rooms are kept
even. It is a min-cost flow, solved exactly:

- Costs: a place in the room a person ranked r-th (r = 0 first) costs
  -U * (n + 1) ** (k - 1 - r), an unranked room costs 0, for n people, k the longest
  ranking. One more r-th choice then outweighs any change in all lower ranks together,
  which makes "minimum cost" the same as "rank-maximal". The j-th person in a room adds
  a cost of j; U (larger than any total of these) keeps that below every rank, so it
  only breaks ties, towards even rooms.
- People are added one by one (in a seeded random order, which is how ties between
  people are drawn). Each is placed along a cheapest *augmenting path*: into some room
  A, perhaps moving someone from A to B, someone from B to C, ..., ending in a room
  with a free place. Paths are found by Bellman-Ford on a graph of rooms only: the edge
  A -> B costs the cheapest move of anyone now in A to B (people are kept in buckets by
  the cost of that move, so reading an edge is quick). Adding each person along a
  cheapest path keeps the whole assignment optimal for the people added so far (the
  successive-shortest-path method for min-cost flow; the residual graph never gets a
  negative cycle), so the last step leaves an optimal assignment for everyone.
- Work per person: O(R^3) for R rooms plus O(R) bucket updates per move; 1,000 people
  in 10 rooms take well under a second. See docs/assignment.md.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from types import MappingProxyType
from typing import Protocol, TypeVar

from .errors import DomainError
from .permissions import Action, Role, require

Assignment = dict[int, str]  # participant id -> room slug
Moderating = Mapping[int, str]  # participant id -> the slug of the room they moderate
NO_MODERATORS: Moderating = MappingProxyType({})
R = TypeVar("R")  # a room (slug or id)


@dataclass(frozen=True)
class BreakoutRoom:
    slug: str
    capacity: int


@dataclass(frozen=True)
class Person:
    id: int  # the participant's
    name: str  # the display name, for plans and messages


class Method(Protocol):
    def place(
        self, rooms: Sequence[BreakoutRoom], fixed: Mapping[int, str], people: Sequence[Person]
    ) -> Assignment: ...


# --- Checks shared by every mode ---


def check_rooms(rooms: Sequence[BreakoutRoom]) -> None:
    if not rooms:
        raise DomainError("no_rooms")
    seen: set[str] = set()
    for room in rooms:
        if room.slug in seen:
            raise DomainError("room_duplicate", room=room.slug)
        if not isinstance(room.capacity, int) or room.capacity < 0:
            raise DomainError("room_capacity_invalid", room=room.slug)
        seen.add(room.slug)


def check_people(people: Sequence[Person]) -> None:
    seen: set[int] = set()
    for person in people:
        if person.id in seen:
            raise DomainError("person_duplicate", name=person.name)
        seen.add(person.id)


def occupancy(rooms: Sequence[BreakoutRoom], assignment: Mapping[int, str]) -> dict[str, int]:
    counts = {room.slug: 0 for room in rooms}
    for slug in assignment.values():
        if slug not in counts:
            raise DomainError("unknown_room", room=slug)
        counts[slug] += 1
    return counts


def free_places(rooms: Sequence[BreakoutRoom], assignment: Mapping[int, str]) -> dict[str, int]:
    """Places left per room (never below 0, even if a capacity was lowered since)."""
    counts = occupancy(rooms, assignment)
    return {room.slug: max(0, room.capacity - counts[room.slug]) for room in rooms}


def people_to_place(
    rooms: Sequence[BreakoutRoom], fixed: Mapping[int, str], people: Sequence[Person]
) -> tuple[list[Person], dict[str, int]]:
    """Validate, and return who still needs a place and the places left per room."""
    check_rooms(rooms)
    check_people(people)
    free = free_places(rooms, fixed)
    waiting = [person for person in people if person.id not in fixed]
    if len(waiting) > sum(free.values()):
        raise DomainError("not_enough_places", people=len(waiting), places=sum(free.values()))
    return waiting, free


# --- One person at a time ---


def choose_room(
    role: Role,
    rooms: Sequence[BreakoutRoom],
    assignment: Mapping[int, str],
    person_id: int,
    room_slug: str,
) -> Assignment:
    """Self-selection: a person picks a room; a full room says so."""
    require(role, Action.ENTER_ROOM)
    return _put(rooms, assignment, person_id, room_slug)


def move(
    role: Role,
    rooms: Sequence[BreakoutRoom],
    assignment: Mapping[int, str],
    person_id: int,
    room_slug: str,
    moderating: Moderating = NO_MODERATORS,
) -> Assignment:
    """Manual: the organiser puts someone (placed or not yet) into a room with space. A
    moderator moved into the room they moderate is back outside its capacity."""
    require(role, Action.ASSIGN_ROOMS)
    if moderating.get(person_id) == room_slug:
        if room_of(person_id, assignment, moderating) == room_slug:
            raise DomainError("already_in_room", room=room_slug)
        return {pid: slug for pid, slug in assignment.items() if pid != person_id}
    return _put(rooms, assignment, person_id, room_slug)


def room_of(person_id: int, assignment: Mapping[int, R], moderating: Mapping[int, R]) -> R | None:
    """Where someone goes: where they were placed, else the room they moderate (rooms by
    slug here; the store asks the same by room ids)."""
    return assignment.get(person_id, moderating.get(person_id))


def _put(
    rooms: Sequence[BreakoutRoom], assignment: Mapping[int, str], person_id: int, slug: str
) -> Assignment:
    check_rooms(rooms)
    capacity = {room.slug: room.capacity for room in rooms}
    if slug not in capacity:
        raise DomainError("unknown_room", room=slug)
    if assignment.get(person_id) == slug:
        raise DomainError("already_in_room", room=slug)
    if occupancy(rooms, assignment)[slug] >= capacity[slug]:
        raise DomainError("room_full", capacity=capacity[slug])
    return {**assignment, person_id: slug}


# --- Whole groups ---


def assign(
    role: Role,
    rooms: Sequence[BreakoutRoom],
    people: Sequence[Person],
    method: Method,
    moderating: Moderating = NO_MODERATORS,
) -> Assignment:
    """Place everyone afresh by the method the organiser chose; moderators are not placed
    (they go to the room they moderate, see `room_of`)."""
    require(role, Action.ASSIGN_ROOMS)
    return method.place(rooms, {}, [p for p in people if p.id not in moderating])


def place_late_joiner(
    rooms: Sequence[BreakoutRoom],
    assignment: Mapping[int, str],
    people: Sequence[Person],
    newcomer: Person,
    method: Method,
    moderating: Moderating = NO_MODERATORS,
) -> Assignment:
    """One more person, by the same method; nobody already placed is moved.

    `people` are those placed so far (plans match names against them). Someone who is
    already placed (a reconnect) stays where they are; a moderator is not placed.
    """
    if newcomer.id in assignment or newcomer.id in moderating:
        return dict(assignment)
    placed = method.place(rooms, assignment, [*people, newcomer])
    if newcomer.id not in placed:  # a method may leave someone out (networking tables)
        return dict(assignment)
    return {**assignment, newcomer.id: placed[newcomer.id]}


def balance(
    rooms: Sequence[BreakoutRoom],
    fixed: Mapping[int, str],
    ids: Sequence[int],
    free: Mapping[str, int],
    rng: random.Random,
) -> Assignment:
    """Each person in turn into a room with the fewest people of those with a free place."""
    counts = occupancy(rooms, fixed)
    left = dict(free)
    placed: Assignment = {}
    for person_id in ids:
        open_rooms = [slug for slug, places in left.items() if places > 0]
        fewest = min(counts[slug] for slug in open_rooms)
        slug = rng.choice([s for s in open_rooms if counts[s] == fewest])
        placed[person_id] = slug
        counts[slug] += 1
        left[slug] -= 1
    return placed


@dataclass(frozen=True)
class RandomBalanced:
    rng: random.Random

    def place(
        self, rooms: Sequence[BreakoutRoom], fixed: Mapping[int, str], people: Sequence[Person]
    ) -> Assignment:
        waiting, free = people_to_place(rooms, fixed, people)
        ids = [person.id for person in waiting]
        self.rng.shuffle(ids)
        return {**fixed, **balance(rooms, fixed, ids, free, self.rng)}


@dataclass(frozen=True)
class ByPreference:
    """`rankings`: participant id -> room slugs, best first (any length, may be missing)."""

    rankings: Mapping[int, Sequence[str]]
    rng: random.Random

    def place(
        self, rooms: Sequence[BreakoutRoom], fixed: Mapping[int, str], people: Sequence[Person]
    ) -> Assignment:
        waiting, free = people_to_place(rooms, fixed, people)
        for person in waiting:
            check_ranking(rooms, person, self.rankings.get(person.id, ()))
        order = [person.id for person in waiting]
        self.rng.shuffle(order)
        counts = occupancy(rooms, fixed)
        costs = _costs(rooms, counts, order, self.rankings)
        return {**fixed, **_cheapest(free, counts, order, costs)}


def check_ranking(rooms: Sequence[BreakoutRoom], person: Person, ranking: Sequence[str]) -> None:
    known = {room.slug for room in rooms}
    seen: set[str] = set()
    for slug in ranking:
        if slug not in known:
            raise DomainError("ranking_unknown_room", name=person.name, room=slug)
        if slug in seen:
            raise DomainError("ranking_duplicate_room", name=person.name, room=slug)
        seen.add(slug)


def rank_profile(
    assignment: Mapping[int, str], rankings: Mapping[int, Sequence[str]], depth: int
) -> tuple[int, ...]:
    """How many people got their 1st, 2nd, ... choice (`depth` ranks; the best is first)."""
    profile = [0] * depth
    for pid, slug in assignment.items():
        ranking = list(rankings.get(pid, ()))
        if slug in ranking and ranking.index(slug) < depth:
            profile[ranking.index(slug)] += 1
    return tuple(profile)


def _costs(
    rooms: Sequence[BreakoutRoom],
    fixed_counts: Mapping[str, int],
    order: Sequence[int],
    rankings: Mapping[int, Sequence[str]],
) -> dict[int, dict[str, int]]:
    """Cost of each room for each person (see the module docstring)."""
    n = len(order)
    depth = max((len(rankings.get(pid, ())) for pid in order), default=0)
    seats = max((fixed_counts[room.slug] + n for room in rooms), default=0)
    unit = n * seats + 1  # above any total of the per-seat tie-break costs
    weights = [unit * (n + 1) ** (depth - 1 - r) for r in range(depth)]
    costs: dict[int, dict[str, int]] = {}
    for pid in order:
        ranked = {slug: -weights[r] for r, slug in enumerate(rankings.get(pid, ()))}
        costs[pid] = {room.slug: ranked.get(room.slug, 0) for room in rooms}
    return costs


def _cheapest(
    free: Mapping[str, int],
    fixed_counts: Mapping[str, int],
    order: Sequence[int],
    cost: Mapping[int, Mapping[str, int]],
) -> Assignment:
    """Successive cheapest augmenting paths over a graph of rooms (module docstring)."""
    slugs = list(free)
    placed: Assignment = {}
    added = dict.fromkeys(slugs, 0)
    # movers[a][b][delta]: people in a whose move to b changes the total cost by delta
    # (a dict used as an ordered set, so that results never depend on hashing).
    movers: dict[str, dict[str, dict[int, dict[int, None]]]] = {
        a: {b: {} for b in slugs if b != a} for a in slugs
    }

    def enter(pid: int, room: str) -> None:
        placed[pid] = room
        added[room] += 1
        for b, by_delta in movers[room].items():
            by_delta.setdefault(cost[pid][b] - cost[pid][room], {})[pid] = None

    def leave(pid: int) -> None:
        room = placed.pop(pid)
        added[room] -= 1
        for b, by_delta in movers[room].items():
            delta = cost[pid][b] - cost[pid][room]
            del by_delta[delta][pid]
            if not by_delta[delta]:
                del by_delta[delta]

    for pid in order:
        path = _cheapest_path(slugs, cost[pid], movers, free, added, fixed_counts)
        for a, b in reversed(list(pairwise(path))):
            # From the far end back, so each room gives up someone who was there before.
            mover = next(iter(movers[a][b][min(movers[a][b])]))
            leave(mover)
            enter(mover, b)
        enter(pid, path[0])
    return placed


def _cheapest_path(
    slugs: list[str],
    entry: Mapping[str, int],
    movers: Mapping[str, Mapping[str, Mapping[int, object]]],
    free: Mapping[str, int],
    added: Mapping[str, int],
    fixed_counts: Mapping[str, int],
) -> list[str]:
    """Rooms from where the newcomer enters to the room that takes one more person."""
    dist = dict(entry)
    via: dict[str, str | None] = dict.fromkeys(slugs)
    edges = [(a, b, min(by_delta)) for a in slugs for b, by_delta in movers[a].items() if by_delta]
    for _ in slugs:  # Bellman-Ford; no negative cycles, so at most len(slugs) rounds
        changed = False
        for a, b, weight in edges:
            if dist[a] + weight < dist[b]:
                dist[b], via[b] = dist[a] + weight, a
                changed = True
        if not changed:
            break
    open_rooms = [slug for slug in slugs if added[slug] < free[slug]]
    # The next place in a room costs as many units as there are people in it already.
    end = min(open_rooms, key=lambda slug: dist[slug] + fixed_counts[slug] + added[slug])
    path = [end]
    while (before := via[path[-1]]) is not None:
        path.append(before)
        if len(path) > len(slugs):
            raise RuntimeError("assignment: a cycle among cheapest paths (a bug)")
    return path[::-1]
