"""Mirror archives: deterministic, checksummed, safe to unpack, readable by a build as a data dir."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest
import zstandard

from wsis.errors import WsisError
from wsis.settings import Settings
from wsis.sources.mirror import MANIFEST, open_data_dir, pack, unpack

SHARED = Settings().data_dir


def checksums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def small_mirror(root: Path) -> Path:
    folder = root / "m"
    (folder / "wdi").mkdir(parents=True)
    (folder / "wdi" / "a.csv").write_text("Country Code,2020\nKEN,1\n")
    (folder / "itu_datahub").mkdir()
    (folder / "itu_datahub" / "b.csv.gz").write_bytes(bytes(range(256)) * 10)
    (folder / "fetch_provenance.json").write_text("{}\n")
    (folder / ".fetch" / "cache").mkdir(parents=True)
    (folder / ".fetch" / "cache" / "x.body").write_text("machine-local")
    return folder


def evil_archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    path.write_bytes(zstandard.ZstdCompressor().compress(buf.getvalue()))
    return path


def member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, link: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.linkname = link
    return info, data


def manifest_for(files: dict[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(files.items())).encode()


def test_shared_data_round_trip_keeps_every_checksum(tmp_path):
    res = pack(SHARED, tmp_path / "shared.tar.zst")
    out = unpack(res.archive, tmp_path / "elsewhere" / "data")
    assert checksums(out.folder) == checksums(SHARED)
    assert res.files == out.files == len(checksums(SHARED))
    assert res.packed_bytes < res.raw_bytes
    print(f"packed {res.files} files, {res.raw_bytes:,} -> {res.packed_bytes:,} bytes")


def test_same_folder_packs_to_same_bytes(tmp_path):
    folder = small_mirror(tmp_path)
    a = pack(folder, tmp_path / "a.tar.zst")
    (folder / "wdi" / "a.csv").touch()  # a new mtime must not change the archive
    b = pack(folder, tmp_path / "b.tar.zst")
    assert a.sha256 == b.sha256


def test_archive_layout_manifest_first_and_fetch_state_left_out(tmp_path):
    folder = small_mirror(tmp_path)
    res = pack(folder, tmp_path / "m.tar.zst")
    with open(res.archive, "rb") as fh, zstandard.ZstdDecompressor().stream_reader(fh) as zr, \
            tarfile.open(fileobj=zr, mode="r|") as tar:
        infos = [(m.name, m.mtime, m.uid, m.gid, m.uname, m.mode) for m in tar]
    names = [i[0] for i in infos]
    assert names == [MANIFEST, "fetch_provenance.json", "itu_datahub/b.csv.gz", "wdi/a.csv"]
    assert {i[1:] for i in infos} == {(0, 0, 0, "", 0o644)}
    out = unpack(res.archive, tmp_path / "copy")
    assert checksums(out.folder) == {k: v for k, v in checksums(folder).items() if not k.startswith(".fetch/")}


@pytest.mark.parametrize("name", ["/etc/passwd", "../escape.csv", "wdi/../../escape.csv", "C:/x.csv"])
def test_unpack_refuses_path_traversal(tmp_path, name):
    arc = evil_archive(tmp_path / "evil.tar.zst", [member(MANIFEST, b""), member(name, b"x")])
    with pytest.raises(WsisError) as err:
        unpack(arc, tmp_path / "out")
    assert err.value.code == "mirror-unsafe"
    assert not (tmp_path / "out").exists() and not (tmp_path / "escape.csv").exists()


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_unpack_refuses_links(tmp_path, kind):
    arc = evil_archive(tmp_path / "link.tar.zst", [member(MANIFEST, b""), member("wdi/a.csv", kind=kind,
                                                                               link="/etc/passwd")])
    with pytest.raises(WsisError, match="link or special file"):
        unpack(arc, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unpack_detects_a_changed_file(tmp_path):
    good = {"wdi/a.csv": b"KEN,1\n"}
    arc = evil_archive(tmp_path / "bad.tar.zst", [member(MANIFEST, manifest_for(good)),
                                                  member("wdi/a.csv", b"KEN,2\n")])
    with pytest.raises(WsisError) as err:
        unpack(arc, tmp_path / "out")
    assert err.value.code == "mirror-checksum" and "wdi/a.csv" in err.value.message
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".unpack")]


def test_unpack_detects_missing_and_extra_files(tmp_path):
    files = {"a.csv": b"1", "b.csv": b"2"}
    missing = evil_archive(tmp_path / "missing.tar.zst", [member(MANIFEST, manifest_for(files)), member("a.csv", b"1")])
    with pytest.raises(WsisError, match="missing"):
        unpack(missing, tmp_path / "o1")
    extra = evil_archive(tmp_path / "extra.tar.zst", [member(MANIFEST, manifest_for({"a.csv": b"1"})),
                                                      member("a.csv", b"1"), member("z.csv", b"9")])
    with pytest.raises(WsisError, match="not in the manifest"):
        unpack(extra, tmp_path / "o2")
    nomanifest = evil_archive(tmp_path / "nom.tar.zst", [member("a.csv", b"1")])
    with pytest.raises(WsisError, match="MANIFEST.sha256 first"):
        unpack(nomanifest, tmp_path / "o3")


def test_truncated_archive_is_refused(tmp_path):
    res = pack(small_mirror(tmp_path), tmp_path / "m.tar.zst")
    cut = tmp_path / "cut.tar.zst"
    cut.write_bytes(res.archive.read_bytes()[: res.packed_bytes // 2])
    with pytest.raises(WsisError) as err:
        unpack(cut, tmp_path / "out")
    assert err.value.code in ("mirror-corrupt", "mirror-checksum")
    assert not (tmp_path / "out").exists()


def test_pack_refuses_symlinks_and_bad_targets(tmp_path):
    folder = small_mirror(tmp_path)
    (folder / "wdi" / "link.csv").symlink_to(folder / "wdi" / "a.csv")
    with pytest.raises(WsisError, match="not a regular file"):
        pack(folder, tmp_path / "m.tar.zst")
    (folder / "wdi" / "link.csv").unlink()
    with pytest.raises(WsisError, match=".tar.zst"):
        pack(folder, tmp_path / "m.zip")
    with pytest.raises(WsisError, match="inside the folder"):
        pack(folder, folder / "self.tar.zst")
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_unpack_refuses_a_non_empty_target(tmp_path):
    res = pack(small_mirror(tmp_path), tmp_path / "m.tar.zst")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with pytest.raises(WsisError, match="not empty"):
        unpack(res.archive, tmp_path / "busy")
    (tmp_path / "empty").mkdir()
    assert unpack(res.archive, tmp_path / "empty").files == 3


def test_open_data_dir_reads_folders_and_archives(tmp_path):
    folder = small_mirror(tmp_path)
    with open_data_dir(folder) as d:
        assert d == folder
    res = pack(folder, tmp_path / "m.tar.zst")
    with open_data_dir(res.archive) as d:
        assert (d / "wdi" / "a.csv").read_text().startswith("Country Code")
        extracted = d
    assert not extracted.exists()  # the temporary copy is cleaned up
    with pytest.raises(WsisError, match="no data folder"), open_data_dir(tmp_path / "nothing.txt"):
        pass


def test_cli_pack_and_unpack(tmp_path, monkeypatch, capsys):
    from test_fetch_sources import _cli

    folder = small_mirror(tmp_path)
    code, out, err = _cli(["mirror", "pack", str(folder), str(tmp_path / "m.tar.zst")], monkeypatch, capsys)
    assert code == 0 and "packed 3 files" in out, err
    code, out, err = _cli(["mirror", "unpack", str(tmp_path / "m.tar.zst"), str(tmp_path / "u")], monkeypatch, capsys)
    assert code == 0 and "verified 3 files" in out
    code, out, err = _cli(["mirror", "unpack", str(tmp_path / "m.tar.zst"), str(tmp_path / "u")], monkeypatch, capsys)
    assert code == 2 and err.startswith("wsis: error:") and "not empty" in err
