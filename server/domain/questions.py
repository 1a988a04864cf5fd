"""Q&A for the panel: questions, one withdrawable vote each, and the moderation of both.

A question is `visible`, `pending` (waits for approval when pre-moderation is on) or
`hidden`. The list shows visible questions by votes (most first; equal votes in the order
asked); the pinned question is the one being discussed; answered ones go to the end.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .errors import DomainError
from .permissions import Action, Role, is_allowed, require
from .text import clean_text

MAX_LENGTH = 300
# What one conference's Q&A can hold, however long the day (rate limits slow a flood,
# these end it); far above what a panel's audience asks. Hidden and answered questions
# count: they stay stored.
MAX_QUESTIONS_PER_PERSON = 50
MAX_QUESTIONS_PER_CONFERENCE = 1000


class Status(StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"
    HIDDEN = "hidden"


@dataclass(frozen=True)
class Question:
    id: int
    author_id: int
    status: Status
    answered: bool = False
    votes: int = 0


def ask(role: Role, text: str, pre_moderation: bool) -> tuple[str, Status]:
    """A participant's question; with pre-moderation it waits (a moderator's does not)."""
    require(role, Action.ASK_QUESTION)
    cleaned = clean_text(text, multiline=True)
    if not cleaned:
        raise DomainError("question_empty")
    if len(cleaned) > MAX_LENGTH:
        raise DomainError("question_too_long", max=MAX_LENGTH, length=len(cleaned))
    waits = pre_moderation and not is_allowed(role, Action.MODERATE_QUESTIONS)
    return cleaned, Status.PENDING if waits else Status.VISIBLE


def require_room_for_question(asked: int, mine: int) -> None:
    """A new question fits in the conference's Q&A and within its author's share."""
    if mine >= MAX_QUESTIONS_PER_PERSON:
        raise DomainError("questions_per_person", max=MAX_QUESTIONS_PER_PERSON)
    if asked >= MAX_QUESTIONS_PER_CONFERENCE:
        raise DomainError("questions_per_conference", max=MAX_QUESTIONS_PER_CONFERENCE)


def vote(role: Role, question: Question | None, already: bool) -> None:
    """One vote per person and question, on visible questions not yet answered."""
    require(role, Action.VOTE_QUESTION)
    _votable(question)
    if already:
        raise DomainError("question_voted")


def withdraw(role: Role, question: Question | None, already: bool) -> None:
    require(role, Action.VOTE_QUESTION)
    _votable(question)
    if not already:
        raise DomainError("question_not_voted")


def _votable(question: Question | None) -> None:
    if question is None or question.status is not Status.VISIBLE:
        raise DomainError("unknown_question")
    if question.answered:
        raise DomainError("question_answered")


MODERATION = ("approve", "hide", "unhide", "pin", "unpin", "answer", "reopen")


@dataclass(frozen=True)
class Moderated:
    """What a moderation step changes: the status, answered, and the pinned question."""

    status: Status
    answered: bool
    pinned: int | None


def moderate(role: Role, question: Question | None, action: str, pinned: int | None) -> Moderated:
    require(role, Action.MODERATE_QUESTIONS)
    if question is None:
        raise DomainError("unknown_question")
    if action not in MODERATION:
        raise DomainError("bad_command")
    status, answered = question.status, question.answered
    unpinned = None if pinned == question.id else pinned
    if action == "approve":
        _expect(status is Status.PENDING, "question_not_pending")
        return Moderated(Status.VISIBLE, answered, pinned)
    if action == "hide":
        _expect(status is not Status.HIDDEN, "question_hidden")
        return Moderated(Status.HIDDEN, answered, unpinned)
    if action == "unhide":
        _expect(status is Status.HIDDEN, "question_not_hidden")
        return Moderated(Status.VISIBLE, answered, pinned)
    if action == "pin":
        _expect(status is Status.VISIBLE and not answered, "question_not_pinnable")
        _expect(pinned != question.id, "question_pinned")
        return Moderated(status, answered, question.id)
    if action == "unpin":
        _expect(pinned == question.id, "question_not_pinned")
        return Moderated(status, answered, None)
    if action == "answer":
        _expect(not answered, "question_answered")
        return Moderated(status, True, unpinned)
    _expect(answered, "question_not_answered")  # reopen
    return Moderated(status, False, pinned)


def _expect(condition: bool, code: str) -> None:
    if not condition:
        raise DomainError(code)


def ordered(questions: Sequence[Question]) -> list[Question]:
    """Open questions by votes (ties: the earlier first), then answered ones."""
    return sorted(questions, key=lambda q: (q.answered, -q.votes, q.id))
