"""Reliability: 100 concurrent submitters against a real uvicorn server, and SIGKILL during writes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx
from sqlalchemy import func, select, text
from tests.conftest import free_port
from tests.registry.conftest import initiative_payload

from wsis.registry.db import Registry
from wsis.registry.models import ApiToken, Initiative, InitiativeText, SearchDoc, User, Version
from wsis.web.server import WORKER_HEALTHCHECK_SECONDS

SUBMITTERS = 100
PER_SUBMITTER = 1


def _env(settings) -> dict[str, str]:
    return os.environ | {"WSIS_REGISTRY_URL": settings.registry_db_url, "WSIS_DATA_DIR": str(settings.data_dir),
                         "WSIS_HOME": str(settings.home), "WSIS_SECRET_KEY": settings.secret_key}


def _tokens(reg, password_hash) -> list[str]:
    import hashlib
    import secrets

    tokens = [f"wsis_{secrets.token_urlsafe(24)}" for _ in range(SUBMITTERS)]

    def txn(s):
        for i, tok in enumerate(tokens):
            user = User(email=f"load{i}@example.org", password_hash=password_hash, role="contributor")
            s.add(user)
            s.flush()
            s.add(ApiToken(user_id=user.id, name="load", token_hash=hashlib.sha256(tok.encode()).hexdigest(),
                           scopes="read submit"))

    reg.write(txn)
    return tokens


async def _submit_all(base: str, tokens: list[str]) -> list[tuple[int, str]]:
    limits = httpx.Limits(max_connections=SUBMITTERS, max_keepalive_connections=SUBMITTERS)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        async def one(i: int, tok: str) -> list[tuple[int, str]]:
            out = []
            for j in range(PER_SUBMITTER):
                body = initiative_payload(title=f"Load entry {i}-{j}", org=f"Load org {i % 7}")
                headers = {"Authorization": f"Bearer {tok}", "Idempotency-Key": f"load-{i}-{j}"}
                r = await client.post("/api/v1/registry/initiatives", json=body, headers=headers)
                if r.status_code >= 500 or i % 10 == 0:  # some clients retry: must not duplicate
                    r = await client.post("/api/v1/registry/initiatives", json=body, headers=headers)
                out.append((r.status_code, r.text))
            return out

        results = await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
    return [x for group in results for x in group]


def test_concurrent_submitters_over_http(settings, reg, password_hash):
    tokens = _tokens(reg, password_hash)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "wsis.web.registry:create_registry_app", "--host",
         "127.0.0.1", "--port", str(port), "--workers", "2", "--log-level", "warning",
         # as `wsis serve`: a worker busy with 100 clients on a loaded machine must not be killed mid-request
         "--timeout-worker-healthcheck", str(WORKER_HEALTHCHECK_SECONDS)],
        env=_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = None
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/registry/deliverables", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        started = time.perf_counter()
        try:
            results = asyncio.run(_submit_all(base, tokens))
        except httpx.HTTPError as exc:  # a dropped connection: show why the server dropped it
            server.send_signal(signal.SIGTERM)
            log = server.communicate(timeout=30)[0].decode(errors="replace")
            raise AssertionError(log[-3000:]) from exc
        elapsed = time.perf_counter() - started
    finally:
        if log is None:
            server.send_signal(signal.SIGTERM)
            log = server.communicate(timeout=30)[0].decode(errors="replace")
    print(f"{len(results)} submissions by {SUBMITTERS} clients in {elapsed:.1f}s")
    statuses = [s for s, _ in results]
    assert all(s == 201 for s in statuses), {s for s in statuses}
    assert not any("locked" in body.lower() for _, body in results)
    assert "database is locked" not in log
    with reg.read() as s:
        titles = list(s.scalars(select(InitiativeText.title).where(InitiativeText.title.like("Load entry %"))))
    expected = {f"Load entry {i}-{j}" for i in range(SUBMITTERS) for j in range(PER_SUBMITTER)}
    assert len(titles) == len(expected) and set(titles) == expected  # none lost, none duplicated


WRITER = textwrap.dedent("""
    import sys
    from wsis.registry.db import Registry
    from wsis.registry.models import User
    from wsis.registry.policy import session_actor
    from wsis.registry.schemas import InitiativeIn, ModerationIn
    from wsis.registry import services
    from wsis.settings import Settings
    import json
    settings = Settings(**json.loads(sys.argv[1]))
    reg = Registry(settings.registry_db_url, settings)
    def mk(s, email):
        u = User(email=email, password_hash="x", role="moderator"); s.add(u); s.flush(); return u.id
    actor = session_actor(reg.write(lambda s: mk(s, "writer@example.org")), "moderator")
    checker = session_actor(reg.write(lambda s: mk(s, "checker@example.org")), "moderator")  # four eyes
    body = json.loads(sys.argv[2])
    n = 0
    while True:
        body["texts"][0]["title"] = f"Crash test {n} " + "x" * 200
        res = services.submit_initiative(reg, actor, InitiativeIn.model_validate(body))
        services.moderate_initiative(reg, checker, res["initiative"]["id"], ModerationIn(decision="approve"))
        n += 1
        print(n, flush=True)
""")


def test_sigkill_during_writes_leaves_a_consistent_database(settings, reg):
    import json

    args = json.dumps({"data_dir": str(settings.data_dir), "home": str(settings.home),
                       "registry_url": settings.registry_db_url, "secret_key": "k"})
    proc = subprocess.Popen([sys.executable, "-c", WRITER, args, json.dumps(initiative_payload())],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = 0
    while done < 15:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(proc.stderr.read().decode())
        done = int(line)
    time.sleep(0.05)  # land somewhere inside a later transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    fresh = Registry(settings.registry_db_url, settings)
    try:
        with fresh.read() as s:
            inis = list(s.scalars(select(Initiative)))
            assert len(inis) >= 15
            for ini in inis:
                assert ini.texts, ini.id  # never an entry without its text
                versions = s.scalar(select(func.count()).select_from(Version).where(
                    Version.entity_type == "initiative", Version.entity_id == ini.id))
                assert versions == ini.version  # audit trail in step with every committed change
                docs = s.scalar(select(func.count()).select_from(SearchDoc).where(SearchDoc.initiative_id == ini.id))
                assert docs == (1 if ini.moderation == "approved" else 0)
            if fresh.is_sqlite:
                assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                s.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
        # and the database takes new writes
        from wsis.registry.tracking import seed_reference

        seed_reference(fresh)
    finally:
        fresh.dispose()


def test_postgres_pool_is_bounded_by_the_setting(settings, reg, backend):
    """A server process never asks PostgreSQL for more than ``registry_pool_size`` connections."""
    if backend != "postgres":
        assert reg.is_sqlite
        return
    small = Registry(settings.registry_db_url, settings.model_copy(update={"registry_pool_size": 3}))
    try:
        assert small.engine.pool.size() == 3 and small.engine.pool._max_overflow == 0
        held = [small.engine.connect() for _ in range(3)]
        small.engine.pool._timeout = 0.2  # a fourth caller waits, then gets a clear "busy"
        from sqlalchemy.exc import TimeoutError as PoolTimeout

        from wsis.registry.db import storage_error
        try:
            small.engine.connect()
            raise AssertionError("a fourth connection was opened past the pool's bound")
        except PoolTimeout as exc:
            err = storage_error(exc)
            assert err is not None and err.status == 503 and err.extra["retry_after"]
        for conn in held:
            conn.close()
    finally:
        small.dispose()


def test_a_database_out_of_connections_is_a_503_with_retry_after():
    """PostgreSQL's own refusal at max_connections is answered as busy, not as a dropped connection."""
    from sqlalchemy.exc import OperationalError

    from wsis.registry.db import storage_error

    exc = OperationalError("connect", {}, Exception("FATAL:  sorry, too many clients already"))
    err = storage_error(exc)
    assert err is not None and err.code == "busy" and err.status == 503 and err.extra["retry_after"] == 5
