"""The baked-answer store of a release: ready-made HTTP answers (identity body and a gzip copy) that the
background baker (``wsis.web.bake``) rendered through the real app after publishing.

One SQLite file per release, ``{home}/cache/{release_id}/baked.sqlite`` (WAL), keyed exactly like the
response cache of ``WsisMiddleware`` without the release id: language, path, query string, representation
and registry marker ('' for pages that show no registry entries). A page that lists registry entries keeps
the marker it was baked under: when the registry has changed since, the server renders the page's registry
part again and splices it in (``wsis.web.pages.registry_part``), so the page is never served stale. The baker writes in batched transactions, so a reader never sees half a row; a file
that SQLite cannot read is ignored with one logged warning.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from wsis.settings import Settings

log = logging.getLogger("wsis.web.baked")

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (lang TEXT NOT NULL, path TEXT NOT NULL, qs BLOB NOT NULL, rep TEXT NOT NULL,
  marker TEXT NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL, gz BLOB,
  PRIMARY KEY (lang, path, qs, rep, marker));
CREATE TABLE IF NOT EXISTS plan (seq INTEGER PRIMARY KEY, url TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
"""
RECHECK_SECONDS = 2.0  # a missing store file is looked for again after this long


def store_path(settings: Settings, release_id: str) -> Path:
    """Where the baked answers of a release live."""
    return Path(settings.home) / "cache" / release_id / "baked.sqlite"


def row_key(key: tuple) -> tuple[str, str, bytes, str, str]:
    """A ``WsisMiddleware`` cache key (release id first) as the store's primary key (release id dropped)."""
    _rid, lang, path, qs, rep, marker = key
    return lang, path, bytes(qs), rep, "" if marker is None else str(marker)


def encode_headers(headers: list[tuple[bytes, bytes]]) -> str:
    """Response headers as JSON text (header bytes are latin-1 by HTTP's rules)."""
    return json.dumps([[k.decode("latin-1"), v.decode("latin-1")] for k, v in headers])


def decode_headers(text: str) -> list[tuple[bytes, bytes]]:
    """The inverse of ``encode_headers``."""
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(text)]


def connect_rw(path: Path) -> sqlite3.Connection:
    """A writable connection (the baker's), creating the file and tables if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript(SCHEMA)
    return con


class BakeWriter:
    """Write side, the baker's only: the plan, the answers and the progress marks of one release's store."""

    def __init__(self, path: Path):
        self.con = connect_rw(path)

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def meta(self) -> dict[str, str]:
        """The store's key-value notes (release, planned, complete, marker, seconds...)."""
        return dict(self.con.execute("SELECT k, v FROM meta").fetchall())

    def prepare(self, plan: Callable[[], list[str]], rid: str, marker: str) -> None:
        """Store the plan on the store's first run (one transaction), and note the registry marker. Pages
        baked under an older marker stay: the server splices their registry part anew."""
        meta = self.meta()
        self.con.execute("BEGIN IMMEDIATE")
        if "planned" not in meta:
            urls = plan()
            self.con.executemany("INSERT INTO plan (seq, url) VALUES (?, ?)", list(enumerate(urls)))
            self._set([("release", rid), ("planned", str(len(urls))), ("complete", "0")])
        self._set([("marker", marker)])
        self.con.execute("COMMIT")

    def pending(self) -> list[tuple[int, str]]:
        """The (seq, url) of the plan not baked yet, in plan order."""
        return self.con.execute("SELECT seq, url FROM plan WHERE done = 0 ORDER BY seq").fetchall()

    def commit(self, rows: list[tuple], seqs: list[int]) -> None:
        """Store a batch of answers and mark its URLs done, all or nothing."""
        self.con.execute("BEGIN IMMEDIATE")
        self.con.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.con.executemany("UPDATE plan SET done = 1 WHERE seq = ?", [(s,) for s in seqs])
        self.con.execute("COMMIT")

    def finish(self, seconds: float) -> None:
        """Record the baking time so far, and completion when nothing is left."""
        left = self.con.execute("SELECT count(*) FROM plan WHERE done = 0").fetchone()[0]
        total = float(self.meta().get("seconds_so_far", 0)) + seconds
        self._set([("seconds_so_far", f"{total:.1f}")] + ([("complete", "1"), ("seconds", f"{total:.1f}")]
                                                          if left == 0 else []))

    def _set(self, pairs: list[tuple[str, str]]) -> None:
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", pairs)


def stored(entry: tuple) -> tuple:
    """status, headers, body, gz of an answer as the store keeps them: a body with a gzip copy is kept as
    that copy only (the store is then about a seventh of the size, so it stays in the page cache)."""
    status, headers, body, gz = entry
    return status, encode_headers(headers), b"" if gz is not None else body, gz


def prefetch(settings: Settings, release_id: str | None) -> int:
    """Read a release's store once, sequentially, so that first requests find it in the page cache instead
    of waiting on random disk reads, and open the process's connection to it; returns the bytes read."""
    if not release_id:
        return 0
    store_for(settings).get((release_id, "", "", b"", "", None))
    n = 0
    try:
        with open(store_path(settings, release_id), "rb", buffering=0) as f:
            while chunk := f.read(1 << 20):
                n += len(chunk)
    except OSError:
        return n
    return n


def progress(settings: Settings, release_id: str | None) -> dict:
    """How far the bake of a release is: planned and baked URL counts, and whether it is complete."""
    out = {"release": release_id, "planned": 0, "baked": 0, "answers": 0, "complete": False}
    if not release_id:
        return out
    path = store_path(settings, release_id)
    if not path.exists():
        return out
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            meta = dict(con.execute("SELECT k, v FROM meta").fetchall())
            out["planned"] = int(meta.get("planned", 0))
            out["baked"] = con.execute("SELECT count(*) FROM plan WHERE done = 1").fetchone()[0]
            out["answers"] = con.execute("SELECT count(*) FROM answers").fetchone()[0]
            out["complete"] = meta.get("complete") == "1"
            if "seconds" in meta:
                out["seconds"] = float(meta["seconds"])
        finally:
            con.close()
    except sqlite3.Error as e:
        out["error"] = str(e)
    return out


_STORES: dict[Path, BakedStore] = {}
_STORES_LOCK = threading.Lock()


def store_for(settings: Settings) -> BakedStore:
    """The process's read side for a home (shared, so the start-up warming opens what requests then use)."""
    home = Path(settings.home).resolve()
    with _STORES_LOCK:
        if home not in _STORES:
            _STORES[home] = BakedStore(settings)
        return _STORES[home]


class BakedStore:
    """Read side: point lookups by key over one read-only connection per release (SQLite serialises its
    use across threads). Missing files are looked for again every few seconds; unreadable ones are skipped
    until the file changes."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.cons: dict[str, sqlite3.Connection] = {}
        self.lock = threading.Lock()
        self.missing: dict[str, float] = {}   # release id -> when the file was last found missing
        self.bad: dict[str, float] = {}       # release id -> mtime of a file that could not be read

    def _con(self, rid: str) -> sqlite3.Connection | None:
        con = self.cons.get(rid)
        if con is not None:
            return con
        with self.lock:
            return self._open(rid)

    def _open(self, rid: str) -> sqlite3.Connection | None:
        cons = self.cons
        if rid in cons:
            return cons[rid]
        now = time.monotonic()
        if now - self.missing.get(rid, -1e9) < RECHECK_SECONDS:
            return None
        path = store_path(self.settings, rid)
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            self.missing[rid] = now
            return None
        if self.bad.get(rid) == mtime:
            return None
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=1)
            con.execute("SELECT 1 FROM answers LIMIT 1").fetchall()
        except sqlite3.Error as e:
            self._bad(rid, path, mtime, e)
            return None
        cons[rid] = con
        return con

    def _bad(self, rid: str, path: Path, mtime: float, err: Exception) -> None:
        self.bad[rid] = mtime
        log.warning("baked-answer store %s is unreadable (%s): answering live", path, err)

    def get(self, key: tuple) -> tuple[tuple[int, list, bytes | None, bytes | None], str] | None:
        """The baked answer (status, headers, body, gzip copy) for a cache key and the registry marker it was
        baked under (the caller decides what a different marker means), or None."""
        rid = key[0]
        con = self._con(rid)
        if con is None:
            return None
        try:
            row = con.execute("SELECT status, headers, body, gz, marker FROM answers WHERE lang = ? AND path = ? "
                              "AND qs = ? AND rep = ? LIMIT 1", row_key(key)[:4]).fetchone()
        except sqlite3.Error as e:
            self.cons.pop(rid, None)
            path = store_path(self.settings, rid)
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                mtime = 0.0
            self._bad(rid, path, mtime, e)
            return None
        if row is None:
            return None
        status, headers, body, gz, marker = row
        if gz is None:
            return (status, decode_headers(headers), bytes(body), None), marker
        return (status, decode_headers(headers), None, bytes(gz)), marker  # only the gzip copy is stored
