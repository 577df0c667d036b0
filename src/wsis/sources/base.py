"""Shared pieces of the source adapters: the observation layout, provenance, and strict CSV reading.

Every adapter returns a pandas frame with ``OBS_COLUMNS`` plus ``SOURCE_ROW`` and ``SOURCE_COLUMN`` (where
the value came from, so quality findings can name the file, row and column).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wsis.errors import WsisError
from wsis.schema import ATTRIBUTES, DIMENSIONS, EXTRA, OBS_COLUMNS, TOTAL, TRACE  # noqa: F401 - re-exported

MAX_LINE_BYTES = 200_000      # characters; real CSV lines are < 2 KB, longer ones are refused
MAX_FILE_BYTES = 512 << 20    # 512 MiB decompressed


@dataclass(frozen=True)
class Provenance:
    """Where a dataset came from: publisher, title, licence, path, checksum, size and vintage."""

    dataset_id: str
    provider: str
    adapter: str
    publisher: str
    title: str
    licence: str
    path: str
    sha256: str
    size: int
    vintage: str
    source_kind: str = "unknown"       # SOURCE_KINDS: how the file relates to the publisher's own release
    source_kind_detail: str = ""       # the data dir's own wording (provenance_manifest.csv `kind`)

    def as_dict(self) -> dict:
        """Plain dict (for the manifest and the ``datasets`` table)."""
        return asdict(self)


@dataclass
class SourceData:
    """One dataset read from one file: provenance plus observations (``OBS_COLUMNS`` + trace columns)."""

    provenance: Provenance
    frame: pd.DataFrame
    skipped: str | None = None   # reason when the file holds nothing for the release


# How a file relates to its publisher's release (from the mirror's provenance_manifest.csv `kind` column).
SOURCE_KINDS = {
    "copy": "a byte-for-byte copy of a publisher download (possibly compressed or re-encoded)",
    "edited-copy": "a publisher download that a third party edited (headers renamed, types cast, columns added)",
    "pdf-extraction": "values a third party extracted from the publisher's PDF report",
    "transcription": "values a third party transcribed by hand (a secondary source)",
    "derived": "reshaped or converted from another file of the data dir",
    "fetched": "downloaded by `wsis fetch` from the publisher's API",
    "computed": "computed by WSIS Monitor from other datasets of the release",
    "local": "published into the release by a WSIS Monitor user",
    "unknown": "not recorded in the data dir's provenance manifest",
}


def classify_kind(text: str) -> str:
    """A ``SOURCE_KINDS`` code for the free-text ``kind`` of a provenance manifest row."""
    t = text.strip().lower()
    if "extracted from" in t and "pdf" in t:
        return "pdf-extraction"
    if t.startswith("transcribed") or "(secondary" in t:
        return "transcription"
    if "third-party copy" in t or "cast by" in t or "edited" in t or "renamed" in t:
        return "edited-copy"
    if t.startswith(("derived", "converted")):
        return "derived"
    if t.startswith("copied"):
        return "copy"
    return "unknown"


def read_source_kinds(data_dir: Path) -> dict[str, tuple[str, str]]:
    """Path relative to the data dir -> (kind code, manifest wording), from ``provenance_manifest.csv``."""
    f = data_dir / "provenance_manifest.csv"
    if not f.is_file():
        return {}
    m = pd.read_csv(f, dtype=str, keep_default_na=False, usecols=["file", "kind"])
    return {p.removeprefix("data/"): (classify_kind(k), " ".join(k.split())) for p, k in zip(m["file"], m["kind"], strict=True)}


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when the name ends in .gz; truncated archives are a clear error."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            d = zlib.decompressobj(wbits=31)
            raw = d.decompress(raw, MAX_FILE_BYTES)
            if not d.eof:
                raise EOFError
        except (zlib.error, EOFError, gzip.BadGzipFile):
            raise WsisError("truncated-file", "gzip stream is corrupt or truncated", file=str(path), row=1,
                            column="-", expected="a complete gzip file") from None
    return raw


def decode_text(path: Path, raw: bytes, encodings: tuple[str, ...] = ("utf-8",)) -> str:
    """Decode bytes (BOM stripped), naming the line and column of the first undecodable byte."""
    if not raw.strip():
        raise WsisError("empty-file", "file is empty", file=str(path), row=1, column="-",
                        expected="a header row and data rows")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    err: UnicodeDecodeError | None = None
    for enc in encodings:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError as exc:
            err = err or exc
    else:
        assert err is not None
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise WsisError("bad-encoding", f"byte 0x{raw[err.start]:02x} is not valid {encodings[0].upper()}",
                        file=str(path), row=line, column=f"char {col}", expected="UTF-8 text")
    for n, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_BYTES:
            raise WsisError("line-too-long", f"line is {len(line):,} characters long", file=str(path), row=n,
                            column="-", expected=f"lines under {MAX_LINE_BYTES:,} characters")
    return text


def read_csv_strict(path: Path, required: tuple[str, ...] = (), encodings: tuple[str, ...] = ("utf-8",),
                    text: str | None = None) -> pd.DataFrame:
    """Read a CSV as strings with a checked header; every problem is a one-line ``WsisError``.

    Adds ``_ROW``, the 1-based line number of each record in the file (the header is line 1).
    """
    if text is None:
        text = decode_text(path, read_bytes(path), encodings)
    first = text.split("\n", 1)[0]
    header = next(csv.reader([first]))
    header = [h.strip() for h in header]
    if not any(header):
        raise WsisError("missing-header", "the header row is empty", file=str(path), row=1, column="-",
                        expected="column names: " + ", ".join(required) if required else "column names")
    seen: set[str] = set()
    for i, h in enumerate(header, start=1):
        if h in seen and h:
            raise WsisError("duplicate-header", f"column {h!r} appears twice in the header", file=str(path),
                            row=1, column=f"{h} (position {i})", expected="unique column names")
        seen.add(h)
    missing = [c for c in required if c not in seen]
    if missing:
        raise WsisError("missing-column", f"required column {missing[0]!r} is missing from the header",
                        file=str(path), row=1, column=missing[0],
                        expected="columns " + ", ".join(required))
    _check_truncation(path, text, len(header))
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True,
                         on_bad_lines="error", engine="c")
    except pd.errors.ParserError as exc:
        msg = str(exc)
        line = _line_from_parser_error(msg)
        raise WsisError("malformed-csv", msg.split(". ")[-1].strip() if line else "malformed CSV",
                        file=str(path), row=line, column="-",
                        expected=f"{len(header)} comma-separated fields per row, quotes closed") from None
    df.columns = [c.strip() for c in df.columns]
    # Line numbers: header is line 1; blank lines are skipped by pandas, so count them back in.
    lines = text.split("\n")
    nonblank = [i + 1 for i, ln in enumerate(lines) if ln.strip()]
    if len(nonblank) - 1 >= len(df) and not any('"' in ln and ln.count('"') % 2 for ln in lines[:50]):
        df["_ROW"] = nonblank[1:len(df) + 1]
    else:  # quoted newlines: fall back to record numbers
        df["_ROW"] = np.arange(2, len(df) + 2)
    if df.empty:
        raise WsisError("no-data-rows", "file has a header but no data rows", file=str(path), row=2,
                        column="-", expected="at least one data row")
    return df


def _check_truncation(path: Path, text: str, n_fields: int) -> None:
    """An unclosed quote, or a last record with fewer fields than the header, means a cut-off file."""
    if text.count('"') % 2:
        # find the line where the unmatched quote opens
        open_line, inside = None, False
        for n, line in enumerate(text.split("\n"), start=1):
            if line.count('"') % 2:
                inside = not inside
                open_line = n if inside else None
        raise WsisError("malformed-csv", "a quoted field is never closed (file truncated?)", file=str(path),
                        row=open_line, column="-", expected="every opening quote closed")
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) > 1:
        last = next(csv.reader([lines[-1]]))
        if len(last) < n_fields:
            raise WsisError("truncated-file", f"last row has {len(last)} of {n_fields} fields (file truncated?)",
                            file=str(path), row=len(text.rstrip("\n").split("\n")), column="-",
                            expected=f"{n_fields} fields per row")


def _line_from_parser_error(msg: str) -> int | None:
    import re

    m = re.search(r"line (\d+)", msg)
    if m:
        return int(m.group(1))
    m = re.search(r"row (\d+)", msg)
    return int(m.group(1)) + 1 if m else None


def to_number(df: pd.DataFrame, column: str, path: Path, *, missing: tuple[str, ...] = ("", "..", "…", "NA",
              "nan", "NaN")) -> pd.Series:
    """Parse a string column to floats; blanks and missing markers become NaN, anything else is an error."""
    s = df[column].str.strip()
    blank = s.isin(missing)
    num = pd.to_numeric(s.where(~blank), errors="coerce")
    bad = num.isna() & ~blank
    if bad.any():
        i = bad.idxmax()
        raise WsisError("non-numeric", f"value {s[i][:40]!r} is not a number", file=str(path),
                        row=int(df.at[i, "_ROW"]), column=column, expected="a number, or blank for missing")
    return num


def empty_frame() -> pd.DataFrame:
    """An observation frame with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in (*OBS_COLUMNS, *TRACE)})


def make_frame(dataset_id: str, **cols) -> pd.DataFrame:
    """Build an observation frame: given columns, dimensions default to ``_T``, attributes to null."""
    n = max((len(v) for v in cols.values() if hasattr(v, "__len__") and not isinstance(v, str)), default=0)
    out = {}
    for c in (*OBS_COLUMNS, *TRACE):
        if c in cols:
            v = cols[c]
            out[c] = v.to_numpy() if isinstance(v, pd.Series) else v
        elif c == "DATASET_ID":
            out[c] = dataset_id
        elif c in DIMENSIONS:
            out[c] = TOTAL
        elif c == "UNIT_MULT":
            out[c] = 0
        else:
            out[c] = None
    df = pd.DataFrame(out, index=range(n))
    df["TIME_PERIOD"] = df["TIME_PERIOD"].astype("int64")
    df["OBS_VALUE"] = df["OBS_VALUE"].astype("float64")
    return df


def year_column(df: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """Parse a year column (``2019``, ``2019.0``); anything else is an error naming the row."""
    s = df[column].str.strip()
    y = pd.to_numeric(s, errors="coerce")
    bad = y.isna() | (y % 1 != 0) | (y < 1900) | (y > 2100)
    if bad.any():
        i = bad.idxmax()
        raise WsisError("bad-year", f"{s[i][:20]!r} is not a year", file=str(path), row=int(df.at[i, "_ROW"]),
                        column=column, expected="a four-digit year between 1900 and 2100")
    return y.astype("int64")
