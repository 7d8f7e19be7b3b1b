"""Signed reports: ``presented_forms`` holds the PDF the service renders at authorisation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presented_forms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_row_id", sa.Integer(), sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("report_row_id", "kind", name="uq_presented_form_kind"),
    )
    op.create_index("ix_presented_forms_report_row_id", "presented_forms", ["report_row_id"])


def downgrade() -> None:
    op.drop_index("ix_presented_forms_report_row_id", table_name="presented_forms")
    op.drop_table("presented_forms")
