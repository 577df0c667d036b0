"""US Federal Reserve exchange rates (H.10 via FRED, the datahub.io ``exchange-rates`` package) from the data
mirror's ``exchange_rates/monthly.csv``, for converting financial commitments to US dollars.

Every value in the file is **units of the currency per US dollar** (data README section 8: the package's own
README is out of date on the inverted series). The series are named by country or "Euro"; ``SERIES_CURRENCY``
maps them to ISO 4217 explicitly. Pre-euro currencies (before 1999) and Venezuela (redenominated three times,
the series does not say which bolívar) are left out: a commitment in them has no rate, never a guessed one.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd

from wsis.errors import WsisError

RATES_FILE = "exchange_rates/monthly.csv"
SOURCE = ("US Federal Reserve H.10 foreign exchange rates, monthly averages (FRED, via datahub.io "
          "core/exchange-rates)")
EARLIEST = dt.date(2003, 1, 1)  # WSIS Geneva phase; no commitment is older
SERIES_CURRENCY = {
    "Australia": "AUD", "Brazil": "BRL", "Canada": "CAD", "China": "CNY", "Denmark": "DKK", "Euro": "EUR",
    "Hong Kong": "HKD", "India": "INR", "Japan": "JPY", "Malaysia": "MYR", "Mexico": "MXN", "New Zealand": "NZD",
    "Norway": "NOK", "Singapore": "SGD", "South Africa": "ZAR", "South Korea": "KRW", "Sri Lanka": "LKR",
    "Sweden": "SEK", "Switzerland": "CHF", "Taiwan": "TWD", "Thailand": "THB", "United Kingdom": "GBP",
}
COLUMNS = ["currency", "series", "date", "per_usd", "source", "file"]


def load_exchange_rates(ddir: Path) -> pd.DataFrame:
    """Monthly rates from 2003 on: ``currency, series, date, per_usd, source, file``; US dollar rows are not
    stored (1 by definition). An empty frame when the mirror has no rates file."""
    path = Path(ddir) / RATES_FILE
    if not path.is_file():
        return pd.DataFrame(columns=COLUMNS)
    expected = ["Date", "Country", "Exchange rate"]
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        if next(reader, None) != expected:
            raise WsisError("bad-header", "unexpected exchange-rate columns", file=str(path), row=1,
                            expected=", ".join(expected))
        for n, rec in enumerate(reader, start=2):
            if len(rec) != 3:
                raise WsisError("bad-row", f"{len(rec)} fields", file=str(path), row=n,
                                expected="Date, Country, Exchange rate (a decimal point, no thousands separator)")
            date, series, value = (x.strip() for x in rec)
            if series not in SERIES_CURRENCY or not value:
                continue
            try:
                rows.append((series, dt.date.fromisoformat(date), float(value)))
            except ValueError:
                raise WsisError("bad-value", f"not a date and a number: {date!r}, {value!r}", file=str(path), row=n,
                                column="Exchange rate", expected="YYYY-MM-DD and units of currency per US dollar"
                                ) from None
    df = pd.DataFrame(rows, columns=["Country", "date", "per_usd"])
    df = df[(df["date"] >= EARLIEST) & (df["per_usd"] > 0)]
    out = pd.DataFrame({"currency": df["Country"].map(SERIES_CURRENCY), "series": df["Country"],
                        "date": df["date"], "per_usd": df["per_usd"], "source": SOURCE, "file": RATES_FILE})
    return out.sort_values(["currency", "date"]).reset_index(drop=True)
