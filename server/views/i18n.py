"""The translation layer: every text a person reads comes from a catalogue here.

German is the default; English the second language. A missing English text falls back
to German, a missing key shows the key (and a test keeps the catalogues in step).
"""

import datetime as dt
from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
_LOCALES = Path(__file__).parent / "locales"


@cache
def catalogue(language: str) -> dict[str, object]:
    with open(_LOCALES / f"{language}.yaml", encoding="utf-8") as f:
        return _flatten(yaml.safe_load(f))


def _flatten(tree: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def pick_language(*candidates: str | None) -> str:
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


class Translator:
    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self._texts = catalogue(self.language)
        self._fallback = catalogue(DEFAULT_LANGUAGE)

    def __call__(self, key: str, **params: object) -> str:
        text = self._texts.get(key, self._fallback.get(key, key))
        return str(text).format(**params) if params else str(text)

    def plural(self, key: str, count: int, **params: object) -> str:
        form = "one" if count == 1 else "other"
        return self(f"{key}.{form}", count=count, **params)

    def date(self, day: dt.date) -> str:
        weekdays = self._texts["calendar.weekdays"]
        months = self._texts["calendar.months"]
        pattern = self("calendar.date_format")
        return pattern.format(
            weekday=weekdays[day.weekday()], day=day.day, month=months[day.month - 1], year=day.year
        )

    def time(self, moment: dt.time) -> str:
        return moment.strftime("%H:%M")
