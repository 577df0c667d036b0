"""The lock files cover pyproject.toml: `make run`/`make test` install only what they pin (--no-deps), so a
dependency added without `make lock` would be missing; this fails first, naming it."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from tests.conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.M)


def _pins(name: str) -> dict[str, list[Version]]:
    out: dict[str, list[Version]] = {}
    for pkg, ver in PIN.findall((ROOT / "requirements" / name).read_text(encoding="utf-8")):
        out.setdefault(canonicalize_name(pkg), []).append(Version(ver))
    return out


def _requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


@pytest.mark.parametrize(("lock", "extras"), [("run.lock", ()), ("test.lock", ("test",))])
def test_lock_pins_every_declared_dependency_within_its_range(lock, extras):
    pins = _pins(lock)
    for req in _requirements(extras):
        versions = pins.get(canonicalize_name(req.name))
        assert versions, f"{req.name} is in pyproject.toml but not in requirements/{lock}: run `make lock`"
        assert all(req.specifier.contains(v, prereleases=True) for v in versions), (
            f"requirements/{lock} pins {req.name} {versions}, outside {req.specifier}: run `make lock`")


def test_run_lock_agrees_with_test_lock():
    run, test = _pins("run.lock"), _pins("test.lock")
    differ = {p: (v, test.get(p)) for p, v in run.items() if sorted(v) != sorted(test.get(p, []))}
    assert not differ, f"run.lock and test.lock pin different versions: {differ}"
