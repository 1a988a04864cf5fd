"""the digest of the conference file last loaded

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:00:00

A server start loads only the sessions_config files that changed since they were last
loaded, so what organisers changed in the console outlives a restart. Conferences loaded
before have no digest: the next start loads their files once more, as every start did.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    column = sa.Column("file_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
    op.add_column("conference", column)


def downgrade() -> None:
    op.drop_column("conference", "file_sha256")
