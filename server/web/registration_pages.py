"""Registration before the event: the form, and the pages behind a personal link."""

import functools

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..domain.errors import DomainError
from ..exports import calendar
from ..services import conferences, registrations
from . import identity
from .calendars import base_url, download
from .pages import (
    _conference,
    _error_text,
    _refused,
    _status,
    _with_retry_after,
    client_address,
    render,
)
from .runtime import runtime

FIELDS = ("name", "organisation", "municipality", "role", "accessibility", "code")
# A link that names no registration, or a conference without registration: not found.
NOT_FOUND = {"registration_invalid", "registration_none"}


def refusing(handler):
    """A registration's refusal as a page: not found, or a sentence about what is wrong."""

    @functools.wraps(handler)
    async def refused(request: Request) -> Response:
        try:
            return await handler(request)
        except DomainError as error:
            status = 404 if error.code in NOT_FOUND else _status(error)
            return _with_retry_after(_refused(request, error, status), error)

    return refused


@refusing
async def form_get(request: Request) -> Response:
    conference = await _conference(request)
    identity.opened_conference(request, conference.language)
    offer = await _offer_of(request, conference)
    return _form(request, conference, offer, dict.fromkeys(FIELDS, ""), {}, False, [])


@refusing
async def form_post(request: Request) -> Response:
    conference = await _conference(request)
    identity.opened_conference(request, conference.language)
    offer = await _offer_of(request, conference)
    form = await request.form()
    fields = {name: str(form.get(name, "")) for name in FIELDS}
    consent = form.get("consent") == "yes"  # an unticked box sends nothing
    rankings = _rankings(form, len(offer.slots))
    rt = runtime(request)
    try:
        token = await registrations.register(
            rt.backends,
            rt.registration_signer,
            conference,
            fields,
            consent,
            rankings,
            rt.limits,
            client_address(request),
        )
    except DomainError as error:
        errors = [_error_text(request, error)]
        page = _form(request, conference, offer, fields, rankings, consent, errors, _status(error))
        return _with_retry_after(page, error)
    target = f"/c/{conference.slug}/registration/{token}?saved=1"
    return RedirectResponse(target, status_code=303)


def _rankings(form: FormData, slots: int) -> dict[int, list[int]]:
    """Each slot's choices, best first: its selects in order, the empty ones left out."""
    rankings: dict[int, list[int]] = {}
    for index in range(slots):
        values = [str(v) for v in form.getlist(f"slot-{index}") if str(v).strip()]
        if not all(v.isdigit() for v in values):
            raise DomainError("registration_unknown_workshop")
        rankings[index] = [int(v) for v in values]
    return rankings


def _form(request, conference, offer, fields, rankings, consent, errors, status=200) -> Response:
    return render(
        request,
        "register.html",
        status,
        conference=conference,
        offer=offer,
        fields=fields,
        rankings=rankings,
        consent=consent,
        errors=errors,
    )


async def _offer_of(request: Request, conference) -> registrations.Offer:
    offer = await registrations.offer(runtime(request).backends, conference)
    if offer is None:
        raise DomainError("registration_none")
    return offer


@refusing
async def personal_get(request: Request) -> Response:
    personal = await _personal(request)
    identity.opened_conference(request, personal.conference.language)
    token = request.path_params["token"]
    response = render(
        request,
        "registration.html",
        personal=personal,
        conference=personal.conference,
        token=token,
        saved=request.query_params.get("saved") == "1",
        link=f"{base_url(request)}/c/{personal.conference.slug}/registration/{token}",
        live=personal.conference.today in personal.conference.days,
    )
    # The page is the person's link: no cache keeps it, no page it links to learns it.
    response.headers["Cache-Control"] = "no-store"
    return response


@refusing
async def cancel_post(request: Request) -> Response:
    conference, rt = await _conference(request), runtime(request)
    token = request.path_params["token"]
    if (await request.form()).get("confirm") != "yes":  # a seat given back may be gone
        raise DomainError("registration_cancel_unconfirmed")
    await registrations.cancel(rt.backends, rt.registration_signer, conference, token)
    return RedirectResponse(f"/c/{conference.slug}/registration/{token}", status_code=303)


@refusing
async def enter_post(request: Request) -> Response:
    """The personal link opens the live event: they are a participant from now on, and
    land in their workshop when it runs."""
    conference, rt = await _conference(request), runtime(request)
    token = request.path_params["token"]
    participant, room = await registrations.enter(
        rt.backends, rt.registration_signer, conference, token, rt.limits, client_address(request)
    )
    identity.remember_participant(request, conference.id, participant.id)
    slug = conference.slug
    target = f"/c/{slug}/rooms/{room}" if room else f"/c/{slug}"
    return RedirectResponse(target, status_code=303)


@refusing
async def calendar_get(request: Request) -> Response:
    """The person's programme: every item, of the workshops only the ones they hold a
    seat in."""
    personal = await _personal(request)
    conference = personal.conference
    lobby = await conferences.lobby(runtime(request).backends, conference)
    programme = calendar.Programme(
        conference, personal.programme, lobby.rooms, base_url(request), personal=True
    )
    return await download(request, programme)


async def _personal(request: Request) -> registrations.Personal:
    conference, rt = await _conference(request), runtime(request)
    token = request.path_params["token"]
    return await registrations.personal(rt.backends, rt.registration_signer, conference, token)
