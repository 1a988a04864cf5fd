"""Bus topic names, in one place."""


def room_topic(room_id: int) -> str:
    return f"room.{room_id}"


# --- The plenary ---
def conference_topic(conference_id: int) -> str:
    return f"conference.{conference_id}"
