"""Family analysis (issue 16): ``family_members`` links a sequenced relative's patient to the proband's test
request, with the relative's pseudonymous sample ID.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("test_request_id", sa.Integer(), sa.ForeignKey("test_requests.id"), nullable=False),
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("relation", sa.String(32), nullable=False),
        sa.Column("sample_id", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("test_request_id", "patient_id", name="uq_family_member"),
    )
    op.create_index("ix_family_members_test_request_id", "family_members", ["test_request_id"])
    op.create_index("ix_family_members_patient_id", "family_members", ["patient_id"])


def downgrade() -> None:
    op.drop_index("ix_family_members_patient_id", table_name="family_members")
    op.drop_index("ix_family_members_test_request_id", table_name="family_members")
    op.drop_table("family_members")
