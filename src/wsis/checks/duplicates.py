"""One dataset must not hold two observations with the same key."""

from __future__ import annotations

from wsis.checks.base import Check
from wsis.schema import DIMENSIONS


class DuplicateKey(Check):
    """Two rows of one dataset with the same dimension values."""

    name = "duplicate-key"

    def run(self, obs, ctx):
        """Error per dataset naming the second occurrence of a duplicated key."""
        mask = obs.duplicated(["DATASET_ID", *DIMENSIONS], keep="first")
        yield from self.first_rows(obs, mask, ctx, "error",
                                   "duplicate key {INDICATOR} {REF_AREA} {TIME_PERIOD} ({n} duplicated rows); "
                                   "expected one value per indicator, area, year and breakdown")
