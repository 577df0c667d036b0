"""SDMX messages (SDMX-ML 2.1, SDMX-JSON, SDMX-CSV) through the ``sdmx1`` library.

XML is first screened with defusedxml: a DTD, an external entity or an entity-expansion bomb is refused
before any SDMX parser sees the file. A data message is loaded into the release only when its path matches
a pattern in ``providers.yaml`` (``sdmx_flows``: path glob -> indicator, area/time dimensions, filter,
structure file); other messages are recorded as skipped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wsis.errors import WsisError
from wsis.sources.base import make_frame, read_bytes
from wsis.sources.registry import AdapterContext, adapter


def screen_xml(path: Path, raw: bytes) -> None:
    """Refuse DTDs, entities and external references (XXE, billion laughs) with a one-line error."""
    import defusedxml
    from defusedxml import ElementTree as DET

    try:
        DET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise WsisError("xml-forbidden", "XML has a DOCTYPE declaration (DTDs and entities are refused)",
                        file=str(path), row=_line_of(raw, b"<!DOCTYPE"), column="DOCTYPE",
                        expected="an SDMX-ML message without a DTD") from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as exc:
        raise WsisError("xml-forbidden", f"XML declares an entity ({type(exc).__name__})", file=str(path),
                        row=_line_of(raw, b"<!ENTITY"), column="ENTITY", expected="no entity declarations") from None
    except DET.ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise WsisError("malformed-xml", f"XML is not well-formed: {str(exc).split(':')[0]}", file=str(path),
                        row=line, column=f"char {col}" if col is not None else "-",
                        expected="well-formed SDMX-ML") from None


def _line_of(raw: bytes, needle: bytes) -> int:
    i = raw.find(needle)
    return raw.count(b"\n", 0, i) + 1 if i >= 0 else 1


def read_message(path: Path, structure=None):
    """Parse an SDMX file with sdmx1 (after screening XML); errors name the file."""
    import sdmx

    raw = read_bytes(path)
    if not raw.strip():
        raise WsisError("empty-file", "file is empty", file=str(path), row=1, column="-",
                        expected="an SDMX message")
    if path.suffix == ".xml" or raw.lstrip().startswith(b"<"):
        screen_xml(path, raw)
    try:
        return sdmx.read_sdmx(path, structure=structure) if structure is not None else sdmx.read_sdmx(path)
    except Exception as exc:  # sdmx1 raises many types; report them as one line
        raise WsisError("bad-sdmx", f"not a readable SDMX message ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:120] if str(exc) else ''})", file=str(path), row=1,
                        column="-", expected="SDMX-ML 2.1, SDMX-JSON or SDMX-CSV") from None


def read_sdmx_csv(path: Path) -> pd.DataFrame:
    """SDMX-CSV 1.0/2.0 without a structure message: dimension and attribute columns plus ``value``.

    sdmx1 reads SDMX-CSV only with its data structure; files that arrive alone are read here. Headers and
    cells may carry labels (``DIM_1: Dimension 1``, ``A: Value A``): the id before ``": "`` is kept. Files
    delimited by semicolons use a decimal comma.
    """
    import io

    from wsis.sources.base import decode_text, read_csv_strict

    text = decode_text(path, read_bytes(path))
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    df = read_csv_strict(path, text=text) if sep == "," else pd.read_csv(io.StringIO(text), dtype=str, sep=";",
                                                                          keep_default_na=False)
    df.columns = [c.split(":")[0].split("[")[0].strip() for c in df.columns]
    measures = [c for c in df.columns if c.startswith("OBS_VALUE")]
    if "OBS_VALUE" not in df and measures:  # several measures (SDMX 3.0): the first is the value
        df = df.rename(columns={measures[0]: "OBS_VALUE"})
    if "OBS_VALUE" not in df:
        raise WsisError("missing-column", "SDMX-CSV has no OBS_VALUE column", file=str(path), row=1,
                        column="OBS_VALUE", expected="an SDMX-CSV data file")
    for c in df.columns:
        if c not in ("OBS_VALUE", "_ROW") and df[c].str.contains(": ", regex=False).any():
            df[c] = df[c].str.split(": ", n=1).str[0]
    df["value"] = pd.to_numeric(df.pop("OBS_VALUE").str.replace(",", "."), errors="coerce")
    return df.drop(columns=["_ROW"], errors="ignore")


def message_frame(msg) -> pd.DataFrame:
    """A data message as a flat frame: one column per dimension, ``value``, and attributes."""
    import sdmx

    frames = []
    for ds in msg.data:
        s = sdmx.to_pandas(ds, attributes="dsgo")
        frames.append(s.reset_index() if isinstance(s, pd.DataFrame | pd.Series) else pd.DataFrame(s))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def flow_spec(ctx: AdapterContext) -> dict | None:
    """The ``sdmx_flows`` entry whose path pattern matches this file, if any."""
    import fnmatch

    for pattern, spec in ctx.catalogue.sdmx_flows.items():
        if fnmatch.fnmatch(ctx.rel_path, pattern):
            return spec
    return None


@adapter("sdmx")
def read_sdmx_file(path: Path, ctx: AdapterContext) -> pd.DataFrame:
    """Read an SDMX data file mapped in ``sdmx_flows`` (by path pattern); other files are skipped unread."""
    empty = make_frame(ctx.dataset_id, INDICATOR=pd.Series([], dtype=str), TIME_PERIOD=pd.Series([], dtype=int))
    spec = flow_spec(ctx)
    if not spec:
        raw = read_bytes(path)
        if path.suffix == ".xml":  # screen even unread files: nothing unsafe sits in a data dir unnoticed
            if not raw.strip():
                raise WsisError("empty-file", "file is empty", file=str(path), row=1, column="-",
                                expected="an SDMX message")
            screen_xml(path, raw)
        empty.attrs["skipped"] = "SDMX message not mapped to a catalogue indicator (see sdmx_flows)"
        return empty
    structure = None
    if spec.get("structure"):
        smsg = read_message(path.parent / Path(spec["structure"]).name)
        structure = next(iter(smsg.structure.values()), None)
    if path.suffix == ".csv" and structure is None:
        df = read_sdmx_csv(path)
    else:
        df = message_frame(read_message(path, structure=structure))
    if df.empty:
        raise WsisError("no-data-rows", "SDMX message has no observations", file=str(path), row=1, column="-",
                        expected="a data message with observations")
    for dim, val in (spec.get("filter") or {}).items():
        df = df[df[dim].astype(str) == str(val)]
    area = df[spec.get("area_dim", "REF_AREA")].astype(str)
    years = pd.to_numeric(df[spec.get("time_dim", "TIME_PERIOD")].astype(str).str[:4], errors="coerce")
    ind = spec["indicator"]
    return make_frame(ctx.dataset_id, INDICATOR=ind, REF_AREA=area, TIME_PERIOD=years.astype("int64"),
                      OBS_VALUE=pd.to_numeric(df["value"], errors="coerce"), UNIT_MEASURE=ctx.unit_of(ind),
                      OBS_STATUS="A", SOURCE_DETAIL=f"SDMX {ctx.rel_path}", SOURCE_ROW=range(2, len(df) + 2),
                      SOURCE_COLUMN="OBS_VALUE")
