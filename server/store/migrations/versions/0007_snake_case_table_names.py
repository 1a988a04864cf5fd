"""snake_case table names

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 21:30:00

Every table is named like `board_column`: words joined by underscores. Its indexes follow
(SQLModel names them after the table); on PostgreSQL its constraints and id sequence too,
so the names a future migration meets are those a fresh database would have.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {
    "appsecret": "app_secret",
    "agendaitem": "agenda_item",
    "roommoderator": "room_moderator",
    "moderatorinvite": "moderator_invite",
    "moderatorgrant": "moderator_grant",
    "roomremoval": "room_removal",
}
# The indexed column of each table that has an index (SQLModel's `ix_<table>_<column>`).
INDEXED = {
    "agendaitem": "conference_id",
    "roommoderator": "room_id",
    "moderatorinvite": "room_id",
}


def upgrade() -> None:
    for old, new in RENAMED.items():
        _rename(old, new)


def downgrade() -> None:
    for old, new in RENAMED.items():
        _rename(new, old)


def _rename(old: str, new: str) -> None:
    op.rename_table(old, new)
    if op.get_bind().dialect.name == "postgresql":
        _rename_postgresql_names(old, new)
        return
    # SQLite rewrites the foreign keys that point at the table, but keeps index names.
    column = INDEXED.get(old) or INDEXED.get(new)
    if column is not None:
        op.drop_index(f"ix_{old}_{column}", table_name=new)
        op.create_index(f"ix_{new}_{column}", new, [column], unique=False)


def _rename_postgresql_names(old: str, new: str) -> None:
    bind = op.get_bind()
    constraints = bind.execute(
        sa.text("SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(:table)"),
        {"table": new},
    ).scalars()
    for name in list(constraints):
        if name.startswith(f"{old}_"):
            renamed = new + name.removeprefix(old)
            op.execute(f'ALTER TABLE "{new}" RENAME CONSTRAINT "{name}" TO "{renamed}"')
    indexes = bind.execute(
        sa.text(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = :table"
        ),
        {"table": new},
    ).scalars()
    for name in list(indexes):
        if name.startswith(f"ix_{old}_"):
            renamed = f"ix_{new}_" + name.removeprefix(f"ix_{old}_")
            op.execute(f'ALTER INDEX "{name}" RENAME TO "{renamed}"')
    sequence = bind.execute(
        sa.text(
            "SELECT pg_get_serial_sequence(:table, 'id') FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :table "
            "AND column_name = 'id'"
        ),
        {"table": new},
    ).scalar()
    if sequence is not None:
        op.execute(f'ALTER SEQUENCE {sequence} RENAME TO "{new}_id_seq"')
