"""Bus topic names, in one place."""


def room_topic(room_id: int) -> str:
    return f"room.{room_id}"


def conference_topic(conference_id: int) -> str:
    return f"conference.{conference_id}"


def presence_topic(room_id: int) -> str:
    """Who is in the room changed: outside the room's seq (no message payload)."""
    return f"room.{room_id}.presence"
