"""The structured error and the settings object."""

from pathlib import Path

from wsis.errors import WsisError
from wsis.settings import Settings


def test_error_is_one_line_with_location():
    e = WsisError("non-numeric", "value 'x'\nis not a number", file="a.csv", row=3, column="Value",
                  expected="a number")
    assert str(e) == "a.csv, row 3, column Value: value 'x' is not a number (expected a number)"
    p = e.to_problem()
    assert p["status"] == 400 and p["row"] == 3 and p["column"] == "Value"


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WSIS_HOME", str(tmp_path))
    monkeypatch.setenv("WSIS_COVERAGE_THRESHOLD", "0.5")
    s = Settings()
    assert s.home == tmp_path and s.coverage_threshold == 0.5
    assert s.releases_dir == tmp_path / "releases"
    assert s.registry_db_url.startswith("sqlite:///")
    assert Path(s.data_dir).name == "data"
