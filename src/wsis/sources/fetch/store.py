"""On-disk state of a fetched mirror: atomic writes, the response cache, the resume journal, provenance.

Layout inside a mirror folder::

    fetch_provenance.json         one record per fetched file (kept, packed with the mirror)
    .fetch/journal.json           pages fetched by unfinished jobs (resume without refetching)
    .fetch/cache/<key>.body|.json last good body of every URL with its ETag/Last-Modified
    .fetch/lock                   held while a fetch runs

``.fetch/`` is machine-local working state: deleting it is always safe, and ``wsis mirror pack`` leaves it out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wsis.errors import WsisError
from wsis.files import atomic_write  # noqa: F401 - re-exported

STATE_DIR = ".fetch"
PROVENANCE_FILE = "fetch_provenance.json"
PROVENANCE_FORMAT = "wsis-fetch-provenance/1"
JOURNAL_MAX_AGE = 24 * 3600  # an unfinished job older than this is started again, not resumed


def utcnow() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _write_json(path: Path, obj: Any) -> None:
    atomic_write(path, (json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode())


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WsisError("fetch-state-corrupt", f"cannot read fetch state: {exc}", file=str(path),
                        expected="a JSON file written by wsis fetch",
                        hint="delete the file (it is safe to) and run the fetch again") from exc


@dataclass
class CachedBody:
    """A body kept from an earlier response, with its validators."""

    url: str
    body: bytes
    sha256: str
    etag: str | None
    last_modified: str | None
    content_type: str
    retrieved_at: str


class ResponseCache:
    """Last good body of each URL, so a ``304 Not Modified`` or a resumed page needs no new download."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _key(self, url: str) -> str:
        return hashlib.sha256(url.encode()).hexdigest()[:40]

    def get(self, url: str) -> CachedBody | None:
        """The cached body of ``url`` if present and intact, else None."""
        key = self._key(url)
        meta = _read_json(self.root / f"{key}.json", None) if (self.root / f"{key}.json").exists() else None
        if not meta or meta.get("url") != url:
            return None
        try:
            body = (self.root / f"{key}.body").read_bytes()
        except FileNotFoundError:
            return None
        if sha256_bytes(body) != meta.get("sha256"):
            return None
        return CachedBody(url, body, meta["sha256"], meta.get("etag"), meta.get("last_modified"),
                          meta.get("content_type", ""), meta.get("retrieved_at", ""))

    def put(self, entry: CachedBody) -> None:
        """Store a body (body first, then the metadata that vouches for it)."""
        key = self._key(entry.url)
        atomic_write(self.root / f"{key}.body", entry.body)
        _write_json(self.root / f"{key}.json", {
            "url": entry.url, "sha256": entry.sha256, "etag": entry.etag, "last_modified": entry.last_modified,
            "content_type": entry.content_type, "retrieved_at": entry.retrieved_at})


class Journal:
    """Which pages each unfinished job already has (by URL and sha256), saved after every page."""

    def __init__(self, path: Path) -> None:
        self.path = path
        data = _read_json(path, {"jobs": {}})
        now = time.time()
        self.jobs: dict[str, dict[str, Any]] = {
            k: v for k, v in data.get("jobs", {}).items() if now - v.get("started", 0) < JOURNAL_MAX_AGE}

    def page(self, job: str, url: str) -> str | None:
        """The sha256 recorded for ``url`` in ``job``, if that page was already fetched."""
        return self.jobs.get(job, {}).get("pages", {}).get(url)

    def record(self, job: str, url: str, sha256: str) -> None:
        """Remember that ``url`` was fetched for ``job``."""
        entry = self.jobs.setdefault(job, {"started": time.time(), "pages": {}})
        entry["pages"][url] = sha256
        self._save()

    def has(self, job: str) -> bool:
        """True if ``job`` has unfinished pages."""
        return bool(self.jobs.get(job, {}).get("pages"))

    def reset(self, job: str) -> None:
        """Forget ``job`` (it finished, or its pages must be fetched again)."""
        if self.jobs.pop(job, None) is not None:
            self._save()

    def _save(self) -> None:
        _write_json(self.path, {"jobs": self.jobs})


class Provenance:
    """``fetch_provenance.json``: one record per fetched file, keyed by its path in the mirror."""

    def __init__(self, mirror: Path) -> None:
        self.path = mirror / PROVENANCE_FILE
        data = _read_json(self.path, {"format": PROVENANCE_FORMAT, "files": {}})
        self.files: dict[str, dict[str, Any]] = data.get("files", {})

    def get(self, rel: str) -> dict[str, Any] | None:
        """The record of one file, or None."""
        return self.files.get(rel)

    def put(self, rel: str, record: dict[str, Any]) -> None:
        """Add or replace the record of one file and save atomically."""
        self.files[rel] = record
        _write_json(self.path, {"format": PROVENANCE_FORMAT, "files": self.files})


@contextlib.contextmanager
def mirror_lock(mirror: Path) -> Iterator[None]:
    """Hold ``.fetch/lock`` so two fetches never write one mirror at once (a dead holder's lock is taken)."""
    lock = mirror / STATE_DIR / "lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and _alive(pid):
                raise WsisError("fetch-locked", f"another fetch (pid {pid}) is writing this mirror",
                                file=str(mirror), hint="wait for it to finish") from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()
    else:  # pragma: no cover - only if the lock is re-created between unlink and open
        raise WsisError("fetch-locked", "could not take the mirror lock", file=str(lock))
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
