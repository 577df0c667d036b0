"""The "Beyond connectivity" blocks (issue 12): e-government, cybersecurity, e-waste, schools, Internet
shutdowns and AI readiness on a country page and on the home page, read through the query layer."""

from __future__ import annotations

import pandas as pd

from wsis import query as data
from wsis.web.deps import Ctx
from wsis.web.labels import NONE_RECORDED, code_label, source_kind_label, unit_label

# (theme msgid, indicator codes) in the order the country page lists them
THEMES = [
    ("E-government", ["EGOV_EGDI", "EGOV_OSI", "EGOV_EPI"]),
    ("Cybersecurity", ["ITU_GCI"]),
    ("E-waste", ["EN_EWT_GENPCAP", "EN_EWT_RCYR"]),
    ("Schools", ["SE_ACC_INTN", "SE_ACC_COMP", "IT_SCHAGE_HINET"]),
    ("Internet shutdowns", ["RIGHTS_SHUTDOWN_EVENTS"]),
    ("AI readiness", ["AI_GAIRI"]),
]
HOME = ["EGOV_EGDI", "ITU_GCI", "EN_EWT_GENPCAP", "EN_EWT_RCYR", "RIGHTS_SHUTDOWN_EVENTS", "AI_GAIRI"]
LEVEL_DIM = "EDUCATION_LEV"
SHUTDOWN_YEARS = 3   # the last years shown for shutdown events


def _row(ctx: Ctx, code: str, name: str, r: pd.Series, note: str | None = None) -> dict:
    comment = r.get("COMMENT_OBS")
    comment = comment if isinstance(comment, str) else None
    value = float(r["OBS_VALUE"])
    notes = [n for n in (source_kind_label(r.get("source_kind"), ctx._, comment), note) if n]
    return {"code": code, "name": name, "year": int(r["TIME_PERIOD"]), "value": value, "digits": digits(value),
            "none": comment == NONE_RECORDED and value == 0, "note": "; ".join(notes)}


def _period(year: int, breaks: list[int]) -> int:
    """Which method period a year belongs to (0 before the first break)."""
    return sum(year >= b for b in breaks)


def _period_note(_, p: int, breaks: list[int]) -> str:
    """"Method of 2020-2024, ..." for the ``p``-th period between series breaks."""
    if p == 0:
        span = _("up to {year}").replace("{year}", str(breaks[0] - 1))
    elif p == len(breaks):
        span = _("since {year}").replace("{year}", str(breaks[-1]))
    else:
        span = f"{breaks[p - 1]}–{breaks[p] - 1}"
    return _("method {span}: not comparable with other periods (series break)").replace("{span}", span)


def digits(v: float) -> int:
    """Decimals that keep an index score's precision (0.6314, 1.039, 81.7)."""
    a = abs(v)
    return 4 if 0 < a < 1 else 3 if a < 10 and a != int(a) else 1 if a != int(a) else 0


def area_rows(ctx: Ctx, iso3: str) -> list[dict]:
    """Theme headings and value rows of one country's block; empty when the release has none of it."""
    _ = ctx._
    rel = ctx.release
    names = data.indicator_names(rel, ctx.lang)
    out: list[dict] = []
    for theme, codes in THEMES:
        rows: list[dict] = []
        for code in (c for c in codes if c in names):
            vals = data.dim_values(rel, code)
            levels = [v for v in vals.get(LEVEL_DIM, []) if v != "_T"]
            for lev in levels or [None]:
                dims = data.default_dims(rel, code, {LEVEL_DIM: lev} if lev else None)
                s = data.series(rel, code, [iso3], dims).dropna(subset=["OBS_VALUE"])
                if s.empty:
                    continue
                s = s.sort_values("TIME_PERIOD")
                name = names[code] + (f" ({code_label(lev, _)})" if lev else "")
                if code == "RIGHTS_SHUTDOWN_EVENTS":
                    rows += [_row(ctx, code, name, r) for _i, r in s.tail(SHUTDOWN_YEARS).iloc[::-1].iterrows()]
                    continue
                breaks = list(data.indicator_row(rel, code).get("breaks") or [])
                if not breaks:
                    rows.append(_row(ctx, code, name, s.iloc[-1]))
                    continue
                # the latest value of each method period, newest first: never compared across a break
                last = s.groupby(s["TIME_PERIOD"].map(lambda y, b=breaks: _period(int(y), b))).tail(1)
                for _i, r in last.iloc[::-1].iterrows():
                    p = _period(int(r["TIME_PERIOD"]), breaks)
                    rows.append(_row(ctx, code, name, r, _period_note(_, p, breaks)))
        if rows:
            out.append({"theme": _(theme), "rows": rows})
    return out


def home_rows(ctx: Ctx) -> list[dict]:
    """World values of a few headline series, each linking to its indicator page."""
    rel = ctx.release
    names = data.indicator_names(rel, ctx.lang)
    inds = data.indicators(rel).set_index("INDICATOR")
    world = data.area_indicators(rel, "WLD").set_index("INDICATOR")
    rows = []
    for code in HOME:
        if code in world.index and code in names:
            w = world.loc[code]
            rows.append({"code": code, "name": names[code], "year": int(w["year"]), "value": float(w["value"]),
                         "digits": digits(float(w["value"])), "unit": None if inds["unit"].get(code) == "INDEX" else unit_label(inds["unit"].get(code), ctx._)})
            # INDEX is left unnamed here: the scores run 0-1 (EGDI) or 0-100 (GCI, AI readiness)
    return rows
