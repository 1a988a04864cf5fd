"""The console's editor for a conference's breakout rooms: their list (add a room, remove
one after a confirmation), and one room's form (details, board settings, prompts, planned
moderators), checked by the conference file's model like the details and the programme
(web/conference_editor.py). A refused save shows what the organiser typed again, every
problem at its field."""

import functools
import json
from typing import Any

from slugify import slugify
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..conference_files import InvalidConference, describe
from ..domain.errors import DomainError
from ..services import conference_editor
from ..services.access import role_in_console
from ..store.records import ConferenceRecord, OrganiserRecord
from . import identity, signin
from .conference_editor import MAX_ITEMS, Field, _arranged, _shown, _value, history, saved
from .console import _conference, _page, organisers_only
from .pages import _error_text
from .runtime import runtime

ROOM_FIELDS = (
    Field("title", "text"),
    Field("description", "textarea", optional=True),
    Field("capacity", "number", hint=True),
    Field("video_url", "url", optional=True, hint=True),
)
BOARD_FIELDS = (
    Field("vote_budget", "number", hint=True),
    Field("max_votes_per_card", "number", hint=True),
    Field("vote_on_own_cards", "checkbox", hint=True),
    Field("votes_visible_while_voting", "checkbox", hint=True),
    Field("pre_moderation", "checkbox", hint=True),
    Field("read_only_when_time_is_up", "checkbox", hint=True),
)
# The room's lists, each row's fields named <list>-<n>-<field> in the form.
LISTS = {
    "prompts": (
        Field("key", "text", hint=True),
        Field("title", "text"),
        Field("description", "textarea", optional=True),
    ),
    "moderators": (Field("name", "text"), Field("email", "email", optional=True)),
}
# A prompt added in this form: its key is typed once (cards belong to a key, so a stored
# prompt's key is shown, not edited).
NEW = "new"
NEW_ROOM_FIELDS = (
    Field("title", "text"),
    Field("slug", "text", hint=True),
    Field("capacity", "number"),
    Field("prompt", "text", hint=True),
)
SLUG_TAKEN = {"room_slug_taken", "room_slug_archived"}


# --- The rooms ---


@organisers_only
async def rooms_get(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    saved = request.query_params.get("saved", "")
    return await _rooms_page(request, organiser, conference, _blank_room(), saved=saved)


@organisers_only
async def rooms_post(request: Request, organiser: OrganiserRecord) -> Response:
    """Adds a room after the others, with its first prompt; the rest is set in its form."""
    conference = await _conference(request)
    form = await request.form()
    typed = {f.name: str(form.get(f.name, "")).strip() for f in NEW_ROOM_FIELDS}
    room = {
        "slug": typed["slug"],
        "title": typed["title"],
        "capacity": _value(typed["capacity"], NEW_ROOM_FIELDS[2]),
        "prompts": [{"key": _key_for(typed["prompt"]), "title": typed["prompt"]}],
    }
    actor = await signin.organiser_participant(request, conference)
    try:
        await conference_editor.add_room(runtime(request).backends, actor, conference, room)
    except InvalidConference as invalid:
        return await _rooms_page(request, organiser, conference, typed, invalid=invalid)
    except DomainError as refused:
        sentence = _error_text(request, refused)
        if refused.code in SLUG_TAKEN:
            return await _rooms_page(
                request, organiser, conference, typed, refused={"slug": sentence}
            )
        return await _rooms_page(request, organiser, conference, typed, errors=[sentence])
    target = f"/console/{conference.slug}/edit/rooms/{typed['slug']}?saved=added"
    return RedirectResponse(target, status_code=303)


# German letters spelt out, as people write them in a link (Größe -> groesse).
_SPELT = [["Ä", "Ae"], ["Ö", "Oe"], ["Ü", "Ue"], ["ä", "ae"], ["ö", "oe"], ["ü", "ue"], ["ß", "ss"]]


def _key_for(title: str) -> str:
    """A prompt's key made from its title ("Was fehlt?" -> "was-fehlt"), as a file names it."""
    return slugify(title, max_length=40, replacements=_SPELT) or "1"


def _blank_room() -> dict[str, str]:
    return {field.name: "" for field in NEW_ROOM_FIELDS}


async def _rooms_page(
    request: Request,
    organiser: OrganiserRecord,
    conference: ConferenceRecord,
    values: dict[str, str],
    invalid: InvalidConference | None = None,
    refused: dict[str, str] | None = None,
    errors: list[str] | None = None,
    saved: str = "",
) -> Response:
    translate = runtime(request).views.translator(identity.language(request))
    at_field: dict[str, str] = dict(refused or {})
    elsewhere = list(errors or [])
    for problem in invalid.problems if invalid else ():
        rest = _in_room(problem.where)
        name = "prompt" if rest[:1] == ("prompts",) else rest[0] if len(rest) == 1 else None
        if name in values and name not in at_field:
            label = translate(f"editor.new_room.{name}")
            at_field[name] = describe(problem, translate, field=label)
        elif name not in at_field:
            elsewhere.append(describe(problem, translate))
    config = await conference_editor.current(
        runtime(request).backends, role_in_console(organiser), conference
    )
    return _page(
        request,
        "console_edit_rooms.html",
        422 if (at_field or elsewhere) else 200,
        organiser=organiser,
        conference=conference,
        rooms=config.rooms,
        fields=NEW_ROOM_FIELDS,
        values=values,
        at_field=at_field,
        errors=elsewhere,
        saved=saved,
        edits=await history(request, organiser, conference, translate),
    )


def _in_room(where: tuple) -> tuple:
    """A problem's place inside the room it is in: ("rooms", 2, "board", "vote_budget")
    -> ("board", "vote_budget"); () when it is not in a room."""
    if len(where) > 2 and where[0] == "rooms" and isinstance(where[1], int):
        return tuple(where[2:])
    return ()


# --- Removing a room ---


@organisers_only
async def remove_get(request: Request, organiser: OrganiserRecord) -> Response:
    """Says what removing keeps before it happens: the room's cards."""
    conference = await _conference(request)
    slug = request.path_params["room"]
    backends, role = runtime(request).backends, role_in_console(organiser)
    try:
        title, ideas = await conference_editor.room_to_remove(backends, role, conference, slug)
    except DomainError:
        raise HTTPException(404) from None
    return _page(
        request,
        "console_remove_room.html",
        organiser=organiser,
        conference=conference,
        room_slug=slug,
        room_title=title,
        ideas=ideas,
    )


@organisers_only
async def remove_post(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    actor = await signin.organiser_participant(request, conference)
    slug = request.path_params["room"]
    try:
        await conference_editor.archive_room(runtime(request).backends, actor, conference, slug)
    except DomainError as refused:
        errors = [_error_text(request, refused)]
        return await _rooms_page(request, organiser, conference, _blank_room(), errors=errors)
    target = f"/console/{conference.slug}/edit/rooms?saved=removed"
    return RedirectResponse(target, status_code=303)


# --- One room ---


@organisers_only
async def room_get(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    stored = await _stored_room(request, organiser, conference)
    saved = request.query_params.get("saved", "")
    return await _room_form(request, organiser, conference, stored, stored, saved=saved)


@organisers_only
async def room_post(request: Request, organiser: OrganiserRecord) -> Response:
    """Buttons that add, remove or move prompts and moderators change the form only;
    "save" stores the room. The form carries the room as it was opened (base), so a
    save that would replace what someone else saved in this room meanwhile is refused."""
    conference = await _conference(request)
    form = await request.form()
    typed, base = _typed(form), _normal(_json(str(form.get("base", ""))))
    action = str(form.get("action", "save"))
    if action != "save":
        typed, focus = _rearranged(typed, action)
        return await _room_form(request, organiser, conference, typed, base, focus=focus)

    async def meanwhile(_refused: DomainError) -> Response:
        # Saving again replaces what the other organiser saved: the form starts from it.
        stored = await _stored_room(request, organiser, conference)
        return await _room_form(request, organiser, conference, typed, stored, meanwhile=True)

    actor = await signin.organiser_participant(request, conference)
    slug = request.path_params["room"]
    save = conference_editor.save_room(
        runtime(request).backends, actor, conference, slug, _room(typed), _room(base)
    )
    show = functools.partial(_room_form, request, organiser, conference, typed, base)
    refusal = await saved(request, save, show, meanwhile)
    target = f"/console/{conference.slug}/edit/rooms?saved=room"
    return refusal or RedirectResponse(target, status_code=303)


async def _stored_room(request: Request, organiser: OrganiserRecord, conference) -> dict:
    backends, role = runtime(request).backends, role_in_console(organiser)
    config = await conference_editor.current(backends, role, conference)
    try:
        room = conference_editor.room_of(config, request.path_params["room"])
    except DomainError:
        raise HTTPException(404) from None
    shown: dict[str, Any] = {f.name: _shown(room[f.name]) for f in ROOM_FIELDS}
    shown |= {f.name: _flag_or_text(room["board"][f.name], f) for f in BOARD_FIELDS}
    for name in LISTS:
        shown[name] = [
            {key: _shown(row.get(key)) for key in _row_names(name)} for row in room[name]
        ]
    return shown


def _flag_or_text(value: Any, field: Field) -> str:
    if field.kind == "checkbox":
        return "true" if value else ""
    return _shown(value)


def _row_names(name: str) -> tuple[str, ...]:
    return tuple(f.name for f in LISTS[name]) + ((NEW,) if name == "prompts" else ())


def _typed(form) -> dict[str, Any]:
    typed: dict[str, Any] = {
        f.name: ("true" if form.get(f.name) else "")
        if f.kind == "checkbox"
        else str(form.get(f.name, "")).strip()
        for f in (*ROOM_FIELDS, *BOARD_FIELDS)
    }
    for name in LISTS:
        count = str(form.get(name, ""))
        rows = min(int(count), MAX_ITEMS) if count.isdigit() else 0
        typed[name] = [
            {key: str(form.get(f"{name}-{n}-{key}", "")).strip() for key in _row_names(name)}
            for n in range(rows)
        ]
    return typed


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return {}


def _normal(data: Any) -> dict[str, Any]:
    """The room the form started from (a hidden field), in the form's own shape."""
    data = data if isinstance(data, dict) else {}
    shown: dict[str, Any] = {
        f.name: str(data.get(f.name, "")) for f in (*ROOM_FIELDS, *BOARD_FIELDS)
    }
    for name in LISTS:
        rows = data.get(name) if isinstance(data.get(name), list) else []
        shown[name] = [
            {key: str(row.get(key, "")) for key in _row_names(name)}
            for row in rows[:MAX_ITEMS]
            if isinstance(row, dict)
        ]
    return shown


def _room(shown: dict[str, Any]) -> dict[str, Any]:
    """The form's room as a file holds it (without its slug, which the link names)."""
    room: dict[str, Any] = {f.name: _value(shown[f.name], f) for f in ROOM_FIELDS}
    room["description"] = shown["description"]  # a room without one has "", not nothing
    room["board"] = {
        f.name: shown[f.name] == "true" if f.kind == "checkbox" else _value(shown[f.name], f)
        for f in BOARD_FIELDS
    }
    for name, fields in LISTS.items():
        room[name] = [{f.name: _value(row[f.name], f) for f in fields} for row in shown[name]]
    return room


def _rearranged(typed: dict[str, Any], action: str) -> tuple[dict[str, Any], str]:
    """The form after one of its list buttons ("prompts-up-2", "moderators-add"), and
    where the focus goes (the button again, or the new row's first field)."""
    name, _, verb = action.partition("-")
    if name not in LISTS:
        return typed, ""
    first = LISTS[name][0].name

    def new(rows: list[dict]) -> dict[str, str]:
        return {key: "" for key in _row_names(name)} | ({NEW: "1"} if name == "prompts" else {})

    rows, focus = _arranged(list(typed[name]), verb, new, f"field-{name}-{{n}}-{first}")
    if focus and not focus.startswith("field-"):
        focus = f"{name}-{focus}"
    return {**typed, name: rows}, focus


async def _room_form(
    request: Request,
    organiser: OrganiserRecord,
    conference,
    values: dict[str, Any],
    base: dict[str, Any],
    invalid: InvalidConference | None = None,
    errors: list[str] | None = None,
    meanwhile: bool = False,
    focus: str = "",
    saved: str = "",
) -> Response:
    translate = runtime(request).views.translator(identity.language(request))
    at_field, summary, elsewhere = _room_problems(invalid, translate)
    status = 409 if meanwhile else 422 if (invalid or errors) else 200
    return _page(
        request,
        "console_edit_room.html",
        status,
        organiser=organiser,
        conference=conference,
        room_slug=request.path_params["room"],
        room_title=base["title"] or values["title"],
        room_fields=ROOM_FIELDS,
        board_fields=BOARD_FIELDS,
        lists=LISTS,
        values=values,
        base=json.dumps(base, ensure_ascii=False),
        at_field=at_field,
        summary=summary,
        errors=list(errors or []) + elsewhere,
        meanwhile=meanwhile,
        focus=focus,
        saved=saved,
        edits=await history(request, organiser, conference, translate),
    )


def _room_problems(invalid, translate) -> tuple[dict[str, str], list[tuple[str, str]], list[str]]:
    """Each problem at its field ("capacity", "prompts-1-title"; the first there), with
    the summary's link text; a problem elsewhere goes to the list above the form."""
    at_field: dict[str, str] = {}
    summary: list[tuple[str, str]] = []
    elsewhere: list[str] = []
    for problem in invalid.problems if invalid else ():
        place = _place(_in_room(problem.where), translate)
        if place is None:
            elsewhere.append(describe(problem, translate))
            continue
        key, label, prefix = place
        if key not in at_field:
            at_field[key] = describe(problem, translate, field=label)
            summary.append((key, prefix + at_field[key]))
    return at_field, summary, elsewhere


def _place(rest: tuple, translate) -> tuple[str, str, str] | None:
    """(field key, its label, what the summary puts before it) of a place in a room."""
    names = {f.name for f in (*ROOM_FIELDS, *BOARD_FIELDS)} | set(LISTS)
    if len(rest) == 2 and rest[0] == "board" and rest[1] in names:
        rest = rest[1:]
    if len(rest) == 1 and rest[0] in names:
        return rest[0], translate(f"editor.room.{rest[0]}"), ""
    if len(rest) == 3 and rest[0] in LISTS and isinstance(rest[1], int):
        name, index, field = rest
        number = translate(f"editor.{name}_number", number=index + 1)
        return f"{name}-{index}-{field}", translate(f"editor.{name}.{field}"), f"{number}: "
    return None
