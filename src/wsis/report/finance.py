"""Financial commitments for the report: amounts by type, period and region (per currency), pledged against
disbursed in US dollars, by group of countries, and the overdue.

Amounts in different currencies are never added together as such: the per-currency tables keep each currency
apart, and the US-dollar totals convert every amount at the rate in force on its date (the pledge's
registration date, each disbursement's payment date), from the exchange rates stored in the release. Each
total lists the rates it used, with their source and date; a commitment in a currency without a rate is
listed apart, never converted at a guess.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from wsis import query as data
from wsis.query import Release


def _region_of(rel: Release) -> dict[str, str]:
    a = data.areas(rel)
    a = a[a["kind"] == "country"]
    return {c: (r if isinstance(r, str) else "") for c, r in zip(a["code"], a["region"], strict=True)}


def is_overdue(c: dict[str, Any], as_of: dt.date) -> bool:
    """Past its deadline with no progress report at 100 %."""
    done = any((r.get("percent_complete") or 0) >= 100 for r in c.get("reports", []))
    return (not done) and dt.date.fromisoformat(c["deadline"]) < as_of


def summarise(commitments: list[dict[str, Any]], rel: Release, as_of: dt.date) -> dict[str, Any]:
    """Totals by finance type, by starting year and by M49 region of the countries named, plus overdue ones."""
    regions = _region_of(rel)
    by_type: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_year: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_region: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    fin = [c for c in commitments if c.get("financial") and c["financial"].get("amount") is not None]
    for c in fin:
        f = c["financial"]
        amount, cur = Decimal(f["amount"]), f["currency"] or "?"
        by_type[(f["finance_type"] or "unspecified", cur)] += amount
        year = (f.get("period_start") or c["registered_on"])[:4]
        by_year[(year, cur)] += amount
        regs = sorted({regions.get(x, "") for x in c["countries"]} - {""})
        key = regs[0] if len(regs) == 1 else ("multi" if regs else "global")
        by_region[(key, cur)] += amount

    def rows(d: dict[tuple[str, str], Decimal]) -> list[dict[str, Any]]:
        return [{"key": k, "currency": cur, "amount": float(v)} for (k, cur), v in sorted(d.items())]

    overdue = [c for c in commitments if is_overdue(c, as_of)]
    return {"n": len(fin), "by_type": rows(by_type), "by_year": rows(by_year), "by_region": rows(by_region),
            "usd": in_usd(fin, rel),
            "overdue": [{"id": c["id"], "title": c["title"], "organisation": c["organisation"]["name"],
                         "deadline": c["deadline"], "financial": bool(c.get("financial"))} for c in overdue]}


GROUPS = ("LDC", "LLDC", "SIDS", "LIC", "LMC", "UMC", "HIC")


def _rate_key(rate: dict[str, Any]) -> tuple:
    return (rate["currency"], rate["date"] or "", rate["per_usd"])


def _converted(c: dict[str, Any], rel: Release) -> dict[str, Any] | None:
    """Pledged and disbursed of one commitment in US dollars with the rates used; None when an amount of it
    has no rate (the commitment is then shown apart in its own currencies)."""
    f = c["financial"]
    pledge = data.to_usd(rel, f["amount"], f["currency"], dt.date.fromisoformat(c["registered_on"]))
    if pledge["usd"] is None:
        return None
    rates = [pledge["rate"]]
    disbursed = 0.0
    for r in c.get("reports") or []:
        d = r.get("disbursed")
        if not d:
            continue
        paid = data.to_usd(rel, d["amount"], d["currency"], dt.date.fromisoformat(d["date"]))
        if paid["usd"] is None:
            return None
        disbursed += paid["usd"]
        rates.append(paid["rate"])
    return {"pledged": pledge["usd"], "disbursed": disbursed, "rates": rates}


def _total(items: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    rates = {_rate_key(r): r for _, conv in items for r in conv["rates"] if r["currency"] != "USD"}
    return {"n": len(items), "pledged": sum(conv["pledged"] for _, conv in items),
            "disbursed": sum(conv["disbursed"] for _, conv in items),
            "rates": [rates[k] for k in sorted(rates)]}


def _disbursed_native(c: dict[str, Any]) -> list[dict[str, Any]]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for r in c.get("reports") or []:
        if r.get("disbursed"):
            sums[r["disbursed"]["currency"]] += Decimal(r["disbursed"]["amount"])
    return [{"currency": k, "amount": float(v)} for k, v in sorted(sums.items())]


def in_usd(fin: list[dict[str, Any]], rel: Release) -> dict[str, Any]:
    """Pledged against disbursed in US dollars: the total, each commitment, and by LDC, LLDC, SIDS, income
    group and M49 region of the countries a commitment names (a commitment naming countries of several
    groups counts in each, so group rows do not add up to the total); commitments without a rate apart."""
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
    members = {g: set(data.members(rel, g)) for g in GROUPS}
    regions = _region_of(rel)
    by_group = []
    for g in GROUPS:
        items = [(c, conv) for c, conv in done if members[g] & set(c["countries"])]
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
    return {"total": _total(done), "rows": rows, "by_group": by_group, "apart": apart}
