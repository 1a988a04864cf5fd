"""The console's editor for a conference's details and programme: a form per part, checked
by the same model as a conference file (services/conference_editor.py). A refused save
shows the form again with what the organiser typed, every problem at its field, and what
someone else saved meanwhile."""

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..conference_files import (
    AGENDA_KINDS,
    ConfigError,
    InvalidConference,
    describe,
    load_conference_upload,
)
from ..domain.errors import DomainError
from ..services import conference_editor, conferences, console
from ..services.access import role_in_console
from ..services.conference_editor import Part
from ..store.records import OrganiserRecord
from . import identity, signin
from .console import _conference, _page, organisers_only
from .pages import _error_text
from .runtime import runtime


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, textarea, date, time, number, url, email, checkbox, select, or room
    optional: bool = False
    hint: bool = False  # has a hint under editor.hints.<name>
    options: tuple[tuple[str, str], ...] = ()  # (value, label key) of a select


DETAIL_FIELDS = (
    Field("title", "text"),
    Field("subtitle", "text", optional=True),
    Field("code", "text", hint=True),
    Field("date", "date"),
    Field("end_date", "date", optional=True, hint=True),
    Field("start", "time"),
    Field("end", "time"),
    Field("timezone", "text", hint=True),
    Field("place", "text"),
    Field(
        "format",
        "select",
        options=tuple((f, f"format.{f}") for f in ("virtual", "in_person", "hybrid")),
    ),
    Field(
        "language",
        "select",
        options=tuple((lang, f"exports.languages.{lang}") for lang in ("de", "en")),
    ),
    Field("organiser", "textarea", optional=True),
    Field("retention_days", "number", hint=True),
)


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


@organisers_only
async def details_get(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    stored = await _stored(request, organiser, conference)
    return await _form(request, organiser, conference, stored, stored)


@organisers_only
async def details_post(request: Request, organiser: OrganiserRecord) -> Response:
    """Saves the fields the organiser changed; the form carries what each showed first
    (base.<name>), so what others saved meanwhile in other fields is kept."""
    conference = await _conference(request)
    form = await request.form()
    typed = {f.name: str(form.get(f.name, "")).strip() for f in DETAIL_FIELDS}
    base = {f.name: str(form.get(f"base.{f.name}", "")).strip() for f in DETAIL_FIELDS}
    mine = [f for f in DETAIL_FIELDS if typed[f.name] != base[f.name]]
    values = {f.name: _value(typed[f.name], f) for f in mine}
    started_from = {f.name: _value(base[f.name], f) for f in mine}
    show = functools.partial(_form, request, organiser, conference, typed, base)
    if not mine:
        return await show(errors=[_error_text(request, DomainError("nothing_changed"))])

    async def meanwhile(refused: DomainError) -> Response:
        # What others saved comes in; what this organiser typed stays, and where both
        # changed a field, saving again keeps theirs (the form now starts from the new).
        stored = await _stored(request, organiser, conference)
        shown = {**stored, **{f.name: typed[f.name] for f in mine}}
        taken = {name: stored[name] for name in refused.params["fields"]}
        return await _form(request, organiser, conference, shown, stored, meanwhile=taken)

    actor = await signin.organiser_participant(request, conference)
    save = conference_editor.save(
        runtime(request).backends, actor, conference, Part.DETAILS, values, started_from
    )
    refusal = await saved(request, save, show, meanwhile)
    return refusal or RedirectResponse(f"/console/{conference.slug}?saved=details", status_code=303)


async def saved(
    request: Request,
    save: Awaitable,
    show: Callable[..., Awaitable[Response]],
    meanwhile: Callable[[DomainError], Awaitable[Response]],
) -> Response | None:
    """Awaits an editor's `save`; None when it is stored, else the form again (`show`):
    with its problems at their fields, with the sentence of a refusal, or with what
    someone else saved meanwhile (`meanwhile`)."""
    try:
        await save
    except InvalidConference as invalid:
        return await show(invalid=invalid)
    except DomainError as refused:
        if refused.code == "edited_meanwhile":
            return await meanwhile(refused)
        return await show(errors=[_error_text(request, refused)])
    return None


async def _stored(request: Request, organiser: OrganiserRecord, conference) -> dict[str, str]:
    backends, role = runtime(request).backends, role_in_console(organiser)
    config = await conference_editor.current(backends, role, conference)
    values = conference_editor.part_of(config, Part.DETAILS)
    return {field.name: _shown(values[field.name]) for field in DETAIL_FIELDS}


def _value(text: str, field: Field) -> Any:
    """A field's text as a conference file holds it: empty optional text is no value."""
    if field.optional and not text:
        return None
    if field.kind == "number" and text.isdigit():
        return int(text)
    return text


async def _form(
    request: Request,
    organiser: OrganiserRecord,
    conference,
    values: dict[str, str],
    base: dict[str, str],
    invalid: InvalidConference | None = None,
    errors: list[str] | None = None,
    meanwhile: dict[str, str] | None = None,
) -> Response:
    translate = runtime(request).views.translator(identity.language(request))
    at_field, elsewhere = _problems_at(invalid, set(values), translate)
    elsewhere = list(errors or []) + elsewhere
    status = 409 if meanwhile else 422 if (invalid or errors) else 200
    return _page(
        request,
        "console_edit_details.html",
        status,
        organiser=organiser,
        conference=conference,
        fields=DETAIL_FIELDS,
        values=values,
        base=base,
        at_field=at_field,
        errors=elsewhere,
        meanwhile=meanwhile or {},
        edits=await history(request, organiser, conference, translate),
    )


async def history(request: Request, organiser, conference, translate) -> list:
    """The conference's latest saves, each with the fields it changed as the forms name
    them: what every editor page lists under its form."""
    role = role_in_console(organiser)
    edits = await conference_editor.history(runtime(request).backends, role, conference)
    return [(edit, _labels(edit.fields, translate)) for edit in edits]


def _labels(fields: list[str], translate) -> str:
    """The fields a save changed, as the form names them (the programme as a whole)."""
    names = {f.name for f in DETAIL_FIELDS}
    shown = [f if f in names else f.split("[")[0].split(".")[0] for f in fields]
    return ", ".join(dict.fromkeys(translate(f"editor.fields.{name}") for name in shown))


# --- The programme ---

ITEM_FIELDS = (
    Field("day", "date", optional=True),
    Field("start", "time"),
    Field("end", "time"),
    Field("title", "text"),
    Field("kind", "select", options=tuple((k, f"agenda_kind.{k}") for k in AGENDA_KINDS)),
    Field("track", "text", optional=True),
    Field("room", "room", optional=True),  # one of the conference's rooms, or none
    Field("speaker", "text", optional=True),
    Field("description", "textarea", optional=True),
)


@organisers_only
async def agenda_get(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    stored = await _stored_agenda(request, organiser, conference)
    return await _agenda_form(request, organiser, conference, stored, stored)


@organisers_only
async def agenda_post(request: Request, organiser: OrganiserRecord) -> Response:
    """Moving, adding and removing items changes the form only; "save" stores it all.
    Every button sends the whole form, so nothing typed is lost on the way."""
    conference = await _conference(request)
    form = await request.form()
    items = _typed_items(form)
    base = _base_agenda(form)
    action = str(form.get("action", "save"))
    if action != "save":
        items, focus = _arranged(items, action, _new_item, "field-agenda-{n}-start")
        return await _agenda_form(request, organiser, conference, items, base, focus=focus)
    values = {"agenda": [_item_value(item) for item in items]}
    started_from = {"agenda": [_item_value(item) for item in base]}

    async def meanwhile(_refused: DomainError) -> Response:
        stored = await _stored_agenda(request, organiser, conference)
        return await _agenda_form(request, organiser, conference, items, stored, meanwhile=True)

    actor = await signin.organiser_participant(request, conference)
    save = conference_editor.save(
        runtime(request).backends, actor, conference, Part.AGENDA, values, started_from
    )
    show = functools.partial(_agenda_form, request, organiser, conference, items, base)
    refusal = await saved(request, save, show, meanwhile)
    return refusal or RedirectResponse(f"/console/{conference.slug}?saved=agenda", status_code=303)


@organisers_only
async def agenda_check(request: Request, organiser: OrganiserRecord) -> Response:
    """The programme as typed so far, checked without saving: what the form's live region
    says after each change (times that overlap or leave the day), in the save's words."""
    conference = await _conference(request)
    items = _typed_items(await request.form())
    values = {"agenda": [_item_value(item) for item in items]}
    backends, role = runtime(request).backends, role_in_console(organiser)
    problems = await conference_editor.problems(backends, role, conference, values)
    translate = runtime(request).views.translator(identity.language(request))
    at_field, elsewhere = _item_problems(InvalidConference(problems), translate)
    return _page(request, "_agenda_check.html", at_field=at_field, errors=elsewhere, checked=True)


def _typed_items(form) -> list[dict[str, str]]:
    count = int(form["items"]) if str(form.get("items", "")).isdigit() else 0
    return [
        {f.name: str(form.get(f"agenda-{n}-{f.name}", "")).strip() for f in ITEM_FIELDS}
        for n in range(min(count, MAX_ITEMS))
    ]


def _item_problems(invalid, translate) -> tuple[dict[tuple[int, str], str], list[str]]:
    """Each problem at its item's field ((index, name) -> sentence), or in the list."""
    at_field: dict[tuple[int, str], str] = {}
    elsewhere: list[str] = []
    for problem in invalid.problems if invalid else ():
        where = problem.where
        if len(where) >= 3 and where[0] == "agenda" and isinstance(where[1], int):
            label = translate(f"editor.item.{where[2]}")
            at_field.setdefault(
                (where[1], str(where[2])), describe(problem, translate, field=label)
            )
        else:
            elsewhere.append(describe(problem, translate))
    return at_field, elsewhere


# A bound on what one form may send; a day's programme is a few dozen items at most.
MAX_ITEMS = 200


def _new_item(items: list[dict]) -> dict[str, str]:
    last = items[-1] if items else {"day": "", "end": ""}
    return {f.name: "" for f in ITEM_FIELDS} | {
        "day": last["day"],
        "start": last["end"],
        "kind": "talk",
    }


def _arranged(
    items: list[dict], action: str, new: Callable[[list[dict]], dict], first: str
) -> tuple[list[dict], str]:
    """The items after one button (up-3, down-3, remove-3, add: one `new` gives), and
    which button has the focus afterwards, so a keyboard user can press it again (after
    "add", the new item's field `first`, "field-agenda-{n}-start")."""
    verb, _, number = action.partition("-")
    index = int(number) if number.isdigit() and int(number) < len(items) else None
    if verb == "up" and index:
        items[index - 1], items[index] = items[index], items[index - 1]
        return items, f"up-{index - 1}" if index > 1 else f"down-{index - 1}"
    if verb == "down" and index is not None and index < len(items) - 1:
        items[index], items[index + 1] = items[index + 1], items[index]
        return items, f"down-{index + 1}" if index + 1 < len(items) - 1 else f"up-{index + 1}"
    if verb == "remove" and index is not None:
        del items[index]
        return items, "add"
    if verb == "add" and len(items) < MAX_ITEMS:
        items.append(new(items))
        return items, first.format(n=len(items) - 1)
    return items, ""


def _item_value(item: dict[str, str]) -> dict[str, Any]:
    return {f.name: _value(item.get(f.name, ""), f) for f in ITEM_FIELDS}


def _base_agenda(form) -> list[dict[str, str]]:
    """The programme the form started from, as it showed it (a hidden field)."""
    try:
        items = json.loads(str(form.get("base", "[]")))
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    return [
        {f.name: str(item.get(f.name, "")) for f in ITEM_FIELDS}
        for item in items[:MAX_ITEMS]
        if isinstance(item, dict)
    ]


async def _stored_agenda(request: Request, organiser: OrganiserRecord, conference) -> list:
    backends, role = runtime(request).backends, role_in_console(organiser)
    config = await conference_editor.current(backends, role, conference)
    agenda = conference_editor.part_of(config, Part.AGENDA)["agenda"]
    return [{f.name: _shown(item[f.name]) for f in ITEM_FIELDS} for item in agenda]


async def _agenda_form(
    request: Request,
    organiser: OrganiserRecord,
    conference,
    items: list[dict[str, str]],
    base: list[dict[str, str]],
    invalid: InvalidConference | None = None,
    errors: list[str] | None = None,
    meanwhile: bool = False,
    focus: str = "",
) -> Response:
    translate = runtime(request).views.translator(identity.language(request))
    at_field, elsewhere = _item_problems(invalid, translate)
    elsewhere = list(errors or []) + elsewhere
    status = 409 if meanwhile else 422 if (invalid or errors) else 200
    backends, role = runtime(request).backends, role_in_console(organiser)
    rooms = (await conference_editor.current(backends, role, conference)).rooms
    return _page(
        request,
        "console_edit_agenda.html",
        status,
        organiser=organiser,
        conference=conference,
        fields=ITEM_FIELDS,
        rooms=[(room.slug, room.title) for room in rooms],
        items=items,
        base=json.dumps(base, ensure_ascii=False),
        at_field=at_field,
        errors=elsewhere,
        meanwhile=meanwhile,
        focus=focus,
        edits=await history(request, organiser, conference, translate),
    )


# --- New conferences ---

NEW_FIELDS = (
    Field("title", "text"),
    Field("slug", "text", hint=True),
    Field("code", "text", hint=True),
    Field("date", "date"),
    Field("start", "time"),
    Field("end", "time"),
    Field("place", "text"),
    *(field for field in DETAIL_FIELDS if field.name in ("format", "language")),
)
# The most a conference file sent from a browser may weigh: the biggest shipped one has
# 5 KB, and a congress with a hundred rooms stays far below this.
MAX_UPLOAD_BYTES = 512 * 1024


@organisers_only
async def new_get(request: Request, organiser: OrganiserRecord) -> Response:
    return await _new_form(request, organiser, _blank(), template="")


@organisers_only
async def new_post(request: Request, organiser: OrganiserRecord) -> Response:
    form = await request.form()
    typed = {f.name: str(form.get(f.name, "")).strip() for f in NEW_FIELDS}
    template_slug = str(form.get("template", ""))
    backends, role = runtime(request).backends, role_in_console(organiser)
    try:
        template = None
        if template_slug:
            found = await conferences.find_by_slug(backends, template_slug)
            if found is None:
                raise DomainError("unknown_conference", conference=template_slug)
            template = await conference_editor.current(backends, role, found)
        first = runtime(request).views.translator(typed["language"] or "de")("editor.first_item")
        details = {f.name: _value(typed[f.name], f) for f in NEW_FIELDS}
        config = conference_editor.new_conference(details, template, first)
        how = "template" if template is not None else "new"
        made = await conference_editor.create(backends, organiser, config, how)
    except InvalidConference as invalid:
        return await _new_form(request, organiser, typed, template_slug, invalid=invalid)
    except DomainError as refused:
        errors = [_error_text(request, refused)]
        return await _new_form(request, organiser, typed, template_slug, errors=errors)
    return RedirectResponse(f"/console/{made.slug}?saved=created", status_code=303)


@organisers_only
async def upload_post(request: Request, organiser: OrganiserRecord) -> Response:
    """A conference file: a new conference, or what an existing one becomes."""
    async with request.form(max_files=1, max_fields=10) as form:
        sent = form.get("file")
        name = getattr(sent, "filename", "") or ""
        content = await sent.read(MAX_UPLOAD_BYTES + 1) if hasattr(sent, "read") else b""
    values = _blank()
    translate = runtime(request).views.translator(identity.language(request))
    try:
        if not name or not content:
            raise DomainError("upload_missing")
        if len(content) > MAX_UPLOAD_BYTES:
            raise DomainError("upload_too_big", kib=MAX_UPLOAD_BYTES // 1024)
        config = load_conference_upload(content, name)
        backends = runtime(request).backends
        existing = await conferences.find_by_slug(backends, config.slug)
        if existing is None:
            await conference_editor.create(backends, organiser, config, "file")
        else:
            actor = await signin.organiser_participant(request, existing)
            await conference_editor.replace(backends, actor, existing, config)
    except ConfigError as broken:
        where = f"{broken.path}:{broken.line}" if broken.line else broken.path
        sentence = describe(broken.problem, translate)
        message = translate("editor.upload_problem", where=where, problem=sentence)
        return await _new_form(request, organiser, values, "", errors=[message], status=422)
    except DomainError as refused:
        errors = [_error_text(request, refused)]
        return await _new_form(request, organiser, values, "", errors=errors, status=422)
    saved = "created" if existing is None else "file"
    return RedirectResponse(f"/console/{config.slug}?saved={saved}", status_code=303)


def _blank() -> dict[str, str]:
    return {field.name: "" for field in NEW_FIELDS} | {"format": "virtual", "language": "de"}


async def _new_form(
    request: Request,
    organiser: OrganiserRecord,
    values: dict[str, str],
    template: str,
    invalid: InvalidConference | None = None,
    errors: list[str] | None = None,
    status: int | None = None,
) -> Response:
    translate = runtime(request).views.translator(identity.language(request))
    at_field, elsewhere = _problems_at(invalid, set(values), translate)
    elsewhere = list(errors or []) + elsewhere
    items = await console.conference_list(runtime(request).backends, role_in_console(organiser))
    return _page(
        request,
        "console_new.html",
        status or (422 if (invalid or errors) else 200),
        organiser=organiser,
        fields=NEW_FIELDS,
        values=values,
        chosen_template=template,
        templates=items,
        at_field=at_field,
        errors=elsewhere,
        max_upload_kib=MAX_UPLOAD_BYTES // 1024,
    )


def _problems_at(invalid, names: set[str], translate) -> tuple[dict[str, str], list[str]]:
    """Each problem at the field it belongs to (the first there), or in the list above."""
    at_field: dict[str, str] = {}
    elsewhere: list[str] = []
    for problem in invalid.problems if invalid else ():
        name = problem.where[0] if problem.where else None
        if name in names and name not in at_field:
            label = translate(f"editor.fields.{name}")
            at_field[name] = describe(problem, translate, field=label)
        else:
            elsewhere.append(describe(problem, translate))
    return at_field, elsewhere
