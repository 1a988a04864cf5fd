"""The first line of every message pushed over a live socket (see docs/protocol.md).

An HTML comment, so htmx ignores it while plenum.js reads the seq range from it.
"""

import re


def snapshot_header(seq: int) -> str:
    return f"<!--plenum snapshot {seq}-->"


def delta_header(first: int, last: int) -> str:
    return f"<!--plenum delta {first} {last}-->"


# A command id as clients may choose it; anything else could end the comment it goes in.
COMMAND_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
NO_COMMAND_ID = "*"  # the reply to a message whose command id could not be read


def is_command_id(value: object) -> bool:
    return isinstance(value, str) and COMMAND_ID.fullmatch(value) is not None


def reply_header(
    command_id: str | None,
    error_code: str | None = None,
    created: tuple[str, int] | None = None,
) -> str:
    """`ok`, with what the command created as `kind=id`; or `error` and the error's code."""
    cid = command_id if is_command_id(command_id) else NO_COMMAND_ID
    if error_code is not None:
        return f"<!--plenum reply {cid} error {error_code}-->"
    if created is not None:
        kind, ident = created
        return f"<!--plenum reply {cid} ok {kind}={ident}-->"
    return f"<!--plenum reply {cid} ok-->"


def personal_header() -> str:
    """One person's own state (their dots); not part of the room's seq."""
    return "<!--plenum personal-->"


def side_header() -> str:
    """State outside the seq (the dashboard's room summaries, a room's presence): whole
    replacements."""
    return "<!--plenum summary-->"
