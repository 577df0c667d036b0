"""Integration: a release built from the whole offline mirror, queried like a user would."""

import json
import os
import subprocess
import sys

import pytest

from wsis.build import build_release
from wsis.release import open_release
from wsis.settings import Settings


@pytest.fixture(scope="module")
def full(tmp_path_factory, shared_data):
    s = Settings(data_dir=shared_data, home=tmp_path_factory.mktemp("full"))
    m = build_release(s)
    return s, m


def test_mirror_builds_without_errors(full):
    s, m = full
    assert m["findings_summary"]["error"] == 0
    assert m["observations"] > 150_000
    loaded = {d["path"] for d in m["datasets"] if d["rows"]}
    assert "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv" in loaded
    assert "itu_datahub/population_coverage_mobile_network.csv.gz" in loaded
    # Every file is either loaded, skipped by its reader with a reason, or not loaded with a reason.
    for d in m["datasets"]:
        assert d["rows"] > 0 or d["skipped"], d["path"]
    assert all(m["not_loaded"].values())
    # The quarantined known issues are recorded as warnings.
    assert any("quarantined" in f["message"] for f in m["findings"])


def test_acceptance_queries_via_cli(full):
    s, _ = full
    env = os.environ | {"WSIS_HOME": str(s.home), "WSIS_DATA_DIR": str(s.data_dir)}

    def q(*args):
        r = subprocess.run([sys.executable, "-m", "wsis.cli.main", "query", *args, "--format", "json"],
                           capture_output=True, text=True, env=env, timeout=120, check=True)
        return json.loads(r.stdout)

    (ken,) = q("IT_USE_ii99", "--area", "KEN", "--year", "2022")
    assert ken["OBS_VALUE"] == pytest.approx(40.8137, abs=1e-4)
    assert ken["DATASET_ID"] == "wdi:wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160"
    (g4,) = q("IT_MOB_4GNTWK", "--area", "KEN", "--year", "2024")
    assert g4["OBS_VALUE"] == pytest.approx(97.3) and g4["DATASET_ID"].startswith("itu:itu_datahub/")
    females = q("IT_MOB_OWN", "--area", "DZA", "--year", "2018", "--dim", "SEX=M", "--all-vintages")
    assert [round(r["OBS_VALUE"], 5) for r in females] == [92.62223] * len(females) and len(females) >= 2


def test_vintages_of_internet_use_stay_apart(full):
    s, _ = full
    rel = open_release(settings=s)
    ken = rel.observations("IT_USE_ii99", areas=["KEN"], all_vintages=True)
    ids = set(ken["DATASET_ID"])
    assert "wdi:wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160" in ids
    assert any(i.startswith("gapminder:") for i in ids)
    # The preferred view shows one value per year, from the World Bank file where it has one.
    pref = rel.observations("IT_USE_ii99", areas=["KEN"])
    assert not pref.duplicated(["TIME_PERIOD", "SEX", "AGE", "URBANISATION"]).any()
    assert pref.set_index("TIME_PERIOD").loc[2022, "DATASET_ID"].startswith("wdi:")
