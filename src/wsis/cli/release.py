"""Release commands: build, check, releases, diff, info, query, main."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wsis.cli.output import emit
from wsis.errors import WsisError
from wsis.schema import DIMENSIONS
from wsis.settings import Settings, get_settings

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json")]
WideOpt = Annotated[bool, typer.Option("--wide", help="every column in the table, however wide")]


def _settings(data_dir: Path | None = None) -> Settings:
    s = get_settings()
    return s.model_copy(update={"data_dir": data_dir}) if data_dir else s


def build(data_dir: Annotated[Path | None, typer.Option(help="data folder or packed mirror (.tar.zst)")] = None,
          quiet: bool = typer.Option(False, "--quiet", "-q"),
          no_bake: bool = typer.Option(False, "--no-bake", help="do not start the background baker")) -> None:
    """Build a new release from the data dir and publish it (atomically); then start the background baker
    of ready-made answers (see `wsis bake`)."""
    from wsis.build import build_release

    settings = _settings(data_dir)
    m = build_release(settings, progress=not quiet)
    fs = m["findings_summary"]
    err = Console(stderr=True)
    err.print(f"[green]published[/] release {m['release_id']}: {m['observations']:,} observations "
              f"from {len(m['datasets'])} datasets; {fs['warning']} warnings, {fs['info']} notes")
    if not no_bake:
        from wsis.web.bake import start_background

        proc = start_background(settings)
        if proc is not None and not quiet:
            err.print(f"baking ready-made answers in the background (process {proc.pid}; `wsis bake` shows progress)")


def check(data_dir: Annotated[Path | None, typer.Option(help="data folder or packed mirror")] = None,
          fmt: FormatOpt = "table", wide: WideOpt = False) -> None:
    """Run the quality checks on the data dir without building; exit 2 when any error is found."""
    import pandas as pd

    from wsis.build import check_data_dir

    findings = check_data_dir(_settings(data_dir))
    df = pd.DataFrame([f.as_dict() for f in findings])
    if df.empty:
        print("no findings")
        return
    emit(df[["severity", "check_name", "message", "file", "row_number", "column_name"]], fmt, "quality findings",
         wide=wide)
    if (df["severity"] == "error").any():
        raise typer.Exit(2)


def releases(fmt: FormatOpt = "table", wide: WideOpt = False) -> None:
    """List the published releases, newest first."""
    import pandas as pd

    from wsis.release.store import list_releases

    emit(pd.DataFrame(list_releases(get_settings())), fmt, "releases", wide=wide)


def diff(old: str, new: str, fmt: FormatOpt = "table", wide: WideOpt = False) -> None:
    """Observations added, removed and changed between two releases, per indicator and area."""
    from wsis.release.diff import diff_releases

    df = diff_releases(old, new, get_settings())
    if df.empty and fmt == "table":
        print("no differences")
        return
    emit(df, fmt, f"{old} -> {new}", wide=wide)


def info(release: Annotated[str | None, typer.Option(help="release id (default: current)")] = None) -> None:
    """Summary of a release: id, inputs, counts and quality findings."""
    from wsis.release import open_release

    rel = open_release(release, get_settings())
    print_summary(rel)


def print_summary(rel) -> None:
    """Print the release summary (used by `info` and `main`)."""
    import pandas as pd

    m = rel.manifest
    c = Console()
    c.print(f"[bold]Release[/] {m['release_id']}  created {m['created']}  code {m['code_version']}")
    loaded = [d for d in m["datasets"] if d["rows"]]
    c.print(f"{m['observations']:,} observations from {len(loaded)} datasets "
            f"({len(m['datasets']) - len(loaded)} files read with nothing to load); "
            f"findings: {m['findings_summary']}")
    by_ind = pd.DataFrame(m["counts"]).groupby("indicator")["rows"].sum().sort_values(ascending=False)
    emit(by_ind.reset_index().rename(columns={"rows": "observations"}).head(15), "table", "largest series")


def query(indicator: str,
          area: Annotated[list[str] | None, typer.Option("--area", "-a", help="area code (repeatable)")] = None,
          year: Annotated[list[int] | None, typer.Option("--year", "-y", help="year (repeatable)")] = None,
          dim: Annotated[list[str] | None, typer.Option("--dim", help="KEY=VALUE dimension filter")] = None,
          all_vintages: bool = typer.Option(False, "--all-vintages", help="show every dataset, not only the preferred"),
          release: Annotated[str | None, typer.Option(help="release id (default: current)")] = None,
          fmt: FormatOpt = "table", wide: WideOpt = False) -> None:
    """Print observations of an indicator with their dimensions, value, unit and dataset id."""
    from wsis.catalogue import load_catalogue
    from wsis.release import open_release

    rel = open_release(release, get_settings())
    if rel.sql("SELECT 1 FROM indicators WHERE INDICATOR = ?", [indicator]).empty:
        load_catalogue().indicator(indicator)  # raises the unknown-indicator error
    dims = {}
    for d in dim or []:
        if "=" not in d:
            raise WsisError("bad-option", f"--dim {d!r} is not KEY=VALUE", column="--dim", expected="KEY=VALUE")
        k, v = d.split("=", 1)
        dims[k.strip().upper()] = v.strip()
    df = rel.observations(indicator, areas=area, years=year, dims=dims, all_vintages=all_vintages)
    cols = [*DIMENSIONS, "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "COMMENT_OBS", "COVERAGE", "METHOD", "DATASET_ID",
            "source_kind"]
    if fmt == "table":  # hide all-total breakdown columns to keep the table readable
        cols = [c for c in cols if c not in df or not (df[c].isin(["_T"]).all() or df[c].isna().all())
                or c in ("INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE", "DATASET_ID", "source_kind")]
    if df.empty and fmt == "table":
        Console(stderr=True).print("no observations match")
        return
    essential = [c for c in cols if c not in ("INDICATOR", "UNIT_MEASURE", "OBS_STATUS", "COVERAGE", "METHOD")]
    emit(df[[c for c in cols if c in df]], fmt, f"{indicator} (release {rel.id})", essential, wide)


def main_job() -> None:
    """The main job of `make run` before the dashboard exists: summary and headline divide figures."""
    from wsis import query

    rel = query.release(get_settings())
    print_summary(rel)
    emit(query.headline_gaps(rel), "table", "headline digital divides")


def register(app: typer.Typer) -> None:
    """Add the release commands to the CLI."""
    app.command("build")(build)
    app.command("check")(check)
    app.command("releases")(releases)
    app.command("diff")(diff)
    app.command("info")(info)
    app.command("query")(query)
    app.command("main", help="Summary of the current release and the headline digital-divide figures.")(main_job)
