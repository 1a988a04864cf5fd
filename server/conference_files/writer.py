"""A conference as a file: the YAML that `loader` reads back to the same model.

Only what differs from the model's defaults is written, like a file a person keeps;
times and dates are written as the text a person types ("09:30", "2022-03-22").
"""

import datetime
from typing import Any

import yaml

from .models import ConferenceConfig


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as in the shipped files; texts with line breaks
    keep them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def file_data(config: ConferenceConfig, exclude_defaults: bool = False) -> dict[str, Any]:
    """The conference as a file holds it once read: what `validate` takes back."""
    return _as_text(config.model_dump(exclude_defaults=exclude_defaults))


def conference_yaml(config: ConferenceConfig, heading: str = "") -> str:
    """The file's text; `heading` (lines without '#') goes first as a comment."""
    data = file_data(config, exclude_defaults=True)
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in heading.splitlines())
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)
    return comment + body
