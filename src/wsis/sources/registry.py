"""The adapter registry: finds the data files of a data dir and picks the reader for each by pattern."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wsis.catalogue import Catalogue, FileSpec, Provider
from wsis.errors import WsisError
from wsis.reference.areas import INCOME_CODES, WB_REGIONS, AreaReference
from wsis.sources.base import Provenance, SourceData, empty_frame, sha256_file

Adapter = Callable[[Path, "AdapterContext"], pd.DataFrame]
ADAPTERS: dict[str, Adapter] = {}


def adapter(name: str) -> Callable[[Adapter], Adapter]:
    """Register a reader under a name used in ``providers.yaml``."""
    def deco(fn: Adapter) -> Adapter:
        ADAPTERS[name] = fn
        return fn
    return deco


@dataclass
class AdapterContext:
    """What a reader needs besides the file: the catalogue, the areas and its provider."""

    catalogue: Catalogue
    areas: AreaReference
    provider: Provider
    spec: FileSpec
    dataset_id: str
    rel_path: str

    def series_map(self) -> dict[str, str]:
        """This provider's series code -> catalogue code."""
        return self.catalogue.series_map(self.provider.key)

    def wb_area(self, code: str) -> str:
        """A World Bank country or aggregate code -> our area code (WB_xxx for its other aggregates)."""
        if code == "WLD" or code in INCOME_CODES.values() or code in WB_REGIONS:
            return code
        if code in self.areas.codes and len(code) == 3 and code not in ("LDC",):
            return code
        return f"WB_{code}"

    def map_series(self, df: pd.DataFrame, column: str, path: Path) -> pd.Series:
        """Map a column of provider series codes to catalogue codes; an unknown code is an error naming its row."""
        smap = self.series_map()
        codes = df[column].str.strip()
        unknown = ~codes.isin(smap)
        if unknown.any():
            i = unknown.idxmax()
            raise WsisError("unknown-indicator", f"series {codes[i]!r} is not in the catalogue", file=str(path),
                            row=int(df.at[i, "_ROW"]), column=column, expected="one of " + ", ".join(sorted(smap)))
        return codes.map(smap)

    def unit_of(self, indicator: str) -> str:
        """Catalogue unit of an indicator."""
        return self.catalogue.indicators[indicator].unit


def match_spec(catalogue: Catalogue, rel: str) -> tuple[Provider, FileSpec] | None:
    """The provider and file spec whose pattern matches a path relative to the data dir."""
    for prov in catalogue.providers.values():
        for spec in prov.files:
            if fnmatch.fnmatch(rel, spec.pattern):
                return prov, spec
    return None


def not_loaded_reason(catalogue: Catalogue, rel: str) -> str | None:
    """Why a file in the data dir is not read for observations, if it is deliberately left out."""
    for pat, why in catalogue.not_loaded.items():
        if fnmatch.fnmatch(rel, pat):
            return why
    return None


def dataset_id_for(provider: str, rel: str) -> str:
    """Stable, readable dataset id: ``provider:relative/path/without/extension``."""
    stem = rel
    for ext in (".csv.gz", ".csv", ".json", ".xml", ".xlsx"):
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
            break
    return f"{provider}:{stem}"


def discover(data_dir: Path, catalogue: Catalogue) -> tuple[list[tuple[Path, Provider, FileSpec]], dict[str, str]]:
    """Every data file with its provider and spec, and the files left out with the reason."""
    files, skipped = [], {}
    for p in sorted(data_dir.rglob("*")):
        rel = p.relative_to(data_dir).as_posix()
        if not p.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue
        m = match_spec(catalogue, rel)
        if m:
            files.append((p, *m))
        else:
            skipped[rel] = not_loaded_reason(catalogue, rel) or "no reader for this file (not in providers.yaml)"
    return files, skipped


def read_source(path: Path, provider: Provider, spec: FileSpec, catalogue: Catalogue, areas: AreaReference,
                rel: str, fetched: dict | None = None, kind: tuple[str, str] | None = None) -> SourceData:
    """Read one file with its adapter and attach provenance (from ``wsis fetch``'s record when given)."""
    # Import the adapter modules so they register (kept here to avoid import cycles).
    from wsis.sources import (  # noqa: F401
        a4ai,
        ddf,
        egov,
        gairi,
        gci,
        itu,
        itu_policy,
        open_sdg,
        sdg,
        sdmx_reader,
        shutdowns,
        unicef,
        wdi,
    )

    if spec.adapter not in ADAPTERS:
        raise WsisError("unknown-adapter", f"no adapter named {spec.adapter!r}", file=rel)
    did = dataset_id_for(provider.key, rel)
    ctx = AdapterContext(catalogue, areas, provider, spec, did, rel)
    frame = ADAPTERS[spec.adapter](path, ctx)
    skipped = frame.attrs.get("skipped") if frame is not None else None
    if frame is None:
        frame = empty_frame()
    fetched = fetched or {}
    vintage = f"fetched {fetched['retrieved_at'][:10]}" if fetched.get("retrieved_at") else spec.vintage
    prov = Provenance(dataset_id=did, provider=provider.key, adapter=spec.adapter,
                      publisher=fetched.get("publisher") or provider.publisher, title=spec.title,
                      licence=fetched.get("licence") or provider.licence, path=rel, sha256=sha256_file(path),
                      size=path.stat().st_size, vintage=vintage,
                      source_kind="fetched" if fetched.get("retrieved_at") else (kind or ("unknown", ""))[0],
                      source_kind_detail=(kind or ("", ""))[1])
    return SourceData(prov, frame, skipped)
