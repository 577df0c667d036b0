"""Engine, sessions and migrations of the registry database (SQLite WAL by default, or PostgreSQL).

Writes go through :meth:`Registry.write`: on SQLite it opens ``BEGIN IMMEDIATE`` (the write lock is taken
up front, so two writers never deadlock on a lock upgrade), waits on ``busy_timeout`` and retries a
transaction that still hits a lock; callers never see "database is locked".
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from sqlalchemy.orm import Session, sessionmaker

from wsis.errors import WsisError
from wsis.settings import Settings, get_settings

T = TypeVar("T")
MIGRATIONS = Path(__file__).with_name("migrations")
_BATCH: contextvars.ContextVar[Session | None] = contextvars.ContextVar("registry_batch", default=None)
_LOCK_WORDS = ("database is locked", "database table is locked", "could not serialize", "deadlock detected")


_FULL_WORDS = ("too many clients", "remaining connection slots")  # PostgreSQL at max_connections
_READ_ONLY_WORDS = ("readonly database", "read-only", "unable to open database file", "permission denied",
                   "disk i/o error")
PRIVATE = 0o600


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist; narrow an existing one to 0600.

    SQLite gives its -wal and -shm files the mode of the database file, so they are 0600 too.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
        os.close(fd)
    except FileExistsError:
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            with contextlib.suppress(OSError):  # not ours, or a read-only home: leave it
                if p.exists() and p.stat().st_mode & 0o077:
                    p.chmod(PRIVATE)


def storage_error(exc: BaseException) -> WsisError | None:
    """A 503 ``WsisError`` when ``exc`` says the database cannot be written (read-only home) or has no
    connection to spare (pool wait timed out, PostgreSQL at ``max_connections``), else None."""
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, OperationalError | DBAPIError | OSError) and any(w in text for w in _READ_ONLY_WORDS):
        return WsisError("read-only", "the registry cannot be written: its storage is read-only or missing",
                         status=503, hint="check that WSIS_HOME is writable by the server")
    if isinstance(exc, SATimeoutError) or (isinstance(exc, OperationalError | DBAPIError)
                                           and any(w in text for w in _FULL_WORDS)):
        return WsisError("busy", "the registry is busy, please retry", status=503, extra={"retry_after": 5},
                         hint="lower WSIS_REGISTRY_POOL_SIZE or the number of workers, or raise the "
                         "database's max_connections")
    return None


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        with contextlib.suppress(OSError):  # a read-only home: reads may still work; writes answer 503
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            private_file(Path(path))
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                           pool_size=20, max_overflow=40, pool_timeout=60)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def make_engine(url: str, pool_size: int = 10) -> Engine:
    """Create an engine for ``url`` with the pragmas/pool settings the registry needs.

    A PostgreSQL pool is bounded at ``pool_size`` with no overflow: a request waits for a free connection
    (up to 60 s) rather than opening more, so ``--workers N`` never asks the server for more than
    ``N x pool_size`` connections (PostgreSQL refuses clients past ``max_connections``, 100 by default).
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_size=pool_size, max_overflow=0, pool_pre_ping=True, pool_timeout=60)


def is_lock_error(exc: BaseException) -> bool:
    """True when ``exc`` is a transient lock/serialization failure worth retrying."""
    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError | DBAPIError) and any(w in text for w in _LOCK_WORDS)


class Registry:
    """A handle on one registry database: engine, read and write sessions, migrations."""

    def __init__(self, url: str, settings: Settings | None = None) -> None:
        self.url = url
        self.settings = settings or get_settings()
        self.engine = make_engine(url, self.settings.registry_pool_size)
        self.dialect = self.engine.dialect.name
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        self._write = sessionmaker(write_engine, expire_on_commit=False)
        self._watch: sqlite3.Connection | None = None  # marker(): a raw read connection of its own
        self._watch_seen: tuple[int | None, int] = (None, -1)  # (data_version, marker) last seen
        self._watch_lock = threading.Lock()
        self._watch_inode = 0

    vocabulary_source = None  # a callable giving the reference Vocabulary; None: read the data dir

    def use_vocabulary(self, source) -> None:
        """Take the reference vocabularies from ``source()`` (e.g. the current release's frameworks)."""
        self.vocabulary_source = source

    def initialised(self) -> bool:
        """Whether ``wsis registry init`` has created the schema (pages then list entries; before, none)."""
        if not getattr(self, "_initialised", False):
            from sqlalchemy import inspect

            self._initialised = inspect(self.engine).has_table("initiatives")
        return self._initialised

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite backend."""
        return self.dialect == "sqlite"

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (closed, never committed, at the end; loaded objects stay readable)."""
        with self._read() as session:
            yield session

    def write(self, fn: Callable[[Session], T], attempts: int = 8) -> T:
        """Run ``fn(session)`` in one write transaction, committing at the end; retry on lock errors.

        Inside :meth:`batch`, ``fn`` joins the batch's transaction instead.
        """
        batch = _BATCH.get()
        if batch is not None:
            result = fn(batch)
            batch.flush()
            return result
        for attempt in range(attempts):
            session = self._write()
            try:
                result = fn(session)
                session.commit()
                return result
            except (OperationalError, DBAPIError) as exc:
                session.rollback()
                if not is_lock_error(exc) or attempt == attempts - 1:
                    if is_lock_error(exc):
                        raise WsisError("busy", "the registry is busy, please retry", status=503) from exc
                    if storage_error(exc) is not None:
                        raise storage_error(exc) from exc
                    raise
                time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def batch(self) -> Iterator[Session]:
        """Make every :meth:`write` in this block one transaction: all of it is committed, or none."""
        session = self._write()
        token = _BATCH.set(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            _BATCH.reset(token)
            session.close()

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def change_marker(self) -> int:
        """Id of the newest audit-trail entry: changes whenever any registry entry changes (0 when empty)."""
        from sqlalchemy import func, select

        from wsis.registry.models import Version

        with self.read() as s:
            return int(s.execute(select(func.max(Version.id))).scalar() or 0)

    def marker(self) -> int:
        """The change marker as pages use it on every request: -1 before the schema exists, else
        :meth:`change_marker`. Cheap: a file database is asked ``PRAGMA data_version`` (which moves whenever
        another connection commits) and queried again only when it moved; other databases get one plain
        query."""
        path = make_url(self.url).database if self.is_sqlite else None
        if not path or path == ":memory:" or path.startswith("file:"):
            return self.change_marker() if self.initialised() else -1
        with self._watch_lock:
            try:
                inode = os.stat(path).st_ino  # a restore may have replaced the file: then read the new one
                if self._watch is None or inode != self._watch_inode:
                    if self._watch is not None:
                        self._watch.close()
                    self._watch = sqlite3.connect(path, timeout=5, check_same_thread=False, isolation_level=None)
                    self._watch_inode, self._watch_seen = inode, (None, -1)
                version = self._watch.execute("PRAGMA data_version").fetchone()[0]
                if version != self._watch_seen[0]:
                    has = self._watch.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                              "name = 'versions'").fetchone()
                    marker = int(self._watch.execute("SELECT max(id) FROM versions").fetchone()[0] or 0) \
                        if has else -1
                    self._watch_seen = (version, marker)
                return self._watch_seen[1]
            except (sqlite3.Error, OSError):  # e.g. a locked or missing file: ask again next time
                self._watch_seen = (None, -1)
                return self.change_marker() if self.initialised() else -1

    def dispose(self) -> None:
        """Close every pooled connection (and the marker's own connection)."""
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch, self._watch_seen = None, (None, -1)
        self.engine.dispose()


@lru_cache(maxsize=8)
def _registry_for(url: str) -> Registry:
    return Registry(url)


def get_registry(settings: Settings | None = None) -> Registry:
    """The process-wide registry for ``settings`` (cached per database URL)."""
    settings = settings or get_settings()
    url = settings.registry_db_url
    reg = _registry_for(url)
    reg.settings = settings
    return reg
