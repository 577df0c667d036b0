"""SDMX-ML 2.1 messages built from a release: structures (dataflow, data structure, codelists, concept
scheme); and SDMX-CSV 1.0 data. Text is escaped with ``xml.sax.saxutils``. Structure-specific data
messages, in every packaging, are built in ``datamsg``."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from wsis import query as data
from wsis.query import Release
from wsis.schema import DIMENSIONS
from wsis.web.labels import CODE_LABELS, DIM_LABELS, UNIT_LABELS, code_label

AGENCY, FLOW, DSD, CS, VERSION = "WSIS", "DF_WSIS", "DSD_WSIS", "CS_WSIS", "1.0"
NS = {"mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
      "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
      "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
      "ss": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific",
      "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
SERIES_DIMS = [d for d in DIMENSIONS if d != "TIME_PERIOD"]
CODED_ATTRS = {"UNIT_MEASURE": "CL_UNIT_MEASURE", "OBS_STATUS": "CL_OBS_STATUS"}
ATTRS = ["UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE", "SOURCE_DETAIL", "COMMENT_OBS", "DATASET_ID"]
OBS_STATUS = {"A": "Normal value", "B": "Time series break", "E": "Estimated value", "M": "Missing value"}
CONCEPTS = {"INDICATOR": "Indicator", "REF_AREA": "Reference area", "TIME_PERIOD": "Time period",
            "OBS_VALUE": "Observation value", "UNIT_MEASURE": "Unit of measure", "UNIT_MULT": "Unit multiplier",
            "OBS_STATUS": "Observation status", "NATURE": "Nature of data", "SOURCE_DETAIL": "Source details",
            "COMMENT_OBS": "Comment", "DATASET_ID": "Dataset (provider, file and vintage)", **DIM_LABELS}


def _header(kind: str = "IREF") -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return (f"<mes:Header><mes:ID>{kind}{now.replace('-', '').replace(':', '')}</mes:ID><mes:Test>false</mes:Test>"
            f"<mes:Prepared>{now}</mes:Prepared><mes:Sender id=\"{AGENCY}\"/></mes:Header>")


def _urn(cls: str, ident: str, item: str | None = None) -> str:
    pkg = {"Codelist": "codelist", "ConceptScheme": "conceptscheme", "DataStructure": "datastructure",
           "Dataflow": "datastructure"}[cls]
    base = f"urn:sdmx:org.sdmx.infomodel.{pkg}.{cls}={AGENCY}:{ident}({VERSION})"
    return base + (f".{item}" if item else "")


def _names(names: dict[str, str]) -> str:
    return "".join(f'<com:Name xml:lang="{lg}">{escape(str(n))}</com:Name>' for lg, n in names.items() if n)


def codelists(rel: Release) -> dict[str, dict[str, dict[str, str]]]:
    """Codelist id -> code -> {lang: name}, from the release (areas in six languages)."""
    def build():
        out: dict[str, dict[str, dict[str, str]]] = {}
        inds = data.indicators(rel)
        out["CL_INDICATOR"] = {c: {"en": n} for c, n in zip(inds["INDICATOR"], inds["name"], strict=False)}
        out["CL_AREA"] = data.area_names_all(rel)
        codes = data.disagg_codes(rel)
        for d in data.DISAGG:
            out[f"CL_{d}"] = {v: {"en": code_label(v)} for v in codes[d]}
        out["CL_UNIT_MEASURE"] = {v: {"en": UNIT_LABELS.get(v, v)} for v in codes["UNIT_MEASURE"]}
        out["CL_OBS_STATUS"] = {v: {"en": OBS_STATUS.get(v, v)} for v in codes["OBS_STATUS"]}
        return out
    return data.memo(("sdmx-cl", rel.id), build)


def dim_codelist(dim: str) -> str:
    """The codelist id of a dimension."""
    return {"INDICATOR": "CL_INDICATOR", "REF_AREA": "CL_AREA"}.get(dim, f"CL_{dim}")


def _codelist_xml(cl_id: str, codes: dict[str, dict[str, str]]) -> str:
    title = {"CL_INDICATOR": "Indicators", "CL_AREA": "Areas"}.get(cl_id, cl_id[3:].replace("_", " ").title())
    body = "".join(f'<str:Code id={quoteattr(c)} urn={quoteattr(_urn("Codelist", cl_id, c))}>{_names(n)}</str:Code>'
                   for c, n in codes.items())
    return (f'<str:Codelist id="{cl_id}" agencyID="{AGENCY}" version="{VERSION}" isFinal="true" '
            f'urn="{_urn("Codelist", cl_id)}">{_names({"en": title})}{body}</str:Codelist>')


def _concepts_xml() -> str:
    body = "".join(f'<str:Concept id="{c}" urn="{_urn("ConceptScheme", CS, c)}">{_names({"en": n})}</str:Concept>'
                   for c, n in CONCEPTS.items())
    return (f'<str:ConceptScheme id="{CS}" agencyID="{AGENCY}" version="{VERSION}" isFinal="true" '
            f'urn="{_urn("ConceptScheme", CS)}">{_names({"en": "WSIS Monitor concepts"})}{body}</str:ConceptScheme>')


def _cref(concept: str) -> str:
    return (f'<str:ConceptIdentity><Ref id="{concept}" maintainableParentID="{CS}" maintainableParentVersion='
            f'"{VERSION}" agencyID="{AGENCY}" package="conceptscheme" class="Concept"/></str:ConceptIdentity>')


def _enum(cl_id: str) -> str:
    return (f'<str:LocalRepresentation><str:Enumeration><Ref id="{cl_id}" version="{VERSION}" agencyID="{AGENCY}" '
            f'package="codelist" class="Codelist"/></str:Enumeration></str:LocalRepresentation>')


def _dsd_xml() -> str:
    dims = "".join(f'<str:Dimension id="{d}" position="{i}">{_cref(d)}{_enum(dim_codelist(d))}</str:Dimension>'
                   for i, d in enumerate(SERIES_DIMS, 1))
    dims += (f'<str:TimeDimension id="TIME_PERIOD" position="{len(SERIES_DIMS) + 1}">{_cref("TIME_PERIOD")}'
             f'<str:LocalRepresentation><str:TextFormat textType="ObservationalTimePeriod"/>'
             f'</str:LocalRepresentation></str:TimeDimension>')
    attrs = ""
    for a in ATTRS:
        rep = _enum(CODED_ATTRS[a]) if a in CODED_ATTRS else (
            '<str:LocalRepresentation><str:TextFormat textType="String"/></str:LocalRepresentation>')
        attrs += (f'<str:Attribute id="{a}" assignmentStatus="Conditional">{_cref(a)}{rep}'
                  f'<str:AttributeRelationship><str:PrimaryMeasure><Ref id="OBS_VALUE"/></str:PrimaryMeasure>'
                  f'</str:AttributeRelationship></str:Attribute>')
    return (f'<str:DataStructure id="{DSD}" agencyID="{AGENCY}" version="{VERSION}" isFinal="true" '
            f'urn="{_urn("DataStructure", DSD)}">{_names({"en": "WSIS Monitor observations"})}'
            f'<str:DataStructureComponents><str:DimensionList id="DimensionDescriptor">{dims}</str:DimensionList>'
            f'<str:AttributeList id="AttributeDescriptor">{attrs}</str:AttributeList>'
            f'<str:MeasureList id="MeasureDescriptor"><str:PrimaryMeasure id="OBS_VALUE">{_cref("OBS_VALUE")}'
            f'</str:PrimaryMeasure></str:MeasureList></str:DataStructureComponents></str:DataStructure>')


def _dataflow_xml() -> str:
    return (f'<str:Dataflow id="{FLOW}" agencyID="{AGENCY}" version="{VERSION}" isFinal="true" '
            f'urn="{_urn("Dataflow", FLOW)}">{_names({"en": "WSIS Monitor: ICT indicators (current release)"})}'
            f'<str:Structure><Ref id="{DSD}" version="{VERSION}" agencyID="{AGENCY}" package="datastructure" '
            f'class="DataStructure"/></str:Structure></str:Dataflow>')


def structure_message(rel: Release, flows: bool, dsd: bool, concepts: bool, cl_ids: list[str]) -> str:
    """A structure message with the requested artefacts (in the schema's order)."""
    cls = codelists(rel)
    parts = ['<?xml version="1.0" encoding="UTF-8"?><mes:Structure '
             + " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items() if k in ("mes", "str", "com")) + ">",
             _header(), "<mes:Structures>"]
    if flows:
        parts.append(f"<str:Dataflows>{_dataflow_xml()}</str:Dataflows>")
    if cl_ids:
        parts.append("<str:Codelists>" + "".join(_codelist_xml(c, cls[c]) for c in cl_ids if c in cls)
                     + "</str:Codelists>")
    if concepts:
        parts.append(f"<str:Concepts>{_concepts_xml()}</str:Concepts>")
    if dsd:
        parts.append(f"<str:DataStructures>{_dsd_xml()}</str:DataStructures>")
    parts.append("</mes:Structures></mes:Structure>")
    return "".join(parts)


def all_codelist_ids() -> list[str]:
    """Every codelist the data structure uses."""
    return [dim_codelist(d) for d in SERIES_DIMS] + list(CODED_ATTRS.values())


def csv_message(df: pd.DataFrame) -> str:
    """SDMX-CSV 1.0: DATAFLOW, the dimensions, OBS_VALUE and the attributes."""
    cols = SERIES_DIMS + ["TIME_PERIOD", "OBS_VALUE"] + ATTRS
    out = df.reindex(columns=cols).copy()
    out.insert(0, "DATAFLOW", f"{AGENCY}:{FLOW}({VERSION})")
    return out.to_csv(index=False)


__all__ = ["AGENCY", "FLOW", "DSD", "VERSION", "SERIES_DIMS", "CODE_LABELS", "structure_message",
           "csv_message", "all_codelist_ids", "codelists"]
