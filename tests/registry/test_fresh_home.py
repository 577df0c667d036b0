"""A fresh home: the registry pages create the absent registry (seeded) instead of failing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from wsis.build import build_release
from wsis.registry.db import Registry
from wsis.web.app import create_app


def test_registry_pages_on_a_fresh_home_create_the_seeded_registry(mini_data_dir, settings_factory, shared_data):
    (mini_data_dir / "sdg_metadata").symlink_to(shared_data / "sdg_metadata")
    s = settings_factory(mini_data_dir)
    build_release(s)
    assert not Registry(s.registry_db_url, s).initialised()
    with TestClient(create_app(s)) as c:
        for path in ("/registry/", "/fr/registry/", "/registry/deliverables", "/api/v1/registry/initiatives"):
            r = c.get(path)
            assert r.status_code == 200, (path, r.text[:200])
        seeded = c.get("/api/v1/registry/deliverables").json()
        assert seeded["count"] == 20 and {d["para"] for d in seeded["data"]} >= {99}
    assert Registry(s.registry_db_url, s).initialised()
