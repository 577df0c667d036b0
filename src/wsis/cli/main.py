"""Entry point of the ``wsis`` command.

Each command group lives in its own module under ``wsis.cli`` and exposes ``register(app)``.
Errors users can cause are ``WsisError``s: printed as one line on stderr, exit code 2.
"""

from __future__ import annotations

import importlib
import sys

import typer

from wsis.errors import WsisError

app = typer.Typer(
    name="wsis",
    help="WSIS Monitor: official ICT statistics into versioned releases, indicators, dashboards and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command-group modules, in help order. A module that is not present is skipped.
GROUPS = ("release", "compute", "survey", "registry", "fetch", "web", "report")

for _name in GROUPS:
    try:
        _mod = importlib.import_module(f"wsis.cli.{_name}")
    except ModuleNotFoundError as exc:  # only a missing group module is tolerated
        if exc.name != f"wsis.cli.{_name}":
            raise
        continue
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
