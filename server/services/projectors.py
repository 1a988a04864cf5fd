"""Projector links: a screen in the hall follows the plenary or one room without joining.

The link carries a key, signed with the app's secret, that names what it shows
(`conference.7`, `room.12`). Whoever has the link sees what every participant may see
there, read-only; no participant is made, so a screen never counts as present or as
having attended. The organisers' console shows the links, a room's page shows its own
to the room's moderators.
"""

from itsdangerous import BadSignature, Signer

SALT = "plenum.projector"
CONFERENCE = "conference"
ROOM = "room"


def signer(secret_key: str) -> Signer:
    return Signer(secret_key, salt=SALT)


def key_for(signing: Signer, kind: str, ident: int) -> str:
    return signing.sign(f"{kind}.{ident}").decode()


def opens(signing: Signer, key: str | None, kind: str, ident: int) -> bool:
    """Does this key open the projector of this conference or room? A forged or mangled
    key, or one made for something else, does not."""
    if not key:
        return False
    try:
        return signing.unsign(key).decode() == f"{kind}.{ident}"
    except (BadSignature, UnicodeDecodeError):
        return False
