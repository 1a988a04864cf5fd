"""The plenary's questions and their votes."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from ..domain.questions import Question as QuestionFacts
from ..domain.questions import Status, ordered
from .plenary_records import QuestionRecord
from .tables import Participant, Question, QuestionVote


def add(session: Session, conference_id: int, author_id: int, text: str, status: Status) -> int:
    row = Question(
        conference_id=conference_id,
        author_id=author_id,
        text=text,
        created_at=datetime.now(UTC),
        status=status.value,
    )
    session.add(row)
    session.flush()
    return row.id


def asked(session: Session, conference_id: int, author_id: int) -> tuple[int, int]:
    """How many questions the conference holds, and how many of them the author asked."""
    counts = select(func.count(), func.count().filter(Question.author_id == author_id))
    return tuple(session.exec(counts.where(Question.conference_id == conference_id)).one())


def facts(session: Session, conference_id: int, question_id: int) -> QuestionFacts | None:
    row = session.get(Question, question_id)
    if row is None or row.conference_id != conference_id:
        return None
    return QuestionFacts(row.id, row.author_id, Status(row.status), row.answered)


def change(session: Session, question_id: int, **values) -> None:
    session.execute(update(Question).where(Question.id == question_id).values(**values))


def has_voted(session: Session, question_id: int, participant_id: int) -> bool:
    return session.get(QuestionVote, (question_id, participant_id)) is not None


def vote(session: Session, question_id: int, participant_id: int) -> None:
    session.add(
        QuestionVote(question_id=question_id, participant_id=participant_id, at=datetime.now(UTC))
    )


def withdraw(session: Session, question_id: int, participant_id: int) -> None:
    session.execute(
        delete(QuestionVote).where(
            QuestionVote.question_id == question_id, QuestionVote.participant_id == participant_id
        )
    )


def all_of(session: Session, conference_id: int) -> list[QuestionRecord]:
    """Every question (every status), open ones by votes, then answered ones."""
    counts = (
        select(QuestionVote.question_id, func.count().label("votes"))
        .group_by(QuestionVote.question_id)
        .subquery()
    )
    rows = session.exec(
        select(Question, Participant.display_name, func.coalesce(counts.c.votes, 0))
        .join(Participant, Participant.id == Question.author_id)
        .outerjoin(counts, counts.c.question_id == Question.id)
        .where(Question.conference_id == conference_id)
    )
    records = {
        q.id: QuestionRecord(
            q.id, q.author_id, name, q.text, q.status, q.answered, votes, q.created_at
        )
        for q, name, votes in rows
    }
    facts = [
        QuestionFacts(r.id, r.author_id, Status(r.status), r.answered, r.votes)
        for r in records.values()
    ]
    return [records[q.id] for q in ordered(facts)]


def voted_by(session: Session, conference_id: int, ids: Iterable[int]) -> dict[int, set[int]]:
    wanted = list(ids)
    result: dict[int, set[int]] = {pid: set() for pid in wanted}
    if not wanted:
        return result
    rows = session.exec(
        select(QuestionVote.participant_id, QuestionVote.question_id)
        .join(Question, Question.id == QuestionVote.question_id)
        .where(Question.conference_id == conference_id, QuestionVote.participant_id.in_(wanted))
    )
    for pid, qid in rows:
        result[pid].add(qid)
    return result
