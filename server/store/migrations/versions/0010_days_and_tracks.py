"""days and tracks: a conference's last day, each agenda item's day, track and room

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 20:00:00

A conference may span several days, and items of different tracks may run at the same
time, each in a room of its own. Every new column is empty for what exists: one day, no
tracks, items held in the plenary.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN on both databases: a batch would copy `conference`,
    # which SQLite refuses while other tables point at it.
    op.add_column("conference", sa.Column("end_date", sa.Date(), nullable=True))
    op.add_column("agenda_item", sa.Column("day", sa.Date(), nullable=True))
    text = sqlmodel.sql.sqltypes.AutoString()
    op.add_column("agenda_item", sa.Column("track", text, nullable=True))
    op.add_column("agenda_item", sa.Column("room", text, nullable=True))


def downgrade() -> None:
    for column in ("room", "track", "day"):
        op.drop_column("agenda_item", column)
    op.drop_column("conference", "end_date")
