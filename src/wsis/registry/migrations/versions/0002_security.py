"""Security and workflow: published-contact opt-in, moderated progress reports, users' organisation.

* ``initiatives.contact_public``: the submitter chose to publish the contact e-mail (default no).
* ``progress_reports.moderation`` / ``moderation_reason``: reports are moderated like initiatives; the
  reports that were already public stay approved.
* ``users.organisation``: the organisation an account works for (four-eyes moderation).
* Titles and names were stored HTML-escaped (``&lt;5G&gt;``) and shown escaped twice; they are stored as
  typed from now on, so the escapes already stored are undone.

Revision ID: 0002_security
Revises: 0001
"""

from __future__ import annotations

import html

import sqlalchemy as sa
from alembic import op

revision = "0002_security"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        # a constant default: SQLite adds the column in place (a table rebuild would cascade-delete the texts)
        batch_op.add_column(sa.Column("contact_public", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation", sa.String(length=20), nullable=False,
                                      server_default="approved"))
        batch_op.add_column(sa.Column("moderation_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation", sa.String(length=300), nullable=False, server_default=""))
    _unescape_texts()


# (table, column): plain-text fields that went through the old escaping sanitiser
_PLAIN = (("initiative_texts", "title"), ("commitments", "title"), ("commitments", "target"),
          ("initiatives", "contact_name"), ("initiatives", "contact_email"))


def _unescape_texts() -> None:
    conn = op.get_bind()
    for table, column in _PLAIN:
        t = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.Text))
        rows = conn.execute(sa.select(t.c.id, t.c[column]).where(t.c[column].like("%&%"))).all()
        for ident, value in rows:
            if value and html.unescape(value) != value:
                conn.execute(sa.update(t).where(t.c.id == ident).values({column: html.unescape(value)}))
    # organisation names are unique per country: undo the escapes only where no other row takes the name
    orgs = sa.table("organisations", sa.column("id", sa.Integer), sa.column("name", sa.Text),
                    sa.column("country", sa.Text))
    for ident, name, country in conn.execute(sa.select(orgs.c.id, orgs.c.name, orgs.c.country)
                                             .where(orgs.c.name.like("%&%"))).all():
        plain = html.unescape(name)
        taken = conn.execute(sa.select(orgs.c.id).where(orgs.c.name == plain, orgs.c.country == country)).first()
        if plain != name and taken is None:
            conn.execute(sa.update(orgs).where(orgs.c.id == ident).values(name=plain))


def downgrade() -> None:
    """Revert this revision (the escapes are not put back).

    Plain ``DROP COLUMN`` (SQLite >= 3.35, PostgreSQL): a batch rebuild would drop and re-create the
    tables, which cascade-deletes the initiatives' texts and fails on the users' foreign keys.
    """
    for table, column in (("users", "organisation"), ("progress_reports", "moderation_reason"),
                          ("progress_reports", "moderation"), ("initiatives", "contact_public")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
