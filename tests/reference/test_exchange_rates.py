"""US-dollar exchange rates read from the mirror's layout (a hand-made file saved with CRLF line ends and an
empty value, as spreadsheet exports give), mapped from series names to ISO 4217."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from wsis.errors import WsisError
from wsis.reference.exchange_rates import load_exchange_rates

HERE = Path(__file__).resolve().parents[1] / "data"


def test_rates_are_units_per_dollar_by_iso_code(tmp_path):
    # the fixture is laid out as the mirror's exchange_rates/monthly.csv
    (tmp_path / "exchange_rates").mkdir()
    shutil.copyfile(HERE / "rates" / "hand_made_monthly_rates.csv", tmp_path / "exchange_rates" / "monthly.csv")
    df = load_exchange_rates(tmp_path)
    got = {(r.currency, r.date.isoformat()): r.per_usd for r in df.itertuples()}
    # France (pre-euro), Venezuela (unmapped), 2002 (before WSIS) and the empty April value are left out
    assert got == {("EUR", "2024-03-01"): 0.92, ("GBP", "2024-03-01"): 0.7866, ("JPY", "2024-03-01"): 149.8186}
    assert set(df["source"]) == {df["source"].iloc[0]} and "Federal Reserve" in df["source"].iloc[0]
    assert isinstance(df["date"].iloc[0], dt.date)


def test_no_file_no_rates_and_bad_value_is_an_error(tmp_path):
    assert load_exchange_rates(tmp_path).empty
    (tmp_path / "exchange_rates").mkdir()
    (tmp_path / "exchange_rates" / "monthly.csv").write_text("Date,Country,Exchange rate\n2024-03-01,Euro,0,92\n")
    with pytest.raises(WsisError):
        load_exchange_rates(tmp_path)
    (tmp_path / "exchange_rates" / "monthly.csv").write_text("Date,Country,Exchange rate\n2024-03-01,Euro,n/a\n")
    with pytest.raises(WsisError) as exc:
        load_exchange_rates(tmp_path)
    assert exc.value.column == "Exchange rate"


def test_mirror_values(shared_data):
    df = load_exchange_rates(shared_data)
    eur = df[(df["currency"] == "EUR") & (df["date"] == dt.date(2026, 6, 1))]
    gbp = df[(df["currency"] == "GBP") & (df["date"] == dt.date(2026, 6, 1))]
    assert float(eur["per_usd"].iloc[0]) == 0.8684 and float(gbp["per_usd"].iloc[0]) == 0.7497  # data README §8
