"""What every online source provides: a plan of jobs, and jobs that return whole files to commit."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wsis.settings import Settings
from wsis.sources.fetch.http import Fetched, Fetcher


@dataclass(frozen=True)
class SourceInfo:
    """A provider: short id, title, publisher, licence, and the indicators fetched by default."""

    id: str
    title: str
    publisher: str
    licence: str
    defaults: tuple[str, ...]
    spec_help: str


@dataclass
class Output:
    """One complete file a job produced, ready to be committed atomically into the mirror."""

    rel: str
    data: bytes
    rows: int
    responses: list[Fetched]
    params: dict[str, Any] = field(default_factory=dict)
    publisher: str | None = None
    licence: str | None = None


@dataclass
class Context:
    """What a job may use: settings, the fetcher, the mirror folder, ``--since`` and a per-run memo."""

    settings: Settings
    fetcher: Fetcher
    mirror: Path
    since: int | None
    on_page: Callable[[int, int], None] = lambda page, pages: None
    memo: dict[str, Any] = field(default_factory=dict)


@dataclass
class Job:
    """One unit of work (an indicator, a series, a flow): fetched whole, committed whole, or not at all."""

    source: str
    key: str
    run: Callable[[Context], list[Output]]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False,
              quoting: int = csv.QUOTE_MINIMAL, lineterminator: str = "\r\n") -> bytes:
    """Serialise rows as UTF-8 CSV (optionally with a BOM, as the providers' own downloads have)."""
    buf = io.StringIO()
    w = csv.writer(buf, quoting=quoting, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def format_number(value: Any) -> str:
    """A JSON number as the shortest text that reads back to the same float (integers without '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("boolean is not a number")
    if isinstance(value, int):
        return str(value)
    f = float(value)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


def split_spec(spec: str) -> tuple[str | None, str]:
    """``'name=code'`` -> ``('name', 'code')``; ``'code'`` -> ``(None, 'code')``."""
    if "=" in spec:
        name, _, rest = spec.partition("=")
        return name.strip() or None, rest.strip()
    return None, spec.strip()
