"""The layer rules that are not imports (those are import-linter contracts, see `make lint`): publishing never
reads the data dir, routes hold no SQL, and no layer asks whether another one is installed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "wsis"
PUBLISHING = ("web", "report", "query")


def _files(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (SRC / f).rglob("*.py"))


def _hits(path: Path, test) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.relative_to(SRC)}:{n.lineno}" for n in ast.walk(tree) if test(n)]


def _reads_data_dir(n: ast.AST) -> bool:
    return (isinstance(n, ast.Attribute) and n.attr == "data_dir") or (isinstance(n, ast.Name) and n.id == "data_dir") \
        or (isinstance(n, ast.Constant) and n.value == "WSIS_DATA_DIR")


def test_publishing_never_reads_the_data_dir():
    found = [h for p in _files(*PUBLISHING) for h in _hits(p, _reads_data_dir)]
    assert not found, "publishing reads the data dir at " + ", ".join(found)


def test_the_walker_finds_a_data_dir_read(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def page(ctx):\n    return load(ctx.settings.data_dir)\n", encoding="utf-8")
    tree = ast.parse(bad.read_text())
    assert [n.lineno for n in ast.walk(tree) if _reads_data_dir(n)] == [2]


def _runs_sql(n: ast.AST) -> bool:
    return isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("sql", "execute")


@pytest.mark.parametrize("folder", ["web", "report"])
def test_no_sql_outside_the_query_layer(folder):
    # the registry and the baked-answer store (web/baked.py) are databases of their own, not the release
    found = [h for p in _files(folder) if "registry" not in p.parts and p.name != "baked.py"
             for h in _hits(p, _runs_sql)]
    assert not found, "SQL in publishing code at " + ", ".join(found)


def _imports_wsis(nodes: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.ImportFrom) and (n.module or "").startswith("wsis")
               or isinstance(n, ast.Import) and any(a.name.startswith("wsis") for a in n.names)
               for stmt in nodes for n in ast.walk(stmt))


def _asks_installed(n: ast.AST) -> bool:
    """importlib, ``except ImportError`` around a wsis import, or a broad ``except`` that does not re-raise."""
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "import_module":
        return True
    if not isinstance(n, ast.Try):
        return False
    for h in n.handlers:
        kind = h.type.id if isinstance(h.type, ast.Name) else None
        if kind in ("ImportError", "ModuleNotFoundError") and _imports_wsis(n.body):
            return True
        if (h.type is None or kind in ("Exception", "BaseException")) and \
                not any(isinstance(x, ast.Raise) for stmt in h.body for x in ast.walk(stmt)):
            return True
    return False


@pytest.mark.parametrize("folder", ["build", "query", "web", "report", "release", "compute"])
def test_no_installed_branches_or_broad_fallbacks(folder):
    found = [h for p in _files(folder) for h in _hits(p, _asks_installed)]
    assert not found, "importlib / broad except at " + ", ".join(found)
