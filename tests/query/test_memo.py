"""The query layer's caches build each answer once, however many threads ask for it at the same time."""

from __future__ import annotations

import threading
import time

import pytest

from wsis.query.memo import LruMemo, memo


def _race(get, n: int = 8) -> tuple[list, list]:
    """Call ``get(build)`` from ``n`` threads at once with a slow build; return the results and the builds."""
    builds: list[int] = []
    out: list = []
    go = threading.Barrier(n)

    def build():
        builds.append(1)
        time.sleep(0.2)  # long enough for every thread to arrive while the first one builds
        return object()

    def run():
        go.wait()
        out.append(get(build))
    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, builds


def test_memo_builds_a_key_once_for_concurrent_callers():
    key = ("test-memo", "release-x", object())
    out, builds = _race(lambda build: memo(key, build))
    assert len(builds) == 1 and len({id(o) for o in out}) == 1


def test_lru_memo_builds_once_keeps_the_most_recent_and_retries_after_a_failure():
    lru = LruMemo(2)
    out, builds = _race(lambda build: lru.get(("k",), build))
    assert len(builds) == 1 and len({id(o) for o in out}) == 1
    lru.get(("a",), lambda: 1)
    lru.get(("k",), lambda: pytest.fail("kept"))  # used again: now the most recent
    lru.get(("b",), lambda: 2)  # "a" goes
    assert list(lru.items) == [("k",), ("b",)]

    def fail():
        raise ValueError("no")
    with pytest.raises(ValueError):
        lru.get(("c",), fail)
    assert lru.get(("c",), lambda: 3) == 3 and not lru.building
