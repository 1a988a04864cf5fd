"""Who a rendered fragment is for: one rendering serves every socket of an audience."""

from dataclasses import dataclass

PARTICIPANT = "participant"
MODERATOR = "moderator"  # sees everything participants see, plus the moderator's controls
PROJECTOR = "projector"  # read-only: a screen in the hall; what participants see, no forms
ORGANISER = "organiser"  # the organiser's live dashboard


@dataclass(frozen=True, slots=True)
class Audience:
    view: str  # PARTICIPANT, MODERATOR, PROJECTOR or ORGANISER
    language: str
