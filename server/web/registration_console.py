"""The organiser's registration desk: numbers per workshop and municipality, the list,
moving and cancelling people, allocating seats by preference, closing, and the CSV."""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..domain.errors import DomainError
from ..exports import registration_list
from ..services import registrations
from ..services.access import role_in_console
from ..store.records import OrganiserRecord
from . import identity
from .console import _conference, _page, organisers_only
from .pages import _error_text
from .runtime import runtime


@organisers_only
async def list_get(request: Request, organiser: OrganiserRecord) -> Response:
    return await _desk(request, organiser, done=request.query_params.get("done", ""))


async def _desk(
    request: Request, organiser: OrganiserRecord, status: int = 200, **shown
) -> Response:
    conference = await _conference(request)
    role = role_in_console(organiser)
    try:
        view = await registrations.overview(runtime(request).backends, role, conference)
    except DomainError as error:
        labels = runtime(request).views.translator(identity.language(request))
        back, label = f"/console/{conference.slug}", labels("dashboard.back_to_console")
        message = _error_text(request, error)
        return _page(request, "error.html", 404, message=message, back_href=back, back_label=label)
    context = {"errors": [], "done": "", **shown}
    return _page(
        request, "console_registrations.html", status, organiser=organiser, view=view, **context
    )


async def _acted(request: Request, organiser: OrganiserRecord, action, done: str) -> Response:
    """Run the action; back to the desk with what was done, or with why not."""
    try:
        await action
    except DomainError as error:
        return await _desk(request, organiser, 422, errors=[_error_text(request, error)])
    slug = request.path_params["slug"]
    return RedirectResponse(f"/console/{slug}/registrations?done={done}", status_code=303)


@organisers_only
async def open_post(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    opened = (await request.form()).get("open") == "yes"
    role = role_in_console(organiser)
    action = registrations.set_open(runtime(request).backends, role, conference, opened)
    return await _acted(request, organiser, action, "opened" if opened else "closed")


@organisers_only
async def allocate_post(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    role = role_in_console(organiser)
    action = registrations.allocate(runtime(request).backends, role, conference)
    return await _acted(request, organiser, action, "allocated")


@organisers_only
async def move_post(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    item = str((await request.form()).get("workshop", ""))
    role = role_in_console(organiser)
    registration_id = request.path_params["registration_id"]
    if not item.isdigit():
        return await _desk(
            request,
            organiser,
            422,
            errors=[_error_text(request, DomainError("registration_unknown_workshop"))],
        )
    backends = runtime(request).backends
    action = registrations.move(backends, role, conference, registration_id, int(item))
    return await _acted(request, organiser, action, "moved")


@organisers_only
async def cancel_post(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    role = role_in_console(organiser)
    registration_id = request.path_params["registration_id"]
    backends = runtime(request).backends
    action = registrations.cancel_for(backends, role, conference, registration_id)
    return await _acted(request, organiser, action, "cancelled")


@organisers_only
async def csv_get(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    role = role_in_console(organiser)
    try:
        view = await registrations.overview(runtime(request).backends, role, conference)
    except DomainError:
        return await _desk(request, organiser)
    labels = runtime(request).views.translator(identity.language(request))
    headers = {
        "Content-Disposition": f'attachment; filename="{conference.slug}-registrations.csv"',
        "Cache-Control": "no-store",
    }
    body = registration_list.csv_text(view, labels)
    return Response(body, media_type=registration_list.MEDIA_TYPE, headers=headers)
