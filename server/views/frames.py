"""The first line of every message pushed over a room socket (see docs/protocol.md).

An HTML comment, so htmx ignores it while plenum.js reads the seq range from it.
"""


def snapshot_header(seq: int) -> str:
    return f"<!--plenum snapshot {seq}-->"


def delta_header(first: int, last: int) -> str:
    return f"<!--plenum delta {first} {last}-->"


def reply_header(command_id: str, ok: bool) -> str:
    # Command ids come from the client: keep only characters that cannot end a comment.
    safe = "".join(c for c in command_id if c.isalnum() or c in "-_")[:64]
    return f"<!--plenum reply {safe} {'ok' if ok else 'error'}-->"


def personal_header() -> str:
    """One person's own state (their dots); not part of the room's seq."""
    return "<!--plenum personal-->"


# --- The plenary (issue 4) ---
def side_header() -> str:
    """State outside the seq (the dashboard's room summaries): whole replacements."""
    return "<!--plenum summary-->"
