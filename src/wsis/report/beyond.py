"""The report's "beyond connectivity" sections (issue 12): the environment (e-waste), rights online (Internet
shutdown events by region and year, with the source's caveats) and AI readiness (never compared across its
series breaks). Language-neutral content: numbers are Facts, wording comes from report/texts/*.yaml."""

from __future__ import annotations

from typing import Any

from wsis import query as data
from wsis.report.numbers import Fact

EWASTE = ("EN_EWT_GENPCAP", "EN_EWT_RCYR")
EWASTE_AREAS = ["WLD", "M49_002", "M49_019", "M49_142", "M49_150", "M49_009"]  # UNSD's published regions
EVENTS = "RIGHTS_SHUTDOWN_EVENTS"
COST = "RIGHTS_SHUTDOWN_COST_USD"
AI = "AI_GAIRI"
YEARS = 5   # years of shutdown events shown, ending with the period


def kinds_of(rel, code: str) -> list[str]:
    """Source kinds of the datasets behind an indicator that are not first-hand publisher copies."""
    src = data.sources_of(rel, code)
    if "source_kind" not in src.columns:
        return []
    return sorted({k for k in src["source_kind"] if k and k not in ("copy", "fetched", "computed")})


def environment(asm) -> dict[str, Any] | None:
    """E-waste per capita and recycling rate for the world and UNSD's regions, the world total generated,
    and the Connect 2030 recycling target when the release records it."""
    if not any(c in asm.units for c in EWASTE):
        return None
    blocks = [{"indicator": c, "unit": asm.units[c], **asm.breakdown(c, EWASTE_AREAS)} for c in EWASTE
              if c in asm.units]
    total = None
    if "EN_EWT_GENV" in asm.units:
        w = asm.values("EN_EWT_GENV", ["WLD"]).sort_values("year")
        if not w.empty:  # stated in words with three significant figures ("53.6 million")
            y = int(w.iloc[-1]["year"])
            total = Fact(float(w.iloc[-1]["value"]), 3, "T", {"kind": "obs", "indicator": "EN_EWT_GENV", "area": "WLD",
                                                               "year": y, "dims": {}})
    target = data.target_for(asm.rel, "EN_EWT_RCYR")
    tval = None
    if target:
        try:
            tval = Fact(float(target.get("target", target.get("value"))), 0, "PT", {"kind": "target"})
        except (TypeError, ValueError):
            tval = None
    blocks = [b for b in blocks if b["rows"]]
    if not blocks and total is None:
        return None
    return {"blocks": blocks, "total": total, "target": tval,
            "target_year": (target or {}).get("year")}


def rights(asm) -> dict[str, Any] | None:
    """Shutdown events per year for the world and the ITU regions (each event counted once per group), the
    years of the period and those before it; plus the source kinds to state with the caveats."""
    if EVENTS not in asm.units:
        return None
    areas = ["WLD", *asm.regions]
    df = asm.values(EVENTS, areas)
    years = list(range(asm.period.end - YEARS + 1, asm.period.end + 1))
    df = df[df["year"].isin(years)]
    if df.empty:
        return None
    have = sorted(set(df["year"].astype(int)))
    cells = {(r.area, int(r.year)): Fact(float(r.value), 0, "NUMBER",
                                          {"kind": "obs", "indicator": EVENTS, "area": r.area, "year": int(r.year),
                                           "dims": {}})
             for r in df.itertuples()}
    rows = [{"area": a, "cells": [cells.get((a, y)) for y in have]} for a in areas
            if any((a, y) in cells for y in have)]
    return {"years": have, "rows": rows, "kinds": kinds_of(asm.rel, EVENTS),
            "cost_kinds": kinds_of(asm.rel, COST) if COST in asm.units else []}


def ai_readiness(asm) -> dict[str, Any] | None:
    """AI readiness for the world and the income groups, year by year, grouped into the method periods its
    series breaks delimit; no change is computed across a break."""
    if AI not in asm.units:
        return None
    breaks = sorted(int(b) for b in (data.indicator_row(asm.rel, AI).get("breaks") or []))
    areas = ["WLD", "HIC", "UMC", "LMC", "LIC"]
    df = asm.values(AI, areas)
    if df.empty:
        return None
    periods: dict[int, list[int]] = {}
    for y in sorted(set(df["year"].astype(int))):
        periods.setdefault(sum(y >= b for b in breaks), []).append(y)
    cell = {(r.area, int(r.year)): r.value for r in df.itertuples()}
    out = []
    for _p, years in sorted(periods.items(), reverse=True):
        rows = [{"year": y, "cells": [asm.fact(AI, a, y, cell[(a, y)], "table") if (a, y) in cell else None
                                      for a in areas]} for y in sorted(years, reverse=True)]
        out.append({"first": years[0], "last": years[-1], "rows": rows})
    return {"areas": areas, "periods": out, "breaks": breaks}


def summarise(asm) -> dict[str, Any]:
    """The three sections' content (None where the release lacks the series)."""
    return {"environment": environment(asm), "rights": rights(asm), "ai": ai_readiness(asm)}
