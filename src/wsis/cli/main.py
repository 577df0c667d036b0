"""Entry point of the ``wsis`` command.

Each command group lives in its own module under ``wsis.cli`` and exposes ``register(app)``.
Errors users can cause are ``WsisError``s: printed as one line on stderr, exit code 2.
"""

from __future__ import annotations

import sys

import typer

from wsis.cli import compute, fetch, registry, release, report, survey, web
from wsis.errors import WsisError

app = typer.Typer(
    name="wsis",
    help="WSIS Monitor: official ICT statistics into versioned releases, indicators, dashboards and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command-group modules, in help order; every layer is always installed.
for _mod in (release, compute, survey, registry, fetch, web, report):
    _mod.register(app)


def main() -> None:
    """Run the CLI, turning ``WsisError`` into one line on stderr and a non-zero exit."""
    try:
        app(standalone_mode=False)
    except WsisError as err:
        print(f"wsis: error: {err}", file=sys.stderr)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("wsis: aborted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
