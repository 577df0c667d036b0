"""The indicator catalogue."""

import pytest

from wsis.catalogue import load_catalogue
from wsis.errors import WsisError

REQUIRED_SDG = {"IT_USE_ii99": "17.8.1", "IT_MOB_OWN": "5.b.1", "IT_MOB_2GNTWK": "9.c.1", "IT_MOB_3GNTWK": "9.c.1",
                "IT_MOB_4GNTWK": "9.c.1", "IT_NET_BBP": "17.6.1", "SE_ADT_ACTS": "4.4.1"}


def test_sdg_series_codes_and_fields():
    cat = load_catalogue()
    for code, sdg in REQUIRED_SDG.items():
        assert cat.indicators[code].sdg == sdg
    for ind in cat.indicators.values():
        assert ind.name and ind.unit and ind.definition and ind.aggregation
        assert set(ind.prefer) >= set(ind.sources) - {"local"}, ind.code
        for al in ind.action_lines:
            assert al.startswith("C")


def test_source_mappings():
    cat = load_catalogue()
    assert cat.series_map("wdi")["IT.NET.USER.ZS"] == "IT_USE_ii99"
    assert cat.series_map("itu")["i271GA"] == "IT_MOB_4GNTWK"
    assert cat.series_map("itu")["i992b"] == "IT_NET_BBP" and cat.series_map("itu")["i4213tfbb"] == "IT_NET_BBN"
    assert cat.series_map("gapminder")["internet_users"] == "IT_USE_ii99"


def test_unknown_indicator_is_a_404():
    with pytest.raises(WsisError) as e:
        load_catalogue().indicator("NOPE")
    assert e.value.status == 404


def test_names_in_six_languages():
    cat = load_catalogue()
    ind = cat.indicators["IT_USE_ii99"]
    assert ind.name_in("en") == ind.name and ind.name_in("ar") != ind.name
    for code, i in cat.indicators.items():
        assert set(i.names) <= {"ar", "es", "fr", "ru", "zh"}, code
        assert all(v.strip() for v in i.names.values()), code
