import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from server.conference_files import (
    AGENDA_KINDS,
    ConferenceConfig,
    ConfigError,
    load_conference_dir,
    load_conference_file,
)

ROOT = Path(__file__).resolve().parent.parent
SESSIONS_CONFIG = ROOT / "sessions_config"
BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken_configs"

MINIMAL = """\
slug: {slug}
code: {code}
title: Testkonferenz
date: "2022-03-22"
start: "09:30"
end: "13:30"
place: Virtuell
format: virtual
agenda:
  - start: "09:30"
    end: "13:30"
    title: Alles in einem
    kind: breakout
"""


def write_conference(folder: Path, slug: str, code: str = "TEST2022", extra: str = "") -> Path:
    path = folder / f"{slug}.yaml"
    path.write_text(MINIMAL.format(slug=slug, code=code) + extra, encoding="utf-8")
    return path


def marked_line(path: Path) -> int:
    """The 1-based line a broken fixture marks with "# ERROR"."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.rstrip().endswith("# ERROR"))


def load_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_conference_file(path)
    return caught.value


# --- the shipped conferences -------------------------------------------------------------


SHIPPED = {
    "iscn-exchange-2022": "ISCN2022",
    "mpsc-kongress-2022": "MPSC2022",
    "regionalkonferenz-lemgo-kalletal-2022": "LEMGO2022",
    "regionalkonferenz-mayen-koblenz-2022": "MYK2022",
    "regionalkonferenz-ulm-2022": "ULM2022",
    "regionalkonferenz-wolfsburg-2022": "WOB2022",
    "start-smart-themenwerkstatt-2022": "STARTSMART",
}


def test_every_shipped_conference_loads_and_its_slug_is_its_file_name() -> None:
    files = sorted(SESSIONS_CONFIG.glob("*.yaml"))
    assert [path.stem for path in files] == sorted(SHIPPED)
    for path in files:
        assert load_conference_file(path).slug == path.stem


def test_conference_dir_loads_all_shipped_files_sorted_by_name() -> None:
    configs = load_conference_dir(SESSIONS_CONFIG)
    assert [c.slug for c in configs] == sorted(c.slug for c in configs)
    assert {c.slug: c.code for c in configs} == SHIPPED


def test_mayen_koblenz_has_the_three_breakout_rooms_and_a_full_programme() -> None:
    config = load_conference_file(SESSIONS_CONFIG / "regionalkonferenz-mayen-koblenz-2022.yaml")
    assert config.code == "MYK2022"
    assert config.date == datetime.date(2022, 3, 22)
    assert (config.start, config.end) == (datetime.time(9, 30), datetime.time(13, 30))
    assert config.format == "virtual"
    assert [r.slug for r in config.rooms] == [
        "narrative-der-smart-city",
        "strategieentwicklung",
        "erfolgreiche-akteursnetzwerke",
    ]
    kinds = {item.kind for item in config.agenda}
    assert {"welcome", "keynote", "panel", "breakout", "report_back", "closing"} <= kinds


def test_every_shipped_room_has_two_to_four_prompts_and_one_or_two_moderators() -> None:
    for config in load_conference_dir(SESSIONS_CONFIG):
        assert config.language == ("en" if config.slug == "iscn-exchange-2022" else "de")
        for room in config.rooms:
            assert 2 <= len(room.prompts) <= 4, room.slug
            assert 1 <= len(room.moderators) <= 2, room.slug
            assert all(m.email and m.email.endswith("@example.org") for m in room.moderators)


def test_wolfsburg_is_in_person_at_the_volkswagen_arena() -> None:
    config = load_conference_file(SESSIONS_CONFIG / "regionalkonferenz-wolfsburg-2022.yaml")
    assert config.format == "in_person"
    assert "Volkswagen Arena" in config.place
    assert config.date == datetime.date(2022, 7, 6)


def test_the_mpsc_kongress_runs_four_days_with_parallel_workshops_each_in_its_own_room() -> None:
    config = load_conference_file(SESSIONS_CONFIG / "mpsc-kongress-2022.yaml")
    first, last = datetime.date(2022, 4, 26), datetime.date(2022, 4, 29)
    assert (config.date, config.last_day, config.format) == (first, last, "virtual")
    days = [config.day_of(item) for item in config.agenda]
    assert sorted(set(days)) == [first + datetime.timedelta(days=n) for n in range(4)]
    workshops = [item for item in config.agenda if item.kind == "workshop"]
    rooms = {room.slug for room in config.rooms}
    assert all(item.track and item.room in rooms for item in workshops)
    assert {item.room for item in workshops} == rooms
    # workshops that start together are in tracks and rooms of their own
    together: dict[tuple[datetime.date, datetime.time], list] = {}
    for item in workshops:
        together.setdefault((config.day_of(item), item.start), []).append(item)
    parallel = {key: group for key, group in together.items() if len(group) > 1}
    assert len({day for day, _ in parallel}) >= 2
    for group in parallel.values():
        assert len({item.track for item in group}) == len(group)
        assert len({item.room for item in group}) == len(group)
    plenary = {item.kind for item in config.agenda if item.track is None}
    assert {"welcome", "keynote", "report_back", "closing"} <= plenary
    assert config.agenda[-1].kind == "closing" and days[-1] == last


def test_the_start_smart_themenwerkstatt_is_one_virtual_morning_in_small_rooms() -> None:
    config = load_conference_file(SESSIONS_CONFIG / "start-smart-themenwerkstatt-2022.yaml")
    assert config.date == config.last_day == datetime.date(2022, 7, 12)
    assert config.format == "virtual"
    assert "Zwei Seiten einer Medaille?" in (config.subtitle or "")
    assert 1 <= len(config.rooms) <= 2
    assert all(room.capacity <= 20 for room in config.rooms)


def test_the_iscn_exchange_is_in_english_with_the_five_member_countries() -> None:
    config = load_conference_file(SESSIONS_CONFIG / "iscn-exchange-2022.yaml")
    assert config.language == "en"
    assert config.format == "virtual"
    text = " ".join(item.model_dump_json() for item in config.agenda)
    for country in ("Brazil", "Germany", "India", "Mexico", "Peru"):
        assert country in text
    titles = [item.title for item in config.agenda] + [room.title for room in config.rooms]
    titles += [prompt.title for room in config.rooms for prompt in room.prompts]
    assert not any(word in title.split() for title in titles for word in ("und", "der", "die"))


# --- broken files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("capacity-not-a-number", "rooms[0].capacity must be a positive whole number, got 'viele'"),
        ("unknown-key", "rooms[0]: unknown key 'capactiy' (did you mean 'capacity'?)"),
        ("missing-title", "rooms[0]: missing required key 'title'"),
        ("agenda-end-before-start", "agenda[1].end must be after start (10:00), got 09:45"),
        ("duplicate-room-slug", "rooms[1].slug 'strategieentwicklung' is already used by rooms[0]"),
        ("yaml-syntax-error", "is not valid YAML"),
        ("bad-agenda-kind", "agenda[1].kind must be one of 'welcome', 'keynote', 'talk', 'panel'"),
        ("video-url-not-https", "rooms[0].video_url must be a web address starting with https://"),
        ("agenda-overlap", "agenda[1].start 10:00 overlaps the previous item 'Begrüßung'"),
        ("agenda-outside-conference", "agenda[1].end 14:00 is after the conference ends"),
    ],
)
def test_broken_file_is_reported_with_file_line_and_sentence(fixture: str, expected: str) -> None:
    path = BROKEN / f"{fixture}.yaml"
    error = load_error(path)
    assert error.path == str(path)
    assert error.line == marked_line(path)
    assert str(error).startswith(f"{path}:{error.line}: ")
    assert expected in error.message


def test_bad_agenda_kind_lists_every_allowed_kind() -> None:
    message = load_error(BROKEN / "bad-agenda-kind.yaml").message
    assert all(f"'{kind}'" in message for kind in AGENDA_KINDS)
    assert message.endswith("got 'fishbowl'")


@pytest.mark.parametrize("capacity", ["0", "-3", "2.5", "true", '"60"'])
def test_capacity_must_be_a_positive_whole_number(tmp_path: Path, capacity: str) -> None:
    room = f"rooms:\n  - slug: a\n    title: A\n    capacity: {capacity}\n"
    room += "    prompts:\n      - key: x\n        title: X\n"
    error = load_error(write_conference(tmp_path, "cap", extra=room))
    assert error.line == 17
    assert "rooms[0].capacity must be a positive whole number" in error.message


def test_unquoted_clock_times_are_read_as_times_not_base_60_numbers(tmp_path: Path) -> None:
    path = tmp_path / "unquoted.yaml"
    text = MINIMAL.format(slug="unquoted", code="TEST2022")
    path.write_text(text.replace('"09:30"', "9:30").replace('"13:30"', "13:30"))
    config = load_conference_file(path)
    assert config.start == config.agenda[0].start == datetime.time(9, 30)
    assert config.end == datetime.time(13, 30)


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("", None, "the file is empty"),
        ("# nur ein Kommentar\n", None, "the file is empty"),
        ("- eins\n- zwei\n", 1, "the top level must be a mapping"),
        ("slug: a\nslug: b\n", 2, "key 'slug' appears twice (also on line 1)"),
        ("slug: x\n\ttitle: y\n", 2, "is not valid YAML"),
        ("a: 1\n---\nb: 2\n", 2, "expected a single document"),
        ("slug: !!python/object:os.system x\n", 1, "is not valid YAML"),
    ],
)
def test_unusable_yaml_is_rejected_with_its_line(
    tmp_path: Path, text: str, line: int | None, expected: str
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    error = load_error(path)
    assert (error.line, error.path) == (line, str(path))
    assert expected in error.message


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        ("code: TEST2022", "code: myk", 2, "code must be 4 to 12 capital letters or digits"),
        ('date: "2022-03-22"', "date: 2022-13-22", 4, "date must be a date like 2022-03-22"),
        ('end: "13:30"\nplace', 'end: "09:00"\nplace', 6, "end must be after start (09:30)"),
        ('    end: "13:30"', '    end: "13.30"', 11, "agenda[0].end must be a time like"),
        ("title: Testkonferenz", "title: 2022", 3, "got 2022; put it in quotes"),
        ("title: Testkonferenz", "title:", 3, "title has no value"),
        ("format: virtual", "format: online", 8, "'virtual', 'in_person' or 'hybrid'"),
        ("format: virtual", "format: virtual\ntimezone: Mond", 9, "timezone must be a time zone"),
        ("place: Virtuell\n", "", 1, "missing required key 'place'"),
        ("format: virtual", "format: virtual\ntitel: X", 9, "unknown key 'titel'"),
    ],
)
def test_top_level_mistakes_are_explained(
    tmp_path: Path, old: str, new: str, line: int, expected: str
) -> None:
    path = write_conference(tmp_path, "conf")
    path.write_text(path.read_text().replace(old, new, 1))
    error = load_error(path)
    assert error.line == line
    assert expected in error.message


def test_agenda_must_be_listed_in_time_order(tmp_path: Path) -> None:
    earlier = '  - start: "09:30"\n    end: "10:00"\n    title: Früh\n    kind: welcome\n'
    path = write_conference(tmp_path, "order", extra=earlier)
    first = '  - start: "09:30"\n    end: "13:30"'
    path.write_text(path.read_text().replace(first, '  - start: "10:00"\n    end: "11:00"'))
    error = load_error(path)
    assert error.line == 14
    assert "agenda[1].start 09:30 comes before the previous item (10:00)" in error.message


def test_duplicate_prompt_keys_in_a_room_point_at_the_second_prompt(tmp_path: Path) -> None:
    room = "rooms:\n  - slug: a\n    title: A\n    capacity: 5\n    prompts:\n"
    room += "      - key: x\n        title: X\n      - key: x\n        title: Y\n"
    error = load_error(write_conference(tmp_path, "prompts", extra=room))
    assert error.line == 21
    assert error.message == "rooms[0].prompts[1].key 'x' is already used by prompts[0]"


def test_a_room_needs_at_least_one_prompt(tmp_path: Path) -> None:
    room = "rooms:\n  - slug: a\n    title: A\n    capacity: 5\n    prompts: []\n"
    error = load_error(write_conference(tmp_path, "noprompts", extra=room))
    assert (error.line, error.message) == (18, "rooms[0].prompts must list at least one item")


def test_texts_in_a_file_lose_what_hides_or_reorders_them(tmp_path: Path) -> None:
    # A right-to-left override and a zero-width space would make a room read otherwise
    # than it is (the same rule as every text a person types in, domain/text.py).
    room = 'rooms:\n  - slug: a\n    title: "Daten\u202eatad"\n    capacity: 5\n'
    room += '    description: "Of\u200bfen"\n    prompts:\n      - key: x\n        title: X\n'
    conference = load_conference_file(write_conference(tmp_path, "hidden", extra=room))
    assert (conference.rooms[0].title, conference.rooms[0].description) == ("Datenatad", "Offen")

    blank = room.replace("Daten\u202eatad", "\u202e\u200b")
    error = load_error(write_conference(tmp_path, "hidden", extra=blank))
    assert (error.line, error.message) == (16, "rooms[0].title must not be empty, got ''")


def test_moderator_email_gets_a_light_check(tmp_path: Path) -> None:
    room = "rooms:\n  - slug: a\n    title: A\n    capacity: 5\n    prompts:\n"
    room += (
        "      - key: x\n        title: X\n    moderators:\n      - name: Eva\n        email: eva\n"
    )
    error = load_error(write_conference(tmp_path, "email", extra=room))
    assert error.line == 23
    assert "rooms[0].moderators[0].email must be an e-mail address" in error.message


def test_slug_must_equal_the_file_name(tmp_path: Path) -> None:
    path = write_conference(tmp_path, "richtig")
    path = path.rename(tmp_path / "falsch.yaml")
    error = load_error(path)
    assert error.line == 1
    assert "slug must equal the file name without .yaml ('falsch'), got 'richtig'" in str(error)


def test_missing_file_is_a_config_error_without_line(tmp_path: Path) -> None:
    error = load_error(tmp_path / "fehlt.yaml")
    assert error.line is None
    assert str(error) == f"{tmp_path / 'fehlt.yaml'}: cannot be read: No such file or directory"


def test_models_are_frozen_and_enforce_the_same_rules_in_code() -> None:
    config = load_conference_file(SESSIONS_CONFIG / "regionalkonferenz-ulm-2022.yaml")
    with pytest.raises(ValidationError):
        config.title = "Anders"  # type: ignore[misc]
    data = config.model_dump()
    data["rooms"][1]["slug"] = data["rooms"][0]["slug"]
    with pytest.raises(ValidationError, match="already used by rooms"):
        ConferenceConfig.model_validate(data)


# --- directories -------------------------------------------------------------------------


def test_conference_dir_reads_yaml_and_yml_and_ignores_other_files(tmp_path: Path) -> None:
    write_conference(tmp_path, "b-konferenz", code="BBBB")
    (tmp_path / "a-konferenz.yml").write_text(MINIMAL.format(slug="a-konferenz", code="AAAA"))
    (tmp_path / "notizen.txt").write_text("kein YAML")
    assert [c.code for c in load_conference_dir(tmp_path)] == ["AAAA", "BBBB"]


def test_conference_dir_rejects_the_first_broken_file(tmp_path: Path) -> None:
    write_conference(tmp_path, "a-gut", code="AAAA")
    write_conference(tmp_path, "b-kaputt", code="BBBB", extra="capactiy: 3\n")
    write_conference(tmp_path, "c-auch-kaputt", code="CC")
    with pytest.raises(ConfigError) as caught:
        load_conference_dir(tmp_path)
    assert caught.value.path == str(tmp_path / "b-kaputt.yaml")
    assert caught.value.line == 14


def test_conference_dir_rejects_a_join_code_used_twice(tmp_path: Path) -> None:
    write_conference(tmp_path, "erste", code="MYK2022")
    write_conference(tmp_path, "zweite", code="MYK2022")
    with pytest.raises(ConfigError) as caught:
        load_conference_dir(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'zweite.yaml'}:2: code 'MYK2022' is already used by erste.yaml"
    )


def test_conference_dir_that_does_not_exist_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a directory"):
        load_conference_dir(tmp_path / "fehlt")


def test_board_settings_have_defaults_and_checked_values(tmp_path: Path) -> None:
    room = "rooms:\n  - slug: a\n    title: A\n    capacity: 5\n    prompts:\n"
    room += "      - key: x\n        title: X\n"
    config = load_conference_file(write_conference(tmp_path, "defaults", extra=room))
    assert config.rooms[0].board.vote_budget == 5
    assert not config.rooms[0].board.pre_moderation

    strict = room + "    board:\n      vote_budget: 3\n      max_votes_per_card: 4\n"
    error = load_error(write_conference(tmp_path, "toomany", extra=strict))
    assert error.line == 23
    assert (
        error.message == "rooms[0].board.max_votes_per_card must not exceed vote_budget (3), got 4"
    )

    wrong = room + "    board:\n      pre_moderation: vielleicht\n"
    error = load_error(write_conference(tmp_path, "maybe", extra=wrong))
    assert error.line == 22
    assert "rooms[0].board.pre_moderation" in error.message


# --- days and tracks ---------------------------------------------------------------------

TWO_DAYS = """\
slug: kongress
code: KONGRESS
title: Kongress
date: "2022-04-26"
end_date: "2022-04-27"
start: "09:00"
end: "18:00"
place: Virtuell
format: virtual
agenda:
  - start: "13:00"
    end: "14:00"
    title: Eröffnung
    kind: welcome
  - start: "14:30"
    end: "16:00"
    title: Daten teilen
    kind: workshop
    track: Inkubator Daten
    room: daten
  - start: "14:30"
    end: "16:00"
    title: Mobilität
    kind: workshop
    track: Inkubator Mobilität
  - day: "2022-04-27"
    start: "09:00"
    end: "10:00"
    title: Rückblick
    kind: report_back
rooms:
  - slug: daten
    title: Daten
    capacity: 20
    prompts:
      - key: ideen
        title: Ideen
"""


def _two_days(tmp_path: Path, text: str = TWO_DAYS) -> Path:
    path = tmp_path / "kongress.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_conference_of_several_days_with_parallel_tracks_loads(tmp_path: Path) -> None:
    config = load_conference_file(_two_days(tmp_path))
    assert config.last_day.isoformat() == "2022-04-27"
    assert [config.day_of(item).day for item in config.agenda] == [26, 26, 26, 27]
    assert config.agenda[1].room == "daten"


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (
            ("    track: Inkubator Mobilität\n", ""),
            21,
            "agenda[2].start 14:30 overlaps the previous item 'Daten teilen', which ends at 16:00",
        ),
        (
            ("    track: Inkubator Mobilität\n", "    track: Inkubator Daten\n"),
            21,
            "agenda[2].start 14:30 overlaps the previous item 'Daten teilen', which ends at 16:00",
        ),
        (
            ('  - day: "2022-04-27"', '  - day: "2022-04-28"'),
            26,
            "agenda[3].day 2022-04-28 is not one of the conference's days (2022-04-26–2022-04-27)",
        ),
        (
            ('end_date: "2022-04-27"', 'end_date: "2022-04-25"'),
            5,
            "end_date must not be before the first day (2022-04-26), got 2022-04-25",
        ),
        (
            ("    room: daten\n", "    room: nirgends\n"),
            20,
            "agenda[1].room names no room of this conference, got 'nirgends'",
        ),
    ],
)
def test_days_tracks_and_rooms_of_items_are_checked(tmp_path: Path, change, line, message) -> None:
    """Items of one track, or a plenary item and a track's, must not overlap; days lie
    between the first and the last; an item's room is one of the conference's."""
    error = load_error(_two_days(tmp_path, TWO_DAYS.replace(*change)))
    assert error.message.endswith(message), error.message
    assert error.line == line


@pytest.mark.parametrize(
    ("registration", "message"),
    [
        (
            '  closes: "2022-04-28"\n',
            "registration.closes 2022-04-28 is after the conference's last day (2022-04-27): "
            "registration closes on that day at the latest",
        ),
        (
            "  invitations:\n    - code: KIEL2022\n      municipality: Kiel\n"
            "    - code: KIEL2022\n      municipality: Kiel-Nord\n",
            "'KIEL2022'",
        ),
        ("  allocation: lottery\n", "registration.allocation"),
    ],
)
def test_registration_settings_are_checked(tmp_path: Path, registration, message) -> None:
    """Registration closes by the last day at the latest; each invitation code names one
    municipality; seats go first come or by preference."""
    error = load_error(_two_days(tmp_path, TWO_DAYS + "registration:\n" + registration))
    assert message in error.message, error.message


def test_a_day_that_goes_back_is_refused(tmp_path: Path) -> None:
    back = '  - day: "2022-04-26"\n    start: "17:00"\n    end: "18:00"\n    title: Zu spät\n'
    back += "    kind: closing\nrooms:\n"
    error = load_error(_two_days(tmp_path, TWO_DAYS.replace("rooms:\n", back)))
    assert error.message.endswith(
        "agenda[4].day 2022-04-26 comes before the previous item's day (2022-04-27); "
        "list the agenda day by day"
    )
