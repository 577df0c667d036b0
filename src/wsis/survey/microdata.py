"""Microdata readers (CSV, Parquet, Stata .dta, SPSS .sav) returning an Ibis table, plus input checks.

Files are never loaded whole into pandas: CSV and Parquet are scanned by the engine (DuckDB by default,
PySpark for big files); .dta/.sav are converted chunk by chunk to a temporary Parquet file first.
"""

from __future__ import annotations

import atexit
import fnmatch
import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from wsis.errors import WsisError
from wsis.survey import csvin, expr
from wsis.survey.design import DesignSpec, IndicatorsSpec, InputSpec

ROW = "__row"
_TMPDIRS: list[str] = []


def _cleanup() -> None:
    for d in _TMPDIRS:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_cleanup)


def connect(backend: str = "duckdb") -> Any:
    """An Ibis connection: in-memory DuckDB, or PySpark on a local session."""
    import ibis

    if backend == "duckdb":
        return ibis.duckdb.connect()
    if backend == "pyspark":
        from pyspark.sql import SparkSession

        session = (SparkSession.builder.master("local[2]").appName("wsis-survey")
                   .config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
                   .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        return ibis.pyspark.connect(session)
    raise WsisError("backend-unknown", f"unknown backend {backend!r}", expected="duckdb or pyspark")


def _stat_to_parquet(path: Path, chunk: int = 200_000) -> tuple[Path, dict[str, dict[str, Any]]]:
    """Convert a .dta/.sav/.zsav/.por file to Parquet in chunks (bounded memory).

    Stata extended missing (.a-.z) and SPSS user-missing codes become nulls (pyreadstat's default).
    Returns the Parquet path and the value labels, column -> {label: code}.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    import pyreadstat

    reader = {".dta": pyreadstat.read_dta, ".sav": pyreadstat.read_sav, ".zsav": pyreadstat.read_sav,
              ".por": pyreadstat.read_por}[path.suffix.lower()]
    tmp = tempfile.mkdtemp(prefix="wsis-survey-")
    _TMPDIRS.append(tmp)
    out = Path(tmp) / (path.stem + ".parquet")
    writer = None
    labels: dict[str, dict[str, Any]] = {}
    try:
        for df, meta in pyreadstat.read_file_in_chunks(reader, str(path), chunksize=chunk):
            table = pa.Table.from_pandas(df, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(out, table.schema)
                labels = {col: {str(lab): code for code, lab in vals.items()}
                          for col, vals in (meta.variable_value_labels or {}).items()}
            writer.write_table(table.cast(writer.schema))
    except Exception as exc:  # pyreadstat raises its own error types for corrupt files
        raise WsisError("microdata-unreadable", f"cannot read {path.suffix} file: {exc}", file=str(path),
                        expected="a valid Stata or SPSS file") from exc
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise WsisError("microdata-empty", "file has no rows", file=str(path))
    return out, labels


def open_table(path: Path | str, con: Any, spec: InputSpec | None = None,
               design_file: str = "") -> tuple[Any, dict[str, Any]]:
    """Open a microdata file as an Ibis table on ``con`` (format from the file extension).

    Returns the table and what was learnt reading it: ``{"format", "labels", and for CSV the dialect}``.
    ``spec`` is the design's ``input:`` section (CSV overrides and missing-value codes).
    """
    p = Path(path)
    if not p.exists():
        raise WsisError("file-not-found", "microdata file not found", file=str(p))
    suffixes = "".join(p.suffixes[-2:]).lower()
    ext = p.suffix.lower()
    info: dict[str, Any] = {"format": ext.lstrip(".") or "parquet", "labels": {}}
    try:
        if ext in (".dta", ".sav", ".zsav", ".por"):
            pq_path, info["labels"] = _stat_to_parquet(p)
            info["format"] = "stata" if ext == ".dta" else "spss"
            table = con.read_parquet(str(pq_path))
        elif ext == ".parquet" or p.is_dir():
            info["format"] = "parquet"
            table = con.read_parquet(str(p))
        elif ext in (".csv", ".tsv", ".txt") or suffixes in (".csv.gz", ".csv.zst"):
            table, info["csv"] = _open_csv(p, con, spec, design_file)
            info["format"] = "csv"
        else:
            raise WsisError("microdata-format", f"unknown microdata format {ext!r}", file=str(p),
                            expected=".csv, .parquet, .dta or .sav")
        table.columns  # noqa: B018 - makes the engine read the header now, inside this try
    except WsisError:
        raise
    except Exception as exc:
        raise read_error(exc, p) from exc
    col_na = csvin.column_na(spec)
    if col_na:
        table = _column_missing(table, col_na, design_file)
    return table, info


def read_error(exc: Exception, path: Path | str) -> WsisError:
    """A one-line error for an engine failure while reading ``path`` (bad encoding, malformed CSV line)."""
    text = str(exc)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    row = int(line.group(1)) - 1 if line else None  # the engine counts the header line
    if "invalid unicode" in text.lower():
        return WsisError("microdata-encoding", "the file is not UTF-8 (invalid byte sequence)", file=str(path),
                         row=row, expected="the encoding detected from the file's first 256 KiB",
                         hint="set input: {encoding: latin-1} (or cp1252, utf-16) in the design file")
    return WsisError("microdata-unreadable", f"cannot read microdata: {text.splitlines()[0]}", file=str(path),
                     row=row, expected="CSV with a header row, Parquet, .dta or .sav")


def _open_csv(p: Path, con: Any, spec: InputSpec | None, design_file: str) -> tuple[Any, csvin.Dialect]:
    dialect = csvin.sniff(p, spec, design_file)
    src = p
    if csvin.needs_transcoding(dialect) or (con.name != "duckdb" and dialect.encoding != "utf-8"):
        src = csvin.transcode(p, dialect.codec, _TMPDIRS)
    if con.name == "pyspark":
        if dialect.decimal == ",":
            raise WsisError("microdata-format", "a decimal-comma CSV needs the duckdb backend", file=str(p),
                            expected="--backend duckdb, or a CSV with decimal points")
        return con.read_csv(str(src), header=True, inferSchema=True, sep=dialect.delimiter,
                            nullValue="NA"), dialect
    opts = csvin.duckdb_options(dialect)
    if src != p:
        opts.pop("encoding", None)
    return con.read_csv(str(src), **opts), dialect


def _column_missing(table: Any, col_na: dict[str, list[str]], design_file: str) -> Any:
    """Set the listed per-column codes to null (compared as numbers for numeric columns)."""
    import ibis

    repl = {}
    for c, codes in col_na.items():
        if c not in table.columns:
            raise WsisError("yaml-unknown-column", f"input.na_values: column {c!r} is not in the microdata",
                            file=design_file, column=c, expected=f"one of {_short(set(table.columns))}")
        col = table[c]
        vals = [float(v) for v in codes if _is_number(v)] if col.type().is_numeric() else list(codes)
        repl[c] = col.isin(vals).ifelse(ibis.null(col.type()), col) if vals else col
    return table.mutate(**repl)


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def sha256(path: Path | str) -> str:
    """SHA-256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def replicate_columns(design: DesignSpec, table_columns: list[str], design_file: str) -> list[str]:
    """Expand the replicate column spec (glob or list) against the table, in natural order."""
    assert design.replicates is not None
    spec = design.replicates.columns
    if isinstance(spec, list):
        cols = spec
    else:
        cols = [c for c in table_columns if fnmatch.fnmatchcase(c, spec)]

        def natural(c: str) -> list[Any]:
            return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", c)]

        cols = sorted(cols, key=natural)
    if not cols:
        raise WsisError("yaml-unknown-column", f"no microdata column matches replicate columns {spec!r}",
                        file=design_file, column="replicates.columns", expected="a glob such as repw_*")
    return cols


def check_columns(table: Any, design: DesignSpec, design_file: str, ind: IndicatorsSpec,
                  ind_file: str) -> None:
    """Every column named in the YAML files must exist in the microdata."""
    have = set(table.columns)
    for key, cols in (("ids", design.ids), ("strata", design.strata_list), ("weights", [design.weights]),
                      ("fpc", design.fpc)):
        for c in cols:
            if c not in have:
                raise WsisError("yaml-unknown-column", f"{key}: column {c!r} is not in the microdata",
                                file=design_file, column=c, expected=f"one of {_short(have)}")
    if design.replicates and isinstance(design.replicates.columns, list):
        for c in design.replicates.columns:
            if c not in have:
                raise WsisError("yaml-unknown-column", f"replicates: column {c!r} is not in the microdata",
                                file=design_file, column=c, expected=f"one of {_short(have)}")
    for i in ind.indicators:
        for key, text in (("variable", i.variable), ("universe", i.universe), ("denominator", i.denominator)):
            if text is None:
                continue
            for c in expr.columns(expr.parse(text, f"{i.code}.{key}")):
                if c not in have:
                    raise WsisError("yaml-unknown-column",
                                    f"indicator {i.code} {key}: column {c!r} is not in the microdata",
                                    file=ind_file, column=c, expected=f"one of {_short(have)}")
    for c in ind.by_columns():
        if c not in have:
            raise WsisError("yaml-unknown-column", f"by: column {c!r} is not in the microdata",
                            file=ind_file, column=c, expected=f"one of {_short(have)}")


def _short(cols: set[str]) -> str:
    s = sorted(cols)
    return ", ".join(s[:12]) + (", ..." if len(s) > 12 else "")


def first_value(table: Any, predicate: Any, column: str) -> tuple[int | None, Any]:
    """Row number (1-based, file order) and value of ``column`` in the first row where ``predicate(t)``."""
    import ibis

    t = table.mutate(**{ROW: ibis.row_number() + 1})
    hit = t.filter(predicate(t).fill_null(False)).select(ROW, column).order_by(ROW).limit(1)
    rows = hit.to_pyarrow().to_pylist()
    if not rows:
        return None, None
    return int(rows[0][ROW]), rows[0][column]
