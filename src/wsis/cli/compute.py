"""``wsis gaps``, ``wsis progress``, ``wsis figures`` and ``wsis validate-aggregates``: thin calls of the
compute library, each printing a table, CSV or JSON."""

from __future__ import annotations

import typer

from wsis.cli.output import emit as _emit

WIDE = typer.Option(False, "--wide", help="every column in the table, however wide (CSV and JSON always have all)")
# The columns a table shows by default, in 80 terminal columns (``--wide`` shows every column).
GAPS_ESSENTIAL = ("gap", "area", "year", "value", "class")
PROGRESS_ESSENTIAL = ("area", "indicator", "method", "category", "latest_year", "latest_value", "target_value",
                      "projected_2030")
FIGURES_ESSENTIAL = ("para", "figure", "stated_value", "release_value", "release_year", "difference")


def _release(release_id: str | None):
    from wsis.release.reader import open_release

    return open_release(release_id)


def gaps(indicator: str | None = typer.Option(None, help="a gap code, e.g. IT_USE_ii99_GPS"),
         area: str | None = typer.Option(None, help="area code, e.g. KEN or WLD"),
         all_years: bool = typer.Option(False, "--all-years", help="every year, not only the latest"),
         fmt: str = typer.Option("table", "--format", help="table | csv | json"),
         wide: bool = WIDE,
         release: str | None = typer.Option(None, help="release id (default: current)")) -> None:
    """Divides: gender parity scores, urban/rural and high/low-income ratios, gaps to the world, Gini/Theil."""
    from wsis.compute.gaps import gap_table

    _emit(gap_table(_release(release), latest=not all_years, indicator=indicator, area=area), fmt, "Gaps",
          GAPS_ESSENTIAL, wide)


def progress(area: str | None = typer.Option(None, help="area code, e.g. KEN"),
             indicator: str | None = typer.Option(None, help="indicator code or target id"),
             method: str = typer.Option("unsd", help="unsd | statcan | unsd2022 | projection | all"),
             fmt: str = typer.Option("table", "--format", help="table | csv | json"),
             wide: bool = WIDE,
             release: str | None = typer.Option(None, help="release id (default: current)")) -> None:
    """Progress towards the 2030 targets per area and indicator."""
    from wsis.compute.progress import assess

    df = assess(_release(release), area=area, indicator=indicator, method=method)
    _emit(df, fmt, "Progress towards 2030 targets", PROGRESS_ESSENTIAL, wide)


def figures(fmt: str = typer.Option("table", "--format", help="table | csv | json"),
            wide: bool = WIDE,
            release: str | None = typer.Option(None, help="release id (default: current)")) -> None:
    """Every figure the outcome document states, next to the release's value and why they differ."""
    from wsis.compute.figures import fact_check
    from wsis.settings import get_settings

    settings = get_settings()
    _emit(fact_check(_release(release), settings.data_dir, registry_counts=_registry_counts(settings)), fmt,
          "Outcome document figures", FIGURES_ESSENTIAL, wide)


def _registry_counts(settings) -> dict[str, dict] | None:
    """The registry's counts that outcome-document figures are compared with; None when it has no IGF table."""
    from sqlalchemy import inspect

    from wsis.registry.db import get_registry
    from wsis.registry.igf import forum_count

    if settings.registry_url is None and not (settings.home / "registry.sqlite").exists():
        return None  # no registry yet: do not create one just to count
    reg = get_registry(settings)
    try:
        if not inspect(reg.engine).has_table("igf_forums"):
            return None
        return {"igf_forums": forum_count(reg)}
    except Exception:  # noqa: BLE001 - an unreadable registry leaves the figure "not measurable", as before
        return None


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
