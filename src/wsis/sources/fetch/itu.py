"""ITU DataHub API -> ``itu_datahub/<name>.csv.gz`` in the DataHub export schema.

Per indicator id: ``/dictionaries/getbyid/{codeID}`` (label, code, units, definition) then
``/data/bycode/{codeID}`` (every country-year). The API answers an unknown id with ``200 []`` and sends
values as strings; both are checked here, so an empty list or a non-numeric value is an error naming the URL.
One file may hold several ids (e.g. 2G/3G/LTE/5G coverage): ``name=194+430+19306+34236``.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from typing import Any

from wsis.errors import WsisError
from wsis.sources.fetch.base import Context, Job, Output, SourceInfo, csv_bytes, split_spec
from wsis.sources.fetch.http import Fetched

INFO = SourceInfo(
    id="itu", title="ITU DataHub API", publisher="International Telecommunication Union (ITU)",
    licence="CC BY-NC-SA 3.0 IGO",
    # the DataHub series the catalogue maps, grouped as in the offline data folder's export files
    defaults=("active_mobile_broadband_subscriptions=11632+12066",
              "fixed_broadband_subscriptions=19257+19303",
              "population_coverage_mobile_network=194+430+19306+34236",
              "households_with_internet_access_at_home=12047"),
    spec_help="name=codeID[+codeID...] or a bare codeID, e.g. individuals_using_the_internet=11624",
)

COLUMNS = ["seriesID", "seriesCode", "seriesName", "seriesParent", "seriesUnits", "entityID", "entityIso",
           "entityName", "dataValue", "dataYear", "dataNote", "dataSource", "seriesDescription"]
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def data_path(name: str) -> str:
    """Mirror path of one DataHub export file."""
    return f"itu_datahub/{name}.csv.gz"


def plan(specs: list[str]) -> list[Job]:
    """One job per file name; each lists one or more DataHub indicator ids."""
    jobs = []
    for spec in specs:
        name, value = split_spec(spec)
        ids = [p.strip() for p in value.split("+") if p.strip()]
        if not ids or not all(i.isdigit() for i in ids):
            raise WsisError("fetch-bad-indicator", f"not a DataHub indicator spec: {spec!r}",
                            column="--indicators", expected="name=codeID[+codeID...], e.g. internet=11624")
        name = name or f"itu_{'_'.join(ids)}"
        if not _NAME.match(name):
            raise WsisError("fetch-bad-indicator", f"file name {name!r} has characters other than "
                            "letters, digits, '_', '-', '.'", column="--indicators", expected="a plain name")
        jobs.append(Job("itu", name, lambda ctx, n=name, i=tuple(int(x) for x in ids): run(ctx, n, i)))
    return jobs


def _dictionary(ctx: Context, code_id: int) -> tuple[dict[str, Any], Fetched]:
    url = f"{ctx.settings.itu_api_url.rstrip('/')}/dictionaries/getbyid/{code_id}"
    got = ctx.fetcher.get(url)
    body = got.data
    if isinstance(body, list):
        if not body:
            raise WsisError("fetch-unknown-id", f"the DataHub knows no indicator {code_id} (it answered [])",
                            file=url, column="--indicators", expected="a DataHub codeID such as 11624")
        body = body[0]
    if not isinstance(body, dict) or int(body.get("codeID", -1)) != code_id:
        raise WsisError("fetch-bad-body", f"dictionary entry is not for indicator {code_id}", file=url,
                        expected=f"an object with codeID {code_id}")
    return body, got


def run(ctx: Context, name: str, ids: tuple[int, ...]) -> list[Output]:
    """Fetch each id's definition and data; write one gzipped CSV in the export schema."""
    rows: list[list[Any]] = []
    responses: list[Fetched] = []
    for n, code_id in enumerate(ids, 1):
        meta, meta_got = _dictionary(ctx, code_id)
        url = f"{ctx.settings.itu_api_url.rstrip('/')}/data/bycode/{code_id}"
        got = ctx.fetcher.get(url)
        responses += [meta_got, got]
        points = got.data
        if not isinstance(points, list):
            raise WsisError("fetch-bad-body", "data is not a list", file=url, expected="a JSON array")
        if not points:
            raise WsisError("fetch-empty", f"the DataHub returned an empty list for indicator {code_id}, "
                            f"which its dictionary knows as {meta.get('code')!r}", file=url,
                            expected="data points for a known indicator",
                            hint="the DataHub may be failing; try again later")
        for i, p in enumerate(points):
            rows.append(_row(p, i, code_id, meta, url))
        ctx.on_page(n, len(ids))
    if ctx.since:
        rows = [r for r in rows if r[9] >= ctx.since] + _old_rows(ctx, name, ids)
    order = {cid: k for k, cid in enumerate(ids)}
    rows.sort(key=lambda r: (order.get(r[0], len(ids)), r[6], r[9]))
    keys = set()
    for r in rows:
        k = (r[0], r[6], r[9])
        if k in keys:
            raise WsisError("fetch-bad-body", f"indicator {r[0]} has two values for {r[6]} {r[9]}",
                            file=responses[-1].url, expected="one value per country and year")
        keys.add(k)
    text = csv_bytes(COLUMNS, rows, bom=True, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    data = gzip.compress(text, compresslevel=9, mtime=0)
    return [Output(data_path(name), data, len(rows), responses, {"ids": list(ids), "since": ctx.since})]


def _row(p: Any, i: int, code_id: int, meta: dict[str, Any], url: str) -> list[Any]:
    try:
        answer = p["answer"]
        raw = answer[0]["value"] if answer else None
        year = int(p["dataYear"])
        iso = str(p["isoCode"])
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise WsisError("fetch-bad-body", f"data point {i} lacks answer/dataYear/isoCode", file=url, row=i + 1,
                        expected="a DataHub data point") from exc
    if int(p.get("codeID", code_id)) != code_id:
        raise WsisError("fetch-bad-body", f"data point {i} is for indicator {p.get('codeID')}", file=url,
                        row=i + 1, column="codeID", expected=str(code_id))
    value = "" if raw is None else str(raw).strip()
    if value:
        try:
            ok = math.isfinite(float(value))
        except ValueError:
            ok = False
        if not ok:
            raise WsisError("fetch-bad-body", f"data point {i} ({iso} {year}) has value {value!r}", file=url,
                            row=i + 1, column="answer.value", expected="a number (sent as a string)")
    return [code_id, str(meta.get("code") or ""), str(meta.get("label") or meta.get("collection-indicator") or ""),
            None, str(meta.get("units") or ""), int(p.get("countryID") or 0), iso, str(p.get("shortName") or ""),
            value, year, str(p.get("dataNote") or ""), str(p.get("dataSource") or ""),
            str(meta.get("codeDesc") or "")]


def _old_rows(ctx: Context, name: str, ids: tuple[int, ...]) -> list[list[Any]]:
    """With ``--since``, the rows before it (for these ids) from the file already in the mirror."""
    path = ctx.mirror / data_path(name)
    if not path.exists():
        return []
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    out = []
    for r in csv.DictReader(io.StringIO(text)):
        try:
            sid, year = int(float(r["seriesID"])), int(float(r["dataYear"]))
        except (KeyError, ValueError):
            continue
        if sid in ids and year < (ctx.since or 0):
            out.append([sid, r["seriesCode"], r["seriesName"], None, r["seriesUnits"], int(float(r["entityID"] or 0)),
                        r["entityIso"], r["entityName"], r["dataValue"], year, r["dataNote"], r["dataSource"],
                        r["seriesDescription"]])
    return out
