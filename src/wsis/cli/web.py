"""``wsis serve``: the dashboard, the open API and SDMX REST over the current release."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""

    @app.command("serve")
    def serve(host: str = typer.Option(None, help="bind address (default: settings.host)"),
              port: int = typer.Option(None, help="port (default: settings.port)"),
              workers: int = typer.Option(1, min=1, max=16, help="worker processes"),
              proxy_headers: bool = typer.Option(None, "--proxy-headers/--no-proxy-headers",
                                                 help="trust X-Forwarded-For/-Proto (default: "
                                                      "settings.proxy_headers)"),
              forwarded_allow_ips: str = typer.Option(None, help="comma-separated proxy addresses to trust "
                                                                 "(default: settings.forwarded_allow_ips)")) -> None:
        """Serve the current release read-only (a newly published release is picked up without a restart)."""
        from wsis.web.server import run

        run(host=host, port=port, workers=workers, proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips)

    @app.command("bake")
    def bake(limit: int = typer.Option(None, min=0, help="bake at most this many more URLs"),
             quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
        """Render the current release's most visited URLs into its baked-answer store, in the foreground and
        at low priority (resumes a partial bake; returns at once if another baker is at work)."""
        import os

        from wsis.settings import get_settings
        from wsis.web.bake import bake as run_bake

        os.nice(10)
        r = run_bake(get_settings(), limit=limit, echo=None if quiet else print)
        print(f"release {r['release']}: {r['status']}, {r['baked']}/{r['planned']} URLs baked, "
              f"{r['answers']} answers stored" + (" (complete)" if r["complete"] else ""))
