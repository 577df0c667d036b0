"""Entry point of the ``wsis`` command.

Each command group lives in its own module under ``wsis.cli`` and exposes ``register(app)``.
Errors users can cause are ``WsisError``s: printed as one line on stderr, exit code 2.
"""

from __future__ import annotations

import errno
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
    except Exception as exc:  # click usage errors, and a home that cannot be written
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        line = unwritable(exc)
        if line:
            print(f"wsis: error: {line}", file=sys.stderr)
            sys.exit(2)
        raise


_UNWRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT)
_UNWRITABLE_WORDS = ("readonly database", "read-only file system", "permission denied",
                     "unable to open database file")


def unwritable(exc: BaseException) -> str | None:
    """One line for a failure to write under WSIS_HOME (read-only or full disk), else None."""
    if isinstance(exc, OSError) and exc.errno in _UNWRITABLE:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror} (check that WSIS_HOME is writable and has space)"
    text = str(exc).lower()
    if any(w in text for w in _UNWRITABLE_WORDS):
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        return f"cannot write: {first} (check that WSIS_HOME is writable)"
    return None


if __name__ == "__main__":
    main()
