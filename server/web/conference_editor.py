"""The console's editor for a conference's details: a form per part, checked by the same
model as a conference file (services/conference_editor.py). A refused save shows the
form again with what the organiser typed, every problem at its field, and what someone
else saved meanwhile."""

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..conference_files import InvalidConference, describe
from ..domain.errors import DomainError
from ..services import conference_editor
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
    kind: str  # text, textarea, date, time, number, or select
    optional: bool = False
    hint: bool = False  # has a hint under editor.hints.<name>
    options: tuple[tuple[str, str], ...] = ()  # (value, label key) of a select


DETAIL_FIELDS = (
    Field("title", "text"),
    Field("subtitle", "text", optional=True),
    Field("code", "text", hint=True),
    Field("date", "date"),
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
    actor = await signin.organiser_participant(request, conference)
    try:
        if not mine:
            raise DomainError("nothing_changed")
        await conference_editor.save(
            runtime(request).backends, actor, conference, Part.DETAILS, values, started_from
        )
    except InvalidConference as invalid:
        return await _form(request, organiser, conference, typed, base, invalid=invalid)
    except DomainError as refused:
        if refused.code != "edited_meanwhile":
            errors = [_error_text(request, refused)]
            return await _form(request, organiser, conference, typed, base, errors=errors)
        # What others saved comes in; what this organiser typed stays, and where both
        # changed a field, saving again keeps theirs (the form now starts from the new).
        stored = await _stored(request, organiser, conference)
        shown = {**stored, **{f.name: typed[f.name] for f in mine}}
        taken = {name: stored[name] for name in refused.params["fields"]}
        return await _form(request, organiser, conference, shown, stored, meanwhile=taken)
    return RedirectResponse(f"/console/{conference.slug}?saved=details", status_code=303)


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
    at_field: dict[str, str] = {}
    elsewhere: list[str] = list(errors or [])
    for problem in invalid.problems if invalid else ():
        name = problem.where[0] if problem.where else None
        if name in values and name not in at_field:
            label = translate(f"editor.fields.{name}")
            at_field[name] = describe(problem, translate, field=label)
        else:
            elsewhere.append(describe(problem, translate))
    status = 409 if meanwhile else 422 if (invalid or errors) else 200
    role = role_in_console(organiser)
    edits = await conference_editor.history(runtime(request).backends, role, conference)
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
        edits=[(edit, _labels(edit.fields, translate)) for edit in edits],
    )


def _labels(fields: list[str], translate) -> str:
    """The fields a save changed, as the form names them (the programme as a whole)."""
    names = {f.name for f in DETAIL_FIELDS}
    shown = [f if f in names else f.split("[")[0].split(".")[0] for f in fields]
    return ", ".join(dict.fromkeys(translate(f"editor.fields.{name}") for name in shown))
