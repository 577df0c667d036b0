"""IGF entries in several languages, and searchable (outcome document paras 97-103).

* ``igf_forum_texts`` / ``igf_output_texts``: an IGF initiative's name (an output's title) and description,
  one row per language, as ``initiative_texts`` does for initiatives. Each existing entry's single name or
  title becomes its text in the entry's language, ``original_lang`` (new column, 'en' for existing rows).
  ``igf_forums.name`` and ``igf_outputs.title`` stay: the text in ``original_lang``, kept for sorting.
* ``search_docs`` also indexes IGF entries: ``initiative_id`` becomes nullable and ``igf_forum_id`` /
  ``igf_output_id`` are added (exactly one of the three is set). On SQLite the table is rebuilt (SQLite cannot
  drop NOT NULL in place) and its FTS5 index with it; on PostgreSQL the generated ``tsv`` column stays.
  Approved IGF entries are indexed here.

Downgrade copies each entry's ``original_lang`` text back into ``name``/``title`` and drops the rest.

Revision ID: 0005_igf_texts
Revises: 0004_money
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_igf_texts"
down_revision = "0004_money"
branch_labels = None
depends_on = None

_TRIGGERS = ("search_docs_ai", "search_docs_ad", "search_docs_au")


def _text_table(name: str, parent: str, key: str, label: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(key, sa.Integer(), sa.ForeignKey(f"{parent}.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column(label, sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(key, "lang", name=f"uq_{name[:-1]}_lang"))
    op.create_index(f"ix_{name}_{key}", name, [key])


def _sqlite_search_docs(with_igf: bool) -> None:
    """Rebuild search_docs (and its FTS5 table and triggers) with or without the IGF columns."""
    for trig in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trig}")
    op.execute("DROP TABLE IF EXISTS search_fts")
    if with_igf:
        cols = ("id INTEGER NOT NULL PRIMARY KEY, "
                "initiative_id INTEGER REFERENCES initiatives (id) ON DELETE CASCADE, "
                "igf_forum_id INTEGER REFERENCES igf_forums (id) ON DELETE CASCADE, "
                "igf_output_id INTEGER REFERENCES igf_outputs (id) ON DELETE CASCADE, "
                "lang VARCHAR(2) NOT NULL, body TEXT NOT NULL")
    else:
        op.execute("DELETE FROM search_docs WHERE initiative_id IS NULL")
        cols = ("id INTEGER NOT NULL PRIMARY KEY, "
                "initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE, "
                "lang VARCHAR(2) NOT NULL, body TEXT NOT NULL")
    op.execute(f"CREATE TABLE search_docs_new ({cols})")
    op.execute("INSERT INTO search_docs_new (id, initiative_id, lang, body) "
               "SELECT id, initiative_id, lang, body FROM search_docs")
    op.execute("DROP TABLE search_docs")
    op.execute("ALTER TABLE search_docs_new RENAME TO search_docs")
    op.create_index("ix_search_docs_initiative_id", "search_docs", ["initiative_id"])
    if with_igf:
        op.create_index("ix_search_docs_igf_forum_id", "search_docs", ["igf_forum_id"])
        op.create_index("ix_search_docs_igf_output_id", "search_docs", ["igf_output_id"])
    # the same external-content FTS5 table and triggers as revision 0001
    op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_docs', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    op.execute("CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN "
               "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END")
    op.execute("CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN "
               "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END")
    op.execute("CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN "
               "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); "
               "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END")
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def _index_existing() -> None:
    """Index the approved IGF entries that exist already (the same normalised text the services write)."""
    from wsis.registry.search import normalise

    conn = op.get_bind()
    for table, texts, key, label, col in (("igf_forums", "igf_forum_texts", "forum_id", "name", "igf_forum_id"),
                                          ("igf_outputs", "igf_output_texts", "output_id", "title",
                                           "igf_output_id")):
        rows = conn.execute(sa.text(
            f"SELECT t.{key}, t.lang, t.{label}, t.description FROM {texts} t JOIN {table} e ON e.id = t.{key} "
            "WHERE e.moderation = 'approved' AND e.deleted_at IS NULL")).all()
        for ident, lang, name, desc in rows:
            conn.execute(sa.text(f"INSERT INTO search_docs ({col}, lang, body) VALUES (:i, :l, :b)"),
                         {"i": ident, "l": lang, "b": normalise(f"{name} {desc}")})


def upgrade() -> None:
    """Apply this revision."""
    for table in ("igf_forums", "igf_outputs"):
        op.add_column(table, sa.Column("original_lang", sa.String(length=2), nullable=False, server_default="en"))
    _text_table("igf_forum_texts", "igf_forums", "forum_id", "name")
    _text_table("igf_output_texts", "igf_outputs", "output_id", "title")
    op.execute("INSERT INTO igf_forum_texts (forum_id, lang, name, description) "
               "SELECT id, original_lang, name, '' FROM igf_forums")
    op.execute("INSERT INTO igf_output_texts (output_id, lang, title, description) "
               "SELECT id, original_lang, title, '' FROM igf_outputs")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search_docs(with_igf=True)
    else:
        op.alter_column("search_docs", "initiative_id", existing_type=sa.Integer(), nullable=True)
        op.add_column("search_docs", sa.Column("igf_forum_id", sa.Integer(),
                                               sa.ForeignKey("igf_forums.id", ondelete="CASCADE"), nullable=True))
        op.add_column("search_docs", sa.Column("igf_output_id", sa.Integer(),
                                               sa.ForeignKey("igf_outputs.id", ondelete="CASCADE"), nullable=True))
        op.create_index("ix_search_docs_igf_forum_id", "search_docs", ["igf_forum_id"])
        op.create_index("ix_search_docs_igf_output_id", "search_docs", ["igf_output_id"])
    _index_existing()


def downgrade() -> None:
    """Undo this revision (each entry keeps its text in original_lang as its single name or title)."""
    op.execute("UPDATE igf_forums SET name = (SELECT t.name FROM igf_forum_texts t WHERE t.forum_id = "
               "igf_forums.id AND t.lang = igf_forums.original_lang) WHERE EXISTS (SELECT 1 FROM igf_forum_texts t "
               "WHERE t.forum_id = igf_forums.id AND t.lang = igf_forums.original_lang)")
    op.execute("UPDATE igf_outputs SET title = (SELECT t.title FROM igf_output_texts t WHERE t.output_id = "
               "igf_outputs.id AND t.lang = igf_outputs.original_lang) WHERE EXISTS (SELECT 1 FROM "
               "igf_output_texts t WHERE t.output_id = igf_outputs.id AND t.lang = igf_outputs.original_lang)")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search_docs(with_igf=False)
    else:
        op.execute("DELETE FROM search_docs WHERE initiative_id IS NULL")
        op.drop_index("ix_search_docs_igf_output_id", table_name="search_docs")
        op.drop_index("ix_search_docs_igf_forum_id", table_name="search_docs")
        op.drop_column("search_docs", "igf_output_id")
        op.drop_column("search_docs", "igf_forum_id")
        op.alter_column("search_docs", "initiative_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("igf_output_texts")
    op.drop_table("igf_forum_texts")
    for table in ("igf_outputs", "igf_forums"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN original_lang")
