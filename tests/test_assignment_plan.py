"""Pre-assignment from a CSV plan: parsing with errors per line, and placing by it."""

import random

import pytest

from server.domain.assignment import (
    BreakoutRoom,
    Person,
    assign,
    occupancy,
    place_late_joiner,
)
from server.domain.assignment_plan import FromPlan, PlanError, PlanLine, parse_plan
from server.domain.errors import DomainError
from server.domain.permissions import Role
from server.views.i18n import Translator

ROOMS = [BreakoutRoom("narrative", 2), BreakoutRoom("strategie", 2), BreakoutRoom("netzwerke", 2)]


def test_a_german_excel_plan_with_header_bom_and_padding_is_read():
    text = "\ufeffName;Raum;;\r\nAnna Schmidt;Narrative\r\n\r\n#17;strategie;\r\n"
    assert parse_plan(text, ROOMS) == (
        PlanLine(2, "Anna Schmidt", "narrative"),
        PlanLine(4, "#17", "strategie"),
    )


def test_a_comma_separated_plan_with_quotes_is_read():
    text = 'name,room\n"Schmidt, Anna",netzwerke\n'
    assert parse_plan(text, ROOMS) == (PlanLine(2, "Schmidt, Anna", "netzwerke"),)


def test_every_problem_is_reported_at_once_each_with_its_line():
    text = "\n".join(
        [
            "Anna;narrative",
            "Ben;mond",
            "Carla",
            ";strategie",
            "anna ;strategie",
            "Dora;narrative",
            "Emil;narrative",
            "Fritz;netzwerke;extra",
        ]
    )
    with pytest.raises(PlanError) as refused:
        parse_plan(text, ROOMS)
    problems = [(p.code, p.params["line"]) for p in refused.value.problems]
    assert problems == [
        ("plan_unknown_room", 2),
        ("plan_line_fields", 3),
        ("plan_name_missing", 4),
        ("plan_duplicate", 5),
        ("plan_room_full", 7),
        ("plan_line_fields", 8),
    ]
    assert refused.value.params == {"count": 6}
    messages = [Translator("de")(f"errors.{p.code}", **p.params) for p in refused.value.problems]
    assert messages[0] == (
        "Zeile 2: Den Raum „mond“ gibt es nicht. Möglich sind: narrative, strategie, netzwerke."
    )
    assert messages[3] == "Zeile 5: anna steht schon in Zeile 1."


@pytest.mark.parametrize("text", ["", "\n\n", "Name;Raum\n"])
def test_a_plan_without_lines_is_refused(text):
    with pytest.raises(DomainError) as refused:
        parse_plan(text, ROOMS)
    assert refused.value.code == "plan_empty"


def test_planned_people_go_to_their_rooms_and_the_rest_are_balanced_around_them():
    plan = parse_plan("Anna;narrative\nBen;narrative\n#3;netzwerke\n", ROOMS)
    persons = [
        Person(1, "anna"),
        Person(2, "Ben"),
        Person(3, "Carla"),
        Person(4, "Dora"),
        Person(5, "Emil"),
    ]
    placed = assign(Role.ORGANISER, ROOMS, persons, FromPlan(plan, random.Random(1)))
    assert (placed[1], placed[2], placed[3]) == ("narrative", "narrative", "netzwerke")
    assert {placed[4], placed[5]} <= {"strategie", "netzwerke"}
    assert all(count <= 2 for count in occupancy(ROOMS, placed).values())


def test_places_are_held_for_planned_people_who_come_later():
    plan = parse_plan("Anna;netzwerke\nBen;netzwerke\n", ROOMS)
    method = FromPlan(plan, random.Random(1))
    early = [Person(n, f"Person {n}") for n in range(4)]
    placed = method.place(ROOMS, {}, early)
    assert "netzwerke" not in placed.values()

    anna = Person(9, "Anna")
    later = place_late_joiner(ROOMS, placed, early, anna, method)
    assert later == {**placed, 9: "netzwerke"}


def test_held_places_are_given_up_when_everyone_present_would_not_fit_otherwise():
    plan = parse_plan("Anna;netzwerke\nBen;netzwerke\n", ROOMS)
    persons = [Person(n, f"Person {n}") for n in range(6)]
    placed = FromPlan(plan, random.Random(1)).place(ROOMS, {}, persons)
    assert occupancy(ROOMS, placed) == {"narrative": 2, "strategie": 2, "netzwerke": 2}


def test_a_name_two_people_share_must_be_given_by_key():
    plan = parse_plan("Anna;narrative\n", ROOMS)
    persons = [Person(1, "Anna"), Person(2, "Anna")]
    with pytest.raises(PlanError) as refused:
        FromPlan(plan, random.Random(1)).place(ROOMS, {}, persons)
    (problem,) = refused.value.problems
    assert (problem.code, problem.params["line"], problem.params["count"]) == (
        "plan_name_ambiguous",
        1,
        2,
    )
    by_id = parse_plan("#2;narrative\n", ROOMS)
    assert FromPlan(by_id, random.Random(1)).place(ROOMS, {}, persons)[2] == "narrative"


def test_a_person_named_twice_by_name_and_key_is_refused():
    plan = parse_plan("Anna;narrative\n#1;strategie\n", ROOMS)
    with pytest.raises(PlanError) as refused:
        FromPlan(plan, random.Random(1)).place(ROOMS, {}, [Person(1, "Anna")])
    assert [p.params["line"] for p in refused.value.problems] == [2]


def test_a_planned_room_filled_meanwhile_is_named():
    plan = parse_plan("Anna;netzwerke\n", ROOMS)
    fixed = {7: "netzwerke", 8: "netzwerke"}
    with pytest.raises(PlanError) as refused:
        place_late_joiner(ROOMS, fixed, [], Person(1, "Anna"), FromPlan(plan, random.Random(1)))
    assert refused.value.problems[0].code == "plan_room_full_now"
