"""Implausible year-on-year jumps (warnings: real series do break, e.g. new surveys)."""

from __future__ import annotations

import numpy as np

from wsis.checks.base import Check
from wsis.schema import DIMENSIONS

MAX_POINTS = 30.0   # percentage points between consecutive years
MAX_FACTOR = 10.0   # ratio between consecutive years for counts and rates


class YearOnYearJump(Check):
    """A change between consecutive years larger than plausible."""

    name = "yoy-jump"

    def run(self, obs, ctx):
        """Warning per dataset and indicator, naming the first jump."""
        keys = ["DATASET_ID", *[d for d in DIMENSIONS if d != "TIME_PERIOD"]]
        o = obs.sort_values([*keys, "TIME_PERIOD"])
        same = (o[keys].shift() == o[keys]).all(axis=1) & (o["TIME_PERIOD"].diff() == 1)
        prev = o["OBS_VALUE"].shift()
        pt = o["UNIT_MEASURE"] == "PT"
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.maximum(o["OBS_VALUE"], prev) / np.minimum(o["OBS_VALUE"], prev)
        big = np.where(pt, (o["OBS_VALUE"] - prev).abs() > MAX_POINTS,
                       (ratio > MAX_FACTOR) & (np.minimum(o["OBS_VALUE"], prev) > 1))
        # a change across a series break (a new framework) is not a jump
        breaks = {(c, y) for c, ind in ctx.catalogue.indicators.items() for y in ind.breaks}
        crosses = np.zeros(len(o), dtype=bool)
        for code, year in breaks:
            crosses |= ((o["INDICATOR"] == code) & (o["TIME_PERIOD"] == year)).to_numpy()
        mask = same & big & ~crosses
        for _ind, g in o[mask].groupby("INDICATOR"):
            yield from self.first_rows(g, g.index == g.index, ctx, "warning",
                                       "jump to {OBS_VALUE} in {TIME_PERIOD} for {REF_AREA} ({n} such jumps)")
