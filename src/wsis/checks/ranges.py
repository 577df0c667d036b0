"""Percentages stay within 0–100 and counts are never negative."""

from __future__ import annotations

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
