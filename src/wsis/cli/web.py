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
