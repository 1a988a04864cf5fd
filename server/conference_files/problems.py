"""What is wrong with a conference, as data that reads in any language.

A Problem names its sentence by a catalogue key (`config.*` in the translation
catalogues) and carries the values the sentence shows. The command line renders it in
English, the console in the organiser's language, both through `describe`: one way to
make a sentence, so a file and a form are never told different things.
"""

import dataclasses
from collections.abc import Callable, Mapping
from functools import cache

from ..views.i18n import Translator

Location = tuple[str | int, ...]
Param = str | int


@dataclasses.dataclass(frozen=True)
class Problem:
    """One broken rule.

    `where` points into the conference (("rooms", 2, "capacity"); empty for the file as a
    whole) and `line` into the file it came from (None for a form). Values a person wrote
    appear in `params` quoted as in the file ('viele'), which reads the same in German and
    English; a value with no written form (a list, a mapping, nothing) is named by
    `shape` instead and put into words by `describe`.
    """

    where: Location
    key: str
    params: Mapping[str, Param] = dataclasses.field(default_factory=dict)
    line: int | None = None


class RuleError(ValueError):
    """A rule broken inside the model, raised from a validator.

    `where` is relative to the part being validated (("max_votes_per_card",) inside a
    board): pydantic only knows the validator's location, and the loader adds it.
    """

    def __init__(self, where: Location, key: str, **params: Param) -> None:
        self.where = where
        self.key = key
        self.params = params
        # pydantic shows this text in its own errors; it is the English sentence.
        super().__init__(describe(Problem(where, key, params), english()))


def format_location(loc: Location) -> str:
    """("rooms", 2, "capacity") -> "rooms[2].capacity"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".")


def describe(problem: Problem, translate: Callable[..., str], field: str | None = None) -> str:
    """The problem's sentence in `translate`'s language, without file or line.

    Sentences name the location as `{field}` ("rooms[0].capacity") or, for a key,
    `{section}` (the mapping it belongs to): the notation points into the file, so it is
    the same in every language. A form may name the field by its label instead.
    """
    params = dict(problem.params)
    shape = params.pop("shape", None)
    if shape is not None:
        params["value"] = translate(f"config.shape.{shape}")
    shown = format_location(problem.where) if field is None else field
    section = format_location(problem.where[:-1])
    return translate(problem.key, field=shown, section=section, **params).strip()


@cache
def english() -> Translator:
    return Translator("en")
