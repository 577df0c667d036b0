"""``fetch_mirror``: run the selected sources' jobs into a mirror folder, one atomic file at a time."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from wsis.errors import WsisError
from wsis.settings import Settings, get_settings
from wsis.sources.base import sha256_file
from wsis.sources.fetch import itu, sdg, sdmxrest, worldbank
from wsis.sources.fetch.base import Context, Job, Output
from wsis.sources.fetch.http import Fetcher, Wait
from wsis.sources.fetch.store import (
    STATE_DIR,
    Journal,
    Provenance,
    ResponseCache,
    atomic_write,
    mirror_lock,
    sha256_bytes,
    utcnow,
)

SOURCES: dict[str, ModuleType] = {"wb": worldbank, "sdg": sdg, "itu": itu, "sdmx": sdmxrest}
ALIASES = {"worldbank": "wb", "wdi": "wb", "world_bank": "wb", "un_sdg": "sdg", "sdgapi": "sdg",
           "itu_datahub": "itu", "datahub": "itu"}
DEFAULT_SOURCES = ("wb", "sdg", "itu")


@dataclass
class FileChange:
    """What happened to one file of the mirror in this fetch."""

    path: str
    source: str
    job: str
    status: str  # "new" | "updated" | "unchanged"
    rows: int
    rows_before: int | None
    size: int
    sha256: str


@dataclass
class JobFailure:
    """A job that failed; nothing of it was written."""

    source: str
    job: str
    error: WsisError


@dataclass
class FetchReport:
    """The outcome of one ``wsis fetch``: file changes, failures and HTTP counters."""

    mirror: Path
    changes: list[FileChange] = field(default_factory=list)
    failures: list[JobFailure] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    waits: list[Wait] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every job succeeded."""
        return not self.failures

    def raise_for_failures(self) -> None:
        """Raise the first failure as a WsisError that also says how many jobs failed."""
        if self.failures:
            first = self.failures[0]
            err = first.error
            more = f" ({len(self.failures)} of the jobs failed; the others were written)" \
                if len(self.failures) > 1 or self.changes else ""
            raise WsisError(err.code, f"{first.source} {first.job}: {err.message}{more}", file=err.file,
                            row=err.row, column=err.column, expected=err.expected, hint=err.hint,
                            status=err.status)


def resolve_sources(names: Sequence[str] | None) -> list[str]:
    """Normalise source names (aliases allowed); none given means wb, sdg and itu."""
    if not names:
        return list(DEFAULT_SOURCES)
    out = []
    for n in names:
        key = ALIASES.get(n.strip().lower(), n.strip().lower())
        if key not in SOURCES:
            raise WsisError("fetch-unknown-source", f"unknown source {n!r}", column="SOURCE",
                            expected="one of wb, sdg, itu, sdmx")
        if key not in out:
            out.append(key)
    return out


def plan_jobs(sources: Sequence[str] | None, indicators: Sequence[str] | None) -> list[Job]:
    """Turn the command line into jobs.

    ``--indicators`` items may carry a source prefix (``wb:IT.NET.USER.ZS``, ``sdg:goal=17``,
    ``itu:internet=11624``, ``sdmx:UNICEF/GLOBAL_DATAFLOW``); unprefixed items need exactly one source.
    Items may also be comma-separated. Sources without items get their defaults.
    """
    items = [p.strip() for i in (indicators or []) for p in i.split(",") if p.strip()]
    prefixed: dict[str, list[str]] = {}
    bare: list[str] = []
    for it in items:
        head, sep, rest = it.partition(":")
        key = ALIASES.get(head.lower(), head.lower())
        if sep and key in SOURCES:
            prefixed.setdefault(key, []).append(rest)
        else:
            bare.append(it)
    chosen = resolve_sources(sources) if sources else (list(prefixed) or list(DEFAULT_SOURCES))
    if bare:
        if len(chosen) != 1:
            raise WsisError("fetch-ambiguous-indicators", f"indicators {', '.join(bare)} have no source prefix "
                            f"and {len(chosen)} sources are selected", column="--indicators",
                            expected="one SOURCE, or prefixed items like wb:IT.NET.USER.ZS")
        prefixed.setdefault(chosen[0], []).extend(bare)
    for key in prefixed:
        if key not in chosen:
            chosen.append(key)
    jobs: list[Job] = []
    for key in chosen:
        mod = SOURCES[key]
        specs = prefixed.get(key) or list(mod.INFO.defaults)
        if not specs:
            raise WsisError("fetch-no-indicators", f"source {key} has no default indicators",
                            column="--indicators", expected=mod.INFO.spec_help)
        jobs.extend(mod.plan(specs))
    return jobs


def check_since(since: int | None) -> None:
    """``--since`` must be a plausible year."""
    if since is not None and not 1900 <= since <= date.today().year + 1:
        raise WsisError("fetch-bad-since", f"--since {since} is not a year we can fetch", column="--since",
                        expected=f"a year between 1900 and {date.today().year + 1}")


def commit(mirror: Path, prov: Provenance, out: Output, source: str, job: str) -> FileChange:
    """Write one output atomically (unless identical) and record its provenance."""
    info = SOURCES[source].INFO
    target = mirror / out.rel
    old = prov.get(out.rel)
    sha = sha256_bytes(out.data)
    before = sha256_file(target) if target.exists() else None
    status = "new" if before is None else ("unchanged" if before == sha else "updated")
    if status != "unchanged":
        atomic_write(target, out.data)
    now = utcnow()
    prov.put(out.rel, {
        "source": info.title, "publisher": out.publisher or info.publisher, "licence": out.licence or info.licence,
        "urls": [r.provenance() for r in out.responses], "retrieved_at": now,
        "changed_at": now if status != "unchanged" else (old or {}).get("changed_at", now),
        "sha256": sha, "size": len(out.data), "rows": out.rows, "params": out.params, "job": job})
    return FileChange(out.rel, source, job, status, out.rows, (old or {}).get("rows"), len(out.data), sha)


def fetch_mirror(mirror: Path | str, sources: Sequence[str] | None = None,
                 indicators: Sequence[str] | None = None, since: int | None = None, *,
                 settings: Settings | None = None, progress: bool = False, console: Any = None,
                 sleep: Callable[[float], None] = time.sleep) -> FetchReport:
    """Fetch the selected sources into ``mirror`` and return what changed.

    Each job (indicator, series, flow) is fetched completely and validated before its files are
    replaced atomically; a failed job writes nothing and the others still run. An interrupted run,
    run again, resumes: pages it already had are not requested again.
    """
    settings = settings or get_settings()
    check_since(since)
    jobs = plan_jobs(sources, indicators)
    mirror = Path(mirror)
    mirror.mkdir(parents=True, exist_ok=True)
    report = FetchReport(mirror)
    state = mirror / STATE_DIR
    with mirror_lock(mirror), Fetcher(settings, ResponseCache(state / "cache"), Journal(state / "journal.json"),
                                      sleep=sleep) as fetcher:
        prov = Provenance(mirror)
        ctx = Context(settings, fetcher, mirror, since)
        with _Progress(progress, console, jobs) as bar:
            for job in jobs:
                bar.start(job)
                ctx.on_page = bar.page
                try:
                    outputs = job.run(ctx)
                    for out in outputs:
                        report.changes.append(commit(mirror, prov, out, job.source, job.key))
                    fetcher.finish_jobs()
                except WsisError as err:
                    report.failures.append(JobFailure(job.source, job.key, err))
                bar.done(job)
        report.counts = fetcher.stats.counts
        report.waits = fetcher.stats.waits
    return report


class _Progress:
    """A rich progress bar per source (jobs done), showing the current job and page; silent if disabled."""

    def __init__(self, enabled: bool, console: Any, jobs: list[Job]) -> None:
        self.enabled = enabled
        self.tasks: dict[str, Any] = {}
        self.bar: Any = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("[bold]{task.fields[source]:<5}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                                transient=False)
            totals = Counter(j.source for j in jobs)
            for src, n in totals.items():
                self.tasks[src] = self.bar.add_task("", total=n, source=src)
        self.current: Job | None = None

    def __enter__(self) -> _Progress:
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()

    def start(self, job: Job) -> None:
        self.current = job
        if self.bar:
            self.bar.update(self.tasks[job.source], description=job.key)

    def page(self, page: int, pages: int) -> None:
        if self.bar and self.current:
            self.bar.update(self.tasks[self.current.source], description=f"{self.current.key} page {page}/{pages}")

    def done(self, job: Job) -> None:
        if self.bar:
            self.bar.update(self.tasks[job.source], advance=1, description=job.key)
