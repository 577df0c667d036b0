"""The per-release answer cache of the query layer: a release never changes, so answers are keyed by its id."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_CACHE: dict[tuple, Any] = {}
_LOCK = threading.Lock()
MAX_ENTRIES = 4096


def memo(key: tuple, build: Callable[[], Any]) -> Any:
    """The cached answer for ``key`` (whose second item is the release id), built once."""
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    val = build()
    with _LOCK:
        if len(_CACHE) > MAX_ENTRIES:
            _CACHE.clear()
        _CACHE[key] = val
    return val


def cached(key: tuple) -> Any | None:
    """An answer already in the cache, or None (never builds)."""
    with _LOCK:
        return _CACHE.get(key)
