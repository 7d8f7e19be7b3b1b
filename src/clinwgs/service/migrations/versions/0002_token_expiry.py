"""API tokens expire and can be revoked: ``expires_at`` (required) and ``revoked_at``.

Tokens issued before this revision get 90 days from the upgrade, so a running lab keeps working while it
rotates them (docs/operations.md, "Service tokens").

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
GRACE = timedelta(days=90)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", TZ, nullable=True))
        batch.add_column(sa.Column("revoked_at", TZ, nullable=True))
    tokens = sa.table("api_tokens", sa.column("expires_at", TZ))
    op.execute(tokens.update().values(expires_at=datetime.now(UTC) + GRACE))
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=TZ, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
