"""Each observation's unit must be the catalogue unit of its indicator."""

from __future__ import annotations

from wsis.checks.base import Check


class UnitMismatch(Check):
    """UNIT_MEASURE differs from the catalogue's unit for the indicator."""

    name = "unit-mismatch"

    def run(self, obs, ctx):
        """Error per dataset with its first unit that is not the catalogue's."""
        expected = obs["INDICATOR"].map({k: v.unit for k, v in ctx.catalogue.indicators.items()})
        mask = expected.notna() & obs["UNIT_MEASURE"].notna() & (obs["UNIT_MEASURE"] != expected)
        obs = obs.assign(_EXPECTED=expected)
        yield from self.first_rows(obs, mask, ctx, "error",
                                   "unit {UNIT_MEASURE!r} for {INDICATOR} ({n} values); expected {_EXPECTED!r}")
