"""``wsis gaps``, ``wsis progress``, ``wsis figures`` and ``wsis validate-aggregates``: thin calls of the
compute library, each printing a table, CSV or JSON."""

from __future__ import annotations

import sys

import pandas as pd
import typer

from wsis.errors import WsisError

FORMATS = ("table", "csv", "json")


def _emit(df: pd.DataFrame, fmt: str, title: str = "") -> None:
    if fmt not in FORMATS:
        raise WsisError("bad-format", f"unknown format {fmt!r}", column="--format", expected=" | ".join(FORMATS))
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
        return
    if fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, indent=1) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title or None, show_lines=False)
    for c in df.columns:
        table.add_column(str(c), overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*[_cell(v) for v in row])
    Console(width=max(160, Console().width)).print(table)


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 10 else f"{v:.2f}"
    return str(v)


def _release(release_id: str | None):
    from wsis.release.reader import open_release

    return open_release(release_id)


def gaps(indicator: str | None = typer.Option(None, help="a gap code, e.g. IT_USE_ii99_GPS"),
         area: str | None = typer.Option(None, help="area code, e.g. KEN or WLD"),
         all_years: bool = typer.Option(False, "--all-years", help="every year, not only the latest"),
         fmt: str = typer.Option("table", "--format", help="table | csv | json"),
         release: str | None = typer.Option(None, help="release id (default: current)")) -> None:
    """Divides: gender parity scores, urban/rural and high/low-income ratios, gaps to the world, Gini/Theil."""
    from wsis.compute.gaps import gap_table

    _emit(gap_table(_release(release), latest=not all_years, indicator=indicator, area=area), fmt, "Gaps")


def progress(area: str | None = typer.Option(None, help="area code, e.g. KEN"),
             indicator: str | None = typer.Option(None, help="indicator code or target id"),
             method: str = typer.Option("unsd", help="unsd | statcan | unsd2022 | projection | all"),
             fmt: str = typer.Option("table", "--format", help="table | csv | json"),
             release: str | None = typer.Option(None, help="release id (default: current)")) -> None:
    """Progress towards the 2030 targets per area and indicator."""
    from wsis.compute.progress import assess

    df = assess(_release(release), area=area, indicator=indicator, method=method)
    if fmt == "table":
        df = df[["area", "indicator", "method", "category", "base_year", "base_value", "latest_year",
                 "latest_value", "target_value", "observed_rate", "required_rate", "projected_2030",
                 "projected_low", "projected_high", "years_used"]]
    _emit(df, fmt, "Progress towards 2030 targets")


def figures(fmt: str = typer.Option("table", "--format", help="table | csv | json"),
            release: str | None = typer.Option(None, help="release id (default: current)")) -> None:
    """Every figure the outcome document states, next to the release's value and why they differ."""
    from wsis.compute.figures import fact_check
    from wsis.settings import get_settings

    _emit(fact_check(_release(release), get_settings().data_dir), fmt, "Outcome document figures")


def validate_aggregates(impute: str = typer.Option("interpolate", help="none | interpolate | nearest | both"),
                        fmt: str = typer.Option("table", "--format", help="table | csv | json"),
                        detail: bool = typer.Option(False, help="one row per group-year")) -> None:
    """Rebuild the World Bank's published Internet-use aggregates from its country rows and compare."""
    from wsis.compute.validation import summarise, wb_validation
    from wsis.settings import get_settings

    tab = wb_validation(get_settings().data_dir, impute)
    _emit(tab if detail else summarise(tab), fmt, "World Bank aggregates rebuilt")


def register(app: typer.Typer) -> None:
    """Add the compute commands at top level."""
    app.command("gaps")(gaps)
    app.command("progress")(progress)
    app.command("figures")(figures)
    app.command("validate-aggregates")(validate_aggregates)
