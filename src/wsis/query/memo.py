"""The per-release answer cache of the query layer: a release never changes, so answers are keyed by its id."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class LruMemo:
    """A bounded cache of the ``size`` most recently used answers, each built once: threads that ask for a
    key while another builds it wait for that build instead of repeating it."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.building: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple, build: Callable[[], Any]) -> Any:
        """The answer for ``key``, built by ``build()`` if it is not kept."""
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            building = self.building.setdefault(key, threading.Lock())
        with building:
            with self.lock:
                if key in self.items:
                    return self.items[key]
            try:
                val = build()
            except BaseException:
                with self.lock:
                    self.building.pop(key, None)
                raise
            with self.lock:
                self.items[key] = val
                self.building.pop(key, None)
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
        return val


MAX_ENTRIES = 4096
_MEMO = LruMemo(MAX_ENTRIES)


def memo(key: tuple, build: Callable[[], Any]) -> Any:
    """The cached answer for ``key`` (whose second item is the release id), built once: threads that ask for
    a key while another builds it wait for that build instead of repeating it. The 4,096 most recently used
    answers are kept."""
    return _MEMO.get(key, build)


def cached(key: tuple) -> Any | None:
    """An answer already in the cache, or None (never builds)."""
    with _MEMO.lock:
        return _MEMO.items.get(key)
