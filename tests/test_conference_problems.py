"""Problems with a conference as data: one rule, one key, a sentence in each language."""

import re
import string
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from server.conference_files import (
    ConfigError,
    InvalidConference,
    Problem,
    conference_yaml,
    describe,
    load_conference_file,
    problems_of,
    validate,
)
from server.settings import PROJECT_ROOT
from server.views.i18n import LANGUAGES, Translator, catalogue_path

SOURCES = PROJECT_ROOT / "server" / "conference_files"
SHIPPED = PROJECT_ROOT / "sessions_config" / "regionalkonferenz-mayen-koblenz-2022.yaml"
BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken_configs"


def problem_keys() -> set[str]:
    keys: set[str] = set()
    for module in SOURCES.glob("*.py"):
        keys |= set(re.findall(r'"(config\.[a-z0-9_.]+)"', module.read_text(encoding="utf-8")))
    prefixes = {key for key in keys if key.endswith(".")}
    return keys - prefixes


def config_messages(language: str) -> dict[str, str]:
    with open(catalogue_path(language), "rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if str(m.id).startswith("config.")}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def shipped_data() -> dict:
    """A shipped conference as the editor holds it: plain texts, numbers and lists."""
    return yaml.safe_load(conference_yaml(load_conference_file(SHIPPED)))


def load_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_conference_file(path)
    return caught.value


def test_every_problem_key_has_a_sentence_with_the_same_params_in_every_language() -> None:
    keys = problem_keys()
    assert "config.positive_whole_number" in keys
    catalogues = {language: config_messages(language) for language in LANGUAGES}
    for language, messages in catalogues.items():
        missing = sorted(keys - set(messages))
        assert missing == [], f"name them in runtime_messages.py, translate in {language}"
        assert all(messages.values()), f"untranslated in {language}"
    english = catalogues["en"]
    for language, messages in catalogues.items():
        differing = sorted(
            key for key in english if placeholders(messages[key]) != placeholders(english[key])
        )
        assert differing == [], f"{language} fills other {{params}} than English"


def test_a_broken_file_names_its_problem_in_german() -> None:
    error = load_error(BROKEN / "capacity-not-a-number.yaml")
    assert error.problem.where == ("rooms", 0, "capacity")
    assert error.problem.line == error.line
    assert describe(error.problem, Translator("de")) == (
        "rooms[0].capacity muss eine positive ganze Zahl sein, gefunden: 'viele'"
    )
    assert describe(error.problem, Translator("en")) == error.message

    typo = load_error(BROKEN / "unknown-key.yaml").problem
    assert typo.where == ("rooms", 0, "capactiy")
    assert describe(typo, Translator("de")) == (
        "rooms[0]: Unbekannter Schlüssel 'capactiy' (meinten Sie 'capacity'?)"
    )


def test_a_value_without_a_written_form_is_named_in_the_readers_language(tmp_path) -> None:
    path = tmp_path / "liste.yaml"
    path.write_text("- eins\n- zwei\n", encoding="utf-8")
    problem = load_error(path).problem
    assert (problem.where, problem.line) == ((), 1)
    assert describe(problem, Translator("de")) == (
        "Die oberste Ebene muss aus Schlüsseln mit Werten bestehen (slug:, title:, …), "
        "gefunden: eine Liste"
    )


@pytest.mark.parametrize("fixture", sorted(p.stem for p in BROKEN.glob("*.yaml")))
def test_every_broken_fixture_reads_in_german_and_in_english(fixture: str) -> None:
    error = load_error(BROKEN / f"{fixture}.yaml")
    german = describe(error.problem, Translator("de"))
    assert describe(error.problem, Translator("en")) == error.message
    assert german != error.message
    assert "{" not in german and not german.startswith("config.")


def test_a_form_hears_of_every_independent_mistake_with_its_place() -> None:
    data = shipped_data()
    data["agenda"][1]["start"] = "25:00"
    data["rooms"][0]["title"] = ""
    data["rooms"][2]["capacity"] = 0
    problems = problems_of(data)
    assert [(p.where, p.key, p.line) for p in problems] == [
        (("agenda", 1, "start"), "config.clock_time", None),
        (("rooms", 0, "title"), "config.not_empty", None),
        (("rooms", 2, "capacity"), "config.positive_whole_number", None),
    ]
    assert [describe(p, Translator("de")) for p in problems] == [
        "agenda[1].start muss eine Uhrzeit wie \"09:30\" sein, gefunden: '25:00'",
        "rooms[0].title darf nicht leer sein, gefunden: ''",
        "rooms[2].capacity muss eine positive ganze Zahl sein, gefunden: 0",
    ]


def test_a_form_is_told_of_a_missing_field_and_a_rule_between_fields() -> None:
    data = shipped_data()
    del data["place"]
    data["rooms"][1]["board"] = {"vote_budget": 2, "max_votes_per_card": 3}
    problems = problems_of(data)
    assert [(p.where, p.key) for p in problems] == [
        (("place",), "config.missing_key"),
        (("rooms", 1, "board", "max_votes_per_card"), "config.votes_over_budget"),
    ]
    assert describe(problems[1], Translator("en")) == (
        "rooms[1].board.max_votes_per_card must not exceed vote_budget (2), got 3"
    )


def test_a_form_may_name_the_field_by_its_label() -> None:
    problem = Problem(("rooms", 0, "capacity"), "config.positive_whole_number", {"value": "0"})
    assert describe(problem, Translator("de"), field="Plätze") == (
        "Plätze muss eine positive ganze Zahl sein, gefunden: 0"
    )


def test_a_shipped_conference_as_data_has_no_problems_and_validates_to_itself() -> None:
    data = shipped_data()
    assert problems_of(data) == []
    assert validate(data) == load_conference_file(SHIPPED)


def test_validate_refuses_with_every_problem() -> None:
    data = shipped_data()
    data["code"], data["date"] = "myk", "22.03.2022"
    with pytest.raises(InvalidConference) as caught:
        validate(data)
    assert [p.where for p in caught.value.problems] == [("code",), ("date",)]
    assert str(caught.value) == (
        "code must be 4 to 12 capital letters or digits (like MYK2022), got 'myk'; "
        "date must be a date like 2022-03-22, got '22.03.2022'"
    )


def test_data_that_is_not_a_mapping_is_one_problem_at_the_top() -> None:
    assert problems_of(["eins"]) == [Problem((), "config.top_level_not_mapping", {"shape": "list"})]
