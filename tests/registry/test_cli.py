"""``wsis registry`` commands, run as a real subprocess against a SQLite registry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.registry.conftest import _data_dir

DATA = Path(__file__).resolve().parents[1] / "data" / "registry"


def _wsis(tmp_path, *args, password="cli-password-123"):
    env = os.environ | {"WSIS_HOME": str(tmp_path / "home"), "WSIS_DATA_DIR": str(_data_dir()),
                        "WSIS_REGISTRY_PASSWORD": password, "WSIS_SECRET_KEY": "k"}
    env.pop("WSIS_REGISTRY_URL", None)
    return subprocess.run([sys.executable, "-c", "from wsis.cli.main import main; main()", "registry", *args],
                          env=env, capture_output=True, text=True, timeout=300)


def test_cli_init_user_import_export_backup_restore(tmp_path):
    r = _wsis(tmp_path, "init")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"deliverables": 20, "roadmaps": 20}
    r = _wsis(tmp_path, "user", "add", "ops@example.org", "--role", "admin")
    assert r.returncode == 0, r.stderr
    r = _wsis(tmp_path, "user", "add", "ops@example.org", "--role", "admin")
    assert r.returncode == 2 and "already exists" in r.stderr and r.stderr.count("\n") == 1
    r = _wsis(tmp_path, "import", str(DATA / "initiatives_bad.csv"), "--as", "ops@example.org")
    assert r.returncode == 2 and "row 3" in r.stderr and "action_lines" in r.stderr
    r = _wsis(tmp_path, "import", str(DATA / "initiatives_ok.csv"), "--as", "ops@example.org", "--approve")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["imported"] == 3
    r = _wsis(tmp_path, "export", str(tmp_path / "open"))
    assert r.returncode == 0 and json.loads(r.stdout)["initiatives"] == 3
    assert (tmp_path / "open" / "datapackage.json").exists()
    r = _wsis(tmp_path, "backup", str(tmp_path / "copy.sqlite"))
    assert r.returncode == 0, r.stderr
    r = _wsis(tmp_path, "restore", str(tmp_path / "copy.sqlite"))
    assert r.returncode == 0, r.stderr
    r = _wsis(tmp_path, "restore", str(tmp_path / "missing.sqlite"))
    assert r.returncode == 2 and "not found" in r.stderr


def test_cli_import_commitments(tmp_path):
    """A UTF-8 CSV with BOM and CRLF (as Excel saves "CSV UTF-8") imports; a French-locale Excel file
    (semicolons, day-first dates, decimal comma) is refused with one line and nothing is written."""
    assert _wsis(tmp_path, "init").returncode == 0
    assert _wsis(tmp_path, "user", "add", "ops@example.org", "--role", "admin").returncode == 0
    r = _wsis(tmp_path, "import-commitments", str(DATA / "commitments_excel_fr.csv"), "--as", "ops@example.org")
    assert r.returncode == 2 and "missing column 'title'" in r.stderr and r.stderr.count("\n") == 1
    r = _wsis(tmp_path, "import-commitments", str(DATA / "commitments_ok.csv"), "--as", "ops@example.org",
              "--approve")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["imported"] == 2
    r = _wsis(tmp_path, "export", str(tmp_path / "open"))
    text = (tmp_path / "open" / "commitments.csv").read_text(encoding="utf-8")
    assert "Schools, connected (synthetic)" in text and "NPL;BTN" in text and "2000000.00" in text
