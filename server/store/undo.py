"""What a moderator's action saved so it can be taken back, and taking it back.

The saved values travel in the event's payload ("undo"), in the JSON shape they have
always had, so actions logged by earlier versions can still be undone.
"""

from dataclasses import dataclass, field

from sqlmodel import Session

from . import cards, rooms, votes
from . import clusters as cluster_store


@dataclass(frozen=True, slots=True)
class Restored:
    """What taking an action back touched, for the event that says so."""

    cards: list[int]
    vote_cards: list[int]
    clusters_new: list[int]
    clusters_renamed: list[int]
    clusters_gone: list[int]
    voters: list[int]


@dataclass(frozen=True, slots=True)
class Undo:
    """Fields as they were before the action, and where moved things came from."""

    cards: dict[int, dict] = field(default_factory=dict)  # card id -> saved fields
    clusters: dict[int, dict] = field(default_factory=dict)  # cluster id -> saved fields
    votes: dict[int, int] = field(default_factory=dict)  # vote id -> its card before
    comments: dict[int, int] = field(default_factory=dict)  # comment id -> its card before
    refresh: list[int] = field(default_factory=list)  # cards to show again afterwards
    readmit: int | None = None  # a participant the action removed from the room

    def to_payload(self) -> dict:
        found: dict = {}
        for key in ("cards", "clusters", "votes", "comments", "refresh"):
            if getattr(self, key):
                found[key] = getattr(self, key)
        if self.readmit is not None:
            found["readmit"] = self.readmit
        return found

    @classmethod
    def from_payload(cls, saved: dict) -> "Undo":
        def ids(mapping: dict) -> dict:
            return {int(key): value for key, value in mapping.items()}

        return cls(
            cards=ids(saved.get("cards", {})),
            clusters=ids(saved.get("clusters", {})),
            votes={int(k): int(v) for k, v in saved.get("votes", {}).items()},
            comments={int(k): int(v) for k, v in saved.get("comments", {}).items()},
            refresh=[int(card) for card in saved.get("refresh", [])],
            readmit=saved.get("readmit"),
        )

    def restore(self, session: Session, room_id: int) -> Restored:
        """Put everything back, in the caller's transaction (cards deleted since stay
        deleted)."""
        touched = [
            card for card, values in self.cards.items() if cards.restore(session, card, values)
        ]
        new, renamed, gone = [], [], []
        for cluster_id, values in self.clusters.items():
            cluster_store.change(session, cluster_id, **values)
            if "name" in values:
                renamed.append(cluster_id)
            elif values.get("removed"):
                gone.append(cluster_id)
            else:
                new.append(cluster_id)
        vote_cards = []
        for vote_id, card_id in self.votes.items():
            votes.move(session, [vote_id], card_id)
            vote_cards.append(card_id)
        for comment_id, card_id in self.comments.items():
            cards.move_comments(session, [comment_id], card_id)
            touched.append(card_id)
        touched.extend(self.refresh)
        voters = [voter for _, _, voter in votes.on_cards(session, touched)] if self.votes else []
        if self.readmit is not None:
            rooms.readmit(session, room_id, self.readmit)
        return Restored(touched, vote_cards, new, renamed, gone, voters)
