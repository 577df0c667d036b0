"""Source adapters on the real files of the mirror (integration) and on hand-made edge cases."""


import pytest
from tests.sources.conftest import read_rel

from wsis.sources.open_sdg import age_code
from wsis.sources.registry import discover
from wsis.sources.sdmx_reader import message_frame, read_message

_read = read_rel


def test_every_observation_file_is_read_or_explained(env):
    cat, _, root = env
    files, skipped = discover(root, cat)
    assert len(files) >= 60
    unexplained = {k: v for k, v in skipped.items() if v.startswith("no reader")}
    assert unexplained == {}


def test_wdi_values_and_provenance(env):
    sd = _read(env, "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv")
    f = sd.frame.set_index(["REF_AREA", "TIME_PERIOD"])["OBS_VALUE"]
    assert f[("KEN", 2022)] == pytest.approx(40.8137, abs=1e-4)
    assert f[("WLD", 2023)] == pytest.approx(67.40, abs=0.01)
    assert f[("LIC", 2023)] == pytest.approx(27.10, abs=0.01)
    assert ("WB_AFE", 2020) in f.index  # other WB aggregates are kept under WB_ codes
    p = sd.provenance
    assert p.licence == "CC-BY-4.0" and len(p.sha256) == 64 and p.vintage == "2024-11" and p.size > 0


def test_itu_units_from_series_code(env):
    sd = _read(env, "itu_datahub/fixed_broadband_subscriptions.csv.gz")
    f = sd.frame
    usa = f[(f["REF_AREA"] == "USA") & (f["TIME_PERIOD"] == 2023)].set_index("INDICATOR")
    assert usa.loc["IT_NET_BBP", "OBS_VALUE"] == pytest.approx(38.09, abs=0.01)
    assert usa.loc["IT_NET_BBP", "UNIT_MEASURE"] == "PER_100_POP"
    assert usa.loc["IT_NET_BBN", "UNIT_MEASURE"] == "NUMBER"


def test_gapminder_geo_ids_become_iso3(env):
    f = _read(env, "gapminder_systema_globalis/ddf--datapoints--internet_users--by--geo--time.csv").frame
    v = f.set_index(["REF_AREA", "TIME_PERIOD"])["OBS_VALUE"]
    assert v[("USA", 2023)] == pytest.approx(93.14, abs=0.01) and v[("KEN", 2024)] == pytest.approx(34.98, abs=0.01)
    assert "XKX" in set(f["REF_AREA"]) and "KOS" not in set(f["REF_AREA"])


def test_sdg_csv_sex_breakdown(env):
    f = _read(env, "un_sdg/sdg_database_2020Q4_IT_MOB_OWN.csv").frame
    dza = f[(f["REF_AREA"] == "DZA") & (f["TIME_PERIOD"] == 2018)].set_index("SEX")["OBS_VALUE"]
    assert dza["M"] == pytest.approx(92.62, abs=0.01) and set(dza.index) == {"_T", "M", "F"}


def test_itu_tidy_sex_and_location(env):
    f = _read(env, "itu_gender_urban/ITU_individuals_using_internet_by_gender_urban_rural_tidy.csv").frame
    dza = f[f["REF_AREA"] == "DZA"].set_index(["SEX", "URBANISATION"])["OBS_VALUE"]
    assert dza[("F", "_T")] == 42.9 and dza[("_T", "U")] == 56.2 and dza[("_T", "R")] == 34.1


def test_open_sdg_national_layouts(env):
    arm = _read(env, "national_sdg/armenia/indicator_17-8-1.csv").frame
    v = arm[arm["TIME_PERIOD"] == 2015].set_index(["SEX", "AGE"])["OBS_VALUE"]
    assert v[("_T", "_T")] == 59.1 and v[("M", "_T")] == 60.8 and v[("F", "_T")] == 57.8
    can = _read(env, "national_sdg/canada/indicator_17-8-1.csv").frame
    assert can[(can["TIME_PERIOD"] == 2022) & (can["AGE"] == "_T")]["OBS_VALUE"].iloc[0] == 94.5
    uk = _read(env, "national_sdg/uk/indicator_17-8-1.csv").frame
    assert (uk["REF_AREA"] == "GBR").all() and {"F", "M"} <= set(uk["SEX"])


@pytest.mark.parametrize("label,code", [("16 to 24", "Y16T24"), ("aged 15-24 years", "Y15T24"),
                                        ("75 and over", "Y_GE75"), ("25+", "Y_GE25"), ("", "_T"),
                                        ("Total, 15 years and over", "_T")])
def test_age_codes(label, code):
    assert age_code(label) == code


def test_a4ai_shares_are_percent(env):
    f = _read(env, "a4ai_affordability/A4AI-Mobile-Broadband-Pricing-2019Q2.csv").frame
    ken = f[f["REF_AREA"] == "KEN"].set_index("INDICATOR")["OBS_VALUE"]
    assert ken["IT_PRC_A4AI_1GB_USD"] == pytest.approx(4.19, abs=0.01)
    assert ken["IT_PRC_A4AI_1GB_GNI"] == pytest.approx(3.10, abs=0.01)


def test_sdmx_reader_reads_real_messages(shared_data):
    msg = read_message(shared_data / "sdmx/ECB_EXR/1/M.USD.EUR.SP00.A.xml")
    df = message_frame(msg)
    assert len(df) > 100 and "value" in df and "TIME_PERIOD" in df
    js = message_frame(read_message(shared_data / "sdmx/ECB_EXR/ts.json"))
    assert len(js) > 0


def test_unmapped_sdmx_is_skipped_with_reason(env):
    sd = _read(env, "sdmx/ECB_EXR/ng-ts.xml")
    assert len(sd.frame) == 0 and "not mapped" in sd.skipped


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_sdmx_csv_without_structure(shared_data, n):
    from wsis.sources.sdmx_reader import read_sdmx_csv

    df = read_sdmx_csv(shared_data / f"sdmx/v3/csv/example-0{n}.csv")
    assert {"DIM_1", "DIM_2", "value"} <= set(df.columns)
    assert df["value"].iloc[0] == pytest.approx(12.4)
    assert df["DIM_1"].iloc[0] == "A"
