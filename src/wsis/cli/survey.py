"""``wsis survey``: household survey estimates and their publication into the next release."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the ``survey`` command group."""
    sub = typer.Typer(help="Household survey estimation (R survey conventions).", no_args_is_help=True)

    @sub.command("estimate")
    def estimate_cmd(
        microdata: Path = typer.Argument(..., help="CSV, Parquet, Stata .dta or SPSS .sav"),
        design: Path = typer.Option(..., "--design", help="design YAML"),
        indicators: Path = typer.Option(..., "--indicators", help="indicators YAML"),
        out: Path = typer.Option(..., "--out", help="result file"),
        fmt: str = typer.Option("csv", "--format", help="csv | json | sdmx-csv"),
        backend: str = typer.Option(None, "--backend", help="duckdb (default) or pyspark"),
        quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
    ) -> None:
        """Estimate every indicator for every domain and write RESULT."""
        from wsis.survey.estimate import estimate
        from wsis.survey.output import FORMATS, write_result

        if fmt not in FORMATS:
            from wsis.errors import WsisError

            raise WsisError("format-unknown", f"unknown format {fmt!r}", column="--format", expected=" | ".join(FORMATS))
        df = estimate(microdata, design, indicators, backend=backend, progress=not quiet)
        write_result(df, out, fmt)
        typer.echo(f"wrote {len(df)} estimates to {out}")

    @sub.command("publish")
    def publish_cmd(
        result: Path = typer.Argument(..., help="a result written by wsis survey estimate"),
        area: str = typer.Option(..., "--area", help="ISO3 code"),
        year: int = typer.Option(..., "--year"),
        series_map: Path = typer.Option(None, "--series-map", help="YAML: indicator code -> series code"),
        indicators: Path = typer.Option(None, "--indicators", help="indicators YAML (default: from the result)"),
        slug: str = typer.Option(None, "--slug"),
        publisher: str = typer.Option("", "--publisher"),
        title: str = typer.Option("", "--title"),
        licence: str = typer.Option("", "--licence"),
        vintage: str = typer.Option("", "--vintage"),
    ) -> None:
        """Add the estimates to the next release as a national dataset."""
        from wsis.survey.publish import publish

        path = publish(result, area, year, series_map=series_map, indicators=indicators, slug=slug,
                       publisher=publisher, title=title, licence=licence, vintage=vintage)
        typer.echo(f"published {path}")

    app.add_typer(sub, name="survey")
