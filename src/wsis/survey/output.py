"""Writing estimate tables atomically as CSV, JSON or SDMX-CSV, with a provenance sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.files import atomic_write
from wsis.survey import xlsx

FORMATS = ("csv", "json", "sdmx-csv", "xlsx")



def to_sdmx_csv(df: pd.DataFrame, dataflow: str = "WSIS:SURVEY_ESTIMATES(1.0)") -> pd.DataFrame:
    """SDMX-CSV 1.0 layout: DATAFLOW, INDICATOR, one upper-case column per domain variable, values."""
    by_cols = [c for c in df.columns if c not in {"indicator", "series", "statistic", "by"}
               and c not in {"estimate", "se", "ci_low", "ci_high", "deff", "df", "n", "population", "cv", "flag"}
               and not c.startswith("ci_")]
    out = pd.DataFrame({"DATAFLOW": dataflow, "INDICATOR": df["indicator"]})
    for c in by_cols:
        out[c.upper()] = df[c].where(df[c].notna(), "_T")
    out["OBS_VALUE"] = df["estimate"]
    out["SE"] = df["se"]
    out["CI_LOW"] = df["ci_low"]
    out["CI_HIGH"] = df["ci_high"]
    out["UNIT_MULT"] = 0
    out["OBS_STATUS"] = df["flag"].map({"": "A", "E": "E", "S": "M", "C": "M"}).fillna("A")
    return out


def write_result(df: pd.DataFrame, out: Path | str, fmt: str = "csv") -> Path:
    """Write the estimates in ``fmt`` plus ``<out>.meta.json`` (provenance for ``survey publish``)."""
    if fmt not in FORMATS:
        raise WsisError("format-unknown", f"unknown format {fmt!r}", expected=" | ".join(FORMATS))
    out = Path(out)
    if fmt == "csv":
        atomic_write(out, lambda p: df.to_csv(p, index=False, float_format="%.17g"))
    elif fmt == "sdmx-csv":
        atomic_write(out, lambda p: to_sdmx_csv(df).to_csv(p, index=False, float_format="%.17g"))
    elif fmt == "xlsx":
        atomic_write(out, lambda p: xlsx.write(df, p))
    else:
        atomic_write(out, lambda p: p.write_text(df.to_json(orient="records", double_precision=15, indent=1),
                                                 encoding="utf-8"))
    meta = dict(df.attrs.get("provenance", {}), format=fmt)
    atomic_write(Path(f"{out}.meta.json"), lambda p: p.write_text(json.dumps(meta, indent=1), encoding="utf-8"))
    return out


def read_result(path: Path | str) -> tuple[pd.DataFrame, dict]:
    """Read a result written by :func:`write_result` (CSV or JSON) and its provenance sidecar."""
    p = Path(path)
    if not p.exists():
        raise WsisError("file-not-found", "result file not found", file=str(p))
    meta_path = Path(f"{p}.meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    fmt = meta.get("format", "json" if p.suffix == ".json" else "csv")
    if fmt in ("sdmx-csv", "xlsx"):
        raise WsisError("format-unsupported", f"publish needs the csv or json result, not {fmt}", file=str(p),
                        expected="a result written with --format csv or json")
    df = pd.read_json(p, orient="records", dtype=False) if fmt == "json" else pd.read_csv(
        p, dtype=str, keep_default_na=False)
    required = {"indicator", "series", "statistic", "by", "estimate", "se", "ci_low", "ci_high", "flag"}
    missing = required - set(df.columns)
    if missing:
        raise WsisError("result-invalid", f"missing columns {sorted(missing)}", file=str(p),
                        expected="a file written by wsis survey estimate")
    return df, meta
