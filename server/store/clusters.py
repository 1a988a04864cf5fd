"""Named groups of cards within a column."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from ..domain.clusters import ClusterFacts
from .records import ClusterRecord
from .tables import CardCluster


def facts(session: Session, room_id: int, cluster_id: int) -> ClusterFacts | None:
    cluster = session.get(CardCluster, cluster_id)
    if cluster is None or cluster.room_id != room_id or cluster.removed:
        return None
    return ClusterFacts(id=cluster.id, column_id=cluster.column_id, name=cluster.name)


def create(session: Session, room_id: int, column_id: int, name: str) -> int:
    cluster = CardCluster(
        room_id=room_id, column_id=column_id, name=name, created_at=datetime.now(UTC)
    )
    session.add(cluster)
    session.flush()
    return cluster.id


def change(session: Session, cluster_id: int, **values) -> None:
    session.execute(update(CardCluster).where(CardCluster.id == cluster_id).values(**values))


def _record(cluster: CardCluster) -> ClusterRecord:
    return ClusterRecord(id=cluster.id, column_id=cluster.column_id, name=cluster.name)


def clusters_of(session: Session, room_id: int) -> list[ClusterRecord]:
    rows = session.exec(
        select(CardCluster)
        .where(CardCluster.room_id == room_id, ~CardCluster.removed)
        .order_by(CardCluster.id)
    )
    return [_record(cluster) for cluster in rows]


def clusters_by_id(session: Session, cluster_ids: Iterable[int]) -> list[ClusterRecord]:
    ids = list(cluster_ids)
    if not ids:
        return []
    rows = session.exec(
        select(CardCluster)
        .where(CardCluster.id.in_(ids), ~CardCluster.removed)
        .order_by(CardCluster.id)
    )
    return [_record(cluster) for cluster in rows]
