"""Who is asking: the signed session cookie holds a participant id per conference."""

from starlette.requests import HTTPConnection

from ..views.i18n import pick_language


def participant_id(connection: HTTPConnection, conference_id: int) -> int | None:
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
