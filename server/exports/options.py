"""What an export was asked for, and the labels it is written with."""

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Protocol


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"
    MARKDOWN = "md"
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


class Authors(StrEnum):
    NAMES = "names"  # names of those who agreed when joining; pseudonyms for the rest
    PSEUDONYMS = "pseudonyms"  # pseudonyms for everyone


@dataclass(frozen=True)
class ExportOptions:
    format: Format = Format.CSV
    room: str | None = None  # a room's slug; None: the whole conference
    day: date | None = None  # one of the conference's days (scope.py says what it keeps)
    track: str | None = None  # one of the programme's tracks, with the plenary's items
    include_hidden: bool = False  # hidden cards and cards waiting for approval
    authors: Authors = Authors.NAMES
    language: str | None = None  # None: the conference's language
    delimiter: str = ";"  # CSV: ';' opens in German Excel as columns, ',' elsewhere


class Labels(Protocol):
    """The translation layer as exports use it (views.i18n.Translator is one)."""

    language: str

    def __call__(self, key: str, **params: object) -> str: ...

    def plural(self, key: str, count: int, **params: object) -> str: ...

    def date(self, day: date) -> str: ...

    def date_range(self, first: date, last: date) -> str: ...

    def time(self, moment: time) -> str: ...

    def time_range(self, start: time, end: time) -> str: ...
