"""Commitments in several languages, as initiatives and IGF entries.

* ``commitment_texts``: a commitment's title, description and target, one row per language.
* ``commitments.original_lang`` (new, 'en' for existing rows): the commitment's own language. Each existing
  commitment's single title/description/target becomes its text in that language. ``commitments.title``,
  ``description`` and ``target`` stay: the text in ``original_lang``, which the report and totals read.

Commitments are not in the full-text index (``search_docs``) and are not added to it here.
Downgrade copies each commitment's ``original_lang`` text back into its columns and drops the rest.

Revision ID: 0006_commitment_texts
Revises: 0005_igf_texts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_commitment_texts"
down_revision = "0005_igf_texts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("commitments", sa.Column("original_lang", sa.String(length=2), nullable=False,
                                           server_default="en"))
    op.create_table(
        "commitment_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), sa.ForeignKey("commitments.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("commitment_id", "lang", name="uq_commitment_text_lang"))
    op.create_index("ix_commitment_texts_commitment_id", "commitment_texts", ["commitment_id"])
    op.execute("INSERT INTO commitment_texts (commitment_id, lang, title, description, target) "
               "SELECT id, original_lang, title, COALESCE(description, ''), target FROM commitments")


def downgrade() -> None:
    """Undo this revision (each commitment keeps its text in original_lang in its own columns)."""
    for col in ("title", "description", "target"):
        op.execute(f"UPDATE commitments SET {col} = (SELECT t.{col} FROM commitment_texts t WHERE "
                   "t.commitment_id = commitments.id AND t.lang = commitments.original_lang) WHERE EXISTS "
                   "(SELECT 1 FROM commitment_texts t WHERE t.commitment_id = commitments.id AND "
                   "t.lang = commitments.original_lang)")
    op.drop_table("commitment_texts")
    op.execute("ALTER TABLE commitments DROP COLUMN original_lang")
