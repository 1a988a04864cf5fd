"""The directory ("Wer ist da?"): who opted in, searched and filtered by a plain GET form,
and the participant's own entry."""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..domain import directory as rules
from ..domain.directory import Entry
from ..domain.errors import DomainError
from ..services import directory
from . import identity
from .pages import (
    _conference,
    _error_text,
    _participant,
    _refused,
    _status,
    _with_retry_after,
    render,
)
from .runtime import runtime

FIELDS = ("municipality", "region", "topics", "offer", "seek")
LIMITS = {
    "municipality": rules.MAX_MUNICIPALITY_LENGTH,
    "topics": rules.MAX_TOPICS,
    "topic": rules.MAX_TOPIC_LENGTH,
    "note": rules.MAX_NOTE_LENGTH,
    "search": rules.MAX_SEARCH_LENGTH,
}


async def people_get(request: Request) -> Response:
    conference = await _conference(request)
    identity.opened_conference(request, conference.language)
    participant = await _participant(request, conference)
    if participant is None:
        return RedirectResponse(f"/c/{conference.slug}?next={request.url.path}", status_code=303)
    query = request.query_params
    wanted = rules.search(query.get("q", ""), query.get("region", ""), query.get("topic", ""))
    backends = runtime(request).backends
    found = await directory.directory(backends, participant, conference, wanted)
    fields = _fields(found.own) if found.own else _new_entry(participant.organisation)
    saved = query.get("saved") == "1"
    return _page(request, conference, found, fields, found.own is not None, [], saved=saved)


async def people_post(request: Request) -> Response:
    conference = await _conference(request)
    identity.opened_conference(request, conference.language)
    participant = await _participant(request, conference)
    rt = runtime(request)
    backends = rt.backends
    form = await request.form()
    fields = {name: str(form.get(name, "")) for name in FIELDS}
    # An unticked box sends nothing; "remove me" withdraws whatever the box says.
    listed = form.get("listed") == "yes" and form.get("remove") is None
    try:
        if listed:
            await directory.opt_in(backends, rt.limits, participant, conference, fields)
        else:
            await directory.withdraw(backends, participant, conference)
    except DomainError as error:
        if participant is None:
            return _refused(request, error, 403)
        found = await directory.directory(backends, participant, conference, rules.Search())
        errors = [_error_text(request, error)]
        page = _page(request, conference, found, fields, listed, errors, _status(error))
        return _with_retry_after(page, error)
    return RedirectResponse(f"/c/{conference.slug}/people?saved=1#my-entry", status_code=303)


def _new_entry(organisation: str | None) -> dict[str, str]:
    """The form for someone not listed: their organisation as the municipality."""
    return dict.fromkeys(FIELDS, "") | {"municipality": organisation or ""}


def _fields(entry: Entry) -> dict[str, str]:
    return {
        "municipality": entry.municipality or "",
        "region": entry.region or "",
        "topics": ", ".join(entry.topics),
        "offer": entry.offer or "",
        "seek": entry.seek or "",
    }


def _page(request, conference, found, fields, listed, errors, status=200, saved=False):
    response = render(
        request,
        "directory.html",
        status,
        conference=conference,
        directory=found,
        regions=rules.REGIONS,
        limits=LIMITS,
        fields=fields,
        listed=listed,
        errors=errors,
        saved=saved,
    )
    response.headers["Cache-Control"] = "no-store"  # people's entries, for the joined only
    return response
