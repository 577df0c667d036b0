"""The read-only release reader. Publishing layers (web, report) and compute read releases through it."""

from __future__ import annotations

import json
import threading
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from wsis.errors import WsisError
from wsis.release.store import release_path
from wsis.schema import DIMENSIONS
from wsis.settings import Settings, get_settings

_CACHE: dict[str, Release] = {}
_LOCK = threading.Lock()


class Release:
    """One published release, opened read-only. Cheap to share: cursors are per call."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection | None = None):
        self.path = Path(path)
        self.db_path = self.path / "release.duckdb"
        self._con = con if con is not None else duckdb.connect(str(self.db_path), read_only=True)

    @classmethod
    def over(cls, con: duckdb.DuckDBPyConnection) -> Release:
        """The reader's queries over a release still being built (its connection), for build-time
        precomputation with the same functions that would read a published release."""
        return cls(Path(con.execute("SELECT file FROM pragma_database_list WHERE name = current_database()")
                        .fetchone()[0]).parent, con)

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """The release manifest (inputs, checksums, counts, findings, code version)."""
        return json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))

    @property
    def id(self) -> str:
        """The release id."""
        return self.manifest["release_id"]

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run a read-only SQL query on a fresh cursor (thread-safe) and return a frame."""
        cur = self._con.cursor()
        try:
            return cur.execute(query, params or []).df()
        finally:
            cur.close()

    def connection(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the release (read-only), e.g. for Ibis."""
        return self._con.cursor()

    @staticmethod
    def _filters(indicator=None, areas=None, years=None, dims=None, start=None, end=None,
                 datasets=None) -> tuple[str, list]:
        """The WHERE clause (with parameters) shared by ``observations`` and ``count_observations``."""
        where, params = [], []
        if indicator:
            where.append("INDICATOR = ?")
            params.append(indicator)
        for col, values in (("REF_AREA", areas), ("TIME_PERIOD", [int(y) for y in years or []]),
                            ("DATASET_ID", datasets)):
            if values:
                where.append(f"{col} IN ({','.join('?' * len(values))})")
                params += list(values)
        if start is not None:
            where.append("TIME_PERIOD >= ?")
            params.append(int(start))
        if end is not None:
            where.append("TIME_PERIOD <= ?")
            params.append(int(end))
        for k, v in (dims or {}).items():
            if k not in DIMENSIONS:
                raise WsisError("unknown-dimension", f"unknown dimension {k!r}", column=k,
                                expected="one of " + ", ".join(DIMENSIONS))
            where.append(f'"{k}" = ?')
            params.append(v)
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def observations(self, indicator: str | None = None, areas: list[str] | None = None,
                     years: list[int] | None = None, dims: dict[str, str] | None = None,
                     all_vintages: bool = False, start: int | None = None, end: int | None = None,
                     datasets: list[str] | None = None, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """Observations filtered on any dimension; the preferred vintage only unless ``all_vintages``."""
        where, params = self._filters(indicator, areas, years, dims, start, end, datasets)
        table = "observations" if all_vintages else "preferred"
        if table == "preferred" and areas and not indicator:
            table = "preferred_by_area"  # the same rows sorted by area: a few row groups per area
        # every observation carries its dataset's source kind (publisher copy, PDF extraction, ...)
        kind = "d.source_kind" if self._has_source_kind else "'unknown'"
        q = (f"SELECT o.* EXCLUDE (SOURCE_ROW, SOURCE_COLUMN), {kind} AS source_kind FROM {table} o "
             f"LEFT JOIN datasets d USING (DATASET_ID){where}")
        q += " ORDER BY INDICATOR, REF_AREA, TIME_PERIOD, SEX, AGE, URBANISATION, DATASET_ID"
        if limit is not None:
            q += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return self.sql(q, params)

    @cached_property
    def _has_source_kind(self) -> bool:
        """Releases built before source kinds were recorded lack the column."""
        cols = self.sql("SELECT column_name FROM duckdb_columns() WHERE table_name = 'datasets'")
        return "source_kind" in set(cols["column_name"])

    def count_observations(self, indicator: str | None = None, areas: list[str] | None = None,
                           years: list[int] | None = None, dims: dict[str, str] | None = None,
                           all_vintages: bool = False, start: int | None = None, end: int | None = None,
                           datasets: list[str] | None = None) -> int:
        """How many observations ``observations`` would return with the same filters."""
        where, params = self._filters(indicator, areas, years, dims, start, end, datasets)
        table = "observations" if all_vintages else "preferred"
        return int(self.sql(f"SELECT count(*) AS n FROM {table}{where}", params)["n"].iloc[0])

    def indicators(self) -> pd.DataFrame:
        """The catalogue as stored in the release (derived indicators included)."""
        return self.sql("SELECT * FROM indicators ORDER BY INDICATOR")

    def datasets(self) -> pd.DataFrame:
        """Every dataset (file) the release was built from, with provenance."""
        return self.sql("SELECT * FROM datasets ORDER BY DATASET_ID")

    def areas(self) -> pd.DataFrame:
        """All areas (countries and groups)."""
        return self.sql("SELECT * FROM areas ORDER BY code")

    def group_members(self, group: str) -> list[str]:
        """Member ISO3 codes of a group, as classified in this release."""
        return self.sql('SELECT iso3 FROM group_members WHERE "group" = ? ORDER BY iso3', [group])["iso3"].tolist()

    def area_name(self, code: str, lang: str = "en") -> str:
        """Name of an area in a language (English, then the code, as fallbacks)."""
        df = self.sql("SELECT lang, name FROM area_names WHERE code = ? AND lang IN (?, 'en')", [code, lang])
        if df.empty:
            return code
        pref = df[df["lang"] == lang]
        return str((pref if not pref.empty else df).iloc[0]["name"])

    def indicator_name(self, code: str, lang: str = "en") -> str:
        """Name of an indicator in a UN language (English, then the code, as fallbacks)."""
        if lang != "en":
            df = self.sql("SELECT name FROM indicator_names WHERE INDICATOR = ? AND lang = ?", [code, lang])
            if not df.empty:
                return str(df.iloc[0]["name"])
        df = self.sql("SELECT name FROM indicators WHERE INDICATOR = ?", [code])
        return str(df.iloc[0]["name"]) if not df.empty else code

    def indicator_names(self, lang: str) -> dict[str, str]:
        """Every indicator's name in a language, code -> name (only those translated)."""
        df = self.sql("SELECT INDICATOR, name FROM indicator_names WHERE lang = ?", [lang])
        return dict(zip(df["INDICATOR"], df["name"], strict=True))

    def findings(self) -> pd.DataFrame:
        """Quality findings recorded at build time."""
        return self.sql("SELECT * FROM findings ORDER BY severity, check_name")

    def close(self) -> None:
        """Close the connection."""
        self._con.close()


def open_release(release_id: str | None = None, settings: Settings | None = None) -> Release:
    """Open a release read-only (the current one by default); cached by release id."""
    settings = settings or get_settings()
    path = release_path(settings, release_id)
    key = str(path.resolve())
    with _LOCK:
        rel = _CACHE.get(key)
        if rel is None:
            rel = _CACHE[key] = Release(path)
        return rel
