"""Run the web app with uvicorn."""

from __future__ import annotations

import uvicorn

from wsis.errors import WsisError
from wsis.query import current_release
from wsis.settings import get_settings

WORKER_HEALTHCHECK_SECONDS = 60


def run(host: str | None = None, port: int | None = None, workers: int = 1, proxy_headers: bool | None = None,
        forwarded_allow_ips: str | None = None) -> None:
    """Serve ``create_app()`` on host:port; refuses to start before the first release is built.

    Behind a reverse proxy, ``proxy_headers`` makes the client address (login throttling) and the scheme
    (Secure cookies) come from ``X-Forwarded-For``/``-Proto``, trusted only from ``forwarded_allow_ips``.
    """
    settings = get_settings()
    if current_release(settings) is None:
        raise WsisError("no-release", "no release has been built yet", hint="run `wsis build` first", status=404)
    from wsis.web.bake import start_background

    start_background(settings)  # only when the current release's baked store is missing or incomplete
    proxy = settings.proxy_headers if proxy_headers is None else proxy_headers
    uvicorn.run("wsis.web.app:create_app", factory=True, host=host or settings.host, port=port or settings.port,
                workers=workers, log_level="warning", access_log=False, proxy_headers=proxy,
                forwarded_allow_ips=forwarded_allow_ips or settings.forwarded_allow_ips,
                # uvicorn kills a worker that misses a 5 s health check, dropping its open requests; a worker
                # busy with a burst of requests on a loaded 2-core machine can miss it, so allow longer
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS)
