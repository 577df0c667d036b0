"""Shared fixtures of the adapter tests: the catalogue, the areas and the mirror, and a one-file reader."""

import pytest

from wsis.catalogue import load_catalogue
from wsis.reference import load_areas
from wsis.sources.registry import match_spec, read_source


@pytest.fixture(scope="module")
def env(shared_data):
    """(catalogue, areas, mirror root)."""
    return load_catalogue(), load_areas(shared_data), shared_data


def read_rel(env, rel):
    """Read one mirror file (path relative to the mirror) with the adapter its pattern picks."""
    cat, areas, root = env
    prov, spec = match_spec(cat, rel)
    return read_source(root / rel, prov, spec, cat, areas, rel)
