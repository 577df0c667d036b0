"""Which observations an SDMX key and period select, in one release."""

from __future__ import annotations

import re

import pandas as pd

from wsis import query as data_svc
from wsis.errors import WsisError
from wsis.query import Release
from wsis.web.sdmx import messages as m

KEYPART = re.compile(r"^[A-Za-z0-9_@$\-]*$")


def parse_key(key: str) -> dict[str, list[str]]:
    """An SDMX key (``IT_USE_ii99.KEN+UGA....``) as dimension -> allowed values; empty parts are wildcards.
    Missing trailing parts are wildcards too."""
    if key in ("all", "ALL", ""):
        return {}
    parts = key.split(".")
    if len(parts) > len(m.SERIES_DIMS):
        raise WsisError("bad-key", f"key has {len(parts)} parts", column="key",
                        expected=f"at most {len(m.SERIES_DIMS)} dot-separated parts: " + ".".join(m.SERIES_DIMS))
    out = {}
    for dim, part in zip(m.SERIES_DIMS, parts, strict=False):
        if not KEYPART.match(part.replace("+", "")):
            raise WsisError("bad-key", f"malformed key part {part[:30]!r}", column=dim, expected="codes joined by +")
        if part:
            out[dim] = [p for p in part.split("+") if p]
    return out


def observations_for(rel: Release, sel: dict[str, list[str]], start: int | None = None,
                     end: int | None = None) -> pd.DataFrame:
    """The preferred observations of ``rel`` matching a parsed key, ``start``/``end`` years inclusive."""
    single = {d: v[0] for d, v in sel.items() if len(v) == 1 and d not in ("INDICATOR", "REF_AREA")}
    inds = sel.get("INDICATOR") or [None]
    frames = [data_svc.observations(rel, i, areas=sel.get("REF_AREA"), dims=single, start=start, end=end)[0]
              if i else rel.observations(areas=sel.get("REF_AREA"), dims=single, start=start, end=end)
              for i in inds]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for d, vals in sel.items():
        if len(vals) > 1 and d not in ("INDICATOR", "REF_AREA"):
            df = df[df[d].isin(vals)]
    return df
