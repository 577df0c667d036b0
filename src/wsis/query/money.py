"""US-dollar exchange rates stored in the release (by the build, from the mirror's ``exchange_rates/``),
conversions that carry the rate, its source and its date, and the US-dollar totals of financial commitments
that the dashboard and the report both show (``usd_totals``). A currency without a rate is not converted.

The rate rule: an amount dated ``d`` converts at the latest monthly average dated on or before ``d``. The
mirror ends with some month (2026-06 today); an amount dated in a later month converts at that last month's
rate and the rate says so (``beyond_latest``: the latest available rate used for a later date). An amount
dated before a currency's first rate has none and is never converted.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pandas as pd

from wsis.query.memo import memo
from wsis.query.names import areas, members
from wsis.query.releases import Release


def exchange_rates(rel: Release) -> pd.DataFrame:
    """The release's rates: ``currency, series, date, per_usd, source`` (empty for a release built before
    rates were stored)."""
    def build() -> pd.DataFrame:
        has = rel.sql("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'exchange_rates'")
        if not int(has["n"].iloc[0]):
            return pd.DataFrame(columns=["currency", "series", "date", "per_usd", "source"])
        return rel.sql("SELECT currency, series, date, per_usd, source FROM exchange_rates ORDER BY currency, date")
    return memo(("fx", rel.id), build)


def _index(rel: Release) -> dict[str, tuple[list[dt.date], list[dict[str, Any]]]]:
    def build():
        out: dict[str, tuple[list[dt.date], list[dict[str, Any]]]] = {}
        for cur, g in exchange_rates(rel).groupby("currency", sort=True):
            dates = [pd.Timestamp(d).date() for d in g["date"]]
            rows = [{"currency": cur, "per_usd": float(v), "date": d.isoformat(), "source": s, "series": n}
                    for d, v, s, n in zip(dates, g["per_usd"], g["source"], g["series"], strict=True)]
            out[str(cur)] = (dates, rows)
        return out
    return memo(("fxidx", rel.id), build)


def usd_rate(rel: Release, currency: str, on: dt.date) -> dict[str, Any] | None:
    """The rate in force for ``currency`` on ``on``: the latest monthly average dated on or before it
    (``{currency, per_usd, date, source, series, beyond_latest}``), or None when the release has none for
    that currency or that time. ``beyond_latest`` is True when ``on`` falls in a month after the currency's
    last rate, which is then used (the latest available rate, flagged). The US dollar converts at 1."""
    if currency == "USD":
        return {"currency": "USD", "per_usd": 1.0, "date": None, "source": "US dollar", "series": None,
                "beyond_latest": False}
    found = _index(rel).get(currency)
    if not found:
        return None
    dates, rows = found
    i = bisect.bisect_right(dates, on) - 1
    if i < 0:
        return None
    last = dates[-1]
    beyond = i == len(dates) - 1 and (on.year, on.month) > (last.year, last.month)
    return {**rows[i], "beyond_latest": beyond}


def to_usd(rel: Release, amount: Decimal | float | str, currency: str, on: dt.date) -> dict[str, Any]:
    """``{usd, rate}``: the amount in US dollars at the rate of ``usd_rate``; ``usd`` is None without a rate."""
    rate = usd_rate(rel, currency, on)
    usd = None if rate is None else float(Decimal(str(amount)) / Decimal(str(rate["per_usd"])))
    return {"usd": usd, "rate": rate}


GROUPS = ("LDC", "LLDC", "SIDS", "LIC", "LMC", "UMC", "HIC")


def country_regions(rel: Release) -> dict[str, str]:
    """M49 region of every country of the release (empty text when it has none)."""
    def build() -> dict[str, str]:
        a = areas(rel)
        a = a[a["kind"] == "country"]
        return {c: (r if isinstance(r, str) else "") for c, r in zip(a["code"], a["region"], strict=True)}
    return memo(("regions", rel.id), build)


def _rate_key(rate: dict[str, Any]) -> tuple:
    return (rate["currency"], rate["date"] or "", rate["per_usd"], rate.get("beyond_latest", False))


def _converted(c: dict[str, Any], rel: Release) -> dict[str, Any] | None:
    """Pledged and disbursed of one commitment in US dollars with the rates used; None when an amount of it
    has no rate (the commitment is then shown apart in its own currencies)."""
    f = c["financial"]
    pledge = to_usd(rel, f["amount"], f["currency"], dt.date.fromisoformat(c["registered_on"]))
    if pledge["usd"] is None:
        return None
    rates = [pledge["rate"]]
    disbursed = 0.0
    for r in c.get("reports") or []:
        d = r.get("disbursed")
        if not d:
            continue
        paid = to_usd(rel, d["amount"], d["currency"], dt.date.fromisoformat(d["date"]))
        if paid["usd"] is None:
            return None
        disbursed += paid["usd"]
        rates.append(paid["rate"])
    return {"pledged": pledge["usd"], "disbursed": disbursed, "rates": rates}


def _total(items: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    rates = {_rate_key(r): r for _, conv in items for r in conv["rates"] if r["currency"] != "USD"}
    used = [rates[k] for k in sorted(rates)]
    return {"n": len(items), "pledged": sum(conv["pledged"] for _, conv in items),
            "disbursed": sum(conv["disbursed"] for _, conv in items), "rates": used,
            "beyond_latest": sorted({r["date"][:7] for r in used if r.get("beyond_latest")})}


def _disbursed_native(c: dict[str, Any]) -> list[dict[str, Any]]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for r in c.get("reports") or []:
        if r.get("disbursed"):
            sums[r["disbursed"]["currency"]] += Decimal(r["disbursed"]["amount"])
    return [{"currency": k, "amount": float(v)} for k, v in sorted(sums.items())]


def usd_totals(rel: Release, commitments: list[dict[str, Any]]) -> dict[str, Any]:
    """Pledged against disbursed in US dollars of the financial commitments among ``commitments`` (the
    registry's public commitment dicts): the total, each commitment, and by LDC, LLDC, SIDS, income group
    and M49 region of the countries a commitment names (a commitment naming countries of several groups
    counts in each, so group rows do not add up to the total); commitments in a currency without a rate
    ``apart``, in their own currencies. Every total lists the rates it used (source, date, and
    ``beyond_latest`` months where the latest available rate stood in for a later date)."""
    fin = [c for c in commitments if c.get("financial") and c["financial"].get("amount") is not None]
    done: list[tuple[dict[str, Any], dict[str, Any]]] = []
    apart = []
    for c in fin:
        conv = _converted(c, rel)
        if conv is None:
            apart.append({"id": c["id"], "title": c["title"], "organisation": c["organisation"]["name"],
                          "currency": c["financial"]["currency"], "pledged": float(Decimal(c["financial"]["amount"])),
                          "disbursed": _disbursed_native(c)})
        else:
            done.append((c, conv))
    regions = country_regions(rel)
    by_group = []
    for g in GROUPS:
        group = set(members(rel, g))
        items = [(c, conv) for c, conv in done if group & set(c["countries"])]
        if items:
            by_group.append({"group": g, **_total(items)})
    for region in sorted({r for r in regions.values() if r}):
        items = [(c, conv) for c, conv in done if region in {regions.get(x) for x in c["countries"]}]
        if items:
            by_group.append({"group": region, **_total(items)})
    unnamed = [(c, conv) for c, conv in done if not c["countries"]]
    if unnamed:
        by_group.append({"group": "global", **_total(unnamed)})
    rows = [{"id": c["id"], "title": c["title"], "organisation": c["organisation"]["name"],
             "currency": c["financial"]["currency"], **_total([(c, conv)])} for c, conv in done]
    return {"n": len(fin), "total": _total(done), "rows": rows, "by_group": by_group, "apart": apart}
