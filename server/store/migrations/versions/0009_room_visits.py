"""room visits kept apart from the room's log

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 05:30:00

Entering and leaving a room no longer appends to the room's log (presence travels outside
the seq). Who ever entered a room, which the exports list, is kept in `room_visit`;
the arrivals already logged fill it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room_visit",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("first_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"]),
        sa.PrimaryKeyConstraint("room_id", "participant_id"),
    )
    op.execute(
        "INSERT INTO room_visit (room_id, participant_id, first_at) "
        "SELECT room_id, actor_id, MIN(at) FROM event "
        "WHERE type = 'member_joined' AND actor_id IS NOT NULL GROUP BY room_id, actor_id"
    )


def downgrade() -> None:
    op.drop_table("room_visit")
