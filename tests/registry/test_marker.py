"""The registry's change marker, which every request for a page listing registry entries reads: it moves with
every committed change, whoever commits it, on SQLite and PostgreSQL, and follows a restored file."""

from __future__ import annotations

import shutil
import sqlite3

from tests.registry.conftest import PASSWORD

from wsis.registry import auth
from wsis.registry.db import Registry
from wsis.registry.policy import SYSTEM


def test_marker_moves_with_every_commit(reg):
    before = reg.marker()
    assert before == reg.change_marker() >= 0
    assert reg.marker() == before  # nothing committed: the same marker, without a new query on SQLite
    auth.create_user(reg, SYSTEM, "marker@example.org", PASSWORD, "contributor", "Marker")
    after = reg.marker()
    assert after > before and after == reg.change_marker()
    # a commit through another handle on the same database (another worker process) is seen too
    other = Registry(reg.url, reg.settings)
    try:
        auth.create_user(other, SYSTEM, "other@example.org", PASSWORD, "contributor", "Other")
    finally:
        other.dispose()
    assert reg.marker() > after


def test_marker_before_the_schema_exists_and_after_a_restore(tmp_path):
    path = tmp_path / "registry.sqlite"
    reg = Registry(f"sqlite:///{path}")
    try:
        assert reg.marker() == -1  # the file exists (the engine made it) but has no tables
        reg.migrate()
        assert reg.marker() == 0
        auth.create_user(reg, SYSTEM, "a@example.org", PASSWORD, "contributor", "A")
        moved = reg.marker()
        assert moved > 0
        # a copy made now, then two more changes, then the copy put back by replacing the file
        copy = tmp_path / "copy.sqlite"
        src = sqlite3.connect(path)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        auth.create_user(reg, SYSTEM, "b@example.org", PASSWORD, "contributor", "B")
        assert reg.marker() > moved
        reg.engine.dispose()
        for suffix in ("-wal", "-shm"):
            (tmp_path / f"registry.sqlite{suffix}").unlink(missing_ok=True)
        shutil.copyfile(copy, tmp_path / "new.sqlite")
        (tmp_path / "new.sqlite").replace(path)
        assert reg.marker() == moved
    finally:
        reg.dispose()
