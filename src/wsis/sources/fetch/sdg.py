"""UN SDG API (unstats.un.org/sdgapi) -> ``un_sdg/sdg_api_<SERIES>.csv`` in the SDG database CSV columns.

The full database is about 1 GB, so it is never pulled in one request: ``Series/List`` (once per run)
resolves series codes and whole goals (``goal=17``) to series, then each series is paged through
``Series/Data?seriesCode=X&page=P&pageSize=N``. A page is ``{totalElements, totalPages, pageNumber, data}``.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlencode

from wsis.errors import WsisError
from wsis.sources.fetch.base import Context, Job, Output, SourceInfo, csv_bytes, split_spec
from wsis.sources.fetch.http import Fetched
from wsis.sources.fetch.paging import Page, PaginationChanged, fetch_paged

INFO = SourceInfo(
    id="sdg", title="UN SDG API", publisher="United Nations Statistics Division (UN DESA)",
    licence="UN terms of use (https://www.un.org/en/about-us/terms-of-use)",
    defaults=("IT_USE_ii99", "IT_MOB_OWN", "SE_ADT_ACTS"),  # the SDG series the catalogue maps
    spec_help="SDG series codes (IT_USE_ii99) or whole goals (goal=17)",
)

BASE_COLUMNS = ["Goal", "Target", "Indicator", "SeriesCode", "SeriesDescription", "GeoAreaCode", "GeoAreaName",
                "TimePeriod", "Value", "ValueType", "Time_Detail", "TimeCoverage", "UpperBound", "LowerBound",
                "BasePeriod", "Source", "GeoInfoUrl", "FootNote"]
ALWAYS = ["Age", "Location", "Nature", "Sex", "UnitMultiplier", "Units"]  # present even when the API omits them
_SERIES = re.compile(r"^[A-Za-z0-9_]+$")


def data_path(series: str) -> str:
    """Mirror path of one series."""
    return f"un_sdg/sdg_api_{series}.csv"


def plan(specs: list[str]) -> list[Job]:
    """One job per series; ``goal=N`` expands (at run time, from Series/List) to every series of goal N."""
    jobs = []
    for spec in specs:
        name, value = split_spec(spec)
        if name == "goal":
            if not value.isdigit() or not 1 <= int(value) <= 17:
                raise WsisError("fetch-bad-indicator", f"not an SDG goal: {value!r}", column="--indicators",
                                expected="goal=1 .. goal=17")
            jobs.append(Job("sdg", f"goal={int(value)}", lambda ctx, g=str(int(value)): run_goal(ctx, g)))
        elif name is None and _SERIES.match(value):
            jobs.append(Job("sdg", value, lambda ctx, s=value: run(ctx, s)))
        else:
            raise WsisError("fetch-bad-indicator", f"not an SDG series code or goal: {spec!r}",
                            column="--indicators", expected="a series code like IT_USE_ii99, or goal=17")
    return jobs


def series_list(ctx: Context) -> tuple[dict[str, dict[str, Any]], Fetched]:
    """``Series/List``: every current series with its goals, targets, indicators and release."""
    if "sdg_series" not in ctx.memo:
        url = f"{ctx.settings.sdg_api_url.rstrip('/')}/Series/List?{urlencode({'allreleases': 'false'})}"
        got = ctx.fetcher.get(url)
        body = got.data
        if not isinstance(body, list) or not body:
            raise WsisError("fetch-empty", "the SDG API returned an empty series list", file=url,
                            expected="a non-empty JSON array of series")
        try:
            series = {str(s["code"]): s for s in body}
        except (KeyError, TypeError) as exc:
            raise WsisError("fetch-bad-body", "series without a code", file=url,
                            expected="objects with code, description, goal, target, indicator") from exc
        ctx.memo["sdg_series"] = (series, got)
    return ctx.memo["sdg_series"]


def run_goal(ctx: Context, goal: str) -> list[Output]:
    """Every series of one goal, one file each."""
    series, _ = series_list(ctx)
    codes = sorted(code for code, s in series.items() if goal in [str(g) for g in s.get("goal") or []])
    if not codes:
        raise WsisError("fetch-empty", f"no series listed for goal {goal}", file="Series/List",
                        expected="at least one series")
    return [out for code in codes for out in run(ctx, code)]


def _read(series: str) -> Any:
    def read(got: Fetched) -> Page:
        body = got.data
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise WsisError("fetch-bad-body", f"unexpected SDG API answer for {series}", file=got.url,
                            expected="an object with totalElements, totalPages and a data array")
        try:
            total, pages = int(body["totalElements"]), int(body["totalPages"])
        except (KeyError, TypeError, ValueError) as exc:
            raise WsisError("fetch-bad-body", "page without totalElements/totalPages", file=got.url,
                            expected="totalElements and totalPages") from exc
        if total == 0 or not body["data"]:
            raise WsisError("fetch-empty", f"the SDG API returned an empty list for series {series}",
                            file=got.url, expected="observations for a series listed in Series/List",
                            hint="the API may be mid-update; try again later")
        number = body.get("pageNumber")
        return Page(int(number) if number is not None else None, pages, total, None, body["data"])
    return read


def run(ctx: Context, series: str) -> list[Output]:
    """Page through one series and write it in the SDG database CSV columns."""
    listed, list_resp = series_list(ctx)
    if series not in listed:
        raise WsisError("fetch-unknown-id", f"series {series} is not in the SDG API's Series/List",
                        file=list_resp.url, column="--indicators", expected="a current SDG series code")
    info = listed[series]
    base = f"{ctx.settings.sdg_api_url.rstrip('/')}/Series/Data"
    size = ctx.settings.fetch_page_size

    def url_for(page: int) -> str:
        return f"{base}?{urlencode({'seriesCode': series, 'page': page, 'pageSize': size})}"

    def no_duplicates(recs: list[Any]) -> None:
        keys = set()
        for r in recs:
            k = (str(r.get("geoAreaCode")), str(r.get("timePeriodStart")),
                 tuple(sorted((r.get("dimensions") or {}).items())))
            if k in keys:
                raise PaginationChanged(f"area {k[0]} period {k[1]} appears twice")
            keys.add(k)

    recs, responses = fetch_paged(ctx.fetcher, f"sdg:{series}", url_for, _read(series), on_page=ctx.on_page,
                                  check_all=no_duplicates)
    rows = [_row(r, series, info, responses[0].url, i) for i, r in enumerate(recs)]
    if ctx.since:
        rows = [r for r in rows if _year(r["TimePeriod"]) >= ctx.since] + _old_rows(ctx, series)
    extra = sorted({k for r in rows for k in r} - set(BASE_COLUMNS) - {"ReleaseName"} | set(ALWAYS))
    header = [*BASE_COLUMNS, *extra, "ReleaseName"]
    rows.sort(key=lambda r: (_int(r["GeoAreaCode"]), r["TimePeriod"], [r.get(k, "") for k in extra]))
    data = csv_bytes(header, ([r.get(c, "") for c in header] for r in rows))
    return [Output(data_path(series), data, len(rows), [list_resp, *responses],
                   {"series": series, "since": ctx.since})]


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 10**9


def _year(text: str) -> int:
    m = re.match(r"\d{4}", text or "")
    return int(m.group()) if m else 0


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _row(r: Any, series: str, info: dict[str, Any], url: str, i: int) -> dict[str, str]:
    if not isinstance(r, dict) or r.get("series") != series:
        raise WsisError("fetch-bad-body", f"record {i} is not an observation of {series}", file=url,
                        row=i + 1, expected=f"series = {series}")
    if r.get("geoAreaCode") in (None, "") or r.get("timePeriodStart") in (None, ""):
        raise WsisError("fetch-bad-body", f"record {i} has no area or period", file=url, row=i + 1,
                        column="geoAreaCode/timePeriodStart", expected="an M49 code and a period")
    row = {
        "Goal": ",".join(map(str, r.get("goal") or info.get("goal") or [])),
        "Target": ",".join(map(str, r.get("target") or info.get("target") or [])),
        "Indicator": ",".join(map(str, r.get("indicator") or info.get("indicator") or [])),
        "SeriesCode": series,
        "SeriesDescription": _text(r.get("seriesDescription") or info.get("description")),
        "GeoAreaCode": _text(r.get("geoAreaCode")),
        "GeoAreaName": _text(r.get("geoAreaName")),
        "TimePeriod": _text(r.get("timePeriodStart")),
        "Value": _text(r.get("value")),
        "ValueType": _text(r.get("valueType")),
        "Time_Detail": _text(r.get("time_detail")),
        "TimeCoverage": _text(r.get("timeCoverage")),
        "UpperBound": _text(r.get("upperBound")),
        "LowerBound": _text(r.get("lowerBound")),
        "BasePeriod": _text(r.get("basePeriod")),
        "Source": _text(r.get("source")),
        "GeoInfoUrl": _text(r.get("geoInfoUrl")),
        "FootNote": "; ".join(map(str, r.get("footnotes") or [])),
        "ReleaseName": _text(info.get("release")),
    }
    for group in ("attributes", "dimensions"):
        for k, v in (r.get(group) or {}).items():
            row[str(k)] = _text(v)
    return row


def _old_rows(ctx: Context, series: str) -> list[dict[str, str]]:
    """With ``--since``, the rows before it from the file already in the mirror."""
    path = ctx.mirror / data_path(series)
    if not path.exists():
        return []
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return [dict(r) for r in rows if _year(r.get("TimePeriod") or "") < (ctx.since or 0)]
