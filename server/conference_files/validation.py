"""A conference as plain data (a form, a parsed file) checked against the model.

pydantic's findings become Problems here, for the loader and for forms alike, so a
shipped file and the console's editor are held to the same rules in the same words.
"""

import difflib
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .models import ConferenceConfig
from .problems import Location, Param, Problem, RuleError, describe, english

_TYPE_KEYS = {
    "string_type": "config.text",
    "list_type": "config.list",
    "model_type": "config.mapping",
    "dict_type": "config.mapping",
    "string_too_short": "config.not_empty",
    "literal_error": "config.one_of",
}
_NO_VALUE_KEYS = {
    "config.text": "config.no_value_text",
    "config.list": "config.no_value_list",
    "config.mapping": "config.no_value_mapping",
    "config.one_of": "config.no_value_one_of",
}
# Indexed by whether the key sits inside a section (rooms[0]: ...) or at the top.
_MISSING_KEY = ("config.missing_key", "config.missing_key_in")
_UNKNOWN_KEY = ("config.unknown_key", "config.unknown_key_in")
_UNKNOWN_KEY_HINT = ("config.unknown_key_hint", "config.unknown_key_in_hint")


class InvalidConference(ValueError):
    """Conference data that breaks rules; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(describe(problem, english()) for problem in problems))


def validate(data: Any) -> ConferenceConfig:
    """The conference `data` describes, or InvalidConference with all its problems."""
    if not isinstance(data, dict):
        raise InvalidConference([not_a_conference(data)])
    try:
        return ConferenceConfig.model_validate(data)
    except ValidationError as exc:
        raise InvalidConference(problems_in(exc)) from None


def problems_of(data: Any) -> list[Problem]:
    """Every problem of conference `data` with its location (no lines), [] when valid.

    Rules that compare parts (times in order, names used once) are checked only once
    every part is valid on its own, and report the first one broken.
    """
    try:
        validate(data)
    except InvalidConference as invalid:
        return invalid.problems
    return []


def not_a_conference(data: Any) -> Problem:
    return Problem((), "config.top_level_not_mapping", value_params(data))


def problems_in(exc: ValidationError) -> list[Problem]:
    errors = exc.errors()
    # A misspelt key also makes the real key "missing"; the typo is the one to report.
    misspelt_in = {e["loc"][:-1] for e in errors if e["type"] == "extra_forbidden"}
    errors = [e for e in errors if e["type"] != "missing" or e["loc"][:-1] not in misspelt_in]
    return [_problem(error) for error in errors]


def value_params(value: Any) -> dict[str, Param]:
    """How a sentence shows a value someone wrote: quoted as in the file, or its shape."""
    if value is None:
        return {"shape": "empty"}
    if isinstance(value, dict):
        return {"shape": "mapping"}
    if isinstance(value, list):
        return {"shape": "list"}
    return {"value": repr(value)}


def _problem(error: ErrorDetails) -> Problem:
    loc: Location = tuple(error["loc"])
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, RuleError):
        return Problem((*loc, *cause.where), cause.key, cause.params)
    if error["type"] in ("missing", "extra_forbidden"):
        return _key_problem(error["type"], loc)
    if cause is not None:
        return Problem(loc, "config.not_valid", {"detail": str(cause)})
    return _type_problem(error, loc)


def _key_problem(kind: str, loc: Location) -> Problem:
    parent, key = loc[:-1], str(loc[-1])
    inside = bool(parent)
    if kind == "missing":
        return Problem(loc, _MISSING_KEY[inside], {"name": repr(key)})
    close = difflib.get_close_matches(key, _fields_at(parent), n=1)
    if close:
        return Problem(loc, _UNKNOWN_KEY_HINT[inside], {"name": repr(key), "hint": repr(close[0])})
    return Problem(loc, _UNKNOWN_KEY[inside], {"name": repr(key)})


def _type_problem(error: ErrorDetails, loc: Location) -> Problem:
    ctx = error.get("ctx") or {}
    if error["type"] == "too_short":
        if ctx["min_length"] == 1:
            return Problem(loc, "config.list_empty")
        return Problem(loc, "config.list_too_short", {"min_length": ctx["min_length"]})
    key = _TYPE_KEYS.get(error["type"])
    if key is None:
        return Problem(loc, "config.not_valid", {"detail": error["msg"]})
    params = _choices(ctx["expected"]) if error["type"] == "literal_error" else {}
    value = error["input"]
    if value is None and key in _NO_VALUE_KEYS:
        return Problem(loc, _NO_VALUE_KEYS[key], params)
    if error["type"] == "string_type" and isinstance(value, int | float):
        key = "config.text_number"
    return Problem(loc, key, params | value_params(value))


def _choices(expected: str) -> dict[str, Param]:
    # pydantic joins the allowed values in English ("'a', 'b' or 'c'"); every Literal
    # in the model has at least two, so the sentence can say "or" in its own language.
    choices, _, last = expected.rpartition(" or ")
    return {"choices": choices, "last": last}


def _fields_at(loc: Location) -> list[str]:
    """Allowed keys of the model found at `loc`, for "did you mean" hints."""
    model: type[BaseModel] = ConferenceConfig
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        candidates = typing.get_args(field.annotation) if field else ()
        models = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if not models:
            return []
        model = models[0]
    return list(model.model_fields)
