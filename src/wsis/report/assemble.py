"""Assemble the biennial report's content from a release, the compute layer and the registry.

The result is language-neutral: numbers are :class:`~wsis.report.numbers.Fact`s that keep the raw value and
where it came from; labels and prose are added by :mod:`wsis.report.render` with the wording of each language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from wsis import query as data
from wsis.errors import WsisError
from wsis.query import Release
from wsis.report import beyond, finance, followup
from wsis.report.numbers import Fact, decimals_for, source_decimals
from wsis.report.registry_view import RegistrySnapshot

TOTAL = {d: "_T" for d in data.DISAGG}
HEADLINE = ("IT_USE_ii99", "IT_MOB_OWN", "IT_MOB_4GNTWK", "IT_NET_BBP", "IT_PRC_MBB5_GNI")
TOPICS = {"internet": "IT_USE_ii99", "mobile": "IT_MOB_OWN", "coverage": "IT_MOB_4GNTWK",
          "affordability": "IT_PRC_MBB5_GNI"}
BREAKDOWNS = {"income": ["HIC", "UMC", "LMC", "LIC"],
              "region": ["ITU_AFR", "ITU_AMS", "ITU_ARB", "ITU_ASP", "ITU_CIS", "ITU_EUR"],
              "special": ["WLD", "LDC", "LLDC", "SIDS"]}
SPLITS = {"sex": ("SEX", "F", "M"), "location": ("URBANISATION", "R", "U")}
WINDOW = 5
_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
_OFF_TRACK = ("off", "away", "deterior", "regress", "stagnat", "limited")
GAP_KINDS = ("HIC_LIC_PP", "WLD_GAP_PP", "GPS", "URR")


@dataclass(frozen=True)
class Period:
    """The two (or more) calendar years the report covers."""

    start: int
    end: int

    @property
    def label(self) -> str:
        """``2024-2025``."""
        return f"{self.start}-{self.end}"

    @property
    def previous(self) -> Period:
        """The period of the last report (same length, just before)."""
        n = self.end - self.start + 1
        return Period(self.start - n, self.end - n)

    def contains(self, day: str | None) -> bool:
        """True when an ISO date falls inside the period."""
        return bool(day) and self.start <= int(str(day)[:4]) <= self.end


def parse_period(text: str) -> Period:
    """``2024-2025`` -> Period; anything else is a WsisError naming the parameter."""
    m = _PERIOD.match((text or "").strip())
    if not m or not (1990 <= int(m.group(1)) <= int(m.group(2)) <= 2100) or int(m.group(2)) - int(m.group(1)) > 4:
        raise WsisError("bad-period", f"invalid reporting period {text!r}", column="period",
                        expected="two years YYYY-YYYY, at most five years apart, e.g. 2024-2025")
    return Period(int(m.group(1)), int(m.group(2)))


def obs_ref(indicator: str, area: str, year: int, dims: dict[str, str] | None = None) -> dict[str, Any]:
    """Provenance of one release observation."""
    return {"kind": "obs", "indicator": indicator, "area": area, "year": int(year),
            "dims": {k: v for k, v in sorted((dims or TOTAL).items()) if v != "_T"}}


class Assembler:
    """Reads what the report needs; every query goes through the release reader or the web data services."""

    def __init__(self, rel: Release, period: Period, registry: RegistrySnapshot, frameworks):
        self.rel, self.period, self.reg, self.fw = rel, period, registry, frameworks
        ind = data.indicators(rel)
        self.units = dict(zip(ind["INDICATOR"], ind["unit"], strict=True))
        self.ind = ind
        self.regions = BREAKDOWNS["region"]

    # -- release helpers ---------------------------------------------------------------------------
    def values(self, indicator: str, areas: list[str], dims: dict[str, str] | None = None) -> pd.DataFrame:
        """Observations (area, year, value) up to the end of the period."""
        df = data.observations(self.rel, indicator, areas=areas, dims={**TOTAL, **(dims or {})},
                               end=self.period.end)[0]
        return df[["REF_AREA", "TIME_PERIOD", "OBS_VALUE"]].dropna().rename(
            columns={"REF_AREA": "area", "TIME_PERIOD": "year", "OBS_VALUE": "value"})

    def un_members(self) -> set[str]:
        """UN Member States (the denominator of coverage counts)."""
        return data.un_members(self.rel)

    def coverage_counts(self) -> dict[str, int]:
        """Per indicator: UN Member States with any value in the last five years of the period."""
        return data.coverage_counts(self.rel, self.period.end - WINDOW + 1, self.period.end)

    def fact(self, indicator: str, area: str, year: int, value: float, context: str = "prose",
             dims: dict[str, str] | None = None) -> Fact:
        """A Fact for one observation, at the precision its unit and source allow."""
        unit = self.units.get(indicator)
        return Fact(float(value), decimals_for(unit, context, source=value), unit,
                    obs_ref(indicator, area, year, dims))

    def column(self, code: str, items: list[tuple[str, int, float]],
               dims: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Table cells of one indicator with one number of decimals: the unit's table rule, capped by the most
        decimals any of the column's source values carries."""
        unit = self.units.get(code)
        dec = min(decimals_for(unit, "table"), max((source_decimals(v) for _, _, v in items), default=0))
        return [{"area": a, "fact": Fact(float(v), dec, unit, obs_ref(code, a, y, dims))} for a, y, v in items]

    # -- sections ---------------------------------------------------------------------------------
    def headline(self) -> list[dict[str, Any]]:
        """World headline values: latest year up to the period end, and the value two years before."""
        out = []
        for code in HEADLINE:
            df = self.values(code, ["WLD"]).sort_values("year")
            if df.empty:
                out.append({"indicator": code, "now": None, "before": None, "change": None, "size": None})
                continue
            last = df.iloc[-1]
            prior = df[df["year"] <= last["year"] - 2]
            now = self.fact(code, "WLD", int(last["year"]), last["value"])
            before = change = None
            if not prior.empty:
                p = prior.iloc[-1]
                before = self.fact(code, "WLD", int(p["year"]), p["value"])
                dec = min(now.decimals, before.decimals)
                now, before = Fact(now.value, dec, now.unit, now.ref), Fact(before.value, dec, before.unit, before.ref)
                change = Fact(now.stated - before.stated, dec, "PP", {"kind": "diff", "a": now.ref, "b": before.ref})
            out.append({"indicator": code, "now": now, "before": before, "change": change,
                        "size": None if change is None else
                        Fact(abs(change.value), dec, "PP", {**change.ref, "abs": True})})
            continue
        return out

    def offline(self) -> Fact | None:
        """People not using the Internet in the world's latest year: (100 - share) x population."""
        use = self.values("IT_USE_ii99", ["WLD"]).sort_values("year")
        pop = self.values("SP_POP_TOTL", ["WLD"])
        both = use.merge(pop, on=["area", "year"], suffixes=("_use", "_pop"))
        if both.empty:
            return None
        row = both.sort_values("year").iloc[-1]
        share = self.fact("IT_USE_ii99", "WLD", int(row["year"]), row["value_use"])
        people = (100 - share.value) / 100 * float(row["value_pop"])
        # The share is known to about a percentage point: two significant figures for the head count.
        return Fact(people, 2, "PERSONS", {"kind": "offline", "share": share.ref,
                                           "population": obs_ref("SP_POP_TOTL", "WLD", int(row["year"]))})

    def breakdown(self, code: str, areas: list[str]) -> dict[str, Any]:
        """Group values in the year (up to the period end) that most of the groups report."""
        df = self.values(code, areas)
        if df.empty:
            return {"year": None, "rows": [], "gap": None}
        counts = df.groupby("year")["area"].nunique()
        year = int(counts[counts == counts.max()].index.max())
        sel = df[df["year"] == year].set_index("area")
        rows = self.column(code, [(a, year, sel.loc[a, "value"]) for a in areas if a in sel.index])
        return {"year": year, "rows": rows, "gap": self._gap(code, rows)}

    def _gap(self, code: str, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
        if len(rows) < 2:
            return None
        hi = max(rows, key=lambda r: r["fact"].value)
        lo = min(rows, key=lambda r: r["fact"].value)
        dec = decimals_for(self.units.get(code), "prose")
        a = Fact(hi["fact"].value, min(dec, hi["fact"].decimals), hi["fact"].unit, hi["fact"].ref)
        b = Fact(lo["fact"].value, min(dec, lo["fact"].decimals), lo["fact"].unit, lo["fact"].ref)
        d = min(a.decimals, b.decimals)
        return {"hi": hi["area"], "lo": lo["area"], "a": a, "b": b,
                "diff": Fact(a.stated - b.stated, d, "PP", {"kind": "diff", "a": a.ref, "b": b.ref})}

    def split(self, code: str, dim: str, low: str, high: str) -> dict[str, Any]:
        """A sex or urban/rural split: the world aggregate when the release has one, else country pairs."""
        world = {}
        for v in (low, high):
            w = self.values(code, ["WLD"], {dim: v})
            if not w.empty:
                world[v] = w.sort_values("year").iloc[-1]
        if len(world) == 2 and world[low]["year"] == world[high]["year"]:
            y = int(world[low]["year"])
            return {"mode": "world", "year": y,
                    "low": self.fact(code, "WLD", y, world[low]["value"], dims={dim: low}),
                    "high": self.fact(code, "WLD", y, world[high]["value"], dims={dim: high})}
        df = data.observations(self.rel, code, dims={**TOTAL, dim: low}, start=self.period.end - WINDOW + 1,
                               end=self.period.end)[0]
        dh = data.observations(self.rel, code, dims={**TOTAL, dim: high}, start=self.period.end - WINDOW + 1,
                               end=self.period.end)[0]
        countries = set(data.areas(self.rel).query("kind == 'country'")["code"])
        pairs = df.merge(dh, on=["REF_AREA", "TIME_PERIOD"], suffixes=("_l", "_h"))
        pairs = pairs[pairs["REF_AREA"].isin(countries)].sort_values("TIME_PERIOD").groupby("REF_AREA").tail(1)
        if pairs.empty:
            return {"mode": "none"}
        lower = int((pairs["OBS_VALUE_l"] < pairs["OBS_VALUE_h"]).sum())
        return {"mode": "countries", "n": Fact(len(pairs), 0, "COUNT", {"kind": "count"}),
                "lower": Fact(lower, 0, "COUNT", {"kind": "count"}),
                "first": int(pairs["TIME_PERIOD"].min()), "last": int(pairs["TIME_PERIOD"].max()),
                "rows": [{"area": r.REF_AREA, "year": int(r.TIME_PERIOD),
                          "low": self.fact(code, r.REF_AREA, int(r.TIME_PERIOD), r.OBS_VALUE_l, "table", {dim: low}),
                          "high": self.fact(code, r.REF_AREA, int(r.TIME_PERIOD), r.OBS_VALUE_h, "table", {dim: high})}
                         for r in pairs.sort_values("REF_AREA").itertuples()]}

    def trend(self, code: str, areas: list[str]) -> pd.DataFrame:
        """Series since ten years before the period, for the line chart."""
        df = self.values(code, areas)
        return df[df["year"] >= self.period.start - 10]

    def divides(self) -> list[dict[str, Any]]:
        """One block per topic: breakdowns by group, sex and location, and the trend."""
        out = []
        for topic, code in TOPICS.items():
            block = {"topic": topic, "indicator": code, "unit": self.units.get(code),
                     "breakdowns": {k: self.breakdown(code, v) for k, v in BREAKDOWNS.items()},
                     "splits": {k: self.split(code, *v) for k, v in SPLITS.items()},
                     "trend": self.trend(code, ["WLD", *BREAKDOWNS["income"]])}
            out.append(block)
        return out

    def gaps(self) -> list[dict[str, Any]]:
        """The release's gap indicators for the topic indicators: latest year up to the period end."""
        df = data.gap_table(self.rel, latest=False)
        if df.empty:
            return []
        df = df[df["base_indicator"].isin(TOPICS.values()) & (df["year"] <= self.period.end)]
        df = df[df["kind"].isin(GAP_KINDS) & df["area"].isin({a for v in BREAKDOWNS.values() for a in v})]
        df = df.sort_values("year").groupby(["gap", "area"], as_index=False).tail(1)
        order = {k: i for i, k in enumerate(GAP_KINDS)}
        df = df.assign(_k=df["kind"].map(order)).sort_values(["base_indicator", "_k", "area"])
        return [{"gap": r.gap, "indicator": r.base_indicator, "kind": r.kind, "area": r.area, "year": int(r.year),
                 "value": Fact(float(r.value), 2 if r.unit == "RATIO" else 0, r.unit,
                               obs_ref(r.gap, r.area, int(r.year)))} for r in df.itertuples()]

    def progress(self) -> dict[str, Any] | None:
        """Status counts toward the 2030 targets and who is off track (None when nothing was assessed)."""
        df = data.progress(self.rel)
        if df is None or df.empty:
            return None
        status_col = next((c for c in ("status", "category", "assessment") if c in df.columns), None)
        if status_col is None:
            return None
        area_col = next((c for c in ("area", "REF_AREA", "code") if c in df.columns), None)
        if area_col is None:
            return None
        ind_col = next((c for c in ("indicator", "INDICATOR") if c in df.columns), None)
        counts = Counter(str(s) for s in df[status_col].dropna())
        off = df[df[status_col].astype(str).str.lower().apply(lambda s: any(k in s for k in _OFF_TRACK))]
        groups = set(data.areas(self.rel).query("kind == 'group'")["code"])
        off_groups = [{"area": r[area_col], "indicator": r.get(ind_col), "status": str(r[status_col])}
                      for r in off.to_dict("records") if r[area_col] in groups]
        off_groups.sort(key=lambda r: (str(r["indicator"]), str(r["area"])))
        off_countries: dict[str, list[str]] = {}
        for r in off.to_dict("records"):
            if r[area_col] not in groups:
                off_countries.setdefault(str(r.get(ind_col)), []).append(r[area_col])
        return {"counts": dict(sorted(counts.items())), "off_groups": off_groups,
                "off_countries": {k: sorted(v) for k, v in sorted(off_countries.items())},
                "n_off": len(off), "method": str(df["method"].iloc[0]) if "method" in df.columns else ""}

    def action_lines(self) -> list[dict[str, Any]]:
        """Per action line: its indicators, initiatives and commitments, and road-map milestones."""
        out = []
        members = self.un_members()
        cover = self.coverage_counts()
        world = data.latest_totals(self.rel, "WLD", self.period.end)
        missing = data.action_line_gaps(self.rel)
        for line in self.fw.action_lines:
            code = line["code"]

            def tagged(items, key="action_lines", code=code):
                return [x for x in items if any(t == code or t.startswith(code + "-") for t in x[key])]

            inds = []
            for r in self.ind[self.ind["action_lines"].apply(lambda v, c=code: c in list(v if v is not None else []))] \
                    .itertuples():
                last = world.get(r.INDICATOR)
                inds.append({"indicator": r.INDICATOR, "countries": Fact(int(cover.get(r.INDICATOR, 0)), 0, "COUNT"),
                             "members": len(members),
                             "world": None if last is None else
                             self.fact(r.INDICATOR, "WLD", int(last[0]), last[1], "table")})
            inis = tagged(self.reg.initiatives)
            coms = tagged(self.reg.commitments)
            maps = [m for m in self.reg.roadmaps if m["code"] == code or m["code"].startswith(code + "-")]
            kinds = sorted({k for i in inds for k in beyond.kinds_of(self.rel, i["indicator"])})
            out.append({"code": code, "line": line, "indicators": inds, "kinds": kinds,
                        "missing": missing.get(code, []),
                        "initiatives": {"n": len(inis), "new": sum(self.period.contains(i["created_at"]) for i in inis),
                                        "status": dict(sorted(Counter(i["status"] for i in inis).items()))},
                        "commitments": {"n": len(coms),
                                        "new": sum(self.period.contains(c["registered_on"]) for c in coms),
                                        "lights": dict(sorted(Counter(c["report_status"]["light"]
                                                                      for c in coms).items()))},
                        "milestones": [{**x, "roadmap": m["code"]} for m in maps for x in m["milestones"]],
                        "roadmaps": [{"code": m["code"], "status": m["status"]} for m in maps]})
        return out

    def deliverables(self) -> dict[str, Any]:
        """The outcome document's deliverables with their status, and counts."""
        dels = self.reg.deliverables
        return {"items": dels, "status": dict(sorted(Counter(d["status"] for d in dels).items())),
                "overdue": sum(bool(d["overdue"]) for d in dels),
                "due_in_period": sum(bool(d["due_year"] and self.period.start <= d["due_year"] <= self.period.end)
                                     for d in dels)}

    def methods(self) -> dict[str, Any]:
        """Release id, sources with licences, coverage of the headline indicators, quality findings."""
        ds = data.datasets(self.rel)
        used = ds[ds["n_obs"].fillna(0) > 0] if "n_obs" in ds.columns else ds
        used = used.astype(object).where(used.notna(), None)
        sources = (used.groupby(["publisher", "licence"], dropna=False)
                   .agg(files=("DATASET_ID", "count"), vintages=("vintage", lambda v: sorted({str(x) for x in v if x})))
                   .reset_index().sort_values(["publisher", "licence"]))
        fnd = data.findings(self.rel)
        counts = fnd.groupby(["severity", "check_name"]).size().reset_index(name="n") \
            .sort_values(["severity", "check_name"])
        warn = fnd[fnd["severity"].isin(["error", "warning"])].sort_values(["check_name", "indicator", "area"],
                                                                           na_position="last")
        members = len(self.un_members())
        cover = self.coverage_counts()
        coverage = [{"indicator": code, "n": Fact(int(cover.get(code, 0)), 0, "COUNT"), "members": members}
                    for code in HEADLINE]
        return {"release_id": self.rel.id, "created": data.manifest(self.rel).get("created"),
                "code_version": data.manifest(self.rel).get("code_version"),
                "editions": data.manifest(self.rel).get("reference_editions", {}),
                "sources": sources.to_dict("records"), "datasets": used.sort_values("DATASET_ID").to_dict("records"),
                "finding_counts": counts.to_dict("records"), "warnings": warn.head(40).to_dict("records"),
                "coverage": coverage, "window": (self.period.end - WINDOW + 1, self.period.end)}

    def annex_countries(self) -> list[dict[str, Any]]:
        """Internet use by country: the latest value up to the period end (UN member States and others)."""
        df = self.values("IT_USE_ii99", sorted(data.areas(self.rel).query("kind == 'country'")["code"]))
        df = df.sort_values("year").groupby("area").tail(1).sort_values("area")
        return self.column("IT_USE_ii99", [(r.area, int(r.year), r.value) for r in df.itertuples()])

    def build(self) -> dict[str, Any]:
        """Every section's content."""
        return {"headline": self.headline(), "offline": self.offline(), "divides": self.divides(),
                "beyond": beyond.summarise(self),
                "gaps": self.gaps(), "progress": self.progress(), "action_lines": self.action_lines(),
                "finance": finance.summarise(self.reg.commitments, self.rel, self.reg.as_of),
                "deliverables": self.deliverables(), "methods": self.methods(),
                "followup": followup.summarise(data.frameworks(self.rel).paragraphs, self.reg.initiatives,
                                               self.reg.commitments, self.reg.roadmaps),
                "annex_countries": self.annex_countries(),
                "registry": {"initiatives": len(self.reg.initiatives), "commitments": len(self.reg.commitments),
                             "new_initiatives": sum(self.period.contains(i["created_at"])
                                                    for i in self.reg.initiatives),
                             "new_commitments": sum(self.period.contains(c["registered_on"])
                                                    for c in self.reg.commitments)}}


def as_of_default(period: Period) -> dt.date:
    """The default reference date of a report: the last day of its period."""
    return dt.date(period.end, 12, 31)
