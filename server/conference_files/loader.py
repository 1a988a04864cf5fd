"""Read conference files and turn every problem into `file:line: sentence`.

The YAML is composed into nodes first so that each value keeps the line it came from;
pydantic error locations such as ("rooms", 2, "capacity") are then mapped back to lines.
"""

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .models import ConferenceConfig
from .problems import Location, Problem, describe, english
from .validation import not_a_conference, problems_in

LineIndex = dict[Location, int]


class ConfigError(Exception):
    """A conference file that cannot be used, with where and why in plain words.

    `problem` says it in any language (problems.describe); `message` and str() are the
    English sentence the command line prints.
    """

    def __init__(self, path: str | Path, problem: Problem) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = problem.line
        self.message = describe(problem, english())
        super().__init__(self.path, self.line, self.message)

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


def conference_files_in(folder: Path) -> list[Path]:
    """The conference files of a folder, by name."""
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_conference_dir(directory: str | Path) -> list[ConferenceConfig]:
    """Load every *.yaml / *.yml file in `directory`, sorted by file name."""
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError(directory, Problem((), "config.not_a_directory"))
    files = conference_files_in(folder)
    configs: list[ConferenceConfig] = []
    owners: dict[tuple[str, str], Path] = {}
    for file in files:
        config, lines = _load(file, str(file))
        for field in ("code", "slug"):
            value = getattr(config, field)
            if (field, value) in owners:
                params = {"value": repr(value), "other": owners[(field, value)].name}
                problem = Problem((field,), "config.used_by_other_file", params)
                raise ConfigError(file, replace(problem, line=lines.get((field,))))
            owners[(field, value)] = file
        configs.append(config)
    return configs


def load_conference_upload(content: bytes, name: str) -> ConferenceConfig:
    """A conference file sent from a browser, checked as if it lay in sessions_config
    under `name` (its slug is its file name there too)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(name, Problem((), "config.not_utf8", {"offset": exc.start})) from None
    return _checked(text, Path(name), name)[0]


def _load(path: Path, shown: str) -> tuple[ConferenceConfig, LineIndex]:
    return _checked(_read(path, shown), path, shown)


def _checked(text: str, path: Path, shown: str) -> tuple[ConferenceConfig, LineIndex]:
    data, lines = _parse(text, shown)
    try:
        config = ConferenceConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(shown, _first_problem(exc, lines)) from None
    if config.slug != path.stem:
        params = {"stem": repr(path.stem), "value": repr(config.slug)}
        problem = Problem(("slug",), "config.slug_not_file_name", params, lines.get(("slug",)))
        raise ConfigError(shown, problem)
    return config, lines


def _read(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem((), "config.not_utf8", {"offset": exc.start})
        raise ConfigError(shown, problem) from None
    except OSError as exc:
        problem = Problem((), "config.unreadable", {"reason": exc.strerror or str(exc)})
        raise ConfigError(shown, problem) from None


def _parse(text: str, shown: str) -> tuple[Any, LineIndex]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ConfigError(shown, Problem((), "config.empty_file"))
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, shown) from None
    except yaml.YAMLError as exc:
        raise ConfigError(shown, Problem((), "config.not_yaml", {"detail": str(exc)})) from None
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(shown, replace(not_a_conference(data), line=node.start_mark.line + 1))
    lines: LineIndex = {(): node.start_mark.line + 1}
    _index_lines(node, (), lines, shown)
    return data, lines


def _syntax_error(exc: yaml.MarkedYAMLError, shown: str) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    detail = ", ".join(part for part in (exc.context, exc.problem) if part) or "unreadable"
    # Scanner and parser errors are nearly always layout mistakes; say where to look.
    layout = isinstance(exc, yaml.scanner.ScannerError | yaml.parser.ParserError)
    key = "config.not_yaml_layout" if layout else "config.not_yaml"
    line = mark.line + 1 if mark else None
    return ConfigError(shown, Problem((), key, {"detail": detail}, line))


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
                key = "config.key_twice_in" if loc else "config.key_twice"
                params = {"name": repr(key_node.value), "other_line": lines[child]}
                raise ConfigError(shown, Problem(child, key, params, line))
            lines[child] = line
            _index_lines(value_node, child, lines, shown)


def _first_problem(exc: ValidationError, lines: LineIndex) -> Problem:
    problems = [replace(p, line=_line_of(p.where, lines)) for p in problems_in(exc)]
    return min(problems, key=lambda p: p.line if p.line is not None else 10**9)


def _line_of(loc: Location, lines: LineIndex) -> int | None:
    # A missing key has no line of its own: fall back to the nearest enclosing node.
    for size in range(len(loc), -1, -1):
        if loc[:size] in lines:
            return lines[loc[:size]]
    return None
