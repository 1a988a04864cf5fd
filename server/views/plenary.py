"""Fragments of the plenary, rendered once per audience: participants, moderators (the
Q&A's controls), the organiser's dashboard, and the projector (read-only, large type).
What the plenary puts into rooms is rendered with the room (views/board.py)."""

from datetime import UTC, datetime

from markupsafe import Markup

from ..domain.audience import MODERATOR, ORGANISER, PROJECTOR, Audience
from ..domain.breakouts import CONDUCTED_PHASES, Mode
from ..domain.timer import MAX_MINUTES, Timer
from ..store.plenary_records import AgendaNow, MyPlenary, PlenaryUpdate, PlenaryView
from .board import RoomRenderer
from .environment import Views
from .frames import delta_header, personal_header, side_header, snapshot_header

MODES = [mode.value for mode in Mode]
# Sections each audience is shown (the rest it never receives).
_SHOWN = {
    ORGANISER: ("agenda", "announcements", "breakout", "people", "qa", "report"),
    PROJECTOR: ("agenda", "announcements", "breakout", "qa", "report"),  # read-only, large
}
_DEFAULT = ("agenda", "announcements", "breakout", "qa", "report", "rooms")

# What people do during an item of each kind: those parts of the page come first, in this
# order (on the projector they are all there is). Items of other kinds have none.
_FOCUS = {
    "keynote": ("qa",),
    "talk": ("qa",),
    "panel": ("qa",),
    "breakout": ("breakout", "rooms"),  # the phase, then the rooms to choose or go to
    "workshop": ("rooms",),  # parallel workshops are held in rooms
    "report_back": ("report",),
}
# The parts of the plenary's pages in their usual order.
PARTS = ("qa", "rooms", "breakout", "report")


def shown(view: str) -> tuple[str, ...]:
    return _SHOWN.get(view, _DEFAULT)


def focus_of(agenda: AgendaNow | None) -> tuple[str, ...]:
    """The parts that go with the running item (none when no part does)."""
    current = agenda.current if agenda is not None else None
    return _FOCUS.get(current.kind, ()) if current is not None else ()


def parts_in_order(focus: tuple[str, ...], parts: tuple[str, ...] = PARTS) -> list[str]:
    """The focus first, the others as usual (plenum.js arranges live pages the same way)."""
    return [part for part in focus if part in parts] + [part for part in parts if part not in focus]


class PlenaryRenderer:
    """The plenary's frames, for the plenary's sockets, the dashboard and the projector.
    Countdowns and replies look as in a room: those come from the room's renderer."""

    def __init__(self, views: Views, room: RoomRenderer) -> None:
        self.views = views
        self.room = room

    def section(self, name: str, view: PlenaryView, audience: Audience, oob: bool = True) -> str:
        lang = audience.language
        context = {
            "view": view,
            "audience": audience.view,
            "organiser": audience.view == ORGANISER,
            "moderator": audience.view in (MODERATOR, ORGANISER),
            "projector": audience.view == PROJECTOR,
            "focus": focus_of(view.agenda),
            "today": view.conference.today,
            "oob": oob,
        }
        if name == "breakout":
            context.update(self._breakout_context(view, lang))
        return self.views.render(f"_plenary_{name}.html", lang, **context)

    def _breakout_context(self, view: PlenaryView, lang: str) -> dict:
        breakout = view.breakout
        running = breakout is not None and breakout.open
        timer = Timer(deadline=breakout.deadline) if running else Timer()
        timer_html = self.room.countdown(timer, lang, clock="breakout")
        return {
            "running": running,
            "timer_html": Markup(timer_html),
            "modes": MODES,
            "phases": CONDUCTED_PHASES,
            "max_minutes": MAX_MINUTES,
        }

    def snapshot(self, update: PlenaryUpdate, audience: Audience) -> str:
        view = update.snapshot
        parts = [snapshot_header(view.seq)]
        for name in shown(audience.view):
            parts.append(self.section(name, view, audience))
        if audience.view == ORGANISER and view.summaries is not None:
            parts.append(self.summaries(view.summaries, audience.language, whole=True))
        return "".join(parts)

    def delta(self, update: PlenaryUpdate, audience: Audience) -> str:
        parts = [delta_header(update.first_seq, update.seq)]
        for name in shown(audience.view):
            if name in update.sections:
                parts.append(self.section(name, update.view, audience))
        return "".join(parts)

    def side(self, update: PlenaryUpdate, audience: Audience) -> str:
        if audience.view != ORGANISER or not update.summaries:
            return ""
        return side_header() + self.summaries(update.summaries, audience.language)

    def summaries(self, summaries: list, language: str, whole: bool = False) -> str:
        now = datetime.now(UTC)
        return self.views.render(
            "_dashboard_rooms.html",
            language,
            summaries=summaries,
            whole=whole,
            now=now,
            now_ms=int(now.timestamp() * 1000),
        )

    def personal(self, mine: MyPlenary, language: str) -> str:
        """One's own part: one's room (top of the page) and one's wishes (with the rooms)."""
        own = [
            self.views.render(f"_my_{part}.html", language, mine=mine)
            for part in ("plenary", "wishes")
        ]
        return personal_header() + "".join(own)

    def farewell(self, language: str) -> str:
        return self.room.farewell(language)
