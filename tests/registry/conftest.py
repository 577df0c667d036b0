"""Fixtures of the registry suite: every test that takes ``reg`` runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``WSIS_TEST_PG_URL`` (a server URL; a fresh database is created for the session
and dropped at the end). Without it, the postgres runs are deselected locally, and fail when ``CI=true``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from wsis.registry import auth
from wsis.registry.db import Registry, _registry_for
from wsis.registry.models import TABLES, User
from wsis.registry.policy import session_actor
from wsis.registry.tracking import seed_reference
from wsis.settings import Settings

PG_ENV = "WSIS_TEST_PG_URL"
PASSWORD = "correct-horse-battery"


def _data_dir() -> Path:
    default = Settings().data_dir
    if (default / "framework").is_dir():
        return default
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def pytest_collection_modifyitems(config, items):
    """Locally, without a PostgreSQL URL and outside CI, leave out the postgres runs."""
    if os.environ.get(PG_ENV) or os.environ.get("CI") == "true":
        return
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        (drop if params and "postgres" in params.params.values() else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_url():
    """URL of a fresh PostgreSQL database for this test session (dropped at the end)."""
    server = os.environ.get(PG_ENV)
    if not server:
        pytest.fail(f"{PG_ENV} is not set: CI must run the registry suite on PostgreSQL "
                    "(see .ci/run, which starts the server and exports it)")
    name = f"wsis_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    yield url
    _registry_for.cache_clear()
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n "
                          "AND pid <> pg_backend_pid()"), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def _databases(tmp_path_factory):
    return {}


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    """The database backend of this run."""
    return request.param


@pytest.fixture
def db_url(backend, request, tmp_path_factory, _databases):
    """A migrated database URL for ``backend`` (one per session, emptied before each test)."""
    if backend not in _databases:
        if backend == "postgres":
            url = request.getfixturevalue("pg_url")
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'registry.sqlite'}"
        reg = Registry(url, _settings(tmp_path_factory.mktemp("home"), url))
        reg.migrate()
        _databases[backend] = reg
    reg = _databases[backend]
    with reg.engine.begin() as conn:
        if reg.is_sqlite:
            for model in reversed(TABLES):
                conn.execute(model.__table__.delete())
        else:
            names = ", ".join(m.__tablename__ for m in TABLES)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return reg.url


def _settings(home: Path, url: str) -> Settings:
    return Settings(data_dir=_data_dir(), home=home, registry_url=url, secret_key="test-secret-key")


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    """Settings pointing at the test database and the data mirror."""
    return _settings(tmp_path / "home", db_url)


@pytest.fixture
def reg(settings) -> Registry:
    """The registry of this test, seeded with deliverables and road maps."""
    from wsis.registry.db import get_registry

    registry = get_registry(settings)
    seed_reference(registry)
    return registry


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2 hash of PASSWORD for the whole session (hashing is deliberately slow)."""
    return auth.hash_password(PASSWORD)


@pytest.fixture
def users(reg, password_hash):
    """One account per role plus a second contributor: ``{name: (id, actor)}``.

    Rows are inserted with a precomputed hash; ``auth.create_user`` has its own test.
    """
    out = {}

    def txn(s):
        for name, role in (("alice", "contributor"), ("bob", "contributor"), ("mod", "moderator"),
                           ("admin", "admin")):
            user = User(email=f"{name}@example.org", name=name, password_hash=password_hash, role=role)
            s.add(user)
            s.flush()
            out[name] = (user.id, session_actor(user.id, role))

    reg.write(txn)
    return out


@pytest.fixture
def app(settings, reg):
    """The registry app bound to the test settings."""
    from wsis.web.registry import create_registry_app

    return create_registry_app(settings)


@pytest.fixture
def client(app):
    """A TestClient of the registry app."""
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


def initiative_payload(title="Solar-powered school connectivity", org="Connect Foundation", **extra) -> dict:
    """A valid submission body."""
    body = {"texts": [{"lang": "en", "title": title, "description": "<p>Connecting rural schools.</p>"}],
            "organisation": {"name": org, "stakeholder_group": "civil_society", "country": "KEN"},
            "countries": ["KEN"], "action_lines": ["C2", "C7-ELEARN"], "sdg_targets": ["4.a", "9.c"],
            "gdc_objectives": ["1"], "groups": ["rural_communities"], "status": "ongoing",
            "links": ["https://example.org/project"]}
    body.update(extra)
    return body


def login(client, email: str, password: str = PASSWORD) -> str:
    """Log a TestClient in through the JSON API; returns the CSRF token."""
    r = client.post("/api/v1/registry/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["data"]["csrf_token"]


@pytest.fixture
def empty_url(backend, tmp_path):
    """An empty database of ``backend`` for a migration test (a fresh PostgreSQL database, dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'r.sqlite'}"
        return
    server = os.environ["WSIS_TEST_PG_URL"]
    name = f"wsis_mig_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
