"""Structure-specific SDMX-ML 2.1 data messages in every packaging the REST API asks for.

``dimensionAtObservation`` picks the packaging: time series (``TIME_PERIOD``), a cross-section on any other
dimension, or flat observations (``AllDimensions``). ``detail`` drops attributes (``dataonly``) or
observations (``serieskeysonly``, ``nodata``: our attributes all attach to the observation, so a series
carries its key only). One message may carry several data sets, each with its action (``Information``,
``Replace`` or ``Delete``) and validity dates, as ``updatedAfter`` and ``includeHistory`` need. The same
data also come as a generic data message when the client asks for ``application/vnd.sdmx.genericdata+xml``.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import quoteattr

import pandas as pd
from fastapi.responses import Response

from wsis.web.sdmx import messages as m
from wsis.web.sdmx.params import DataQuery
from wsis.web.sdmx.schema import ALL_DIMENSIONS, TIME, namespace

DATA_XML = "application/vnd.sdmx.structurespecificdata+xml; version=2.1"
GENERIC_XML = "application/vnd.sdmx.genericdata+xml; version=2.1"
CSV = "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8"
GEN = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
SID = f"{m.AGENCY}_{m.DSD}_{m.VERSION.replace('.', '_')}"


@dataclass
class DataSetPart:
    """One data set of a message: its observations, action and validity."""

    frame: pd.DataFrame
    action: str = "Information"
    valid_from: datetime | None = None
    valid_to: datetime | None = None


def _fmt(v) -> str:
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _value(component: str, v) -> str:
    if component == TIME or component == "UNIT_MULT":
        return str(int(v))
    if component == "OBS_VALUE":
        return _fmt(v)
    return str(v)


def _attrs(rec: dict, components: list[str]) -> str:
    return " ".join(f"{c}={quoteattr(_value(c, rec[c]))}" for c in components if rec.get(c) is not None)


def _stamp(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def _records(df: pd.DataFrame) -> list[dict]:
    # Plain records, not pandas row access: this path runs on every uncached SDMX data request.
    cols = [c for c in dict.fromkeys((*m.SERIES_DIMS, TIME, "DATASET_ID", "OBS_VALUE", *m.ATTRS))
            if c in df.columns]
    return df[cols].astype(object).where(df[cols].notna(), None).to_dict("records")


def _groups(part: DataSetPart, q: DataQuery) -> Iterator[tuple[dict | None, list[str], list[dict]]]:
    """(first record of the series or None when flat, the series dimensions, its observations) in order."""
    recs = _records(part.frame)
    if q.dim_at_obs == ALL_DIMENSIONS:
        keys = [*m.SERIES_DIMS, TIME]
        recs.sort(key=lambda r: (*(str(r.get(d)) for d in keys), str(r.get("DATASET_ID"))))
        yield None, [], recs
        return
    series_dims = [d for d in (*m.SERIES_DIMS, TIME) if d != q.dim_at_obs]
    at = q.dim_at_obs
    recs.sort(key=lambda r: (*(str(r.get(d)) for d in series_dims),
                             int(r[at]) if at == TIME else str(r.get(at)), str(r.get("DATASET_ID"))))
    for _, grp in itertools.groupby(recs, key=lambda r: tuple(r.get(d) for d in series_dims)):
        obs = list(grp)
        yield obs[0], series_dims, obs


def _set_attrs(part: DataSetPart, prefix: str) -> str:
    dates = "".join(f' {prefix}{k}="{_stamp(v)}"' for k, v in (("validFromDate", part.valid_from),
                                                              ("validToDate", part.valid_to)) if v is not None)
    return f'{prefix}action="{part.action}"{dates}'


def _write_dataset(out: io.StringIO, part: DataSetPart, q: DataQuery, sid: str) -> None:
    out.write(f'<mes:DataSet ss:structureRef="{sid}" xsi:type="ns1:DataSetType" ss:dataScope="DataStructure" '
              f'{_set_attrs(part, "ss:")}>')
    obs_comp = ["OBS_VALUE"] + ([] if q.detail == "dataonly" else list(m.ATTRS))
    with_obs = q.detail in ("full", "dataonly")
    for first, series_dims, obs in _groups(part, q):
        if first is None:
            keys = [*m.SERIES_DIMS, TIME]
            out.write("".join(f"<Obs {_attrs(r, keys + obs_comp)}/>" for r in obs))
            continue
        out.write(f"<Series {_attrs(first, series_dims)}>")
        if with_obs:
            out.write("".join(f"<Obs {_attrs(r, [q.dim_at_obs] + obs_comp)}/>" for r in obs))
        out.write("</Series>")
    out.write("</mes:DataSet>")


def _values(rec: dict, components: list[str], element: str) -> str:
    vals = "".join(f'<gen:Value id="{c}" value={quoteattr(_value(c, rec[c]))}/>' for c in components
                   if rec.get(c) is not None)
    return f"<gen:{element}>{vals}</gen:{element}>" if vals else ""


def _generic_obs(r: dict, q: DataQuery, key: str) -> str:
    value = "" if r.get("OBS_VALUE") is None else f'<gen:ObsValue value="{_fmt(r["OBS_VALUE"])}"/>'
    attrs = "" if q.detail == "dataonly" else _values(r, list(m.ATTRS), "Attributes")
    return f"<gen:Obs>{key}{value}{attrs}</gen:Obs>"


def _write_generic_dataset(out: io.StringIO, part: DataSetPart, q: DataQuery, sid: str) -> None:
    out.write(f'<mes:DataSet structureRef="{sid}" {_set_attrs(part, "")}>')
    with_obs = q.detail in ("full", "dataonly")
    for first, series_dims, obs in _groups(part, q):
        if first is None:
            out.write("".join(_generic_obs(r, q, _values(r, [*m.SERIES_DIMS, TIME], "ObsKey")) for r in obs))
            continue
        out.write(f'<gen:Series>{_values(first, series_dims, "SeriesKey")}')
        if with_obs:
            at = q.dim_at_obs
            out.write("".join(_generic_obs(r, q, f"<gen:ObsDimension value={quoteattr(_value(at, r[at]))}/>")
                              for r in obs))
        out.write("</gen:Series>")
    out.write("</mes:DataSet>")


def _message(root: str, namespaces: str, structure: str, parts: list[DataSetPart], write) -> str:
    out = io.StringIO()
    out.write(f'<?xml version="1.0" encoding="UTF-8"?><mes:{root} {namespaces}>')
    out.write(m._header("DATA").replace("</mes:Header>", "") + structure + "</mes:Header>")
    for part in parts:
        write(out, part)
    out.write(f"</mes:{root}>")
    return out.getvalue()


def _structure(sid: str, q: DataQuery, namespace_attr: str) -> str:
    return (f'<mes:Structure structureID="{sid}"{namespace_attr} dimensionAtObservation="{q.dim_at_obs}">'
            f'<com:Structure><Ref agencyID="{m.AGENCY}" id="{m.DSD}" version="{m.VERSION}"/></com:Structure>'
            f"</mes:Structure>")


def data_message(parts: list[DataSetPart], q: DataQuery) -> str:
    """A structure-specific data message with one data set per part, packaged as ``q`` asks."""
    ns = namespace(q.dim_at_obs)
    xmlns = " ".join(f'xmlns:{k}="{v}"' for k, v in m.NS.items() if k != "str") + f' xmlns:ns1="{ns}"'
    return _message("StructureSpecificData", xmlns, _structure(SID, q, f' namespace="{ns}"'), parts,
                    lambda out, part: _write_dataset(out, part, q, SID))


def generic_message(parts: list[DataSetPart], q: DataQuery) -> str:
    """The same data as a generic SDMX-ML 2.1 data message (keys and attributes as id/value pairs)."""
    xmlns = " ".join(f'xmlns:{k}="{v}"' for k, v in m.NS.items() if k in ("mes", "com")) + f' xmlns:gen="{GEN}"'
    return _message("GenericData", xmlns, _structure(SID, q, ""), parts,
                    lambda out, part: _write_generic_dataset(out, part, q, SID))


def csv_message(df: pd.DataFrame, q: DataQuery) -> str:
    """SDMX-CSV 1.0 (one row per observation); ``detail=dataonly`` leaves the attribute columns out."""
    if q.detail == "dataonly":
        df = df.drop(columns=[a for a in m.ATTRS if a in df.columns])
        cols = [*m.SERIES_DIMS, TIME, "OBS_VALUE"]
        out = df.reindex(columns=cols).copy()
        out.insert(0, "DATAFLOW", f"{m.AGENCY}:{m.FLOW}({m.VERSION})")
        return out.to_csv(index=False)
    return m.csv_message(df)


def respond(parts: list[DataSetPart], q: DataQuery) -> Response:
    """The data as the client asked: structure-specific (default) or generic SDMX-ML, or SDMX-CSV."""
    if q.csv:
        return Response(csv_message(pd.concat([p.frame for p in parts], ignore_index=True), q), media_type=CSV)
    if q.kind == "generic":
        return Response(generic_message(parts, q), media_type=GENERIC_XML)
    return Response(data_message(parts, q), media_type=DATA_XML)
