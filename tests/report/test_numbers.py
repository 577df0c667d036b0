"""Precision rules and locale formatting of report numbers."""

from __future__ import annotations

import pytest

from wsis.report.numbers import Fact, decimals_for, fmt, plural_form, round_to, scaled, source_decimals


@pytest.mark.parametrize("value,expected", [(67.0, 0), (92.62, 2), (67.3967, 4), (0.1, 1), (1e-9, 0), (80, 0)])
def test_source_decimals(value, expected):
    assert source_decimals(value) == expected


def test_decimals_never_exceed_unit_rule_or_source():
    assert decimals_for("PT", "prose", source=67.3967) == 0
    assert decimals_for("PT", "table", source=67.3967) == 1
    assert decimals_for("PT", "table", source=80.0) == 0
    assert decimals_for("PT_GNI_PC", "prose", source=1.4321) == 1
    assert decimals_for("USD", "table", source=4.19) == 2


def test_round_half_away_from_zero():
    assert round_to(2.5, 0) == 3.0
    assert round_to(-2.5, 0) == -3.0
    assert round_to(0.125, 2) == 0.13
    assert round_to(67.45, 1) == 67.5


@pytest.mark.parametrize("lang,expected", [("en", "1,234.6"), ("fr", "1\u202f234,6"), ("es", "1.234,6"),
                                           ("ru", "1\xa0234,6"), ("ar", "1,234.6"), ("zh", "1,234.6")])
def test_locale_formatting(lang, expected):
    assert fmt(1234.56, lang, 1) == expected


def test_fact_states_rounded_value():
    f = Fact(67.3967, 0, "PT")
    assert f.stated == 67.0 and f.text("en") == "67"
    assert fmt(None, "en") == "–"


def test_scaled_large_numbers():
    words = {"million": "{n} million", "billion": "{n} billion"}
    assert scaled(2_634_000_000, "en", words, digits=2)[0] == "2.6 billion"
    assert scaled(2_634_000_000, "en", words)[0] == "2.63 billion"
    assert scaled(45_600_000, "en", words)[0] == "45.6 million"
    assert scaled(512, "en", words)[0] == "512"


def test_plural_categories():
    assert plural_form("en", 1) == "one" and plural_form("en", 5) == "other"
    assert plural_form("ru", 3) == "few" and plural_form("ru", 5) == "many"
    assert plural_form("ar", 0) == "zero"
