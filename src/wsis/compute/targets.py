"""The 2030 targets catalogue (``wsis/catalogue/targets.yaml``) and the check of a value against one."""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ValidationError

from wsis.errors import WsisError


class Target(BaseModel):
    """One 2030 target with its citation."""

    id: str
    indicator: str
    title: str
    value: float
    direction: Literal[">=", "<=", "band"]
    year: int = 2030
    met_at: float | None = None
    low: float | None = None
    high: float | None = None
    citation: str
    dims: dict[str, str] = {}       # breakdown the target applies to (e.g. EDUCATION_LEV); others are totals
    area: str | None = None         # a global or regional target applies to that area only

    @property
    def higher_is_better(self) -> bool | None:
        """True for ">=", False for "<=", None for a band."""
        return {">=": True, "<=": False}.get(self.direction)

    @property
    def threshold(self) -> float:
        """The level at which the target counts as met."""
        return self.met_at if self.met_at is not None else self.value

    def is_met(self, value: float | None) -> bool | None:
        """Whether a value meets the target (None when there is no value)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if self.direction == ">=":
            return value >= self.threshold
        if self.direction == "<=":
            return value <= self.threshold
        return (self.low if self.low is not None else self.value) <= value <= \
            (self.high if self.high is not None else self.value)


@lru_cache(maxsize=1)
def load_targets() -> list[Target]:
    """The packaged 2030 targets, in catalogue order."""
    path = resources.files("wsis.catalogue") / "targets.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["targets"]
    out = []
    for i, t in enumerate(raw):
        try:
            out.append(Target(**t))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise WsisError("bad-target", f"invalid target: {first['msg']}", file="wsis/catalogue/targets.yaml",
                            row=i + 1, column=".".join(str(x) for x in first["loc"]),
                            expected="id, indicator, title, value, direction, citation") from None
    return out


def target_for(indicator: str) -> Target | None:
    """The target of an indicator, if any."""
    return next((t for t in load_targets() if t.indicator == indicator), None)
