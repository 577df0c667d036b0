"""SDMX REST 2.1 query parameters: parsed, checked, and refused when unknown; the SDMX-ML error message.

Data queries take ``startPeriod``, ``endPeriod``, ``updatedAfter``, ``firstNObservations``,
``lastNObservations``, ``dimensionAtObservation``, ``detail`` and ``includeHistory`` (sdmx-twg/sdmx-rest,
v2_1/ws/rest/docs/4_4_data_queries.md). A malformed value is a 400; a valid request we cannot answer is a
501 with an SDMX-ML ``Error`` message (4_8_errors.md), never a silently different result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from xml.sax.saxutils import escape

import pandas as pd
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from wsis.errors import WsisError
from wsis.web.sdmx import messages as m
from wsis.web.sdmx.schema import ALL_DIMENSIONS, TIME, obs_dimensions

DETAILS = ("full", "dataonly", "serieskeysonly", "nodata")
DATA_PARAMS = ("startPeriod", "endPeriod", "updatedAfter", "firstNObservations", "lastNObservations",
               "dimensionAtObservation", "detail", "includeHistory", "format")
# ObservationalTimePeriodType without time zones: year, Gregorian month/day, reporting periods, dateTime.
PERIOD = re.compile(r"^(\d{4})(-(\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?)?|[ASTQMWD]\d{1,3}))?$")
# Data formats answered, by media type: SDMX-ML 2.1 structure-specific and generic data, SDMX-CSV 1.0. Where
# the client accepts any XML, the structure-specific message is the answer (as it always was here).
SERVED_TYPES = {"application/vnd.sdmx.structurespecificdata+xml": "structurespecific",
                "application/vnd.sdmx.genericdata+xml": "generic", "application/vnd.sdmx.data+csv": "csv",
                "text/csv": "csv", "application/xml": "structurespecific", "text/xml": "structurespecific",
                "*/*": "structurespecific", "application/*": "structurespecific", "text/*": "csv"}
FORMATS = {"": None, "csv": "csv", "csvfile": "csv", "sdmx-csv": "csv", "structurespecificdata": "structurespecific",
           "genericdata": "generic"}
# SDMX error codes for HTTP statuses (4_8_errors.md, "SDMX to HTTP Error Mapping").
SDMX_CODES = {400: "140", 401: "110", 403: "150", 404: "100", 413: "130", 500: "500", 501: "501", 503: "503"}
ERROR_XML = "application/xml; charset=utf-8"


def not_implemented(what: str, column: str, hint: str | None = None) -> WsisError:
    """The standard's answer to a valid request this service does not support (HTTP 501, SDMX code 501)."""
    return WsisError("sdmx-not-implemented", f"not implemented: {what}", column=column, status=501, hint=hint)


def error_message(err: WsisError) -> str:
    """An SDMX-ML 2.1 ``Error`` message for a ``WsisError``."""
    code = SDMX_CODES.get(err.status, "1000")
    return (f'<?xml version="1.0" encoding="UTF-8"?><mes:Error xmlns:mes="{m.NS["mes"]}" '
            f'xmlns:com="{m.NS["com"]}"><mes:ErrorMessage code="{code}">'
            f'<com:Text xml:lang="en">{escape(str(err))}</com:Text></mes:ErrorMessage></mes:Error>')


class SdmxRoute(APIRoute):
    """A route whose ``WsisError`` answers as an SDMX-ML error message (problem+json if JSON is asked for)."""

    def get_route_handler(self) -> Callable:
        """Wrap the handler so user errors keep their status and become SDMX-ML ``Error`` messages."""
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except WsisError as err:
                if "json" in request.headers.get("accept", ""):
                    return JSONResponse(err.to_problem(), status_code=err.status,
                                        media_type="application/problem+json")
                return Response(error_message(err), status_code=err.status, media_type=ERROR_XML)

        return run


def check_names(request: Request, allowed: tuple[str, ...]) -> None:
    """A misspelt parameter (``lastNObservation``) is a 400, never silently ignored."""
    unknown = sorted(k for k in request.query_params if k not in allowed)
    if unknown:
        raise WsisError("unknown-parameter", f"unknown query parameter {unknown[0][:40]!r}", column=unknown[0][:40],
                        expected="one of " + ", ".join(allowed), status=400)
    repeated = sorted({k for k in request.query_params if len(request.query_params.getlist(k)) > 1})
    if repeated:
        raise WsisError("repeated-parameter", f"query parameter {repeated[0]!r} given more than once",
                        column=repeated[0], expected="each parameter once", status=400)


def structure_params(request: Request) -> None:
    """Structure queries take ``references`` and ``detail``; only ``detail=full`` is served."""
    check_names(request, ("references", "detail"))
    detail = request.query_params.get("detail", "full")
    stubs = ("allstubs", "referencestubs", "allcompletestubs", "referencecompletestubs", "referencepartial")
    if detail in stubs:
        raise not_implemented(f"structure detail {detail!r}", "detail", "only detail=full is served")
    if detail != "full":
        raise WsisError("bad-parameter", f"unknown detail value {detail[:30]!r}", column="detail",
                        expected="full, " + ", ".join(stubs))


def period_year(v: str | None, name: str) -> int | None:
    """The year an SDMX period (``2015``, ``2015-06``, ``2015-Q2``, ``2015-06-30T12:00``) falls in."""
    if v is None:
        return None
    mt = PERIOD.match(v)
    if mt and mt.group(3) and mt.group(3)[0].isdigit():  # a calendar month, day or time: it must exist
        try:
            datetime.fromisoformat(v if mt.group(4) else v + "-01")
        except ValueError:
            mt = None
    if not mt:
        raise WsisError("bad-period", f"malformed {name} {v[:30]!r}", column=name,
                        expected="YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Sn, YYYY-Mnn or an xs:dateTime")
    return int(mt.group(1))


def _positive(v: str | None, name: str) -> int | None:
    if v is None:
        return None
    if not v.isdigit() or int(v) < 1 or len(v) > 9:
        raise WsisError("bad-parameter", f"{name} must be a positive integer, not {v[:20]!r}", column=name,
                        expected="a positive integer")
    return int(v)


def parse_datetime(v: str | None) -> datetime | None:
    """An ``updatedAfter`` value as an aware datetime (the service's local time when it has no offset)."""
    if v is None:
        return None
    try:
        t = datetime.fromisoformat(v.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise WsisError("bad-parameter", f"malformed updatedAfter {v[:40]!r}", column="updatedAfter",
                        expected="an xs:dateTime such as 2026-05-15T14:15:00+01:00") from None
    # Without an offset the standard says: the web service's local time.
    return t if t.tzinfo else t.astimezone()


def representation(accept: str) -> str:
    """The data format an Accept header selects: the first one served, in the client's order; the
    structure-specific one when any will do; ``""`` when it names only formats this service does not make.
    The response cache keys on this, never on the raw header, so odd Accept headers share one entry."""
    types = [part.split(";")[0].strip().lower() for part in accept.strip().split(",") if part.strip()]
    for t in types:
        if t in SERVED_TYPES:
            return SERVED_TYPES[t]
    return "" if types else "structurespecific"


def _accepted(request: Request) -> str:
    """The negotiated data format; 406 when the Accept header names only formats this service does not make."""
    accept = request.headers.get("accept", "").strip()
    fmt = representation(accept)
    if fmt:
        return fmt
    raise WsisError("sdmx-not-acceptable", f"cannot answer in {accept[:80]!r}", column="Accept",
                    expected=", ".join(list(SERVED_TYPES)[:3]), status=406)


@dataclass(frozen=True)
class DataQuery:
    """The query-string part of an SDMX data query, checked."""

    start: int | None = None
    end: int | None = None
    updated_after: datetime | None = None
    first_n: int | None = None
    last_n: int | None = None
    dim_at_obs: str = TIME
    detail: str = "full"
    include_history: bool = False
    kind: str = "structurespecific"

    @property
    def csv(self) -> bool:
        """Whether the answer is SDMX-CSV."""
        return self.kind == "csv"

    @property
    def uses_history(self) -> bool:
        """Whether the answer is built from the release history rather than the served release alone."""
        return self.updated_after is not None or self.include_history


def data_query(request: Request) -> DataQuery:
    """Parse and check a data query's parameters (400 when malformed, 501 when not supported)."""
    check_names(request, DATA_PARAMS)
    q = request.query_params
    detail = q.get("detail", "full")
    if detail not in DETAILS:
        raise WsisError("bad-parameter", f"unknown detail value {detail[:30]!r}", column="detail",
                        expected=", ".join(DETAILS))
    dim = q.get("dimensionAtObservation", TIME)
    if dim not in obs_dimensions():
        raise WsisError("bad-parameter", f"no dimension {dim[:40]!r} in {m.DSD}", column="dimensionAtObservation",
                        expected=", ".join(obs_dimensions()))
    hist = q.get("includeHistory", "false").lower()
    if hist not in ("true", "false"):
        raise WsisError("bad-parameter", f"includeHistory must be true or false, not {hist[:20]!r}",
                        column="includeHistory", expected="true or false")
    out = DataQuery(start=period_year(q.get("startPeriod"), "startPeriod"),
                    end=period_year(q.get("endPeriod"), "endPeriod"),
                    updated_after=parse_datetime(q.get("updatedAfter")),
                    first_n=_positive(q.get("firstNObservations"), "firstNObservations"),
                    last_n=_positive(q.get("lastNObservations"), "lastNObservations"),
                    dim_at_obs=dim, detail=detail, include_history=hist == "true")
    if dim == ALL_DIMENSIONS and detail in ("serieskeysonly", "nodata"):
        raise not_implemented(f"detail={detail} with dimensionAtObservation=AllDimensions (no series)", "detail")
    # The format last: a malformed or unsupported query is refused whatever format it asks for.
    fmt = q.get("format", "")
    if fmt not in FORMATS:
        raise not_implemented(f"format {fmt[:30]!r}", "format", "served: " + ", ".join(f for f in FORMATS if f))
    out = replace(out, kind=FORMATS[fmt] or _accepted(request))
    if out.csv and detail in ("serieskeysonly", "nodata"):
        raise not_implemented(f"detail={detail} in SDMX-CSV 1.0 (one row per observation)", "detail",
                              "ask for SDMX-ML")
    if out.csv and out.uses_history:
        raise not_implemented("updatedAfter and includeHistory in SDMX-CSV 1.0 (it cannot say 'deleted')",
                              "updatedAfter" if out.updated_after else "includeHistory", "ask for SDMX-ML")
    return out


def limit_per_series(df: pd.DataFrame, first_n: int | None, last_n: int | None) -> pd.DataFrame:
    """Keep the first ``first_n`` and the last ``last_n`` periods of each time series (both: their union)."""
    if df.empty or (first_n is None and last_n is None):
        return df
    periods = df.groupby(m.SERIES_DIMS, dropna=False, sort=False)["TIME_PERIOD"]
    keep = pd.Series(False, index=df.index)
    if first_n is not None:
        keep |= periods.rank(method="dense", ascending=True) <= first_n
    if last_n is not None:
        keep |= periods.rank(method="dense", ascending=False) <= last_n
    return df[keep]
