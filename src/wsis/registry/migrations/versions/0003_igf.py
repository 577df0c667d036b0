"""The IGF ecosystem (outcome document paras 97-103).

* ``igf_forums``: national, regional, subregional and youth IGF initiatives, moderated like initiatives.
* ``igf_outputs``: IGF messages, best-practice-forum and policy-network reports, dynamic-coalition outputs.
* ``igf_uptakes``: which UN process, body or national policy used an output, with a link (moderated).

Revision ID: 0003_igf
Revises: 0002_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_igf"
down_revision = "0002_security"
branch_labels = None
depends_on = None


def _moderated() -> list[sa.Column]:
    return [sa.Column("moderation", sa.String(length=20), nullable=False),
            sa.Column("moderation_reason", sa.Text(), nullable=True),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.Column("deleted_at", sa.DateTime(), nullable=True)]


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "igf_forums",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("year_founded", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=False),
        *_moderated(),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_igf_forums_owner_id", "igf_forums", ["owner_id"])
    op.create_index("ix_igf_forum_moderation", "igf_forums", ["moderation", "deleted_at"])
    op.create_table(
        "igf_outputs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        *_moderated(),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_igf_outputs_owner_id", "igf_outputs", ["owner_id"])
    op.create_index("ix_igf_output_moderation", "igf_outputs", ["moderation", "deleted_at"])
    op.create_table(
        "igf_uptakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("output_id", sa.Integer(), sa.ForeignKey("igf_outputs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("used_by", sa.String(length=300), nullable=False),
        sa.Column("used_by_kind", sa.String(length=20), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("moderation", sa.String(length=20), nullable=False),
        sa.Column("moderation_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_igf_uptakes_output_id", "igf_uptakes", ["output_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("igf_uptakes")
    op.drop_table("igf_outputs")
    op.drop_table("igf_forums")
