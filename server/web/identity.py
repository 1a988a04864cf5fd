"""Who is asking, as the signed session cookie says: a participant id per conference,
and, for an organiser, the id of their sign-in (which web/signin.py checks on the server)."""

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from ..views.i18n import pick_language


def participant_id(connection: HTTPConnection, conference_id: int) -> int | None:
    """The participant this browser joined as (an organiser's own: web/signin.py)."""
    value = connection.session.get("participants", {}).get(str(conference_id))
    return int(value) if value is not None else None


def remember_participant(connection: HTTPConnection, conference_id: int, pid: int) -> None:
    participants = dict(connection.session.get("participants", {}))
    participants[str(conference_id)] = pid
    connection.session["participants"] = participants


def language(connection: HTTPConnection, conference_language: str | None = None) -> str:
    """The language the person chose, else the one of the conference they opened last
    (an English-speaking exchange is English from its first page), else
    `conference_language` (a projector's, which keeps no cookie), else German."""
    session = connection.session
    return pick_language(
        session.get("language"), session.get("conference_language"), conference_language
    )


def set_language(connection: HTTPConnection, value: str) -> None:
    connection.session["language"] = pick_language(value)


def opened_conference(connection: HTTPConnection, conference_language: str) -> None:
    """The person opened a conference's page: it speaks the conference's language to them
    unless they chose one."""
    if connection.session.get("conference_language") != conference_language:
        connection.session["conference_language"] = conference_language


# --- Organiser sign-in ---
# The organiser's participants live inside the sign-in, so signing out (or its end on the
# server) also ends their organiser role in every room; their own joins as a participant
# stay.


@dataclass(frozen=True)
class OrganiserSignIn:
    id: str
    participants: dict[str, int]


def organiser_sign_in(connection: HTTPConnection) -> OrganiserSignIn | None:
    """The sign-in the cookie names, whether or not it still lasts (a cookie from before
    sign-ins were kept on the server names none)."""
    data = connection.session.get("organiser")
    if not isinstance(data, dict) or not isinstance(data.get("sign_in"), str):
        return None
    participants = {k: int(v) for k, v in data.get("participants", {}).items()}
    return OrganiserSignIn(data["sign_in"], participants)


def sign_in_organiser(connection: HTTPConnection, sign_in_id: str) -> None:
    connection.session["organiser"] = {"sign_in": sign_in_id, "participants": {}}


def sign_out_organiser(connection: HTTPConnection) -> None:
    connection.session.pop("organiser", None)


def remember_organiser_participant(
    connection: HTTPConnection, conference_id: int, pid: int
) -> None:
    data = dict(connection.session["organiser"])
    data["participants"] = {**data.get("participants", {}), str(conference_id): pid}
    connection.session["organiser"] = data
