"""Design and indicator specifications: YAML files -> typed, validated pydantic models.

Names follow R's ``svydesign``/``svrepdesign`` so that a statistician can read a design file as the R
call it stands for. Every problem a user can cause is a :class:`~wsis.errors.WsisError` naming the file
and the offending key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from wsis.errors import WsisError

LonelyPsu = Literal["fail", "remove", "certainty", "adjust", "average"]
ReplicateType = Literal["JK1", "JKn", "BRR", "Fay", "bootstrap", "successive-difference", "ACS", "other"]
CiMethod = Literal["logit", "wilson", "korn-graubard", "wald"]
Statistic = Literal["proportion", "mean", "total", "ratio"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReplicateSpec(_Strict):
    """Replicate weights, as R's ``svrepdesign(repweights=, type=, scale=, rscales=, rho=, mse=)``."""

    columns: str | list[str]
    type: ReplicateType
    scale: float | None = None
    rscales: float | list[float] | None = None
    rho: float | None = Field(default=None, ge=0, lt=1)
    mse: bool = False
    combined_weights: bool = True

    @model_validator(mode="after")
    def _check(self) -> ReplicateSpec:
        if self.type == "Fay" and self.rho is None:
            raise ValueError("type Fay needs rho (e.g. rho: 0.5)")
        if self.type == "JKn" and self.rscales is None:
            raise ValueError("type JKn needs rscales ((n_h-1)/n_h for each replicate)")
        return self


class InputSpec(_Strict):
    """How to read a CSV file; each key left out is detected (see :mod:`wsis.survey.csvin`).

    ``na_values`` adds missing codes to NA, empty and ``.``: a list applies to every column of a CSV file,
    a mapping ``column: [codes]`` only to those columns (any format, compared as numbers or text).
    """

    na_values: list[str | float | int] | dict[str, list[str | float | int] | str | float | int] = Field(
        default_factory=list)
    delimiter: Literal[",", ";", "\t", "tab", "|"] | None = None
    decimal: Literal[".", ","] | None = None
    encoding: str | None = None


class DesignSpec(_Strict):
    """A survey design: Taylor (ids/strata/fpc) or replicate weights."""

    ids: list[str] = Field(default_factory=list)
    strata: str | list[str] | None = None
    weights: str
    fpc: list[str] = Field(default_factory=list)
    nest: bool = False
    lonely_psu: LonelyPsu = "fail"
    replicates: ReplicateSpec | None = None
    input: InputSpec | None = None

    @field_validator("ids", "fpc", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        if v is None:
            return []
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check(self) -> DesignSpec:
        if len(self.fpc) > max(len(self.ids), 1):
            raise ValueError("fpc has more stages than ids")
        if isinstance(self.strata, list) and len(self.strata) > max(len(self.ids), 1):
            raise ValueError("strata has more stages than ids")
        return self

    @property
    def strata_list(self) -> list[str]:
        """Strata column per stage (may be shorter than ``ids``; later stages reuse the last)."""
        if self.strata is None:
            return []
        return [self.strata] if isinstance(self.strata, str) else list(self.strata)

    @property
    def is_replicate(self) -> bool:
        """True for a replicate-weight design."""
        return self.replicates is not None

    def columns(self) -> list[str]:
        """Every microdata column the design names (replicate globs excluded)."""
        cols = [*self.ids, *self.strata_list, self.weights, *self.fpc]
        if self.replicates and isinstance(self.replicates.columns, list):
            cols += self.replicates.columns
        return list(dict.fromkeys(cols))


class IndicatorSpec(_Strict):
    """One indicator: a 0/1 variable or a condition, an optional universe and catalogue series code."""

    code: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$")
    variable: str
    universe: str | None = None
    series: str | None = None
    statistic: Statistic = "proportion"
    denominator: str | None = None
    label: str | None = None
    breakdown: dict[str, str] = Field(default_factory=dict)  # fixed release dimensions, e.g. TYPE_SKILL: COPA

    @model_validator(mode="after")
    def _check(self) -> IndicatorSpec:
        if (self.statistic == "ratio") != (self.denominator is not None):
            raise ValueError("denominator is required for (and only for) statistic: ratio")
        return self


class ParitySpec(_Strict):
    """A parity score numerator/denominator between two levels of one by-variable."""

    code: str
    by: str
    numerator: str
    denominator: str


class DimensionMap(_Strict):
    """How a domain column maps to an SDMX dimension of the release, with a value map."""

    dimension: str
    values: dict[str, str] = Field(default_factory=dict)


class IndicatorsSpec(_Strict):
    """The indicators file: indicators, domains, CI method, parity scores and dimension maps."""

    indicators: list[IndicatorSpec] = Field(min_length=1)
    by: list[list[str]] = Field(default_factory=lambda: [[]])
    ci: CiMethod = "logit"
    level: float = Field(default=0.95, gt=0, lt=1)
    parity: list[ParitySpec] = Field(default_factory=list)
    dimensions: dict[str, DimensionMap] = Field(default_factory=dict)

    @field_validator("by", mode="before")
    @classmethod
    def _by(cls, v: Any) -> Any:
        if v is None:
            return [[]]
        return [[b] if isinstance(b, str) else (b or []) for b in v]

    @field_validator("dimensions", mode="before")
    @classmethod
    def _dims(cls, v: Any) -> Any:
        if not v:
            return {}
        return {k: ({"dimension": d} if isinstance(d, str) else d) for k, d in v.items()}

    @model_validator(mode="after")
    def _check(self) -> IndicatorsSpec:
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicator codes must be unique")
        for p in self.parity:
            if p.code not in codes:
                raise ValueError(f"parity code {p.code!r} is not an indicator")
            if [p.by] not in self.by:
                raise ValueError(f"parity by {p.by!r} must also be listed in by: as [{p.by}]")
        return self

    def by_columns(self) -> list[str]:
        """Every by-variable, in first-use order."""
        return list(dict.fromkeys(c for b in self.by for c in b))


def _read_yaml(path: Path | str | dict, what: str) -> tuple[dict, str]:
    if isinstance(path, dict):
        return path, f"<{what}>"
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise WsisError("file-not-found", f"cannot read {what} file: {exc.strerror}", file=str(p)) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise WsisError("yaml-invalid", f"not valid YAML: {getattr(exc, 'problem', exc)}", file=str(p),
                        row=None if mark is None else mark.line + 1, expected="a YAML mapping") from exc
    if not isinstance(data, dict):
        raise WsisError("yaml-invalid", f"{what} file must be a mapping", file=str(p), expected="key: value lines")
    return data, str(p)


def _validated(model: type[BaseModel], data: dict, file: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        if err["type"] == "extra_forbidden":
            raise WsisError("yaml-unknown-key", f"unknown key {loc!r}", file=file, column=loc,
                            expected=f"only the keys of a {model.__name__}") from exc
        raise WsisError("yaml-invalid", f"{loc or 'file'}: {err['msg']}", file=file, column=loc or None,
                        expected=str(err.get("ctx", {}).get("expected", "")) or None) from exc


def load_design(path: Path | str | dict) -> tuple[DesignSpec, str]:
    """Read and validate a design YAML file (or a dict); returns the spec and the file name."""
    data, name = _read_yaml(path, "design")
    return _validated(DesignSpec, data, name), name


def load_indicators(path: Path | str | dict) -> tuple[IndicatorsSpec, str]:
    """Read and validate an indicators YAML file (or a dict); returns the spec and the file name."""
    data, name = _read_yaml(path, "indicators")
    return _validated(IndicatorsSpec, data, name), name
