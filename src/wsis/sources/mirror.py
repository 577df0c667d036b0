"""Portable mirrors: pack a data folder into one checksummed ``.tar.zst``, unpack it safely elsewhere.

The archive is a POSIX tar compressed with zstandard. Its first member is ``MANIFEST.sha256`` (the
``sha256sum`` format: ``<hex>  <path>`` per file, sorted), so a copy can be checked even by hand with
``zstd -dc A.tar.zst | tar -xO MANIFEST.sha256``. Packing is deterministic: entries sorted, mtime 0,
uid/gid 0, no user names, fixed modes, so the same folder always packs to the same bytes.
Unpacking refuses absolute paths, ``..``, links and devices, verifies every checksum, and only then
moves the folder into place. ``open_data_dir`` lets a build read a folder or an archive alike.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import zstandard

from wsis.errors import WsisError
from wsis.files import atomic_write
from wsis.sources.base import sha256_file

MANIFEST = "MANIFEST.sha256"
EXCLUDE_DIRS = {".fetch"}  # machine-local fetch state (journal, cache, lock)
ZSTD_LEVEL = 10
ARCHIVE_SUFFIX = ".tar.zst"


@dataclass
class PackResult:
    """A written archive: path, number of files, bytes before and after compression, its sha256."""

    archive: Path
    files: int
    raw_bytes: int
    packed_bytes: int
    sha256: str


@dataclass
class UnpackResult:
    """An unpacked and verified mirror folder."""

    folder: Path
    files: int
    raw_bytes: int


def _files(folder: Path) -> list[tuple[str, Path]]:
    out: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        rel_dir = base.relative_to(folder)
        for d in list(dirnames):
            p = base / d
            if p.is_symlink():
                raise WsisError("mirror-link", "the folder contains a symbolic link", file=str(p),
                                expected="plain files and folders only", hint="replace the link with a copy")
            if rel_dir == Path(".") and d in EXCLUDE_DIRS:
                dirnames.remove(d)
        for f in filenames:
            p = base / f
            st = os.lstat(p)
            if not stat.S_ISREG(st.st_mode):
                raise WsisError("mirror-link", "not a regular file (link, socket or device)", file=str(p),
                                expected="plain files only", hint="replace links with copies")
            rel = (rel_dir / f).as_posix()
            if rel == MANIFEST:
                continue  # a manifest inside the folder is regenerated, never trusted
            if "\n" in rel or "\\" in rel:
                raise WsisError("mirror-bad-name", "file name with a newline or backslash", file=str(p),
                                expected="portable file names")
            out.append((rel, p))
    out.sort(key=lambda t: t[0])
    return out


def _info(name: str, size: int) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.size = size
    ti.mtime = 0
    ti.mode = 0o644
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    ti.type = tarfile.REGTYPE
    return ti


def pack(folder: Path | str, archive: Path | str) -> PackResult:
    """Pack ``folder`` into ``archive`` (.tar.zst) with a sha256 manifest; the archive appears atomically."""
    folder, archive = Path(folder), Path(archive)
    if not folder.is_dir():
        raise WsisError("mirror-not-found", "no such folder", file=str(folder), expected="a mirror folder")
    if not archive.name.endswith(ARCHIVE_SUFFIX):
        raise WsisError("mirror-bad-name", "the archive name must end in .tar.zst", file=str(archive),
                        expected="OUT.tar.zst")
    try:
        archive.resolve().relative_to(folder.resolve())
        raise WsisError("mirror-inside", "the archive would be written inside the folder it packs",
                        file=str(archive), expected="a path outside the folder")
    except ValueError:
        pass
    files = _files(folder)
    if not files:
        raise WsisError("mirror-empty", "nothing to pack", file=str(folder), expected="at least one file")
    sums = [(rel, p, sha256_file(p)) for rel, p in files]
    manifest = "".join(f"{h}  {rel}\n" for rel, _, h in sums).encode()
    raw = 0

    def write(tmp: Path) -> None:
        nonlocal raw
        with open(tmp, "wb") as fh:
            cctx = zstandard.ZstdCompressor(level=ZSTD_LEVEL, threads=0)
            with cctx.stream_writer(fh, closefd=False) as zw, \
                    tarfile.open(fileobj=zw, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                tar.addfile(_info(MANIFEST, len(manifest)), io.BytesIO(manifest))
                for rel, p, _ in sums:
                    size = p.stat().st_size
                    raw += size
                    with open(p, "rb") as src:
                        tar.addfile(_info(rel, size), src)

    atomic_write(archive, write)
    return PackResult(archive, len(sums), raw, archive.stat().st_size, sha256_file(archive))


def _safe_name(name: str, archive: Path) -> str:
    p = PurePosixPath(name)
    if (name.startswith("/") or "\\" in name or not name or p.is_absolute()
            or any(part in ("..", "") for part in name.split("/")) or (len(name) > 1 and name[1] == ":")):
        raise WsisError("mirror-unsafe", f"archive member {name!r} would be written outside the target folder",
                        file=str(archive), expected="relative paths without '..'")
    return p.as_posix()


def _read_manifest(data: bytes, archive: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for n, line in enumerate(data.decode("utf-8").splitlines(), 1):
        h, sep, rel = line.partition("  ")
        if not sep or len(h) != 64 or any(c not in "0123456789abcdef" for c in h) or not rel:
            raise WsisError("mirror-bad-manifest", "malformed manifest line", file=f"{archive}:{MANIFEST}",
                            row=n, expected="'<sha256 hex>  <path>'")
        out[_safe_name(rel, archive)] = h
    return out


def unpack(archive: Path | str, folder: Path | str) -> UnpackResult:
    """Verify and extract ``archive`` into ``folder`` (which must not exist, or be empty).

    Everything is extracted into a temporary sibling folder and checked against the manifest first;
    only a complete, verified copy is moved into place.
    """
    archive, folder = Path(archive), Path(folder)
    if not archive.is_file():
        raise WsisError("mirror-not-found", "no such archive", file=str(archive), expected="a .tar.zst file")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise WsisError("mirror-target-exists", "the target folder exists and is not empty", file=str(folder),
                        expected="a new or empty folder", hint="choose another folder or empty this one")
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".unpack", dir=folder.parent))
    try:
        count, raw = _extract(archive, tmp)
        if folder.exists():
            folder.rmdir()
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return UnpackResult(folder, count, raw)


def _extract(archive: Path, dest: Path) -> tuple[int, int]:
    manifest: dict[str, str] | None = None
    seen: set[str] = set()
    raw = 0
    try:
        with open(archive, "rb") as fh, zstandard.ZstdDecompressor().stream_reader(fh) as zr, \
                tarfile.open(fileobj=zr, mode="r|") as tar:
            for member in tar:
                name = _safe_name(member.name, archive)
                if member.isdir():
                    continue
                if not member.isreg():
                    raise WsisError("mirror-unsafe", f"archive member {name!r} is a link or special file",
                                    file=str(archive), expected="regular files only")
                src = tar.extractfile(member)
                assert src is not None
                if manifest is None:
                    if name != MANIFEST:
                        raise WsisError("mirror-bad-manifest", f"the first member is {name!r}", file=str(archive),
                                        expected=f"{MANIFEST} first")
                    manifest = _read_manifest(src.read(), archive)
                    continue
                if name not in manifest:
                    raise WsisError("mirror-bad-manifest", f"{name!r} is in the archive but not in the manifest",
                                    file=str(archive), expected="every file listed in MANIFEST.sha256")
                if name in seen:
                    raise WsisError("mirror-bad-manifest", f"{name!r} appears twice", file=str(archive),
                                    expected="each file once")
                seen.add(name)
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                h = hashlib.sha256()
                with open(target, "wb") as out:
                    for block in iter(lambda s=src: s.read(1 << 20), b""):
                        h.update(block)
                        out.write(block)
                        raw += len(block)
                if h.hexdigest() != manifest[name]:
                    raise WsisError("mirror-checksum", f"checksum mismatch for {name}", file=str(archive),
                                    expected=f"sha256 {manifest[name]}", hint="the archive is damaged; copy it again")
    except (tarfile.TarError, zstandard.ZstdError, EOFError) as exc:
        raise WsisError("mirror-corrupt", f"cannot read the archive: {exc}", file=str(archive),
                        expected="a .tar.zst written by wsis mirror pack",
                        hint="the copy may be incomplete; copy it again") from exc
    if manifest is None:
        raise WsisError("mirror-bad-manifest", "the archive has no manifest", file=str(archive),
                        expected=f"{MANIFEST} as first member")
    missing = sorted(set(manifest) - seen)
    if missing:
        raise WsisError("mirror-checksum", f"{len(missing)} file(s) of the manifest are missing, e.g. {missing[0]}",
                        file=str(archive), expected="every file in MANIFEST.sha256",
                        hint="the archive is truncated; copy it again")
    return len(seen), raw


@contextlib.contextmanager
def open_data_dir(path: Path | str) -> Iterator[Path]:
    """Yield a readable data folder: ``path`` itself, or a verified temporary extraction of a .tar.zst."""
    path = Path(path)
    if path.is_dir():
        yield path
        return
    if path.is_file() and path.name.endswith(ARCHIVE_SUFFIX):
        with tempfile.TemporaryDirectory(prefix="wsis-mirror-") as tmp:
            res = unpack(path, Path(tmp) / "data")
            yield res.folder
        return
    raise WsisError("mirror-not-found", "no data folder or .tar.zst archive here", file=str(path),
                    expected="a folder or a mirror archive made by wsis mirror pack")
