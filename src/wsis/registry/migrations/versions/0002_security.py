"""Security and workflow: published-contact opt-in, moderated progress reports, users' organisation.

* ``initiatives.contact_public``: the submitter chose to publish the contact e-mail (default no).
* ``progress_reports.moderation`` / ``moderation_reason``: reports are moderated like initiatives; the
  reports that were already public stay approved.
* ``users.organisation``: the organisation an account works for (four-eyes moderation).

Revision ID: 0002_security
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_security"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_public", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation", sa.String(length=20), nullable=False,
                                      server_default="approved"))
        batch_op.add_column(sa.Column("moderation_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation", sa.String(length=300), nullable=False, server_default=""))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("organisation")
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("moderation")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_column("contact_public")
