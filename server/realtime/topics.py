"""Bus topic names, in one place."""


def room_topic(room_id: int) -> str:
    return f"room.{room_id}"
