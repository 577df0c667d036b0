"""Publish survey estimates as a national dataset for the next release (contract with the release builder).

Writes ``{home}/local/survey_<ISO3>_<YEAR>_<slug>.csv`` (columns :data:`COLUMNS`) and a sidecar
``<same name>.provenance.json``, both atomically. Suppressed cells are not published.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import yaml

from wsis.errors import WsisError
from wsis.settings import Settings, get_settings
from wsis.survey import microdata
from wsis.survey.design import load_indicators
from wsis.survey.output import atomic_write, read_result

COLUMNS = ["INDICATOR", "REF_AREA", "TIME_PERIOD", "SEX", "AGE", "URBANISATION", "INCOME_WEALTH_QUANTILE",
           "EDUCATION_LEV", "DISABILITY_STATUS", "TYPE_SKILL", "OBS_VALUE", "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE",
           "SOURCE_DETAIL", "COMMENT_OBS", "SE", "CI_LOW", "CI_HIGH"]
DIMENSIONS = ["SEX", "AGE", "URBANISATION", "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "DISABILITY_STATUS",
              "TYPE_SKILL"]
DEFAULT_VALUES = {"SEX": {"f": "F", "female": "F", "2": "F", "m": "M", "male": "M", "1": "M"},
                  "URBANISATION": {"u": "U", "urban": "U", "r": "R", "rural": "R"}}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "survey"


def _num(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def publish(result: Path | str, area: str, year: int, settings: Settings | None = None, *,
            series_map: Path | str | None = None, indicators: Path | str | None = None, slug: str | None = None,
            publisher: str = "", title: str = "", licence: str = "", vintage: str = "",
            skipped: list[str] | None = None) -> Path:
    """Turn an estimate result into the release builder's national-dataset CSV; returns its path.

    Only catalogue indicators can enter a release: rows whose code is not in the catalogue are left out,
    and their codes are appended to ``skipped`` (and recorded in the provenance sidecar).
    """
    from wsis.catalogue import load_catalogue

    known = set(load_catalogue().indicators)
    left_out: dict[str, int] = {}
    settings = settings or get_settings()
    if not re.fullmatch(r"[A-Z]{3}", area or ""):
        raise WsisError("area-invalid", f"area {area!r} is not an ISO3 code", column="--area", expected="e.g. KEN")
    if not 1900 <= int(year) <= 2100:
        raise WsisError("year-invalid", f"year {year} out of range", column="--year", expected="1900..2100")
    df, meta = read_result(result)
    ind_file = indicators or meta.get("indicators")
    if not ind_file or not Path(ind_file).exists():
        raise WsisError("indicators-missing", "cannot find the indicators file of this result", file=str(result),
                        hint="pass --indicators", expected="the YAML used by wsis survey estimate")
    ispec, ind_name = load_indicators(ind_file)
    smap: dict[str, str] = {}
    if series_map:
        loaded = yaml.safe_load(Path(series_map).read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise WsisError("yaml-invalid", "series map must be a mapping code: SERIES", file=str(series_map))
        smap = {str(k): str(v) for k, v in loaded.items()}
    fixed = {i.code: i.breakdown for i in ispec.indicators}
    rows = []
    for r in df.to_dict("records"):
        if r["flag"] in ("S", "C") or r["statistic"] == "parity":
            continue
        code = r["indicator"]
        series = smap.get(code) or (r.get("series") or "") or code
        if series not in known:
            left_out[series] = left_out.get(series, 0) + 1
            continue
        row = {c: "" for c in COLUMNS}
        row.update({"INDICATOR": series, "REF_AREA": area, "TIME_PERIOD": str(year), "NATURE": "C",
                    "OBS_STATUS": "A", "UNIT_MULT": "0", "SOURCE_DETAIL": meta.get("microdata", "")})
        for d in DIMENSIONS:
            row[d] = "_T"
        for d, value in fixed.get(code, {}).items():
            if d not in DIMENSIONS:
                raise WsisError("dimension-unknown", f"indicator {code}: breakdown {d!r} is not a release dimension",
                                file=ind_name, column="breakdown", expected=" | ".join(DIMENSIONS))
            row[d] = value
        for c in [c for c in str(r["by"] or "").split(",") if c]:
            dm = ispec.dimensions.get(c)
            if dm is None:
                raise WsisError("dimension-unmapped", f"domain column {c!r} has no dimension mapping", file=ind_name,
                                column="dimensions", expected=f"dimensions: {{{c}: SEX|AGE|URBANISATION|...}}")
            raw = str(r[c])
            value = dm.values.get(raw) or DEFAULT_VALUES.get(dm.dimension, {}).get(raw.lower()) or raw
            row[dm.dimension] = value
        pct = r["statistic"] == "proportion"
        mult = 100.0 if pct else 1.0
        row["UNIT_MEASURE"] = "PT" if pct else "NUMBER"
        for src, dst in (("estimate", "OBS_VALUE"), ("se", "SE"), ("ci_low", "CI_LOW"), ("ci_high", "CI_HIGH")):
            row[dst] = f"{_num(r[src]) * mult:.10g}"
        if r["flag"] == "E":
            row["COMMENT_OBS"] = "Use with caution: small sample or high coefficient of variation"
        rows.append(row)
    if skipped is not None:
        skipped += [f"{c}: not a catalogue indicator ({n} rows left out; give it series: or --series-map)"
                    for c, n in left_out.items()]
    if not rows:
        why = "every estimate is suppressed" if not left_out else "no unsuppressed estimate of a catalogue indicator"
        raise WsisError("nothing-to-publish", why, file=str(result),
                        hint=f"not in the catalogue: {', '.join(left_out)}" if left_out else None)
    out_dir = settings.home / "local"
    name = f"survey_{area}_{int(year)}_{_slug(slug or Path(result).stem)}.csv"
    target = out_dir / name
    table = pd.DataFrame(rows, columns=COLUMNS)
    atomic_write(target, lambda p: table.to_csv(p, index=False))
    mfile = meta.get("microdata", "")
    prov = {"publisher": publisher, "title": title or f"Household survey estimates, {area} {year}",
            "licence": licence, "vintage": vintage or str(year), "source_file": mfile,
            "sha256": microdata.sha256(mfile) if mfile and Path(mfile).is_file() else None,
            "design_file": meta.get("design"), "indicators_file": str(ind_file),
            "not_published": {c: "not a catalogue indicator" for c in left_out}}
    atomic_write(Path(f"{target}.provenance.json"),
                 lambda p: p.write_text(json.dumps(prov, indent=1), encoding="utf-8"))
    return target
