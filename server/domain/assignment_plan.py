"""Pre-assignment from a CSV plan: "who; room" per line, checked line by line.

The file has two columns: a person (their display name, or `#` and their participant
id, e.g. `#17`, when two people share a name) and a room's slug. Separators `;`
(German Excel) and `,` both work; an optional first line `Name;Raum` or `name,room` is
skipped, as are blank lines and a byte-order mark. Every problem is reported at once,
each naming its line.

People named in the plan need not be there yet: a plan is usually made before the
conference. Places are held for them while everyone present still fits; who arrives
later goes to their planned room (`place_late_joiner`).
"""

import csv
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .assignment import Assignment, BreakoutRoom, Person, balance, check_rooms, people_to_place
from .errors import DomainError
from .text import clean_text

HEADER_ROOM_WORDS = frozenset({"raum", "room", "raum-slug", "room slug", "slug"})


class PlanError(DomainError):
    """A plan with one or more problems; `problems` name their lines."""

    def __init__(self, problems: Sequence[DomainError]) -> None:
        super().__init__("plan_invalid", count=len(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class PlanLine:
    line: int
    who: str
    room: str


def _same_person(text: str) -> str:
    """Names match regardless of case and spacing, as people type them differently."""
    return clean_text(text, multiline=False).casefold()


def parse_plan(text: str, rooms: Sequence[BreakoutRoom]) -> tuple[PlanLine, ...]:
    check_rooms(rooms)
    capacity = {room.slug: room.capacity for room in rooms}
    lines = text.removeprefix("\ufeff").splitlines()
    first = next((line for line in lines if line.strip()), "")
    reader = csv.reader(lines, delimiter=";" if ";" in first else ",")
    plan: list[PlanLine] = []
    problems: list[DomainError] = []
    first_line_of: dict[str, int] = {}
    planned = dict.fromkeys(capacity, 0)
    for cells in reader:
        number = reader.line_num
        cells = [cell.strip() for cell in cells]
        while cells and not cells[-1]:
            cells.pop()  # Excel pads rows with empty cells
        if not cells:
            continue
        if len(cells) != 2:
            problems.append(DomainError("plan_line_fields", line=number, found=len(cells)))
            continue
        who, room = clean_text(cells[0], multiline=False), cells[1].lower()
        if not plan and not problems and room in HEADER_ROOM_WORDS and room not in capacity:
            continue
        problem = _line_problem(number, who, room, capacity, planned, first_line_of)
        if problem:
            problems.append(problem)
            continue
        first_line_of[_same_person(who)] = number
        planned[room] += 1
        plan.append(PlanLine(number, who, room))
    if problems:
        raise PlanError(problems)
    if not plan:
        raise DomainError("plan_empty")
    return tuple(plan)


def _line_problem(
    number: int,
    who: str,
    room: str,
    capacity: Mapping[str, int],
    planned: Mapping[str, int],
    first_line_of: Mapping[str, int],
) -> DomainError | None:
    if not who or who == "#":
        return DomainError("plan_name_missing", line=number)
    if room not in capacity:
        known = ", ".join(capacity)
        return DomainError("plan_unknown_room", line=number, room=room, known=known)
    if _same_person(who) in first_line_of:
        first = first_line_of[_same_person(who)]
        return DomainError("plan_duplicate", line=number, name=who, first=first)
    if planned[room] >= capacity[room]:
        return DomainError("plan_room_full", line=number, room=room, capacity=capacity[room])
    return None


@dataclass(frozen=True)
class FromPlan:
    """Planned people into their rooms; everyone else balanced (seeded) around them."""

    lines: tuple[PlanLine, ...]
    rng: random.Random

    def place(
        self, rooms: Sequence[BreakoutRoom], fixed: Mapping[int, str], people: Sequence[Person]
    ) -> Assignment:
        waiting, free = people_to_place(rooms, fixed, people)
        matched, absent = self._match(people)
        placed: Assignment = {}
        problems: list[DomainError] = []
        for person in waiting:
            line = matched.get(person.id)
            if line is None:
                continue
            if free[line.room] == 0:
                problems.append(DomainError("plan_room_full_now", line=line.line, room=line.room))
                continue
            placed[person.id] = line.room
            free[line.room] -= 1
        if problems:
            raise PlanError(problems)
        others = [person.id for person in waiting if person.id not in placed]
        self.rng.shuffle(others)
        held = _hold_places(free, absent, len(others))
        fixed_and_planned = {**fixed, **placed}
        return {**fixed_and_planned, **balance(rooms, fixed_and_planned, others, held, self.rng)}

    def _match(self, people: Sequence[Person]) -> tuple[dict[int, PlanLine], list[PlanLine]]:
        """Plan lines of people who are here (by id), and of those not here yet."""
        by_id = {person.id: person for person in people}
        by_name: dict[str, list[Person]] = {}
        for person in people:
            by_name.setdefault(_same_person(person.name), []).append(person)
        matched: dict[int, PlanLine] = {}
        absent: list[PlanLine] = []
        problems: list[DomainError] = []
        for line in self.lines:
            if line.who.startswith("#"):
                number = line.who[1:]
                found = [by_id[int(number)]] if number.isdecimal() and int(number) in by_id else []
            else:
                found = by_name.get(_same_person(line.who), [])
            if len(found) > 1:
                problems.append(
                    DomainError(
                        "plan_name_ambiguous", line=line.line, name=line.who, count=len(found)
                    )
                )
            elif not found:
                absent.append(line)
            elif found[0].id in matched:
                first = matched[found[0].id].line
                problems.append(
                    DomainError("plan_duplicate", line=line.line, name=line.who, first=first)
                )
            else:
                matched[found[0].id] = line
        if problems:
            raise PlanError(problems)
        return matched, absent


def _hold_places(
    free: Mapping[str, int], absent: Sequence[PlanLine], others: int
) -> dict[str, int]:
    """Free places minus those held for planned people not here yet, if all still fit."""
    held = dict(free)
    for line in absent:
        held[line.room] = max(0, held[line.room] - 1)
    return held if sum(held.values()) >= others else dict(free)
