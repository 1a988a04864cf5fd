"""Read conference files and turn every problem into `file:line: sentence`.

The YAML is composed into nodes first so that each value keeps the line it came from;
pydantic error locations such as ("rooms", 2, "capacity") are then mapped back to lines.
"""

import difflib
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .models import ConferenceConfig, RuleError, format_location

Location = tuple[str | int, ...]
LineIndex = dict[Location, int]

_TYPE_SENTENCES = {
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be a mapping of keys and values",
    "dict_type": "must be a mapping of keys and values",
    "string_too_short": "must not be empty",
    "too_short": "must list at least {min_length} item(s)",
    "literal_error": "must be one of {expected}",
}


_YAML_HINT = "check the indentation, colons and quotes on this line and the one before"


class ConfigError(Exception):
    """A conference file that cannot be used, with where and why in plain words."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(self.path, line, message)

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves times and dates as the text the person wrote.

    YAML 1.1 reads an unquoted 9:30 as the base-60 number 570 and 2022-13-01 as a broken
    timestamp; keeping the text lets the models parse it and report errors on its line.
    """


def _keep_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    return node.value


def _number_unless_clock(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    if ":" in node.value:
        return node.value
    if node.tag.endswith(":int"):
        return loader.construct_yaml_int(node)
    return loader.construct_yaml_float(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _keep_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _number_unless_clock)
_Loader.add_constructor("tag:yaml.org,2002:float", _number_unless_clock)


def load_conference_file(path: str | Path) -> ConferenceConfig:
    """Load and validate one conference file; raise ConfigError on any problem."""
    return _load(Path(path), str(path))[0]


def load_conference_dir(directory: str | Path) -> list[ConferenceConfig]:
    """Load every *.yaml / *.yml file in `directory`, sorted by file name."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError(directory, None, "is not a directory (or does not exist)")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    configs: list[ConferenceConfig] = []
    owners: dict[tuple[str, str], Path] = {}
    for file in files:
        config, lines = _load(file, str(file))
        for field in ("code", "slug"):
            value = getattr(config, field)
            if (field, value) in owners:
                other = owners[(field, value)].name
                message = f"{field} {value!r} is already used by {other}"
                raise ConfigError(file, lines.get((field,)), message)
            owners[(field, value)] = file
        configs.append(config)
    return configs


def _load(path: Path, shown: str) -> tuple[ConferenceConfig, LineIndex]:
    data, lines = _parse(_read(path, shown), shown)
    try:
        config = ConferenceConfig.model_validate(data)
    except ValidationError as exc:
        raise _first_problem(exc, lines, shown) from None
    if config.slug != path.stem:
        message = (
            f"slug must equal the file name without .yaml ({path.stem!r}), got {config.slug!r}"
        )
        raise ConfigError(shown, lines.get(("slug",)), message)
    return config, lines


def _read(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            shown, None, f"is not UTF-8 text (bad byte at offset {exc.start})"
        ) from None
    except OSError as exc:
        raise ConfigError(shown, None, f"cannot be read: {exc.strerror or exc}") from None


def _parse(text: str, shown: str) -> tuple[Any, LineIndex]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ConfigError(shown, None, "the file is empty; expected a conference mapping")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, shown) from None
    except yaml.YAMLError as exc:
        raise ConfigError(shown, None, f"is not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        message = (
            f"the top level must be a mapping of keys (slug:, title:, ...), got {_describe(data)}"
        )
        raise ConfigError(shown, node.start_mark.line + 1, message)
    lines: LineIndex = {(): node.start_mark.line + 1}
    _index_lines(node, (), lines, shown)
    return data, lines


def _syntax_error(exc: yaml.MarkedYAMLError, shown: str) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "unreadable"
    # Scanner and parser errors are nearly always layout mistakes; say where to look.
    if isinstance(exc, yaml.scanner.ScannerError | yaml.parser.ParserError):
        problem = f"{problem}; {_YAML_HINT}"
    return ConfigError(shown, mark.line + 1 if mark else None, f"is not valid YAML: {problem}")


def _index_lines(node: yaml.Node, loc: Location, lines: LineIndex, shown: str) -> None:
    # Keys get the line of the key itself, list items the line of their first token.
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _index_lines(item, (*loc, index), lines, shown)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            child = (*loc, key_node.value)
            line = key_node.start_mark.line + 1
            if child in lines:
                where = f"{format_location(loc)}: " if loc else ""
                message = (
                    f"{where}key {key_node.value!r} appears twice (also on line {lines[child]})"
                )
                raise ConfigError(shown, line, message)
            lines[child] = line
            _index_lines(value_node, child, lines, shown)


def _first_problem(exc: ValidationError, lines: LineIndex, shown: str) -> ConfigError:
    errors = exc.errors()
    # A misspelt key also makes the real key "missing"; the typo is the one to report.
    misspelt_in = {e["loc"][:-1] for e in errors if e["type"] == "extra_forbidden"}
    errors = [e for e in errors if e["type"] != "missing" or e["loc"][:-1] not in misspelt_in]
    problems = [_translate(error, lines, shown) for error in errors]
    return min(problems, key=lambda p: p.line if p.line is not None else 10**9)


def _translate(error: ErrorDetails, lines: LineIndex, shown: str) -> ConfigError:
    loc: Location = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, RuleError):
        loc = (*loc, *cause.where)
        message = f"{format_location(loc)} {cause.message}"
    elif kind in ("missing", "extra_forbidden"):
        message = _key_sentence(kind, loc)
    else:
        message = f"{format_location(loc)} {_sentence(error, cause)}".strip()
    return ConfigError(shown, _line_of(loc, lines), message)


def _key_sentence(kind: str, loc: Location) -> str:
    parent, key = loc[:-1], str(loc[-1])
    where = f"{format_location(parent)}: " if parent else ""
    if kind == "missing":
        return f"{where}missing required key {key!r}"
    close = difflib.get_close_matches(key, _fields_at(parent), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{where}unknown key {key!r}{hint}"


def _sentence(error: ErrorDetails, cause: Any) -> str:
    if cause is not None:
        return str(cause)
    template = _TYPE_SENTENCES.get(error["type"])
    if template is None:
        return f"is not valid: {error['msg']}"
    template = template.format(**error.get("ctx", {})).replace("1 item(s)", "one item")
    value = error["input"]
    if value is None:
        return f"has no value; it {template}"
    if error["type"] == "too_short":
        return template
    sentence = f"{template}, got {_describe(value)}"
    if error["type"] == "string_type" and isinstance(value, int | float):
        sentence += "; put it in quotes if it is meant as text"
    return sentence


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _line_of(loc: Location, lines: LineIndex) -> int | None:
    # A missing key has no line of its own: fall back to the nearest enclosing node.
    for size in range(len(loc), -1, -1):
        if loc[:size] in lines:
            return lines[loc[:size]]
    return None


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
