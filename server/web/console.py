"""The organiser's console: conferences, and per conference its agenda, rooms and
moderator links. Only a signed-in organiser gets here; the services ask the
permission table for every action."""

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from markupsafe import Markup
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from ..domain.errors import DomainError
from ..exports import Authors, ExportOptions, Format, poster_pdf, scope
from ..exports.join_poster import JoinPoster
from ..exports.qr_codes import qr_svg
from ..services import conferences, config_files, console, exports, registrations, retention
from ..services.access import role_in_console
from ..store.records import AgendaRecord, ConferenceRecord, OrganiserRecord
from . import identity, signin
from .pages import _error_text, render
from .plenary_parts import projector_path
from .runtime import runtime

Handler = Callable[[Request, OrganiserRecord], Awaitable[Response]]
# Refusals that mean "no such thing here" rather than "not like this".
NOT_FOUND = {"unknown_room", "invite_unknown"}
# An export's day or track that the conference does not have.
BAD_SCOPE = {"export_day_invalid", "export_track_unknown"}


def organisers_only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Strangers and participants are sent to the login page (GET) or refused (403)."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        had_sign_in = identity.organiser_sign_in(request) is not None
        organiser = await signin.signed_in_organiser(request)
        if organiser is None:
            return _refused(request, "expired" if had_sign_in else "required")
        return await handler(request, organiser)

    return guarded


def _refused(request: Request, reason: str) -> Response:
    if request.method == "GET":
        target = f"/login?reason={reason}&next={quote(request.url.path)}"
        return RedirectResponse(target, status_code=303)
    message = _error_text(request, DomainError("console_sign_in"))
    login = runtime(request).views.translator(identity.language(request))("login.title")
    return _page(request, "error.html", 403, message=message, back_href="/login", back_label=login)


def _page(request: Request, template: str, status: int = 200, **context) -> Response:
    response = render(request, template, status, **context)
    # Console pages name people and may show a secret link: keep them out of caches.
    response.headers["Cache-Control"] = "no-store"
    return response


async def _conference(request: Request) -> ConferenceRecord:
    found = await conferences.find_by_slug(runtime(request).backends, request.path_params["slug"])
    if found is None:
        raise HTTPException(404)
    return found


@organisers_only
async def console_get(request: Request, organiser: OrganiserRecord) -> Response:
    items = await console.conference_list(runtime(request).backends, role_in_console(organiser))
    return _page(request, "console.html", organiser=organiser, conferences=items)


@organisers_only
async def conference_get(request: Request, organiser: OrganiserRecord) -> Response:
    revoked = request.query_params.get("revoked", "")
    revoked_id = int(revoked) if revoked.isdigit() else None
    saved = request.query_params.get("saved", "")
    conference = await _conference(request)
    return await _overview(request, organiser, conference, revoked=revoked_id, saved=saved)


async def _overview(
    request: Request, organiser: OrganiserRecord, conference: ConferenceRecord, status=200, **shown
) -> Response:
    role = role_in_console(organiser)
    view = await console.overview(runtime(request).backends, role, conference)
    base_url = str(request.base_url).rstrip("/")
    screens = {None: projector_path(request, conference)}
    screens |= {
        entry.room.id: projector_path(request, conference, entry.room) for entry in view.rooms
    }
    context = {
        "registrations": await registrations.takes_registrations(
            runtime(request).backends, conference
        ),
        "new_link": None,
        "errors": [],
        "revoked": None,
        "saved": False,
        "base_url": base_url,
        "projector_paths": screens,
        **shown,
    }
    return _page(
        request, "console_conference.html", status, organiser=organiser, view=view, **context
    )


def _refusal(request, organiser, conference, error: DomainError) -> Awaitable[Response]:
    status = 404 if error.code in NOT_FOUND else 422
    return _overview(request, organiser, conference, status, errors=[_error_text(request, error)])


@organisers_only
async def invite_post(request: Request, organiser: OrganiserRecord) -> Response:
    """Make a moderator's link; this answer is the only place it is ever shown."""
    conference = await _conference(request)
    form = await request.form()
    rt = runtime(request)
    role = role_in_console(organiser)
    room_slug, name = str(form.get("room", "")), str(form.get("name", ""))
    try:
        room, name, token = await console.make_invite(
            rt.backends, rt.invite_signer, role, conference, room_slug, name
        )
    except DomainError as error:
        return await _refusal(request, organiser, conference, error)
    url = f"{str(request.base_url).rstrip('/')}/c/{conference.slug}/moderate/{token}"
    # The link is shown once: its QR code goes into the page, never to a URL of its own.
    qr = Markup(qr_svg(url, inline=True).decode())
    new_link = {"room": room, "name": name, "url": url, "qr": qr}
    return await _overview(request, organiser, conference, new_link=new_link)


@organisers_only
async def revoke_post(request: Request, organiser: OrganiserRecord) -> Response:
    conference = await _conference(request)
    invite_id = request.path_params["invite_id"]
    role = role_in_console(organiser)
    try:
        await console.revoke_invite(runtime(request).backends, role, conference, invite_id)
    except DomainError as error:
        return await _refusal(request, organiser, conference, error)
    return RedirectResponse(f"/console/{conference.slug}?revoked={invite_id}", status_code=303)


# --- The join poster ---


async def _poster(request: Request, organiser: OrganiserRecord) -> JoinPoster:
    conference = await _conference(request)
    base_url = str(request.base_url).rstrip("/")
    return console.join_poster(role_in_console(organiser), conference, base_url)


@organisers_only
async def poster_get(request: Request, organiser: OrganiserRecord) -> Response:
    poster = await _poster(request, organiser)
    return _page(
        request,
        "console_poster.html",
        organiser=organiser,
        poster=poster,
        conference=poster.conference,
    )


@organisers_only
async def poster_qr_get(request: Request, organiser: OrganiserRecord) -> Response:
    poster = await _poster(request, organiser)
    return Response(
        poster.qr_svg(), media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


@organisers_only
async def poster_pdf_get(request: Request, organiser: OrganiserRecord) -> Response:
    poster = await _poster(request, organiser)
    labels = runtime(request).views.translator(identity.language(request))
    pdf = await run_in_threadpool(poster_pdf.write, poster, labels)
    name = labels("poster.filename")
    filename = f"{poster.conference.slug}-{name}.pdf"
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }
    return Response(pdf, media_type="application/pdf", headers=headers)


# --- The conference as a file ---


@organisers_only
async def conference_file_get(request: Request, organiser: OrganiserRecord) -> Response:
    """Its structure as a sessions_config file, to load elsewhere or start the next one."""
    conference = await _conference(request)
    backends, role = runtime(request).backends, role_in_console(organiser)
    text = await run_in_threadpool(config_files.conference_file, backends, role, conference)
    headers = {
        "Content-Disposition": f'attachment; filename="{conference.slug}.yaml"',
        "Cache-Control": "no-store",
    }
    return Response(text, media_type="application/yaml; charset=utf-8", headers=headers)


# --- Exports ---


@organisers_only
async def exports_get(request: Request, organiser: OrganiserRecord) -> Response:
    return await _exports_page(request, organiser, await _conference(request))


async def _exports_page(
    request: Request, organiser: OrganiserRecord, conference: ConferenceRecord, status=200, **shown
) -> Response:
    role = role_in_console(organiser)
    rt = runtime(request)
    view = await console.overview(rt.backends, role, conference)
    kept = await retention.status(rt.backends, role, conference.id)
    query = request.query_params
    tracks = scope.tracks_of(view.agenda)
    return _page(
        request,
        "console_exports.html",
        status,
        organiser=organiser,
        view=view,
        retention=kept,
        chosen_room=query.get("room", ""),
        # A day or a track to choose only where there is more than one of them.
        days=conference.days if len(conference.days) > 1 else [],
        tracks=tracks if len(tracks) > 1 else [],
        chosen_day=query.get("day", ""),
        chosen_track=query.get("track", ""),
        formats=list(Format),
        errors=shown.get("errors", []),
    )


def _export_options(
    query: QueryParams, conference: ConferenceRecord, agenda: list[AgendaRecord]
) -> ExportOptions:
    """The download form's fields; anything unexpected is refused, not guessed."""
    try:
        fmt = Format(query.get("format", "csv"))
        authors = Authors(query.get("authors", "names"))
    except ValueError:
        raise DomainError("export_invalid") from None
    delimiter = {"semicolon": ";", "comma": ","}.get(query.get("delimiter", "semicolon"))
    wanted = query.get("language", conference.language)
    if delimiter is None or wanted not in ("de", "en"):
        raise DomainError("export_invalid")
    return ExportOptions(
        format=fmt,
        room=query.get("room") or None,
        day=scope.day_asked(query.get("day"), conference),
        track=scope.track_asked(query.get("track"), agenda),
        include_hidden=query.get("include_hidden") == "yes",
        authors=authors,
        language=wanted,
        delimiter=delimiter,
    )


@organisers_only
async def export_download(request: Request, organiser: OrganiserRecord) -> Response:
    """The export as a download, streamed as it is written (DOCX and PDF come whole)."""
    conference = await _conference(request)
    rt = runtime(request)
    try:
        agenda = (await conferences.lobby(rt.backends, conference)).agenda
        options = _export_options(request.query_params, conference, agenda)
        made = await run_in_threadpool(
            exports.open_export,
            rt.backends,
            role_in_console(organiser),
            conference,
            options,
            rt.views.translator(options.language),
            rt.views.env.get_template("report.html"),
        )
    except DomainError as error:
        status = 404 if error.code in NOT_FOUND else 400 if error.code in BAD_SCOPE else 422
        errors = [_error_text(request, error)]
        return await _exports_page(request, organiser, conference, status, errors=errors)
    headers = {
        "Content-Disposition": f'attachment; filename="{made.filename}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    # Closed after the stream, however it ended: a browser that went away leaves it
    # half read, holding the export's read transaction.
    done = BackgroundTask(made.close)
    return StreamingResponse(
        made.chunks, media_type=made.media_type, headers=headers, background=done
    )
