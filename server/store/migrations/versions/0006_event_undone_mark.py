"""a room event taken back is marked undone

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 21:40:00.000000

"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("undone", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Until now an "undone" event named the action it took back: mark those actions.
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT room_id, payload FROM event WHERE type = 'undone'")
    ).all()
    for room_id, payload in rows:
        connection.execute(
            sa.text("UPDATE event SET undone = :yes WHERE room_id = :room AND seq = :seq"),
            {"yes": True, "room": room_id, "seq": json.loads(payload)["undid"]},
        )


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("undone")
