"""Paged downloads that either end complete and consistent or fail: no page twice, no silent gaps.

Every page must agree with page 1 on the shape of the result (page count, total, data version). If the
shape changes mid-way (the provider published new data while we paged), the job starts again from page 1
with fresh requests; if it keeps changing, the fetch fails with a clear error rather than mixing versions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wsis.errors import WsisError
from wsis.sources.fetch.http import Fetched, Fetcher


class PaginationChanged(Exception):
    """The paged result set changed while it was being read."""


@dataclass
class Page:
    """What a source-specific reader found in one page."""

    number: int | None
    pages: int
    total: int
    version: str | None
    records: list[Any] = field(default_factory=list)


def fetch_paged(fetcher: Fetcher, job: str, url_for: Callable[[int], str], read: Callable[[Fetched], Page], *,
                on_page: Callable[[int, int], None] | None = None,
                check_all: Callable[[list[Any]], None] | None = None,
                max_restarts: int = 2) -> tuple[list[Any], list[Fetched]]:
    """Fetch pages 1..N of ``job``; returns all records and the responses (for provenance).

    ``read`` validates one page (raising WsisError for a bad body) and returns its ``Page``.
    ``check_all`` may raise ``PaginationChanged`` (e.g. on duplicate keys, the sign of a shifted page).
    """
    reason = ""
    for attempt in range(max_restarts + 1):
        if attempt:
            fetcher.journal.reset(job)
            fetcher.stats.counts["restarts"] += 1
        try:
            records, responses = _one_pass(fetcher, job, url_for, read, on_page, fresh=attempt > 0)
            if check_all:
                check_all(records)
            return records, responses
        except PaginationChanged as exc:
            reason = str(exc)
    fetcher.journal.reset(job)
    raise WsisError("fetch-pagination-changed",
                    f"the result kept changing while it was paged ({reason}); nothing was written",
                    file=url_for(1), expected="the same page count and total on every page",
                    hint="the provider is probably publishing an update; run the fetch again later")


def _one_pass(fetcher: Fetcher, job: str, url_for: Callable[[int], str], read: Callable[[Fetched], Page],
              on_page: Callable[[int, int], None] | None, fresh: bool) -> tuple[list[Any], list[Fetched]]:
    records: list[Any] = []
    responses: list[Fetched] = []
    first: Page | None = None
    number = 1
    while True:
        url = url_for(number)
        got = fetcher.get(url, job=job, conditional=not fresh)
        page = read(got)
        if page.number is not None and page.number != number:
            raise PaginationChanged(f"asked for page {number}, got page {page.number}")
        if first is None:
            first = page
        elif (page.pages, page.total, page.version) != (first.pages, first.total, first.version):
            raise PaginationChanged(f"page {number} reports {page.pages} pages / {page.total} records"
                                    f"{'' if page.version == first.version else f' / version {page.version}'},"
                                    f" page 1 reported {first.pages} / {first.total}")
        records.extend(page.records)
        responses.append(got)
        if on_page:
            on_page(number, first.pages)
        if number >= first.pages:
            break
        number += 1
    if first is not None and len(records) != first.total:
        raise PaginationChanged(f"got {len(records)} records, the API announced {first.total}")
    return records, responses
