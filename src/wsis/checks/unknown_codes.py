"""Area and indicator codes must be known to the reference data and the catalogue."""

from __future__ import annotations

from wsis.checks.base import Check


class UnknownArea(Check):
    """A REF_AREA that is neither a known country nor a known group."""

    name = "unknown-area"

    def run(self, obs, ctx):
        """Error per dataset with its first unknown area."""
        mask = ~obs["REF_AREA"].isin(ctx.areas.codes)
        yield from self.first_rows(obs, mask, ctx, "error",
                                   "unknown area code {REF_AREA!r} ({n} observations); expected an ISO3 or group code")


class UnknownIndicator(Check):
    """An INDICATOR that is not in the catalogue."""

    name = "unknown-indicator"

    def run(self, obs, ctx):
        """Error per dataset with its first unknown indicator."""
        mask = ~obs["INDICATOR"].isin(ctx.catalogue.indicators)
        yield from self.first_rows(obs, mask, ctx, "error",
                                   "unknown indicator code {INDICATOR!r} ({n} observations); expected a catalogue code")
