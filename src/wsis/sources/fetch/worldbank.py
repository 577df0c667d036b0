"""World Bank Indicators API v2 -> ``wdi/API_<CODE>_DS2_en_csv_v2_<tag>.csv`` (the WDI bulk CSV layout).

Requests: ``{wb_api_url}/country/all/indicator/{code}?format=json&per_page=N&page=P[&date=Y1:Y2]``, paged;
countries from ``{wb_api_url}/country?format=json&per_page=N&page=P``. A page is ``[meta, records]``;
an error is ``[{"message": [...]}]`` with HTTP 200, which we turn into a WsisError naming the URL.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from wsis.errors import WsisError
from wsis.sources.fetch.base import Context, Job, Output, SourceInfo, csv_bytes, format_number
from wsis.sources.fetch.http import Fetched
from wsis.sources.fetch.paging import Page, PaginationChanged, fetch_paged

FILE_TAG = "0"  # fixed, so a refetch replaces the same file instead of adding a second vintage beside it
FIRST_YEAR = 1960

INFO = SourceInfo(
    id="wb", title="World Bank Indicators API v2", publisher="World Bank", licence="CC BY 4.0",
    defaults=("IT.NET.USER.ZS", "SP.POP.TOTL"),  # the WDI series the catalogue maps (catalogue/providers.yaml)
    spec_help="WDI indicator codes, e.g. IT.NET.USER.ZS",
)

_CODE = re.compile(r"^[A-Za-z0-9_.]+$")


def data_path(code: str) -> str:
    """Mirror path of the data file of indicator ``code``."""
    return f"wdi/API_{code}_DS2_en_csv_v2_{FILE_TAG}.csv"


def meta_path(code: str) -> str:
    """Mirror path of the country metadata file that goes with indicator ``code``."""
    return f"wdi/Metadata_Country_API_{code}_DS2_en_csv_v2_{FILE_TAG}.csv"


def plan(specs: list[str]) -> list[Job]:
    """One job per indicator code."""
    jobs = []
    for spec in specs:
        code = spec.strip()
        if not _CODE.match(code):
            raise WsisError("fetch-bad-indicator", f"not a World Bank indicator code: {spec!r}",
                            column="--indicators", expected="a code like IT.NET.USER.ZS")
        jobs.append(Job("wb", code, lambda ctx, code=code: run(ctx, code)))
    return jobs


def _read_page(what: str) -> Any:
    def read(got: Fetched) -> Page:
        body = got.data
        if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
            msgs = body[0]["message"] or [{}]
            text = "; ".join(f"{m.get('key', '')}: {m.get('value', '')}".strip(": ") for m in msgs)
            raise WsisError("fetch-api-error", f"World Bank API error for {what}: {text}", file=got.url,
                            expected="a valid indicator code", hint="check the code at data.worldbank.org")
        if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
            raise WsisError("fetch-bad-body", f"unexpected World Bank answer for {what}", file=got.url,
                            expected="a JSON array [page info, records]")
        meta, recs = body
        try:
            pages, total = int(meta["pages"]), int(meta["total"])
            number = int(meta["page"])
        except (KeyError, TypeError, ValueError) as exc:
            raise WsisError("fetch-bad-body", f"World Bank page info without page/pages/total for {what}",
                            file=got.url, expected="page, pages, per_page, total") from exc
        if total == 0 or not recs:
            raise WsisError("fetch-empty", f"the World Bank API returned no records for {what}",
                            file=got.url, expected="at least one record for a known indicator",
                            hint="check the code, or drop --since if it excludes every year")
        if not isinstance(recs, list):
            raise WsisError("fetch-bad-body", "records are not a list", file=got.url, expected="a JSON array")
        return Page(number, pages, total, str(meta.get("lastupdated") or "") or None, recs)
    return read


def _paged(ctx: Context, job: str, base: str, params: dict[str, Any], what: str,
           check_all: Any = None) -> tuple[list, list[Fetched]]:
    def url_for(page: int) -> str:
        query = {**params, "format": "json", "per_page": ctx.settings.fetch_page_size, "page": page}
        return f"{base}?{urlencode(query)}"
    return fetch_paged(ctx.fetcher, job, url_for, _read_page(what), on_page=ctx.on_page, check_all=check_all)


def countries(ctx: Context) -> tuple[dict[str, dict[str, Any]], list[Fetched]]:
    """Country and aggregate metadata from ``/country`` (fetched once per run)."""
    if "wb_countries" not in ctx.memo:
        recs, resp = _paged(ctx, "wb:country", f"{ctx.settings.wb_api_url.rstrip('/')}/country", {}, "countries")
        ctx.memo["wb_countries"] = ({r["id"]: r for r in recs if isinstance(r, dict) and r.get("id")}, resp)
    return ctx.memo["wb_countries"]


def run(ctx: Context, code: str) -> list[Output]:
    """Fetch every country and year of one indicator and build the bulk-CSV layout."""
    base = f"{ctx.settings.wb_api_url.rstrip('/')}/country/all/indicator/{quote(code, safe='.')}"
    params: dict[str, Any] = {}
    if ctx.since:
        params["date"] = f"{ctx.since}:{date.today().year}"
    seen: set[tuple[str, str]] = set()

    def no_duplicates(recs: list[Any]) -> None:
        seen.clear()
        for r in recs:
            key = (_iso3(r), str(r.get("date")))
            if key in seen:
                raise PaginationChanged(f"{key[0]} {key[1]} appears twice")
            seen.add(key)

    recs, responses = _paged(ctx, f"wb:{code}:{params.get('date', 'all')}", base, params, code, no_duplicates)
    name, values, names = _collect(recs, code, responses[0].url)
    merged, years = _merge_existing(ctx, code, values, names)
    last = max(years) if years else date.today().year - 1
    cols = [str(y) for y in range(FIRST_YEAR, last + 1)]
    rows = [[names[iso], iso, name, code, *(merged[iso].get(c, "") for c in cols)] for iso in sorted(merged)]
    data = csv_bytes(["Country Name", "Country Code", "Indicator Name", "Indicator Code", *cols], rows, bom=True)
    out = [Output(data_path(code), data, len(rows), responses, {"indicator": code, **params})]
    meta, meta_resp = countries(ctx)
    mrows = []
    for iso in sorted(merged):
        c = meta.get(iso, {})
        region = ((c.get("region") or {}).get("value") or "").strip()
        aggregate = region == "Aggregates"
        income = ((c.get("incomeLevel") or {}).get("value") or "").strip()
        mrows.append([iso, "" if aggregate else region, "" if aggregate else income, "",
                      (c.get("name") or names[iso]).strip()])
    mdata = csv_bytes(["Country Code", "Region", "IncomeGroup", "SpecialNotes", "TableName"], mrows, bom=True)
    out.append(Output(meta_path(code), mdata, len(mrows), meta_resp, {"indicator": code}))
    return out


def _iso3(rec: dict[str, Any]) -> str:
    return (rec.get("countryiso3code") or (rec.get("country") or {}).get("id") or "").strip()


def _collect(recs: list[Any], code: str, url: str) -> tuple[str, dict[str, dict[str, str]], dict[str, str]]:
    values: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    name = ""
    for i, r in enumerate(recs):
        try:
            ind = r["indicator"]
            iso = _iso3(r)
            year = str(r["date"])
            val = r["value"]
        except (KeyError, TypeError) as exc:
            raise WsisError("fetch-bad-body", f"record {i} lacks indicator/country/date/value", file=url,
                            row=i + 1, expected="a World Bank data record") from exc
        if str(ind.get("id", "")).upper() != code.upper():
            raise WsisError("fetch-bad-body", f"record {i} is for indicator {ind.get('id')!r}, not {code}",
                            file=url, row=i + 1, expected=code)
        if not iso or not year.isdigit():
            raise WsisError("fetch-bad-body", f"record {i} has country {iso!r} and date {year!r}", file=url,
                            row=i + 1, column="date", expected="an ISO3 code and a year")
        if val is not None and (isinstance(val, bool) or not isinstance(val, int | float)):
            raise WsisError("fetch-bad-body", f"record {i} has a non-numeric value {val!r}", file=url,
                            row=i + 1, column="value", expected="a number or null")
        name = name or str(ind.get("value") or code)
        names.setdefault(iso, str((r.get("country") or {}).get("value") or iso))
        values.setdefault(iso, {})[year] = format_number(val)
    return name, values, names


def _merge_existing(ctx: Context, code: str, values: dict[str, dict[str, str]],
                    names: dict[str, str]) -> tuple[dict[str, dict[str, str]], set[int]]:
    """With ``--since``, keep the years before it from the file already in the mirror."""
    years = {int(y) for v in values.values() for y in v}
    path = ctx.mirror / data_path(code)
    if not ctx.since or not path.exists():
        return values, years
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    merged = {iso: dict(v) for iso, v in values.items()}
    for row in reader:
        iso = row.get("Country Code") or ""
        if not iso:
            continue
        names.setdefault(iso, row.get("Country Name") or iso)
        for col, val in row.items():
            if col and col.isdigit() and int(col) < ctx.since:
                merged.setdefault(iso, {})[col] = val or ""
                if val:
                    years.add(int(col))
    return merged, years
