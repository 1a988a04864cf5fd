"""How a room's board behaves, as set per room in sessions_config."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RoomSettings:
    vote_budget: int = 5  # dots per participant in this room
    max_votes_per_card: int = 3  # 1: one dot per card
    vote_on_own_cards: bool = True
    votes_visible_while_voting: bool = False  # else totals appear once voting ends
    pre_moderation: bool = False  # participants' new cards wait for approval
    read_only_when_time_is_up: bool = False  # the timer at zero stops participants
