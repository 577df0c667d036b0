"""The malformed-input corpus: every file gives a one-line error naming file, row and column, a non-zero
exit from the CLI, and leaves the published release exactly as it was."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.conftest import DATA, make_data_dir

from wsis.build import build_release
from wsis.errors import WsisError
from wsis.release.store import current_release_id
from wsis.settings import Settings

BAD = DATA / "bad"
CASES = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))


def _tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def published(tmp_path_factory, shared_data):
    data = make_data_dir(tmp_path_factory.mktemp("bad") / "data", shared_data)
    s = Settings(data_dir=data, home=tmp_path_factory.mktemp("home"))
    build_release(s)
    return s


def test_corpus_is_large_and_varied():
    assert len(CASES) >= 30
    formats = {Path(c["target"]).suffix for c in CASES.values()} | {Path(n).suffixes[0] for n in CASES}
    assert {".csv", ".gz", ".xml"} <= formats


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file(name, published):
    case = CASES[name]
    s = published
    target = Path(s.data_dir) / case["target"]
    backup = target.read_bytes() if target.exists() else None
    before, rid = _tree_hash(s.releases_dir), current_release_id(s)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((BAD / name).read_bytes())
    try:
        with pytest.raises(WsisError) as exc:
            build_release(s)
    finally:
        if backup is None:
            target.unlink()
        else:
            target.write_bytes(backup)
    err = exc.value
    assert err.code == case["code"], str(err)
    assert err.file and err.file.endswith(Path(case["target"]).name)
    assert err.row == case["row"], str(err)
    assert err.column == case["column"], str(err)
    line = str(err)
    assert "\n" not in line and f"row {case['row']}" in line
    assert current_release_id(s) == rid
    assert _tree_hash(s.releases_dir) == before


@pytest.mark.parametrize("name", ["wdi_latin1.csv", "itu_unknown_series.csv", "sdmx_entity_bomb.xml",
                                  "gairi_truncated.xlsx"])
def test_cli_exit_code_and_one_line(name, published, tmp_path, shared_data):
    case = CASES[name]
    data = make_data_dir(tmp_path / "data", shared_data)
    target = data / case["target"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((BAD / name).read_bytes())
    env = os.environ | {"WSIS_HOME": str(published.home), "WSIS_DATA_DIR": str(data)}
    before = _tree_hash(published.releases_dir)
    r = subprocess.run([sys.executable, "-m", "wsis.cli.main", "build", "-q"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("wsis: error: ")
    assert case["target"].split("/")[-1] in lines[0] and f"row {case['row']}" in lines[0]
    assert _tree_hash(published.releases_dir) == before
