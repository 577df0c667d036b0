"""CSV files as statistics offices export them: detect encoding, delimiter, decimal mark and missing codes.

Only a sample of the file (the first 256 KiB) is read in Python; the file itself is scanned by the
engine with the detected options, so big files stay on the engine's fast path. Windows-1252 files are
transcoded once to a temporary UTF-8 file because DuckDB reads only UTF-8, UTF-16 and Latin-1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wsis.errors import WsisError

SAMPLE = 256 * 1024
DEFAULT_NA = ["NA", "", "."]
DELIMITERS = [",", ";", "\t", "|"]
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_ENC_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1",
                "iso8859-1": "latin-1", "l1": "latin-1", "windows-1252": "cp1252", "win1252": "cp1252",
                "utf16": "utf-16", "utf-16le": "utf-16", "utf-16be": "utf-16"}
_DEC_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_DEC_POINT = re.compile(r"^\s*[-+]?\d*\.\d+\s*$")


@dataclass
class Dialect:
    """How a CSV file was read; ``detected`` lists the settings found by sniffing (not set by the user)."""

    encoding: str = "utf-8"
    delimiter: str = ","
    decimal: str = "."
    na_values: list[str] = field(default_factory=lambda: list(DEFAULT_NA))
    bom: bool = False
    codec: str = "utf-8"  # Python codec for transcoding: utf-16 without a little-endian BOM, cp1252
    little_endian: bool = False
    detected: list[str] = field(default_factory=list)
    column_na: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the run summary."""
        shown = ", ".join(repr(v) for v in self.na_values)
        how = lambda k: " (detected)" if k in self.detected else ""  # noqa: E731
        line = (f"encoding {self.encoding}{' with BOM' if self.bom else ''}{how('encoding')}, delimiter "
                f"{_NAMES.get(self.delimiter, repr(self.delimiter))}{how('delimiter')}, decimal "
                f"{'comma' if self.decimal == ',' else 'point'}{how('decimal')}, missing {shown}")
        if self.column_na:
            line += "; per column " + ", ".join(f"{c}: {v}" for c, v in self.column_na.items())
        return line

    def provenance(self) -> dict[str, Any]:
        """The dialect as a JSON-ready dict for the result's sidecar."""
        d = asdict(self)
        d["format"] = "csv"
        del d["codec"], d["little_endian"]
        return d


def _encoding_from_bytes(raw: bytes) -> tuple[str, bool]:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True
    head = raw[:4096]
    if head and head.count(0) > len(head) // 4:  # UTF-16 without BOM: every other byte is NUL for ASCII
        return "utf-16", False
    try:
        raw.decode("utf-8")
        return "utf-8", False
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3 and len(raw) >= SAMPLE:  # a character cut by the sample's end
            return "utf-8", False
    # not UTF-8: Windows-1252 if it uses its printable 0x80-0x9F characters (euro sign, curly quotes...)
    if any(0x80 <= b <= 0x9F for b in raw) and all(b not in raw for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)):
        return "cp1252", False
    return "latin-1", False


def _codec(raw: bytes, encoding: str) -> str:
    if encoding != "utf-16":
        return encoding
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-16-le" if raw[1::2].count(0) > raw[0::2].count(0) else "utf-16-be"


def _decode(raw: bytes, codec: str) -> str:
    return raw.decode("utf-8-sig" if codec == "utf-8" else codec, errors="ignore")


def needs_transcoding(d: Dialect) -> bool:
    """True when the engine cannot read the file itself (Windows-1252, UTF-16 big-endian or without BOM)."""
    return d.codec == "cp1252" or (d.encoding == "utf-16" and not (d.bom and d.little_endian))


def _lines(text: str, n: int = 200) -> list[str]:
    lines = text.splitlines()
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    return [ln for ln in lines[:n] if ln.strip()]


def _delimiter(lines: list[str]) -> str | None:
    best, best_key = None, (-1, -1)
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=d)]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        key = (round(consistent, 2), counts[0])
        if key > best_key:
            best, best_key = d, key
    return best


def _decimal(lines: list[str], delimiter: str, na: set[str]) -> str:
    if delimiter == ",":
        return "."
    comma = point = 0
    for row in list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))[1:]:
        for v in row:
            if v in na:
                continue
            comma += bool(_DEC_COMMA.match(v))
            point += bool(_DEC_POINT.match(v))
    return "," if comma > point else "."


def _norm_encoding(enc: str, file: str) -> str:
    e = _ENC_ALIASES.get(enc.strip().lower(), enc.strip().lower())
    if e not in ("utf-8", "latin-1", "cp1252", "utf-16"):
        raise WsisError("design-invalid", f"input.encoding {enc!r} is not supported", file=file,
                        column="input.encoding", expected="utf-8, latin-1, cp1252 or utf-16")
    return e


def _na_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def sniff(path: Path, spec: Any = None, design_file: str = "") -> Dialect:
    """Detect the dialect of ``path``; settings in ``spec`` (the design's ``input:``) win over detection."""
    with open(path, "rb") as fh:
        raw = fh.read(SAMPLE)
    if path.suffix.lower() in (".gz", ".zst"):
        return Dialect(encoding=_norm_encoding(getattr(spec, "encoding", None) or "utf-8", design_file),
                       delimiter=getattr(spec, "delimiter", None) or ",",
                       decimal=getattr(spec, "decimal", None) or ".", na_values=_na_list(spec))
    d = Dialect(na_values=_na_list(spec))
    d.column_na = column_na(spec)
    enc, bom = _encoding_from_bytes(raw)
    d.bom = bom
    d.little_endian = raw.startswith(codecs.BOM_UTF16_LE)
    if spec is not None and spec.encoding:
        d.encoding = _norm_encoding(spec.encoding, design_file)
    else:
        d.encoding = enc
        d.detected.append("encoding")
    d.codec = _codec(raw, d.encoding)
    lines = _lines(_decode(raw, d.codec))
    if spec is not None and spec.delimiter:
        d.delimiter = "\t" if spec.delimiter in ("tab", "\\t") else spec.delimiter
    else:
        found = _delimiter(lines)
        d.delimiter = found or ","
        d.detected.append("delimiter")
    if spec is not None and spec.decimal:
        d.decimal = spec.decimal
    else:
        d.decimal = _decimal(lines, d.delimiter, set(d.na_values))
        d.detected.append("decimal")
    if d.decimal == d.delimiter:
        raise WsisError("design-invalid", "the decimal mark and the delimiter are the same", file=design_file,
                        column="input.decimal", expected="decimal ',' with delimiter ';' or tab")
    return d


def _na_list(spec: Any) -> list[str]:
    extra = getattr(spec, "na_values", None) or []
    extra = extra if isinstance(extra, list) else []
    return list(dict.fromkeys([*DEFAULT_NA, *(_na_text(v) for v in extra)]))


def column_na(spec: Any) -> dict[str, list[str]]:
    """Per-column missing codes (``na_values`` given as a mapping column -> codes)."""
    v = getattr(spec, "na_values", None)
    if not isinstance(v, dict):
        return {}
    return {c: [_na_text(x) for x in (codes if isinstance(codes, list) else [codes])] for c, codes in v.items()}


def transcode(path: Path, encoding: str, tmpdirs: list[str]) -> Path:
    """Copy ``path`` to a temporary UTF-8 file (streamed), for encodings the engine cannot read itself."""
    tmp = tempfile.mkdtemp(prefix="wsis-survey-")
    tmpdirs.append(tmp)
    out = Path(tmp) / (path.stem + ".utf8.csv")
    with open(path, encoding=encoding, newline="") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while block := src.read(1 << 20):
            dst.write(block)
    return out


def duckdb_options(d: Dialect) -> dict[str, Any]:
    """``read_csv`` keyword arguments for DuckDB."""
    opts: dict[str, Any] = {"delim": d.delimiter, "header": True, "nullstr": d.na_values, "quote": '"'}
    if d.decimal == ",":
        opts["decimal_separator"] = ","
    if d.encoding in ("latin-1", "utf-16"):
        opts["encoding"] = d.encoding
    return opts
