"""Finding, the check protocol and the runner."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

from wsis.catalogue import Catalogue
from wsis.errors import WsisError
from wsis.reference.areas import AreaReference

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One quality finding. Errors block a release; warnings and infos go into the manifest."""

    check_name: str
    severity: Severity
    message: str
    dataset_id: str | None = None
    indicator: str | None = None
    area: str | None = None
    file: str | None = None
    row_number: int | None = None
    column_name: str | None = None
    n: int = 1

    def as_dict(self) -> dict:
        """Plain dict for the manifest and the findings table."""
        return asdict(self)

    def to_error(self) -> WsisError:
        """This finding as the one-line error the CLI prints."""
        return WsisError(self.check_name, self.message, file=self.file, row=self.row_number,
                         column=self.column_name, expected=None)


@dataclass
class CheckContext:
    """What checks see: the catalogue, the areas, and dataset id -> file path."""

    catalogue: Catalogue
    areas: AreaReference
    paths: dict[str, str]


class Check:
    """A data-quality check over the combined observation frame."""

    name: str = "check"

    def run(self, obs: pd.DataFrame, ctx: CheckContext) -> Iterable[Finding]:  # pragma: no cover - interface
        """Yield findings."""
        raise NotImplementedError

    def first_rows(self, obs: pd.DataFrame, mask: pd.Series, ctx: CheckContext, severity: Severity,
                   message: str, per_dataset: bool = True) -> Iterator[Finding]:
        """One finding per dataset for the rows in ``mask``, naming the first offending row."""
        bad = obs[mask]
        if bad.empty:
            return
        groups = bad.groupby("DATASET_ID", sort=True) if per_dataset else [(None, bad)]
        for _did, g in groups:
            r = g.iloc[0]
            yield Finding(self.name, severity, message.format(**r.to_dict(), n=len(g)), dataset_id=r["DATASET_ID"],
                          indicator=r["INDICATOR"], area=r["REF_AREA"], file=ctx.paths.get(r["DATASET_ID"]),
                          row_number=None if pd.isna(r["SOURCE_ROW"]) else int(r["SOURCE_ROW"]),
                          column_name=r["SOURCE_COLUMN"], n=len(g))


def all_checks() -> list[Check]:
    """Every check, in the order they run."""
    from wsis.checks.coverage import CoverageGap
    from wsis.checks.duplicates import DuplicateKey
    from wsis.checks.jumps import YearOnYearJump
    from wsis.checks.ranges import NegativeCount, PercentRange, ScoreRange
    from wsis.checks.units import UnitMismatch
    from wsis.checks.unknown_codes import UnknownArea, UnknownIndicator

    return [UnknownIndicator(), UnknownArea(), DuplicateKey(), PercentRange(), ScoreRange(), NegativeCount(), UnitMismatch(),
            YearOnYearJump(), CoverageGap()]


def quarantine(obs: pd.DataFrame, findings: list[Finding], ctx: CheckContext,
               known_issues: list[dict[str, str]]) -> tuple[pd.DataFrame, list[Finding]]:
    """Drop the rows behind reviewed known issues and turn those errors into warnings."""
    import fnmatch
    from dataclasses import replace

    checks = {c.name: c for c in all_checks()}
    drop = pd.Series(False, index=obs.index)
    out = []
    for f in findings:
        issue = next((k for k in known_issues if f.severity == "error" and f.check_name == k["check"]
                      and fnmatch.fnmatch(f.dataset_id or "", k["dataset"]) and hasattr(checks[f.check_name], "mask")),
                     None)
        if issue is None:
            out.append(f)
            continue
        drop |= checks[f.check_name].mask(obs, ctx) & (obs["DATASET_ID"] == f.dataset_id)
        out.append(replace(f, severity="warning", message=f"{f.message} -- quarantined (known issue: {issue['reason']})"))
    return obs[~drop], out


def run_checks(obs: pd.DataFrame, ctx: CheckContext, checks: list[Check] | None = None) -> list[Finding]:
    """Run the checks and return every finding."""
    out: list[Finding] = []
    for chk in checks or all_checks():
        out.extend(chk.run(obs, ctx))
    return out
