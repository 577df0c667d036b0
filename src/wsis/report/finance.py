"""Financial commitments for the report: amounts by type, period and region (per currency), pledged against
disbursed in US dollars, by group of countries, and the overdue.

Amounts in different currencies are never added together as such: the per-currency tables keep each currency
apart, and the US-dollar totals convert every amount at the rate in force on its date (the pledge's
registration date, each disbursement's payment date), from the exchange rates stored in the release, by
``query.usd_totals`` (the one computation the dashboard pages show too). Each total lists the rates it used,
with their source and date; a commitment in a currency without a rate is listed apart, never converted at a
guess.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from wsis import query as data
from wsis.query import Release


def is_overdue(c: dict[str, Any], as_of: dt.date) -> bool:
    """Past its deadline with no progress report at 100 %."""
    done = any((r.get("percent_complete") or 0) >= 100 for r in c.get("reports", []))
    return (not done) and dt.date.fromisoformat(c["deadline"]) < as_of


def summarise(commitments: list[dict[str, Any]], rel: Release, as_of: dt.date) -> dict[str, Any]:
    """Totals by finance type, by starting year and by M49 region of the countries named, plus overdue ones."""
    regions = data.country_regions(rel)
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
            "usd": data.usd_totals(rel, fin),
            "overdue": [{"id": c["id"], "title": c["title"], "organisation": c["organisation"]["name"],
                         "deadline": c["deadline"], "financial": bool(c.get("financial"))} for c in overdue]}
