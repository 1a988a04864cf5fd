"""table opt ins

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 23:37:12.882564

Who wants to be drawn to a table in the networking rounds (a coffee break's breakout of
mode "tables"): only they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "table_opt_in",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
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
    with op.batch_alter_table("table_opt_in", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_table_opt_in_conference_id"), ["conference_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("table_opt_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_table_opt_in_conference_id"))

    op.drop_table("table_opt_in")
