"""Validation against the World Bank's published Internet-use aggregates (WDI file in the data mirror)."""

from __future__ import annotations

import pytest

from wsis.compute.validation import GROUPS, summarise, wb_validation
from wsis.settings import Settings

DATA = Settings().data_dir


@pytest.fixture(scope="module")
def table():
    if not (DATA / "wdi").is_dir():
        pytest.fail(f"the offline data mirror is missing: {DATA}")
    return wb_validation(DATA, impute_mode="interpolate", max_years=3)


def test_ninety_percent_within_half_a_point(table):
    assert set(table["group"]) == set(GROUPS)
    assert table["year"].between(2000, 2023).all() and (table["coverage"] >= 2 / 3 - 1e-12).all()
    assert len(table) >= 250
    share = table["within_05"].mean()
    assert share >= 0.90, summarise(table).to_string()


def test_summary_has_every_group(table):
    s = summarise(table)
    assert list(s["group"]) == [*GROUPS, "all"]
    assert s.loc[s["group"] == "all", "points"].iloc[0] == len(table)
