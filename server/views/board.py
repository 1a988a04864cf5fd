"""Fragments of a room's live board, rendered once per audience and sent to many."""

from ..domain.errors import DomainError
from ..domain.phases import Phase, RoomState
from ..realtime.connection import MODERATOR, Audience
from ..store.records import BoardRecord, CardRecord, MemberRecord, RoomUpdate
from .environment import Views
from .frames import delta_header, reply_header, snapshot_header

PHASES = [phase.value for phase in Phase]


class BoardRenderer:
    def __init__(self, views: Views) -> None:
        self.views = views

    def room_state(self, state: RoomState, audience: Audience, oob: bool = False) -> str:
        """Phase and lock for everyone; the moderator's controls for moderators only."""
        lang = audience.language
        html = self.views.render("_room_state.html", lang, state=state, oob=oob)
        if audience.view == MODERATOR:
            html += self.views.render("_moderation.html", lang, state=state, phases=PHASES, oob=oob)
        return html

    def snapshot(self, board: BoardRecord, audience: Audience) -> str:
        lang = audience.language
        parts = [snapshot_header(board.seq)]
        for column in board.columns:
            parts.append(self.views.render("_cards.html", lang, column=column, oob=True))
        parts.append(self.presence(board.members, lang, oob=True))
        parts.append(self.room_state(board.state, audience, oob=True))
        return "".join(parts)

    def delta(self, update: RoomUpdate, audience: Audience) -> str:
        lang = audience.language
        parts = [delta_header(update.first_seq, update.seq)]
        for card in update.inserted_cards:
            parts.append(self.views.render("_card_inserted.html", lang, card=card))
        if update.inserted_cards:
            parts.append(self.announcement(update.inserted_cards[-1], lang))
        for member in update.joined:
            parts.append(self.views.render("_member_joined.html", lang, member=member))
        for participant_id in update.left:
            parts.append(
                self.views.render("_member_left.html", lang, participant_id=participant_id)
            )
        if update.state is not None:
            parts.append(self.room_state(update.state, audience, oob=True))
        if update.present_count is not None:
            parts.append(
                self.views.render(
                    "_presence_count.html", lang, count=update.present_count, oob=True
                )
            )
        return "".join(parts)

    def presence(self, members: list[MemberRecord], language: str, oob: bool = False) -> str:
        return self.views.render("_presence.html", language, members=members, oob=oob)

    def announcement(self, card: CardRecord, language: str) -> str:
        return self.views.render("_announcer.html", language, card=card)

    def reply(self, command_id: str, error: DomainError | None, language: str) -> str:
        header = reply_header(command_id, ok=error is None)
        return header + self.views.render("_room_error.html", language, error=error)
