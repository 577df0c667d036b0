"""Coverage gaps: catalogue indicators with no data, and UN member States with no recent value."""

from __future__ import annotations

from wsis.checks.base import Check, Finding

RECENT_YEARS = 5


class CoverageGap(Check):
    """Per indicator: how many UN member States have no value in the last few years."""

    name = "coverage-gap"

    def run(self, obs, ctx):
        """Warning per indicator with missing members; a warning for indicators with no data at all."""
        members = set(ctx.areas.countries.loc[ctx.areas.countries["un_status"] == "member", "code"])
        present = set(obs["INDICATOR"].unique())
        # one pass over the observations, not one per indicator
        totals = dict(tuple(obs.loc[(obs["SEX"] == "_T") & (obs["AGE"] == "_T"),
                                    ["INDICATOR", "TIME_PERIOD", "REF_AREA"]].groupby("INDICATOR")))
        for code in ctx.catalogue.indicators:
            if code not in present:
                yield Finding(self.name, "warning", f"{code}: no observations in any input", indicator=code, n=0)
                continue
            sub = totals[code]
            latest = int(sub["TIME_PERIOD"].max())
            recent = set(sub.loc[sub["TIME_PERIOD"] > latest - RECENT_YEARS, "REF_AREA"])
            missing = sorted(members - recent)
            if missing:
                yield Finding(self.name, "info" if len(missing) < 20 else "warning",
                              f"{code}: {len(missing)} of {len(members)} UN member States have no value in "
                              f"{latest - RECENT_YEARS + 1}-{latest} (e.g. {', '.join(missing[:5])})",
                              indicator=code, n=len(missing))
