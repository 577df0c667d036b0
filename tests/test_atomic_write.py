"""The one atomic writer: whole files only, the mode a user expects, nothing left behind on failure."""

from __future__ import annotations

import os

import pytest

from wsis.files import atomic_write


def test_atomic_write_gives_0644_under_the_usual_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a" / "out.txt", "héllo")
        atomic_write(tmp_path / "b.bin", lambda p: p.write_bytes(b"\x00\x01"))
    finally:
        os.umask(old)
    assert (tmp_path / "a" / "out.txt").read_text(encoding="utf-8") == "héllo"
    assert (tmp_path / "a" / "out.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01" and (tmp_path / "b.bin").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write(target, b"old")

    def boom(p):
        p.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]
