"""The indicator catalogue: codes, definitions, units, aggregation rules, source mappings and providers."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from wsis.errors import WsisError

Aggregation = Literal["popw_mean", "per100", "sum", "median", "mean", "ratio", "share_yes", "distinct_events"]


class Indicator(BaseModel):
    """One catalogue entry."""

    code: str
    name: str
    unit: str
    definition: str
    higher_is_better: bool | None = None
    sdg: str | None = None
    action_lines: list[str] = Field(default_factory=list)
    aggregation: Aggregation
    sources: dict[str, list[str]] = Field(default_factory=dict)
    prefer: list[str] = Field(default_factory=list)
    names: dict[str, str] = Field(default_factory=dict)   # lang -> name (ar, es, fr, ru, zh; en is `name`)
    definitions: dict[str, str] = Field(default_factory=dict)  # lang -> definition (en is `definition`)
    source: str | None = None          # custodian and publication, in words
    licence: str | None = None         # the custodian's terms for the data
    action_line_refs: dict[str, str] = Field(default_factory=dict)  # action line -> citation of the mapping
    scope: str | None = None           # period and coverage the dataset states (e.g. what 0 means)
    caveat: str | None = None          # what a reader must know (secondary source, disputed method, ...)
    breaks: list[int] = Field(default_factory=list)  # first years of a new, non-comparable framework
    variants: list[Aggregation] = Field(default_factory=list)  # extra group values under other rules
    ratio_of: list[str] = Field(default_factory=list)  # `ratio`: [numerator, denominator] catalogue codes
    scale: float = 1.0                 # `ratio`: multiplier (e.g. 1000 kg per tonne, 100 for a percentage)
    derivation: str | None = None      # how a derived series is computed from others
    value_range: list[float] = Field(default_factory=list)  # [low, high] a published score must lie in

    def name_in(self, lang: str) -> str:
        """The indicator's name in a UN language (English when no translation is recorded)."""
        return self.names.get(lang) or self.name

    def comparable_since(self, year: int) -> int | None:
        """First year of the framework segment ``year`` belongs to (None when the series has no break before it)."""
        starts = [b for b in self.breaks if b <= year]
        return max(starts) if starts else None

    def provider_rank(self, provider: str) -> int:
        """Position of a provider in this indicator's preference order (lower is preferred)."""
        return self.prefer.index(provider) if provider in self.prefer else len(self.prefer)


class FileSpec(BaseModel):
    """A file pattern of a provider, with the adapter that reads it."""

    pattern: str
    adapter: str
    vintage: str
    title: str


class Provider(BaseModel):
    """A data provider: publisher, licence and its file patterns."""

    key: str
    publisher: str
    licence: str
    files: list[FileSpec] = Field(default_factory=list)


class Catalogue(BaseModel):
    """The whole catalogue (indicators and providers)."""

    indicators: dict[str, Indicator]
    providers: dict[str, Provider]
    not_loaded: dict[str, str]
    sdmx_flows: dict[str, dict] = Field(default_factory=dict)
    known_issues: list[dict[str, str]] = Field(default_factory=list)
    action_lines: dict[str, dict] = Field(default_factory=dict)  # line -> {missing: [...]} (action_lines.yaml)

    def indicator(self, code: str) -> Indicator:
        """Look up an indicator by code; unknown codes raise ``WsisError`` (404)."""
        try:
            return self.indicators[code]
        except KeyError:
            raise WsisError("unknown-indicator", f"unknown indicator code {code!r}",
                            expected="a catalogue code such as IT_USE_ii99", status=404) from None

    def series_map(self, provider: str) -> dict[str, str]:
        """Provider series code -> catalogue code, for one provider."""
        out: dict[str, str] = {}
        for ind in self.indicators.values():
            for s in ind.sources.get(provider, []):
                out[s] = ind.code
        return out


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Load the packaged catalogue (indicators.yaml and providers.yaml)."""
    pkg = resources.files("wsis.catalogue")
    ind = yaml.safe_load((pkg / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]
    i18n_file = pkg / "indicators_i18n.yaml"
    i18n = yaml.safe_load(i18n_file.read_text(encoding="utf-8")) if i18n_file.is_file() else {}
    for code, names in (i18n or {}).get("names", {}).items():
        if code in ind:
            ind[code]["names"] = names
    for code, defs in ((i18n or {}).get("definitions") or {}).items():
        if code in ind:
            ind[code]["definitions"] = {k: v for k, v in defs.items() if k != "unofficial"}
    prov = yaml.safe_load((pkg / "providers.yaml").read_text(encoding="utf-8"))
    lines = yaml.safe_load((pkg / "action_lines.yaml").read_text(encoding="utf-8"))["action_lines"]
    return Catalogue(
        indicators={k: Indicator(code=k, **v) for k, v in ind.items()},
        providers={k: Provider(key=k, **v) for k, v in prov["providers"].items()},
        not_loaded=prov.get("not_loaded") or {},
        sdmx_flows=prov.get("sdmx_flows") or {},
        known_issues=prov.get("known_issues") or [],
        action_lines=lines,
    )
