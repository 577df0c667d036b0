"""Structure-specific SDMX-ML 2.1 data messages in every packaging the REST API asks for.

``dimensionAtObservation`` picks the packaging: time series (``TIME_PERIOD``), a cross-section on any other
dimension, or flat observations (``AllDimensions``). ``detail`` drops attributes (``dataonly``) or
observations (``serieskeysonly``, ``nodata``: our attributes all attach to the observation, so a series
carries its key only). One message may carry several data sets, each with its action (``Information``,
``Replace`` or ``Delete``) and validity dates, as ``updatedAfter`` and ``includeHistory`` need.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import quoteattr

import pandas as pd

from wsis.web.sdmx import messages as m
from wsis.web.sdmx.params import DataQuery
from wsis.web.sdmx.schema import ALL_DIMENSIONS, TIME, namespace


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


def _write_dataset(out: io.StringIO, part: DataSetPart, q: DataQuery, sid: str) -> None:
    dates = "".join(f' ss:{k}="{_stamp(v)}"' for k, v in (("validFromDate", part.valid_from),
                                                          ("validToDate", part.valid_to)) if v is not None)
    out.write(f'<mes:DataSet ss:structureRef="{sid}" xsi:type="ns1:DataSetType" ss:dataScope="DataStructure" '
              f'ss:action="{part.action}"{dates}>')
    obs_comp = ["OBS_VALUE"] + ([] if q.detail == "dataonly" else list(m.ATTRS))
    recs = _records(part.frame)
    if q.dim_at_obs == ALL_DIMENSIONS:
        keys = [*m.SERIES_DIMS, TIME]
        recs.sort(key=lambda r: (*(str(r.get(d)) for d in keys), str(r.get("DATASET_ID"))))
        for r in recs:
            out.write(f"<Obs {_attrs(r, keys + obs_comp)}/>")
    else:
        series_dims = [d for d in (*m.SERIES_DIMS, TIME) if d != q.dim_at_obs]
        with_obs = q.detail in ("full", "dataonly")
        at = q.dim_at_obs
        recs.sort(key=lambda r: (*(str(r.get(d)) for d in series_dims),
                                 int(r[at]) if at == TIME else str(r.get(at)), str(r.get("DATASET_ID"))))
        current = None
        for r in recs:
            key = tuple(r.get(d) for d in series_dims)
            if key != current:
                if current is not None:
                    out.write("</Series>")
                out.write(f"<Series {_attrs(r, series_dims)}>")
                current = key
            if with_obs:
                out.write(f"<Obs {_attrs(r, [at] + obs_comp)}/>")
        if current is not None:
            out.write("</Series>")
    out.write("</mes:DataSet>")


def data_message(parts: list[DataSetPart], q: DataQuery) -> str:
    """A structure-specific data message with one data set per part, packaged as ``q`` asks."""
    sid = f"{m.AGENCY}_{m.DSD}_{m.VERSION.replace('.', '_')}"
    ns = namespace(q.dim_at_obs)
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?><mes:StructureSpecificData '
              + " ".join(f'xmlns:{k}="{v}"' for k, v in m.NS.items() if k != "str")
              + f' xmlns:ns1="{ns}">')
    out.write(m._header("DATA").replace("</mes:Header>", "")
              + f'<mes:Structure structureID="{sid}" namespace="{ns}" dimensionAtObservation="{q.dim_at_obs}">'
              f'<com:Structure><Ref agencyID="{m.AGENCY}" id="{m.DSD}" version="{m.VERSION}"/></com:Structure>'
              f"</mes:Structure></mes:Header>")
    for part in parts:
        _write_dataset(out, part, q, sid)
    out.write("</mes:StructureSpecificData>")
    return out.getvalue()


def csv_message(df: pd.DataFrame, q: DataQuery) -> str:
    """SDMX-CSV 1.0 (one row per observation); ``detail=dataonly`` leaves the attribute columns out."""
    if q.detail == "dataonly":
        df = df.drop(columns=[a for a in m.ATTRS if a in df.columns])
        cols = [*m.SERIES_DIMS, TIME, "OBS_VALUE"]
        out = df.reindex(columns=cols).copy()
        out.insert(0, "DATAFLOW", f"{m.AGENCY}:{m.FLOW}({m.VERSION})")
        return out.to_csv(index=False)
    return m.csv_message(df)
