"""registration before the event

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:24:28.777190

Registration before the event: who registered (their personal link's secret only as a
hash), their places in the workshops they ranked, and per conference the file's
registration settings, the organiser's word on whether it is open, and when seats were allocated.
Plain `add_column` on the conference: SQLite can add these without rebuilding the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("municipality", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("accessibility", sa.Text(), nullable=True),
        sa.Column("registered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["conference.id"],
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_conference_id"), ["conference_id"], unique=False
        )

    op.create_table(
        "registration_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("standing", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("registration_id", "agenda_item_id"),
    )
    with op.batch_alter_table("registration_place", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_place_agenda_item_id"), ["agenda_item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registration_place_registration_id"), ["registration_id"], unique=False
        )

    op.add_column("conference", sa.Column("registration", sa.Text(), nullable=True))
    op.add_column("conference", sa.Column("registration_open", sa.Boolean(), nullable=True))
    allocated = sa.Column("seats_allocated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    op.add_column("conference", allocated)


def downgrade() -> None:
    for column in ("seats_allocated_at", "registration_open", "registration"):
        op.drop_column("conference", column)

    with op.batch_alter_table("registration_place", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_place_registration_id"))
        batch_op.drop_index(batch_op.f("ix_registration_place_agenda_item_id"))

    op.drop_table("registration_place")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_conference_id"))

    op.drop_table("registration")
