"""Adapters of the beyond-connectivity series, on the mirror's real files (values from its README)."""

import pandas as pd
import pytest
from tests.sources.conftest import read_rel as _read

from wsis.reference import load_areas
from wsis.sources.names import NameMatcher, normalise
from wsis.sources.registry import match_spec, read_source


def _value(frame, **key):
    sel = frame
    for k, v in key.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, key
    return float(sel["OBS_VALUE"].iloc[0])


def test_egdi_names_matched_and_2024_scores_only(env):
    f22 = _read(env, "egovernment/EGOV_DATA_2022.csv").frame
    assert _value(f22, INDICATOR="EGOV_EGDI", REF_AREA="KEN") == pytest.approx(0.5589)
    assert _value(f22, INDICATOR="EGOV_EGDI", REF_AREA="DNK") == pytest.approx(0.9717)
    assert _value(f22, INDICATOR="EGOV_OSI", REF_AREA="KEN") == pytest.approx(0.6821)
    assert _value(f22, INDICATOR="EGOV_TII", REF_AREA="KEN") == pytest.approx(0.4305)
    assert "GEO" in set(f22["REF_AREA"])            # "Georgia (Country)" through the reviewed aliases
    assert f22.groupby("INDICATOR")["REF_AREA"].nunique().eq(193).all()
    sd = _read(env, "egovernment/EGOV_DATA_2024_modified_headers.csv")
    f24 = sd.frame
    assert _value(f24, INDICATOR="EGOV_EGDI", REF_AREA="KEN") == pytest.approx(0.6314)
    assert _value(f24, INDICATOR="EGOV_OSI", REF_AREA="KEN") == pytest.approx(0.77704)
    assert "Region" not in set(f24["SOURCE_COLUMN"])
    assert not sd.frame.attrs.get("findings")        # every 2024 name matched


def test_unmatched_name_is_a_finding_never_a_guess(shared_data):
    m = NameMatcher(load_areas(shared_data))
    assert m.code("Kenya ") == "KEN" and m.code("Côte d'Ivoire") == "CIV" and m.code("Turkey") == "TUR"
    assert m.code("Somaliland") is None and m.code("Atlantis") is None
    assert normalise("  Côte d’Ivoire ") == normalise("Cote d'Ivoire")


def test_gci_overall_and_pillars(env):
    sd = _read(env, "cybersecurity/gci_2020.csv")
    f = sd.frame
    assert _value(f, INDICATOR="ITU_GCI", REF_AREA="KEN") == pytest.approx(81.7)
    assert _value(f, INDICATOR="ITU_GCI_LEGAL", REF_AREA="KEN") == pytest.approx(20.0)
    assert _value(f, INDICATOR="ITU_GCI_TECH", REF_AREA="KEN") == pytest.approx(18.27)
    assert _value(f, INDICATOR="ITU_GCI", REF_AREA="USA") == pytest.approx(100.0)
    assert f["REF_AREA"][f["INDICATOR"] == "ITU_GCI"].nunique() == 191


def test_ewaste_units_and_published_aggregates(env):
    f = _read(env, "ewaste/ddf--datapoints--en_ewt_genpcap--by--geo_area--nature--units--year.csv").frame
    assert _value(f, REF_AREA="KEN", TIME_PERIOD=2019) == pytest.approx(1.039, abs=5e-4)
    assert _value(f, REF_AREA="WLD", TIME_PERIOD=2019) == pytest.approx(7.28, abs=5e-3)
    assert set(f["UNIT_MEASURE"]) == {"KG_PER_CAPITA"}
    g = _read(env, "ewaste/ddf--datapoints--en_ewt_genv--by--geo_area--nature--units--year.csv").frame
    assert _value(g, REF_AREA="KEN", TIME_PERIOD=2019) == pytest.approx(51285, abs=1)
    assert set(g["UNIT_MEASURE"]) == {"T"}


def test_schools_by_sdmx_education_level(env):
    f = _read(env, "school_connectivity/ddf--datapoints--se_acc_intn--by--education_level--geo_area--nature--"
                   "units--year.csv").frame
    assert set(f["EDUCATION_LEV"]) == {"ISCED11_1", "ISCED11_2", "ISCED11_3"}
    assert _value(f, REF_AREA="IND", TIME_PERIOD=2018, EDUCATION_LEV="ISCED11_3") == pytest.approx(46.47, abs=5e-3)
    assert _value(f, REF_AREA="BRA", TIME_PERIOD=2017, EDUCATION_LEV="ISCED11_1") == pytest.approx(62.04, abs=5e-3)


def test_unicef_header_breakdowns_and_turkey_kept_once(env):
    sd = _read(env, "school_connectivity/UNICEF_School-Age-Digital-Connectivity-A1data.csv")
    f = sd.frame
    dza = f[(f["REF_AREA"] == "DZA")]
    assert dza["TIME_PERIOD"].unique().tolist() == [2019]            # "2018-19" -> its last year
    v = dza.set_index(["URBANISATION", "INCOME_WEALTH_QUANTILE"])["OBS_VALUE"]
    assert v[("_T", "_T")] == 24 and v[("R", "_T")] == 9 and v[("U", "_T")] == 32 and v[("_T", "Q5")] == 77
    assert len(f[(f["REF_AREA"] == "TUR") & (f["URBANISATION"] == "_T") & (f["INCOME_WEALTH_QUANTILE"] == "_T")]) == 1
    (finding,) = sd.frame.attrs["findings"]
    assert "TUR is listed 3 times" in finding["message"]


def test_access_now_counts_split_events_and_none_recorded(env):
    sd = _read(env, "shutdowns/access_now_snapshot_2026-05-20.parquet")
    f = sd.frame
    tot = f[f["GEO_SCOPE"] == "_T"]
    assert _value(tot, REF_AREA="IND", TIME_PERIOD=2023) == 116
    assert _value(tot, REF_AREA="IND", TIME_PERIOD=2024) == 84
    # "Laos; Myanmar" counts for both; Laos has no event of its own
    assert tot[tot["REF_AREA"] == "LAO"]["OBS_VALUE"].sum() >= 1
    none = tot[(tot["REF_AREA"] == "FRA") & (tot["TIME_PERIOD"] == 2024)]
    assert none["OBS_VALUE"].tolist() == [0.0] and none["COMMENT_OBS"].tolist() == ["none recorded"]
    scopes = f[(f["REF_AREA"] == "IND") & (f["TIME_PERIOD"] == 2024)].set_index("GEO_SCOPE")["OBS_VALUE"]
    assert scopes["NAT"] + scopes["SUBNAT"] <= scopes["_T"]
    ev = sd.frame.attrs["events"]
    assert ev[ev["year"] == 2024]["event_id"].nunique() == 304     # the README's count by count_year
    assert any("Somaliland" in x["message"] for x in sd.frame.attrs["findings"])


def test_top10vpn_is_marked_secondary(env):
    sd = _read(env, "shutdowns/top10vpn_2022.csv")
    assert _value(sd.frame, REF_AREA="RUS") == pytest.approx(21.59e9, rel=1e-3)
    assert sd.frame["COMMENT_OBS"].str.contains("disputed").all()


@pytest.mark.parametrize(("rel", "year", "value"), [
    ("ai_readiness/SHARED_-2019-Index-data-for-report.xlsx", 2019, 5.672),
    ("ai_readiness/2020-Government-AI-Readiness-Index-public-dataset.xlsx", 2020, 43.656),
    ("ai_readiness/2021-Government-AI-Readiness-Index-public-dataset.xlsx", 2021, 45.537),
    ("ai_readiness/2022-Government-AI-Readiness-Index-public-data.xlsx", 2022, 40.357),
    ("ai_readiness/2023-Government-AI-Readiness-Index-Public-Indicator-Data.xlsx", 2023, 40.186),
    ("ai_readiness/2024-GAIRI-data.xlsx", 2024, 43.557),
    ("ai_readiness/2025-Government-AI-Readiness-Index-data-1.xlsx", 2025, 52.55),
])
def test_gairi_every_edition(env, rel, year, value):
    sd = _read(env, rel)
    assert _value(sd.frame, REF_AREA="KEN", TIME_PERIOD=year) == pytest.approx(value, abs=5e-4)
    assert not sd.frame.attrs.get("findings")   # every country name matched (summary rows skipped)


def test_quality_and_yes_no_policy(env):
    lat = _read(env, "itu_quality_policy/packet_latency_fixed_broadband.csv").frame
    assert _value(lat, REF_AREA="BRA", TIME_PERIOD=2024) == pytest.approx(21.19)
    bw = _read(env, "itu_quality_policy/lit_equipped_international_bandwidth_capacity.csv").frame
    assert _value(bw, REF_AREA="KEN", TIME_PERIOD=2024) == pytest.approx(22_154_400)
    usf = _read(env, "itu_quality_policy/universal_service_financing.csv.gz").frame
    assert set(usf["INDICATOR"]) == {"IT_USF_OPER"} and set(usf["OBS_VALUE"]) == {0.0, 1.0}
    assert _value(usf, REF_AREA="KEN", TIME_PERIOD=2022) == 1.0
    uas = _read(env, "itu_quality_policy/uas_policy.csv.gz").frame
    assert _value(uas, INDICATOR="IT_UAS_ADPT", REF_AREA="KEN", TIME_PERIOD=2022) == 1.0


def test_source_kind_from_the_manifest(env):
    cat, areas, root = env
    from wsis.sources.base import classify_kind, read_source_kinds

    kinds = read_source_kinds(root)
    assert kinds["cybersecurity/gci_2020.csv"][0] == "pdf-extraction"
    assert kinds["shutdowns/top10vpn_2024.csv"][0] == "transcription"
    assert kinds["egovernment/EGOV_DATA_2024_modified_headers.csv"][0] == "edited-copy"
    assert kinds["shutdowns/access_now_snapshot_2026-05-20.parquet"][0] == "edited-copy"
    assert kinds["egovernment/EGOV_DATA_2022.csv"][0] == "copy"
    assert classify_kind("copied (gzipped)") == "copy" and classify_kind("derived (reshaped)") == "derived"
    prov, spec = match_spec(cat, "cybersecurity/gci_2020.csv")
    sd = read_source(root / "cybersecurity/gci_2020.csv", prov, spec, cat, areas, "cybersecurity/gci_2020.csv",
                     kind=kinds["cybersecurity/gci_2020.csv"])
    assert sd.provenance.source_kind == "pdf-extraction"
    assert "Blavatnik" in sd.provenance.source_kind_detail
    assert isinstance(pd.DataFrame([sd.provenance.as_dict()]), pd.DataFrame)
