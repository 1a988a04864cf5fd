"""The console's editor of a conference's registration settings: whether it takes
registrations, until when, how seats are given, and the invitation codes. It saves the
file's `registration` section through the same model and checks as a file."""

import json
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..services import conference_editor
from ..services.access import role_in_console
from ..services.conference_editor import Part
from ..store.records import OrganiserRecord
from . import identity, signin
from .conference_editor import _problems_at, history, saved
from .console import _conference, _page, organisers_only
from .runtime import runtime

ALLOCATIONS = ("first_come", "preferences")


@organisers_only
async def registration_get(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    stored = await _stored(request, organiser, conference)
    return await _form(request, organiser, conference, stored, stored)


@organisers_only
async def registration_post(request: Request, organiser: OrganiserRecord) -> Response:
    """Saves the section as typed, if it still is what the form started from."""
    conference = await _conference(request)
    form = await request.form()
    typed = settings_of(form)
    base = _base(str(form.get("base", "null")))

    async def show(**refused) -> Response:
        return await _form(request, organiser, conference, typed, base, **refused)

    async def meanwhile(_refused) -> Response:
        # Someone saved these settings meanwhile: theirs are shown, to save again from.
        stored = await _stored(request, organiser, conference)
        return await _form(request, organiser, conference, stored, stored, meanwhile=True)

    actor = await signin.organiser_participant(request, conference)
    save = conference_editor.save(
        runtime(request).backends,
        actor,
        conference,
        Part.REGISTRATION,
        {"registration": typed},
        {"registration": base},
    )
    refusal = await saved(request, save, show, meanwhile)
    return refusal or RedirectResponse(
        f"/console/{conference.slug}?saved=registration", status_code=303
    )


def settings_of(form: FormData) -> dict[str, Any] | None:
    """The form as the file's `registration` section (None: no registration). Invitation
    codes come one a line: the code, a space, the municipality it names."""
    if form.get("takes") != "yes":
        return None
    invitations = []
    for line in str(form.get("invitations", "")).splitlines():
        code, _, municipality = line.strip().partition(" ")
        if code:
            invitations.append({"code": code, "municipality": municipality.strip()})
    return {
        "closes": str(form.get("closes", "")).strip() or None,
        "allocation": str(form.get("allocation", "first_come")),
        "invitations": invitations,
    }


def _base(text: str) -> dict[str, Any] | None:
    """What the form showed first (a hidden field): the section as JSON."""
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


async def _stored(request: Request, organiser, conference) -> dict[str, Any] | None:
    role = role_in_console(organiser)
    config = await conference_editor.current(runtime(request).backends, role, conference)
    return conference_editor.part_of(config, Part.REGISTRATION)["registration"]


async def _form(
    request: Request,
    organiser: OrganiserRecord,
    conference,
    values: dict[str, Any] | None,
    base: dict[str, Any] | None,
    invalid=None,
    errors: list[str] | None = None,
    meanwhile: bool = False,
) -> Response:
    translate = runtime(request).views.translator(identity.language(request))
    _, problems = _problems_at(invalid, set(), translate)
    shown = values or {"closes": None, "allocation": "first_come", "invitations": []}
    status = 409 if meanwhile else 422 if (invalid or errors) else 200
    return _page(
        request,
        "console_edit_registration.html",
        status,
        organiser=organiser,
        conference=conference,
        takes=values is not None,
        values=shown,
        invitations="\n".join(f"{i['code']} {i['municipality']}" for i in shown["invitations"]),
        allocations=ALLOCATIONS,
        base=json.dumps(base, ensure_ascii=False),
        errors=list(errors or []) + problems,
        at_field={},
        meanwhile=meanwhile,
        edits=await history(request, organiser, conference, translate),
    )
