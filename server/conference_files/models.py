"""Typed, validated shape of a conference file (sessions_config/<slug>.yaml).

Every rule a person can break in a file lives here, so a ConferenceConfig built in code
obeys the same rules as one loaded from YAML. A broken rule raises RuleError with the key
of its sentence (problems.py); the location it refers to is added by whoever validates.
"""

import datetime
import re
import zoneinfo
from functools import cache
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)

from ..domain.text import remove_unsafe_characters
from .problems import RuleError, format_location

AgendaKind = Literal[
    "welcome",
    "keynote",
    "talk",
    "panel",
    "workshop",
    "breakout",
    "report_back",
    "break",
    "closing",
]
AGENDA_KINDS: tuple[str, ...] = get_args(AgendaKind)

_SLUG = re.compile(r"[a-z0-9-]+")
_CODE = re.compile(r"[A-Z0-9]{4,12}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def _ends_too_early(start: datetime.time, end: datetime.time) -> RuleError:
    return RuleError(("end",), "config.end_before_start", start=_hhmm(start), end=_hhmm(end))


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise RuleError((), "config.slug_letters", value=repr(value))
    return value


def _check_code(value: str) -> str:
    if not _CODE.fullmatch(value):
        raise RuleError((), "config.join_code", value=repr(value))
    return value


def _check_https(value: str) -> str:
    if not value.startswith("https://") or len(value) <= len("https://"):
        raise RuleError((), "config.https_url", value=repr(value))
    return value


def _check_email(value: str) -> str:
    local, at, domain = value.partition("@")
    if not (at and local and domain) or "@" in domain:
        raise RuleError((), "config.email", value=repr(value))
    return value


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_timezone(value: str) -> str:
    known = _known_timezones()
    # Without a tz database on the host we cannot tell; don't reject every file then.
    if known and value not in known:
        raise RuleError((), "config.time_zone", value=repr(value))
    return value


def _parse_time(value: Any) -> Any:
    if isinstance(value, datetime.time):
        return value
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return datetime.time(int(match[1]), int(match[2]))
    raise RuleError((), "config.clock_time", value=repr(value))


def _parse_date(value: Any) -> Any:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise RuleError((), "config.date", value=repr(value))


def _positive_int(value: Any) -> Any:
    # Strict on purpose: YAML turns "yes" into True and 2.5 stays a float; neither is a count.
    if type(value) is not int or value <= 0:
        raise RuleError((), "config.positive_whole_number", value=repr(value))
    return value


def _visible(value: Any) -> Any:
    """What a file says is read by everyone at the conference, so it follows the rule
    for every text people read: nothing that hides or reorders it, nothing XML cannot
    hold (domain/text.py)."""
    return remove_unsafe_characters(value) if isinstance(value, str) else value


# The rule runs first (outermost), so a title of only invisible characters is empty.
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), BeforeValidator(_visible)
]
FreeText = Annotated[str, BeforeValidator(_visible)]
Slug = Annotated[str, AfterValidator(_check_slug)]
JoinCode = Annotated[str, AfterValidator(_check_code)]
HttpsUrl = Annotated[str, AfterValidator(_check_https)]
Email = Annotated[str, AfterValidator(_check_email)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
ClockTime = Annotated[datetime.time, BeforeValidator(_parse_time)]
Day = Annotated[datetime.date, BeforeValidator(_parse_date)]
PositiveInt = Annotated[int, BeforeValidator(_positive_int)]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_unique(values: list[str], field: str, list_name: str) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            other = format_location((list_name, seen[value]))
            raise RuleError(
                (list_name, index, field), "config.used_twice", value=repr(value), other=other
            )
        seen[value] = index


class PromptConfig(_Config):
    """One board column of a breakout room."""

    key: Slug
    title: Text
    description: FreeText | None = None


class ModeratorConfig(_Config):
    name: Text
    email: Email | None = None


class BoardConfig(_Config):
    """How a room's board behaves; every field has a default (see docs/sessions_config.md)."""

    vote_budget: PositiveInt = 5
    max_votes_per_card: PositiveInt = 3
    vote_on_own_cards: StrictBool = True
    votes_visible_while_voting: StrictBool = False
    pre_moderation: StrictBool = False
    read_only_when_time_is_up: StrictBool = False

    @model_validator(mode="after")
    def _card_limit_fits_budget(self) -> "BoardConfig":
        if self.max_votes_per_card > self.vote_budget:
            raise RuleError(
                ("max_votes_per_card",),
                "config.votes_over_budget",
                budget=self.vote_budget,
                value=self.max_votes_per_card,
            )
        return self


class RoomConfig(_Config):
    slug: Slug
    title: Text
    description: FreeText = ""
    capacity: PositiveInt
    prompts: Annotated[list[PromptConfig], Field(min_length=1)]
    video_url: HttpsUrl | None = None
    moderators: list[ModeratorConfig] = []
    board: BoardConfig = BoardConfig()

    @model_validator(mode="after")
    def _prompts_are_distinct(self) -> "RoomConfig":
        _check_unique([p.key for p in self.prompts], "key", "prompts")
        return self


class AgendaItemConfig(_Config):
    """One item of the programme. `day` is one of the conference's days (its first when
    left out); items of different `track`s may run at the same time, each in its `room`."""

    day: Day | None = None
    start: ClockTime
    end: ClockTime
    title: Text
    kind: AgendaKind
    track: Text | None = None
    room: Slug | None = None
    speaker: FreeText | None = None
    description: FreeText | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> "AgendaItemConfig":
        if self.end <= self.start:
            raise _ends_too_early(self.start, self.end)
        return self


class InvitationConfig(_Config):
    """A code that lets the people of one municipality register (and names it for them)."""

    code: JoinCode
    municipality: Text


class RegistrationConfig(_Config):
    """Registration before the event; see docs/sessions_config.md, "registration"."""

    closes: Day | None = None  # the last day to register; None: until the last day
    allocation: Literal["first_come", "preferences"] = "first_come"
    # Not empty: only who has one of these codes may register.
    invitations: list[InvitationConfig] = []

    @model_validator(mode="after")
    def _codes_are_distinct(self) -> "RegistrationConfig":
        _check_unique([i.code for i in self.invitations], "code", "invitations")
        return self


class ConferenceConfig(_Config):
    slug: Slug
    code: JoinCode
    title: Text
    subtitle: FreeText | None = None
    date: Day
    end_date: Day | None = None  # the last day of a conference of several days
    start: ClockTime  # each day's time window
    end: ClockTime
    timezone: TimeZoneName = "Europe/Berlin"
    place: Text
    format: Literal["virtual", "in_person", "hybrid"]
    language: Literal["de", "en"] = "de"
    organiser: FreeText | None = None
    retention_days: PositiveInt = 90
    agenda: Annotated[list[AgendaItemConfig], Field(min_length=1)]
    rooms: list[RoomConfig] = []
    registration: RegistrationConfig | None = None

    @property
    def last_day(self) -> datetime.date:
        return self.end_date or self.date

    def day_of(self, item: AgendaItemConfig) -> datetime.date:
        return item.day or self.date

    @model_validator(mode="after")
    def _times_and_names_fit(self) -> "ConferenceConfig":
        if self.end <= self.start:
            raise _ends_too_early(self.start, self.end)
        if self.last_day < self.date:
            raise RuleError(
                ("end_date",),
                "config.end_date_before_date",
                date=self.date.isoformat(),
                end_date=self.last_day.isoformat(),
            )
        self._check_agenda_days()
        self._check_agenda_times()
        _check_unique([room.slug for room in self.rooms], "slug", "rooms")
        self._check_agenda_rooms()
        self._check_registration()
        return self

    def _check_registration(self) -> None:
        closes = self.registration.closes if self.registration else None
        if closes is not None and closes > self.last_day:
            raise RuleError(
                ("registration", "closes"),
                "config.registration_closes_after_end",
                closes=closes.isoformat(),
                last_day=self.last_day.isoformat(),
            )

    def _check_agenda_days(self) -> None:
        days = f"{self.date.isoformat()}–{self.last_day.isoformat()}"
        previous: datetime.date | None = None
        for index, item in enumerate(self.agenda):
            day = self.day_of(item)
            if not self.date <= day <= self.last_day:
                raise RuleError(
                    ("agenda", index, "day"),
                    "config.agenda_day_outside",
                    day=day.isoformat(),
                    days=days,
                )
            if previous is not None and day < previous:
                raise RuleError(
                    ("agenda", index, "day"),
                    "config.agenda_day_out_of_order",
                    day=day.isoformat(),
                    previous=previous.isoformat(),
                )
            previous = day

    def _check_agenda_rooms(self) -> None:
        slugs = {room.slug for room in self.rooms}
        for index, item in enumerate(self.agenda):
            if item.room is not None and item.room not in slugs:
                raise RuleError(
                    ("agenda", index, "room"), "config.agenda_unknown_room", value=repr(item.room)
                )

    def _check_agenda_times(self) -> None:
        """Each day's items in time order inside the day's window; an item may run at the
        same time as another only when both are in tracks, and in different ones."""
        window = f"{_hhmm(self.start)}–{_hhmm(self.end)}"
        earlier: list[AgendaItemConfig] = []  # the items of the same day so far
        for index, item in enumerate(self.agenda):
            start, end = ("agenda", index, "start"), ("agenda", index, "end")
            if item.start < self.start:
                raise RuleError(
                    start, "config.agenda_before_start", time=_hhmm(item.start), window=window
                )
            if item.end > self.end:
                raise RuleError(end, "config.agenda_after_end", time=_hhmm(item.end), window=window)
            if earlier and self.day_of(earlier[-1]) != self.day_of(item):
                earlier = []
            if earlier and item.start < earlier[-1].start:
                raise RuleError(
                    start,
                    "config.agenda_out_of_order",
                    time=_hhmm(item.start),
                    previous=_hhmm(earlier[-1].start),
                )
            for other in reversed(earlier):
                if item.start < other.end and not _parallel(item, other):
                    raise RuleError(
                        start,
                        "config.agenda_overlap",
                        time=_hhmm(item.start),
                        title=repr(other.title),
                        previous_end=_hhmm(other.end),
                    )
            earlier.append(item)


def _parallel(item: AgendaItemConfig, other: AgendaItemConfig) -> bool:
    """Whether two items may run at the same time: each in a track of its own."""
    return item.track is not None and other.track is not None and item.track != other.track
