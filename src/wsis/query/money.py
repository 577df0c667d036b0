"""US-dollar exchange rates stored in the release (by the build, from the mirror's ``exchange_rates/``), and
conversions that carry the rate, its source and its date. A currency without a rate is not converted."""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd

from wsis.query.memo import memo
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
    (``{currency, per_usd, date, source, series}``), or None when the release has none for that currency
    or that time. The US dollar converts at 1."""
    if currency == "USD":
        return {"currency": "USD", "per_usd": 1.0, "date": None, "source": "US dollar", "series": None}
    found = _index(rel).get(currency)
    if not found:
        return None
    dates, rows = found
    i = bisect.bisect_right(dates, on) - 1
    return rows[i] if i >= 0 else None


def to_usd(rel: Release, amount: Decimal | float | str, currency: str, on: dt.date) -> dict[str, Any]:
    """``{usd, rate}``: the amount in US dollars at the rate of ``usd_rate``; ``usd`` is None without a rate."""
    rate = usd_rate(rel, currency, on)
    usd = None if rate is None else float(Decimal(str(amount)) / Decimal(str(rate["per_usd"])))
    return {"usd": usd, "rate": rate}
