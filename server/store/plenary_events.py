"""Every event a conference's plenary log holds, declared once: its name and what it
touched (the sections to show again, and the people whose own part changed).

The JSON shape is the one the log has always kept, so rows written by earlier versions
still load.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from .events import type_of


class PlenaryEventType(StrEnum):
    AGENDA_MOVED = "agenda_moved"
    ANNOUNCED = "announced"
    ANNOUNCEMENT_ENDED = "announcement_ended"
    QUESTION_ASKED = "question_asked"
    QUESTION_VOTED = "question_voted"
    QUESTION_MODERATED = "question_moderated"
    QA_SETTINGS = "qa_settings"
    TOPICS_RANKED = "topics_ranked"
    REPORT_CHANGED = "report_changed"
    BREAKOUT_OPENED = "breakout_opened"
    BREAKOUT_CHANGED = "breakout_changed"
    BREAKOUT_CLOSED = "breakout_closed"
    PERSON_PLACED = "person_placed"
    PEOPLE_CHANGED = "people_changed"
    CONFERENCE_EDITED = "conference_edited"  # an organiser changed it in the console


@dataclass(frozen=True, slots=True)
class PlenaryEffects:
    """What one plenary event touched; `notes` are details only the log keeps."""

    sections: frozenset[str] = frozenset()
    people: frozenset[int] = frozenset()
    notes: dict = field(default_factory=dict)

    def to_payload(self) -> dict:
        payload = dict(self.notes)
        if self.sections:
            payload["sections"] = sorted(self.sections)
        if self.people:
            payload["people"] = sorted(self.people)
        return payload

    @classmethod
    def from_payload(cls, payload: dict) -> "PlenaryEffects":
        notes = {k: v for k, v in payload.items() if k not in ("sections", "people")}
        return cls(
            frozenset(payload.get("sections", ())), frozenset(payload.get("people", ())), notes
        )


def touched(sections: Iterable[str] = (), people: Iterable[int] = (), **notes) -> PlenaryEffects:
    """The effects of one plenary change."""
    shown = set(sections)
    if "breakout" in shown:  # the lobby's room tiles show the breakout's places too
        shown.add("rooms")
    return PlenaryEffects(frozenset(shown), frozenset(people), notes)


@dataclass(frozen=True, slots=True)
class PlenaryEvent:
    """One event as the log holds it."""

    seq: int
    type: PlenaryEventType | str  # a name this version no longer writes stays a string
    effects: PlenaryEffects

    @classmethod
    def decode(cls, seq: int, type_: str, payload: str) -> "PlenaryEvent":
        return cls(
            seq, type_of(PlenaryEventType, type_), PlenaryEffects.from_payload(json.loads(payload))
        )
