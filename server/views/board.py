"""Fragments of a room, rendered once per audience and sent to many: its live board, what
the plenary puts into it (banners, the breakout's countdown, the way back), and the
replies to its commands.

What an audience may see is decided here and nowhere else: participants never receive
a hidden or waiting card, the approval queue or the moderator's controls; a projector
gets no forms and no way back.
"""

import functools
from datetime import UTC, datetime

from markupsafe import Markup

from ..domain.audience import MODERATOR, PROJECTOR, Audience
from ..domain.board import MAX_CARD_LENGTH, CardStatus
from ..domain.errors import DomainError
from ..domain.phases import Phase, RoomState
from ..domain.timer import MAX_MINUTES, Timer
from ..domain.votes import MyVotes
from ..store.records import (
    BoardRecord,
    CardRecord,
    MemberRecord,
    PresenceRecord,
    RoomUpdate,
    TakeawayRecord,
)
from ..store.room_live import RoomExtras, RoomLiveUpdate
from .environment import Views
from .frames import delta_header, personal_header, reply_header, side_header, snapshot_header

PHASES = [phase.value for phase in Phase]
# How a person may order the cards; the browser sorts, so each person chooses their own.
SORT_ORDERS = ("posted", "newest", "votes")


_MODERATORS_SEE = frozenset({CardStatus.VISIBLE, CardStatus.HIDDEN, CardStatus.PENDING})


def shows(card: CardRecord, moderator: bool) -> bool:
    """Whether this audience gets the card at all (waiting cards go to the queue).

    The one place that keeps hidden and waiting cards from participants: snapshots and
    deltas both ask it.
    """
    if moderator:
        return card.status in _MODERATORS_SEE
    return card.status == CardStatus.VISIBLE


def container(card: CardRecord) -> str:
    if card.status == CardStatus.PENDING:
        return "queue"
    if card.cluster_id is not None:
        return f"cluster-{card.cluster_id}-cards"
    return f"cards-{card.column_id}"


class RoomRenderer:
    """The one renderer of a room: the hub's frames, the pages' parts and the replies."""

    def __init__(self, views: Views) -> None:
        self.views = views

    def context(self, state: RoomState, audience: Audience) -> dict:
        """What the card templates need to know about who looks (pages use it too)."""
        moderator = audience.view == MODERATOR
        return {
            "moderator": moderator,
            "read_only": audience.view == PROJECTOR,
            "state": state,
            "votes_visible": moderator or state.votes_visible_to_participants(),
            "shows": lambda card: shows(card, moderator),
            "max_card_length": MAX_CARD_LENGTH,
        }

    def room_state(self, state: RoomState, audience: Audience, oob: bool = False) -> str:
        """Phase, lock and timer for everyone; the moderator's controls for moderators."""
        lang = audience.language
        html = self.views.render("_room_state.html", lang, state=state, oob=oob)
        html += self.timer(state, lang, oob=oob)
        if audience.view == MODERATOR:
            html += self.views.render(
                "_moderation.html",
                lang,
                state=state,
                phases=PHASES,
                max_minutes=MAX_MINUTES,
                oob=oob,
            )
        return html

    def timer(self, state: RoomState, language: str, oob: bool = False) -> str:
        read_only = state.settings.read_only_when_time_is_up
        return self.countdown(state.timer, language, read_only, oob)

    def countdown(
        self,
        timer: Timer,
        language: str,
        read_only: bool = False,
        oob: bool = False,
        clock: str = "room",
    ) -> str:
        """A countdown from a server deadline: a room's timer (clock "room"), or when the
        breakout ends (clock "breakout")."""
        now = datetime.now(UTC)
        return self.views.render(
            "_timer.html",
            language,
            clock=clock,
            timer=timer,
            seconds_left=timer.seconds_left(now),
            server_now_ms=int(now.timestamp() * 1000),
            read_only=read_only,
            oob=oob,
        )

    def snapshot(self, update: RoomLiveUpdate, audience: Audience) -> str:
        return self.board(update.snapshot, audience) + self.extras(update.extras, audience)

    def delta(self, update: RoomLiveUpdate, audience: Audience) -> str:
        frame = self.board_delta(update, audience)
        if update.extras is not None:
            frame += self.extras(update.extras, audience)
        return frame

    def side(self, update: RoomLiveUpdate, audience: Audience) -> str:
        """Who is present, outside the seq: coalesced, and the same for everyone."""
        if update.side_presence is None or audience.view == PROJECTOR:
            return ""
        return side_header() + self.presence(update.side_presence, audience, oob=True)

    def extras(self, extras: RoomExtras, audience: Audience, oob: bool = True) -> str:
        """The plenary's banners, the breakout's countdown and, once the room's breakout
        is over, the way back to the plenary (a projector stays where it is)."""
        end = Timer(deadline=extras.breakout_end)
        clock = self.countdown(end, audience.language, oob=oob, clock="breakout")
        return self.views.render(
            "_room_plenary.html",
            audience.language,
            extras=extras,
            breakout_clock=Markup(clock),
            projector=audience.view == PROJECTOR,
            plenary_path=f"/c/{extras.conference_slug}",
            oob=oob,
        )

    def board(self, board: BoardRecord, audience: Audience) -> str:
        """The whole board as of its seq."""
        lang = audience.language
        context = self.context(board.state, audience)
        parts = [snapshot_header(board.seq)]
        parts.append(
            self.views.render("_room_header.html", lang, room=board.room, oob=True, **context)
        )
        parts.append(
            self.views.render("_columns.html", lang, columns=board.columns, oob=True, **context)
        )
        if context["moderator"]:
            parts.append(
                self.views.render("_queue.html", lang, cards=board.queue, oob=True, **context)
            )
        parts.append(self.results(board.takeaways, audience, oob=True))
        parts.append(self.presence(board.presence, audience, oob=True))
        parts.append(self.room_state(board.state, audience, oob=True))
        return "".join(parts)

    def board_delta(self, update: RoomUpdate, audience: Audience) -> str:
        """The board's changes in the order the page needs them: a new cluster before the cards that
        go into it, cards out of a cluster before the cluster goes."""
        lang = audience.language
        moderator = audience.view == MODERATOR
        state = update.state
        parts = [delta_header(update.first_seq, update.seq)]
        context = self.context(state, audience)
        for cluster in update.new_clusters:
            parts.append(
                self.views.render("_cluster_inserted.html", lang, cluster=cluster, **context)
            )
        gone = [f"card-{card_id}" for card_id in update.gone_cards]
        for card in update.cards:
            if shows(card, moderator):
                parts.append(
                    self.views.render(
                        "_card_inserted.html", lang, card=card, into=container(card), **context
                    )
                )
            else:
                gone.append(f"card-{card.id}")
        if update.vote_totals and context["votes_visible"]:
            parts.append(self.views.render("_vote_totals.html", lang, totals=update.vote_totals))
        gone.extend(f"cluster-{cluster_id}" for cluster_id in update.gone_clusters)
        if gone:
            parts.append(self.views.render("_removed.html", lang, ids=gone))
        for cluster in update.renamed_clusters:
            parts.append(
                self.views.render(
                    "_cluster_name.html", lang, cluster=cluster, moderator=moderator, oob=True
                )
            )
        if update.announce is not None and shows(update.announce, moderator):
            parts.append(self.announcement(update.announce, lang))
        if update.takeaways is not None:
            parts.append(self.results(update.takeaways, audience, oob=True))
        if update.presence is not None:
            parts.append(self.presence(update.presence, audience, oob=True))
        if update.state_changed:
            parts.append(self.room_state(state, audience, oob=True))
        return "".join(parts)

    def results(
        self, takeaways: list[TakeawayRecord], audience: Audience, oob: bool = False
    ) -> str:
        moderator = audience.view == MODERATOR
        return self.views.render(
            "_results.html", audience.language, takeaways=takeaways, moderator=moderator, oob=oob
        )

    def presence(self, presence: PresenceRecord, audience: Audience, oob: bool = False) -> str:
        """How many are present and, in a small room, who (a projector shows neither)."""
        if audience.view == PROJECTOR:
            return ""
        moderator = audience.view == MODERATOR
        return self.views.render(
            "_presence_now.html", audience.language, presence=presence, moderator=moderator, oob=oob
        )

    def member_names(self, members: list[MemberRecord], audience: Audience) -> str:
        """Everyone present, on request: the answer to the page's "show names" button."""
        moderator = audience.view == MODERATOR
        return self.views.render(
            "_member_names.html", audience.language, members=members, moderator=moderator
        )

    def personal(self, votes: MyVotes, language: str) -> str:
        return personal_header() + self.views.render(
            "_my_votes.html", language, votes=votes, oob=True
        )

    def farewell(self, language: str) -> str:
        return self.reply("removed", DomainError("removed_from_room"), language)

    def announcement(self, card: CardRecord, language: str) -> str:
        return self.views.render("_announcer.html", language, card=card)

    def reply(
        self,
        command_id: str | None,
        error: DomainError | None,
        language: str,
        notice: str | None = None,
        created: tuple[str, int] | None = None,
    ) -> str:
        """The answer to one message: its header names the command id and the outcome."""
        header = reply_header(command_id, error.code if error else None, created)
        return header + self.views.render("_room_error.html", language, error=error, notice=notice)

    def refusal(self, error: DomainError, language: str) -> str:
        """The reply to a socket refused at the door: a handful of different sentences,
        asked for by every refused socket (thousands, while someone piles them up)."""
        return self._refusal(error.code, tuple(sorted(error.params.items())), language)

    @functools.lru_cache(maxsize=256)  # noqa: B019 (the renderer lives as long as the app)
    def _refusal(self, code: str, params: tuple, language: str) -> str:
        return self.reply("enter", DomainError(code, **dict(params)), language)
