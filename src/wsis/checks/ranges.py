"""Percentages stay within 0–100 and counts are never negative."""

from __future__ import annotations

import pandas as pd

from wsis.checks.base import Check

PERCENT_UNITS = {"PT"}
COUNT_UNITS = {"NUMBER", "PERSONS", "PER_100_POP", "USD", "PPP_USD", "BIT_PER_S", "PT_GNI_PC", "PT_INCOME"}


class PercentRange(Check):
    """A percentage below 0 or above 100."""

    name = "percent-range"

    def mask(self, obs, ctx):
        """Rows with a percentage outside 0-100."""
        pt = obs["UNIT_MEASURE"].isin(PERCENT_UNITS)
        return pt & ((obs["OBS_VALUE"] < 0) | (obs["OBS_VALUE"] > 100 + 1e-9))

    def run(self, obs, ctx):
        """Error per dataset with its first out-of-range percentage."""
        yield from self.first_rows(obs, self.mask(obs, ctx), ctx, "error",
                                   "percentage {OBS_VALUE} is outside 0-100 ({n} values); expected 0 <= value <= 100")


class ScoreRange(Check):
    """An index score outside the range its catalogue entry states (e.g. GCI 0-100, EGDI 0-1)."""

    name = "score-range"

    def mask(self, obs, ctx):
        """Rows whose value lies outside their indicator's ``value_range``."""
        ranges = {c: i.value_range for c, i in ctx.catalogue.indicators.items() if i.value_range}
        out = pd.Series(False, index=obs.index)
        sel = obs["INDICATOR"].isin(ranges)
        if sel.any():
            o = obs[sel]
            lo = o["INDICATOR"].map(lambda c: ranges[c][0])
            hi = o["INDICATOR"].map(lambda c: ranges[c][1])
            out[sel] = (o["OBS_VALUE"] < lo) | (o["OBS_VALUE"] > hi + 1e-9)
        return out

    def run(self, obs, ctx):
        """Error per dataset with its first out-of-range score."""
        yield from self.first_rows(obs, self.mask(obs, ctx), ctx, "error",
                                   "{INDICATOR} score {OBS_VALUE} is outside the range the publisher states "
                                   "({n} values); expected a score within the index's scale")


class NegativeCount(Check):
    """A negative count, rate or price."""

    name = "negative-count"

    def mask(self, obs, ctx):
        """Rows with a negative count, rate or price."""
        return obs["UNIT_MEASURE"].isin(COUNT_UNITS) & (obs["OBS_VALUE"] < 0)

    def run(self, obs, ctx):
        """Error per dataset with its first negative count."""
        yield from self.first_rows(obs, self.mask(obs, ctx), ctx, "error",
                                   "negative value {OBS_VALUE} for a count or rate ({n} values); expected >= 0")
