"""Who is asking: the signed session cookie holds a participant id per conference,
and, for an organiser, their sign-in."""

import time
from dataclasses import dataclass

from starlette.requests import HTTPConnection

from ..domain.organisers import session_expired
from ..store.records import OrganiserRecord
from ..views.i18n import pick_language
from .runtime import runtime


def participant_id(connection: HTTPConnection, conference_id: int) -> int | None:
    signed_in = organiser_sign_in(connection)
    if signed_in and not signed_in.expired and str(conference_id) in signed_in.participants:
        return signed_in.participants[str(conference_id)]
    value = connection.session.get("participants", {}).get(str(conference_id))
    return int(value) if value is not None else None


def remember_participant(connection: HTTPConnection, conference_id: int, pid: int) -> None:
    participants = dict(connection.session.get("participants", {}))
    participants[str(conference_id)] = pid
    connection.session["participants"] = participants


def language(connection: HTTPConnection) -> str:
    return pick_language(connection.session.get("language"))


def set_language(connection: HTTPConnection, value: str) -> None:
    connection.session["language"] = pick_language(value)


# --- Organiser sign-in ---
# The organiser's participants live inside the sign-in, so signing out (or its expiry)
# also ends their organiser role in every room; their own joins as a participant stay.


@dataclass(frozen=True)
class OrganiserSignIn:
    organiser_id: int
    password_version: int
    signed_in_at: float
    participants: dict[str, int]
    expired: bool


def now() -> float:
    """The one clock for sign-ins (tests move it instead of waiting)."""
    return time.time()


def organiser_sign_in(connection: HTTPConnection) -> OrganiserSignIn | None:
    data = connection.session.get("organiser")
    if not isinstance(data, dict):
        return None
    max_age = runtime(connection).settings.organiser_session_hours * 3600
    return OrganiserSignIn(
        organiser_id=int(data["id"]),
        password_version=int(data["version"]),
        signed_in_at=float(data["since"]),
        participants={k: int(v) for k, v in data.get("participants", {}).items()},
        expired=session_expired(float(data["since"]), now(), max_age),
    )


def sign_in_organiser(connection: HTTPConnection, organiser: OrganiserRecord) -> None:
    connection.session["organiser"] = {
        "id": organiser.id,
        "version": organiser.password_version,
        "since": now(),
        "participants": {},
    }


def sign_out_organiser(connection: HTTPConnection) -> None:
    connection.session.pop("organiser", None)


def remember_organiser_participant(
    connection: HTTPConnection, conference_id: int, pid: int
) -> None:
    data = dict(connection.session["organiser"])
    data["participants"] = {**data.get("participants", {}), str(conference_id): pid}
    connection.session["organiser"] = data
