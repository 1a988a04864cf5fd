"""People's wishes for the breakout rooms: each participant's topics, best first."""

import json
from datetime import UTC, datetime

from sqlmodel import Session, select

from .tables import TopicRanking


def rankings(session: Session, conference_id: int) -> dict[int, list[str]]:
    rows = session.exec(
        select(TopicRanking.participant_id, TopicRanking.ranking).where(
            TopicRanking.conference_id == conference_id
        )
    )
    return {pid: json.loads(ranking) for pid, ranking in rows}


def ranking_of(session: Session, conference_id: int, participant_id: int) -> list[str]:
    row = session.get(TopicRanking, (conference_id, participant_id))
    return json.loads(row.ranking) if row is not None else []


def save_ranking(session: Session, conference_id: int, participant_id: int, ranking: list) -> None:
    row = session.get(TopicRanking, (conference_id, participant_id))
    if row is None:
        row = TopicRanking(conference_id=conference_id, participant_id=participant_id, ranking="")
    row.ranking, row.at = json.dumps(ranking), datetime.now(UTC)
    session.add(row)
