"""Commitments that follow the money (A/RES/80/173 para 67): a progress report records what was disbursed.

* ``progress_reports.disbursed_amount`` / ``disbursed_currency`` / ``disbursed_on``: the amount paid out
  (ISO 4217 currency, date of payment) since the previous report; all three or none.

Revision ID: 0004_money
Revises: 0002_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_money"
down_revision = "0003_igf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disbursed_amount", sa.Numeric(20, 2), nullable=True))
        batch_op.add_column(sa.Column("disbursed_currency", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("disbursed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_column("disbursed_on")
        batch_op.drop_column("disbursed_currency")
        batch_op.drop_column("disbursed_amount")
