"""``wsis fetch`` (online sources into a mirror) and ``wsis mirror pack|unpack`` (portable archives)."""

from __future__ import annotations

from pathlib import Path

import typer

SOURCE_HELP = "Sources: wb (World Bank), sdg (UN SDG API), itu (ITU DataHub), sdmx (SDMX REST). Default: wb sdg itu."


def fetch_command(
    sources: list[str] = typer.Argument(None, help=SOURCE_HELP, show_default=False),
    mirror: Path = typer.Option(..., "--mirror", "-m", help="Mirror folder to fetch into (created if missing)."),
    indicators: list[str] = typer.Option(
        None, "--indicators", "-i",
        help="Codes to fetch (repeat or comma-separate); prefix with the source when several are selected: "
             "wb:IT.NET.USER.ZS, sdg:IT_USE_ii99, sdg:goal=17, itu:internet=11624, sdmx:UNICEF/GLOBAL_DATAFLOW/KEY."),
    since: int = typer.Option(None, "--since", help="Only fetch years from this one on; older years already "
                              "in the mirror are kept."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Fetch fresh official data into a mirror folder, with provenance for every file."""
    from rich.console import Console

    from wsis.sources.fetch import fetch_mirror

    console = Console(stderr=True)
    report = fetch_mirror(mirror, sources or None, indicators or None, since, progress=not quiet, console=console)
    _print_summary(report, Console())
    report.raise_for_failures()


def _print_summary(report, console) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    table = Table(title=f"Changes since the last fetch in {report.mirror}", title_justify="left")
    for col in ("file", "status", "rows", "was", "bytes"):
        table.add_column(col, justify="right" if col in ("rows", "was", "bytes") else "left")
    style = {"new": "green", "updated": "yellow", "unchanged": "dim"}
    for c in report.changes:
        table.add_row(c.path, f"[{style[c.status]}]{c.status}[/]", str(c.rows),
                      "" if c.rows_before is None else str(c.rows_before), f"{c.size:,}")
    for f in report.failures:
        table.add_row(f"{f.source} {f.job}", "[red]failed[/]", "", "", "")
    console.print(table)
    n = report.counts
    console.print(f"{n['requests']} requests, {n['retries']} retries, {n['not_modified']} not modified, "
                  f"{n['resumed']} pages resumed, {len(report.failures)} failed jobs")


mirror_app = typer.Typer(help="Pack a mirror folder into one checksummed archive, or unpack one.",
                         no_args_is_help=True)


@mirror_app.command("pack")
def pack_command(
    folder: Path = typer.Argument(..., help="Mirror (or any data) folder."),
    out: Path = typer.Argument(..., help="Archive to write, ending in .tar.zst."),
) -> None:
    """Pack FOLDER into OUT.tar.zst with a sha256 manifest (same folder, same bytes)."""
    from wsis.sources.mirror import pack

    res = pack(folder, out)
    typer.echo(f"packed {res.files} files ({res.raw_bytes:,} bytes) into {res.archive} "
               f"({res.packed_bytes:,} bytes, sha256 {res.sha256})")


@mirror_app.command("unpack")
def unpack_command(
    archive: Path = typer.Argument(..., help="Archive made by `wsis mirror pack`."),
    folder: Path = typer.Argument(..., help="New (or empty) folder to unpack into."),
) -> None:
    """Verify every checksum of ARCHIVE and unpack it into FOLDER."""
    from wsis.sources.mirror import unpack

    res = unpack(archive, folder)
    typer.echo(f"unpacked and verified {res.files} files ({res.raw_bytes:,} bytes) into {res.folder}")


def register(app: typer.Typer) -> None:
    """Add ``fetch`` and the ``mirror`` group to the CLI."""
    app.command("fetch")(fetch_command)
    app.add_typer(mirror_app, name="mirror")
