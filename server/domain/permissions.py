"""The one permission table: every action, over HTTP or WebSocket, is decided here."""

from enum import StrEnum

from .errors import DomainError


class Role(StrEnum):
    """A person's role *relative to the thing they act on* (a room, a conference).

    A moderator of another room is a plain participant in this one: callers compute
    the role for the target before asking.
    """

    STRANGER = "stranger"
    PARTICIPANT = "participant"
    MODERATOR = "moderator"
    ORGANISER = "organiser"


class Action(StrEnum):
    VIEW_LOBBY = "view_lobby"
    ENTER_ROOM = "enter_room"
    POST_CARD = "post_card"
    EDIT_OWN_CARD = "edit_own_card"  # edit or delete a card one wrote
    COMMENT = "comment"
    VOTE = "vote"  # cast and withdraw dots
    MODERATE_ROOM = "moderate_room"  # phase, lock, timer
    MODERATE_CARDS = "moderate_cards"  # hide, approve, highlight, edit any, move, merge, undo
    CLUSTER_CARDS = "cluster_cards"
    WRITE_RESULTS = "write_results"
    REMOVE_PARTICIPANT = "remove_participant"

    # --- Organiser's console and breakout assignment ---
    VIEW_CONSOLE = "view_console"
    INVITE_MODERATOR = "invite_moderator"
    REVOKE_INVITE = "revoke_invite"
    ASSIGN_ROOMS = "assign_rooms"

    # --- Exports and retention ---
    EXPORT_RESULTS = "export_results"  # every card a room kept, hidden ones on request
    PURGE_DATA = "purge_data"  # pseudonymise the people of conferences past retention
    EXPORT_CONFERENCE = "export_conference"  # its structure as a sessions_config file
    EDIT_CONFERENCE = "edit_conference"  # its details, programme and rooms, in the console
    MANAGE_REGISTRATIONS = "manage_registrations"  # see, move, cancel, allocate, close, export
    # --- The plenary and breakout orchestration ---
    ASK_QUESTION = "ask_question"
    VOTE_QUESTION = "vote_question"  # one vote per question, withdrawable
    RANK_TOPICS = "rank_topics"  # a participant's wishes for the breakout rooms
    VIEW_DIRECTORY = "view_directory"  # see who opted in, and keep one's own entry
    MODERATE_QUESTIONS = "moderate_questions"  # approve, pin, mark answered, hide
    MOVE_AGENDA = "move_agenda"
    ANNOUNCE = "announce"
    RUN_BREAKOUT = "run_breakout"  # open, close, extend, set every room's phase
    VIEW_DASHBOARD = "view_dashboard"
    RUN_REPORT_BACK = "run_report_back"


_EVERYONE_JOINED = frozenset({Role.PARTICIPANT, Role.MODERATOR, Role.ORGANISER})
_MODERATORS = frozenset({Role.MODERATOR, Role.ORGANISER})
_ORGANISERS = frozenset({Role.ORGANISER})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_LOBBY: _EVERYONE_JOINED,
    Action.ENTER_ROOM: _EVERYONE_JOINED,
    Action.POST_CARD: _EVERYONE_JOINED,
    Action.EDIT_OWN_CARD: _EVERYONE_JOINED,
    Action.COMMENT: _EVERYONE_JOINED,
    Action.VOTE: _EVERYONE_JOINED,
    Action.MODERATE_ROOM: _MODERATORS,
    Action.MODERATE_CARDS: _MODERATORS,
    Action.CLUSTER_CARDS: _MODERATORS,
    Action.WRITE_RESULTS: _MODERATORS,
    Action.REMOVE_PARTICIPANT: _MODERATORS,
    # --- Organiser's console and breakout assignment ---
    Action.VIEW_CONSOLE: _ORGANISERS,
    Action.INVITE_MODERATOR: _ORGANISERS,
    Action.REVOKE_INVITE: _ORGANISERS,
    Action.ASSIGN_ROOMS: _ORGANISERS,
    # --- Exports and retention ---
    Action.EXPORT_RESULTS: _ORGANISERS,
    Action.MANAGE_REGISTRATIONS: _ORGANISERS,
    Action.PURGE_DATA: _ORGANISERS,
    Action.EXPORT_CONFERENCE: _ORGANISERS,
    Action.EDIT_CONFERENCE: _ORGANISERS,
    # --- The plenary and breakout orchestration ---
    # In the plenary, MODERATOR means a moderator of any room of the conference: they
    # moderate the panel's Q&A (docs/architecture.md, "The plenary").
    Action.ASK_QUESTION: _EVERYONE_JOINED,
    Action.VOTE_QUESTION: _EVERYONE_JOINED,
    Action.RANK_TOPICS: _EVERYONE_JOINED,
    Action.VIEW_DIRECTORY: _EVERYONE_JOINED,
    Action.MODERATE_QUESTIONS: _MODERATORS,
    Action.MOVE_AGENDA: _ORGANISERS,
    Action.ANNOUNCE: _ORGANISERS,
    Action.RUN_BREAKOUT: _ORGANISERS,
    Action.VIEW_DASHBOARD: _ORGANISERS,
    Action.RUN_REPORT_BACK: _ORGANISERS,
}


def is_allowed(role: Role, action: Action) -> bool:
    return role in PERMISSIONS[action]


def require(role: Role, action: Action) -> None:
    """Raise a DomainError a person understands when `role` may not do `action`."""
    if not is_allowed(role, action):
        code = "not_joined" if role is Role.STRANGER else "not_allowed"
        raise DomainError(code, action=action.value)
