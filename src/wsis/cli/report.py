"""``wsis report``: build the biennial progress report (HTML and PDF) from a release and the registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from wsis.errors import WsisError


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise WsisError("bad-parameter", f"invalid date {text!r}", column="as-of", expected="YYYY-MM-DD") from None


def report(period: str = typer.Option(..., "--period", help="reporting period, e.g. 2024-2025"),
           lang: str = typer.Option("en", "--lang", help="languages, comma-separated: en,fr,es,ar,ru,zh"),
           fmt: str = typer.Option("html", "--format", help="html, pdf or html,pdf"),
           out: Path = typer.Option(Path("report"), "--out", help="output folder"),
           release: str | None = typer.Option(None, "--release", help="release id (default: current)"),
           as_of: str | None = typer.Option(None, "--as-of", help="registry status date (default: period end)"),
           quiet: bool = typer.Option(False, "--quiet", help="no progress bar")) -> None:
    """Build the biennial progress report for a period, in one or more languages."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from wsis.report import build_report

    if quiet:
        rec = build_report(period, lang, fmt, out, release_id=release, as_of=_date(as_of))
    else:
        with Progress(TextColumn("{task.description:<24}"), BarColumn(), TimeElapsedColumn(),
                      transient=True) as bar:
            task = bar.add_task("report", total=None)

            def tick(label: str, total: int) -> None:
                bar.update(task, total=total, advance=1, description=label[:24])

            rec = build_report(period, lang, fmt, out, release_id=release, as_of=_date(as_of), progress=tick)
    for name in sorted(rec["files"]):
        typer.echo(str(out / name))


def register(app: typer.Typer) -> None:
    """Add ``wsis report`` to the CLI."""
    app.command("report")(report)
