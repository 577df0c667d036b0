"""Consistent copies of a live registry.

* SQLite: the SQLite online backup API copies the file page by page inside one read transaction, while
  the server keeps writing (WAL). Restore copies a backup file back the same way.
* Any backend (and always for PostgreSQL): a logical JSON dump of every table, read in one
  ``REPEATABLE READ`` transaction (one snapshot), restored table by table in one transaction.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Numeric, delete, insert, select, text

from wsis.errors import WsisError
from wsis.registry import commitments, igf, search
from wsis.registry.db import MIGRATIONS, Registry, private_file
from wsis.registry.models import TABLES, Initiative
from wsis.registry.policy import Actor, require

SQLITE_MAGIC = b"SQLite format 3\x00"
FORMAT = "wsis-registry-dump/1"
# tables added after the first revision (0003_igf, 0005_igf_texts, 0006_commitment_texts): an older backup
# may lack them
ADDED_LATER = {"igf_forums", "igf_outputs", "igf_uptakes", "igf_forum_texts", "igf_output_texts",
               "commitment_texts"}


def _sqlite_path(reg: Registry) -> str:
    return reg.engine.url.database or ""


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _encode(v: Any) -> Any:
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    return v


def backup(reg: Registry, actor: Actor, out: Path) -> dict[str, Any]:
    """Write a consistent copy to ``out``: a SQLite file for ``*.sqlite``/``*.db`` on SQLite, else JSON(.gz)."""
    require(actor, "data.backup")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(out)
    try:
        private_file(tmp)  # the copy holds password hashes: 0600 from the start
        if reg.is_sqlite and out.suffix in (".sqlite", ".db", ".sqlite3"):
            src = sqlite3.connect(_sqlite_path(reg), timeout=30)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            kind = "sqlite"
        else:
            dump = dump_tables(reg)
            raw = json.dumps(dump, ensure_ascii=False, default=_encode).encode()
            tmp.write_bytes(gzip.compress(raw) if out.suffix == ".gz" else raw)
            kind = "json"
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return {"path": str(out), "kind": kind, "bytes": out.stat().st_size}


def dump_tables(reg: Registry) -> dict[str, Any]:
    """Every row of every table, read from one snapshot."""
    with reg.engine.connect() as conn:
        if reg.dialect == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            tables = {m.__tablename__: [dict(r._mapping) for r in conn.execute(select(m.__table__))]
                      for m in TABLES}
    return {"format": FORMAT, "created": dt.datetime.now(dt.UTC).isoformat(), "revision": head_revision(),
            "tables": tables}


def head_revision() -> str:
    """The newest Alembic revision of this code."""
    return _script().get_current_head() or ""


def _script():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def _known_revision(rev: str | None, src: Path) -> None:
    known = {r.revision for r in _script().walk_revisions()}
    if rev not in known:
        raise WsisError("bad-backup", f"not a registry backup: schema revision {str(rev)[:40]!r} is unknown",
                        file=str(src), expected="a backup written by 'wsis registry backup'",
                        hint="nothing was changed")


def check_sqlite_schema(src: Path) -> str:
    """Refuse a SQLite file that is not a registry: its Alembic revision and every table must be known.

    Returns the backup's revision. Nothing is written.
    """
    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise WsisError("bad-backup", "backup file fails the SQLite integrity check", file=str(src))
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()[0] \
            if "alembic_version" in names else None
        _known_revision(rev, src)
        missing = [m.__tablename__ for m in TABLES if m.__tablename__ not in names]
        if rev != head_revision():  # an older revision: the migration after restore adds the later tables
            missing = [t for t in missing if t not in ADDED_LATER]
        if missing:
            raise WsisError("bad-backup", f"not a registry backup: table {missing[0]!r} is missing", file=str(src),
                            expected="a backup written by 'wsis registry backup'", hint="nothing was changed")
        for model in (m for m in TABLES if m.__tablename__ in names):
            cols = {r[1] for r in con.execute(f'PRAGMA table_info("{model.__tablename__}")')}
            # an older revision may lack the newer columns (they are added by the migration after restore)
            if "id" in model.__table__.c and "id" not in cols:
                raise WsisError("bad-backup", f"not a registry backup: table {model.__tablename__!r} has no id",
                                file=str(src), hint="nothing was changed")
        return rev
    except sqlite3.DatabaseError as exc:
        raise WsisError("bad-backup", f"not a registry backup: {exc}", file=str(src)) from exc
    finally:
        con.close()


def _decode_rows(model, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cols = {c.name: c for c in model.__table__.columns}
    out = []
    for row in rows:
        item = {}
        for k, v in row.items():
            if k not in cols:
                raise WsisError("bad-backup", f"unknown column {k!r}", column=k, status=422)
            t = cols[k].type
            if v is not None and isinstance(t, DateTime):
                v = dt.datetime.fromisoformat(v)
            elif v is not None and isinstance(t, Date):
                v = dt.date.fromisoformat(v)
            elif v is not None and isinstance(t, Numeric):
                v = decimal.Decimal(v)
            item[k] = v
        out.append(item)
    return out


def restore(reg: Registry, actor: Actor, src: Path) -> dict[str, Any]:
    """Replace the registry's content with a backup (SQLite file or JSON dump), all or nothing."""
    require(actor, "data.backup")
    src = Path(src)
    if not src.is_file():
        raise WsisError("not-found", "backup file not found", file=str(src), status=404)
    head = src.read_bytes()[:16]
    if head == SQLITE_MAGIC:
        if not reg.is_sqlite:
            raise WsisError("bad-backup", "a SQLite backup restores into a SQLite registry only", file=str(src),
                            hint="use a JSON backup to move between SQLite and PostgreSQL")
        check_sqlite_schema(src)
        source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(reg), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        reg.dispose()
        reg.migrate()  # a backup of an older revision is brought up to date
        return {"restored": str(src), "kind": "sqlite"}
    raw = src.read_bytes()
    try:
        doc = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except (ValueError, OSError) as exc:
        raise WsisError("bad-backup", f"not a registry backup: {exc}", file=str(src),
                        expected="a SQLite file or a JSON dump written by 'wsis registry backup'") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise WsisError("bad-backup", "not a registry backup", file=str(src), expected=FORMAT)
    if "revision" in doc:
        _known_revision(doc["revision"], src)
    tables = doc.get("tables")
    unknown = [t for t in (tables or {}) if t not in {m.__tablename__ for m in TABLES}]
    if not isinstance(tables, dict) or unknown or "users" not in tables:
        raise WsisError("bad-backup", f"not a registry backup: unknown table {(unknown or ['?'])[0]!r}"
                        if unknown else "not a registry backup: no users table", file=str(src), expected=FORMAT,
                        hint="nothing was changed")

    def txn(s) -> dict[str, int]:
        for model in reversed(TABLES):
            s.execute(delete(model.__table__))
        counts = {}
        for model in TABLES:
            rows = _decode_rows(model, tables.get(model.__tablename__, []))
            if rows:
                s.execute(insert(model.__table__), rows)
            counts[model.__tablename__] = len(rows)
        if reg.dialect == "postgresql":
            for model in TABLES:
                table = model.__tablename__
                if "id" in model.__table__.c and model.__table__.c.id.type.python_type is int:
                    s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"))
        else:
            s.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        for ini in s.scalars(select(Initiative)):
            search.index_initiative(s, ini)
        igf.after_restore(s)
        commitments.after_restore(s)
        return counts

    return {"restored": str(src), "kind": "json", "rows": reg.write(txn)}
