"""organiser sign-ins kept on the server

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 03:30:00

Each sign-in is a row the session cookie names, so signing out ends it for every copy of
the cookie. Ending sign-ins replaces the password version the cookie carried: a new
password ends them. Cookies made before carry no sign-in: their organisers sign in again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organiser_sign_in",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_organiser_sign_in_organiser_id"),
        "organiser_sign_in",
        ["organiser_id"],
        unique=False,
    )
    # Not batch mode: on SQLite that copies the table, which the participants' foreign
    # keys to it forbid; SQLite (3.35 and later) and PostgreSQL both drop a column in place.
    op.drop_column("organiser", "password_version")


def downgrade() -> None:
    op.add_column(
        "organiser",
        sa.Column("password_version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.drop_index(op.f("ix_organiser_sign_in_organiser_id"), table_name="organiser_sign_in")
    op.drop_table("organiser_sign_in")
