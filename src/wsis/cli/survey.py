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
        indicators: str = typer.Option(..., "--indicators", help="indicators YAML, or itu-core"),
        out: Path = typer.Option(..., "--out", help="result file"),
        fmt: str = typer.Option("csv", "--format", help="csv | json | sdmx-csv | xlsx"),
        variables: Path = typer.Option(None, "--variables", help="with itu-core: the office's variables YAML"),
        backend: str = typer.Option(None, "--backend", help="duckdb (default) or pyspark"),
        quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
    ) -> None:
        """Estimate every indicator for every domain and write RESULT."""
        from wsis.errors import WsisError
        from wsis.survey.estimate import estimate
        from wsis.survey.output import FORMATS, write_result

        if fmt not in FORMATS:
            raise WsisError("format-unknown", f"unknown format {fmt!r}", column="--format", expected=" | ".join(FORMATS))
        ind: Path | dict = Path(indicators)
        if indicators == "itu-core":
            from wsis.survey import itu

            if variables is None:
                raise WsisError("variables-missing", "--indicators itu-core needs --variables", column="--variables",
                                expected="a YAML mapping the office's columns onto the Manual's questions")
            ind, report, notes = itu.build(variables)
            for line in itu.report_lines(report):
                typer.echo(line)
        elif variables is not None:
            raise WsisError("variables-unused", "--variables is only used with --indicators itu-core",
                            column="--variables", expected="--indicators itu-core")
        df = estimate(microdata, design, ind, backend=backend, progress=not quiet)
        read = df.attrs["provenance"].get("input", {})
        if read.get("summary"):
            typer.echo(f"read {microdata.name}: {read['summary']}")
        if isinstance(ind, dict):
            import yaml

            from wsis.survey.output import atomic_write

            built = Path(f"{out}.indicators.yaml")  # what was run, for `survey publish` and for the record
            atomic_write(built, lambda p: p.write_text(yaml.safe_dump(ind, sort_keys=False, allow_unicode=True),
                                                       encoding="utf-8"))
            df.attrs["provenance"]["indicators"] = str(built)
            df.attrs["provenance"].update(notes)
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

        skipped: list[str] = []
        path = publish(result, area, year, series_map=series_map, indicators=indicators, slug=slug,
                       publisher=publisher, title=title, licence=licence, vintage=vintage, skipped=skipped)
        for line in skipped:
            typer.echo(f"left out {line}")
        typer.echo(f"published {path}")

    app.add_typer(sub, name="survey")
