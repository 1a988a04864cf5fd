"""directory entries

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:41:01.361672

The conference's directory ("Wer ist da?"): one row per participant who opted in, with
what they chose to show. A plain new table; downgrading drops it with its entries.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_entry",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("municipality", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("offer", sa.Text(), nullable=True),
        sa.Column("seek", sa.Text(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["conference.id"],
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("participant_id"),
    )
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_directory_entry_conference_id"), ["conference_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_entry_conference_id"))

    op.drop_table("directory_entry")
