"""The XML schema of the structure-specific data message, derived from the data structure definition.

SDMX 2.1 (Section 3B, structure-specific data) derives one schema per DSD and per dimension at the
observation level. Its target namespace is the DSD's URN followed by ``:ObsLevelDim:<dimension>``; its
``DataSetType``, ``SeriesType`` and ``ObsType`` restrict the abstract types of
``SDMXDataStructureSpecificBase.xsd``, naming every dimension and attribute as an unqualified XML attribute.
Coded components are typed by their codelist (an enumeration), so a code outside the release's codelists
does not validate. The REST ``/schema/`` resource serves it; our dataflow carries no constraint, so the
dataflow and the data structure give the same schema.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from wsis.query import Release
from wsis.web.sdmx import messages as m

XS = "http://www.w3.org/2001/XMLSchema"
ALL_DIMENSIONS = "AllDimensions"
TIME = "TIME_PERIOD"
# Where the official schemas are to be found relative to a served schema (as in the SDMX-ML distribution).
SS_LOCATION = "SDMXDataStructureSpecific.xsd"
COMMON_LOCATION = "SDMXCommon.xsd"


def obs_dimensions() -> list[str]:
    """Every value ``dimensionAtObservation`` may take: each dimension, then ``AllDimensions``."""
    return [*m.SERIES_DIMS, TIME, ALL_DIMENSIONS]


def namespace(dim_at_obs: str) -> str:
    """The target namespace of the schema (and of ``xsi:type`` in a data message) for a packaging."""
    return f"{m._urn('DataStructure', m.DSD)}:ObsLevelDim:{dim_at_obs}"


def _codelist_type(cl_id: str, codes: dict) -> str:
    enums = "".join(f"<xs:enumeration value={quoteattr(c)}/>" for c in codes)
    return (f'<xs:simpleType name="{cl_id}Type"><xs:restriction base="common:IDType">{enums}'
            f"</xs:restriction></xs:simpleType>")


def _type_of(component: str) -> str:
    if component == TIME:
        return "common:ObservationalTimePeriodType"
    if component == "OBS_VALUE":
        return "xs:double"
    if component in m.SERIES_DIMS:
        return f"{m.dim_codelist(component)}Type"
    if component in m.CODED_ATTRS:
        return f"{m.CODED_ATTRS[component]}Type"
    return "xs:string"


def _attr(component: str, use: str) -> str:
    return f'<xs:attribute name="{component}" type="{_type_of(component)}" use="{use}"/>'


def _restrict(name: str, base: str, particles: str, attrs: str) -> str:
    return (f'<xs:complexType name="{name}"><xs:complexContent><xs:restriction base="ss:{base}">'
            f"<xs:sequence>{particles}</xs:sequence>{attrs}</xs:restriction></xs:complexContent>"
            f"</xs:complexType>")


def schema_xsd(rel: Release, dim_at_obs: str = TIME) -> str:
    """The XSD for structure-specific data of the release's DSD with ``dim_at_obs`` at the observation."""
    cls = m.codelists(rel)
    used = [m.dim_codelist(d) for d in m.SERIES_DIMS] + list(m.CODED_ATTRS.values())
    types = "".join(_codelist_type(c, cls.get(c, {})) for c in dict.fromkeys(used))
    annotations = '<xs:element ref="common:Annotations" minOccurs="0"/>'
    provider = ('<xs:element name="DataProvider" type="common:DataProviderReferenceType" form="unqualified" '
                'minOccurs="0"/>')
    obs_attrs = "".join(_attr(a, "optional") for a in m.ATTRS)
    if dim_at_obs == ALL_DIMENSIONS:
        # Flat packaging: observations straight in the data set, each keyed on every dimension.
        dataset = _restrict("DataSetType", "DataSetType", annotations + provider
                            + '<xs:element name="Obs" type="ObsType" form="unqualified" minOccurs="0" '
                              'maxOccurs="unbounded"/>', "")
        obs = _restrict("ObsType", "ObsType", annotations,
                        "".join(_attr(d, "required") for d in (*m.SERIES_DIMS, TIME))
                        + _attr("OBS_VALUE", "optional") + obs_attrs
                        + '<xs:attribute name="type" use="prohibited"/>')
        series = ""
    else:
        series_dims = [d for d in (*m.SERIES_DIMS, TIME) if d != dim_at_obs]
        dataset = _restrict("DataSetType", "DataSetType", annotations + provider
                            + '<xs:element name="Series" type="SeriesType" form="unqualified" minOccurs="0" '
                              'maxOccurs="unbounded"/>', "")
        time_use = "required" if TIME in series_dims else "prohibited"
        series = _restrict("SeriesType", "SeriesType", annotations
                           + '<xs:element name="Obs" type="ObsType" form="unqualified" minOccurs="0" '
                             'maxOccurs="unbounded"/>',
                           "".join(_attr(d, "required") for d in series_dims if d != TIME)
                           + (_attr(TIME, "required") if time_use == "required"
                              else '<xs:attribute name="TIME_PERIOD" use="prohibited"/>'))
        obs_time = (_attr(TIME, "required") if dim_at_obs == TIME
                    else '<xs:attribute name="TIME_PERIOD" use="prohibited"/>')
        obs = _restrict("ObsType", "ObsType", annotations,
                        obs_time + ("" if dim_at_obs == TIME else _attr(dim_at_obs, "required"))
                        + _attr("OBS_VALUE", "optional") + obs_attrs
                        + '<xs:attribute name="type" use="prohibited"/>')
    ns = namespace(dim_at_obs)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<xs:schema xmlns:xs="{XS}" xmlns="{ns}" targetNamespace="{ns}" xmlns:ss="{m.NS["ss"]}" '
            f'xmlns:common="{m.NS["com"]}" elementFormDefault="qualified" attributeFormDefault="unqualified">'
            f'<xs:import namespace="{m.NS["com"]}" schemaLocation="{COMMON_LOCATION}"/>'
            f'<xs:import namespace="{m.NS["ss"]}" schemaLocation="{SS_LOCATION}"/>'
            f"{dataset}{series}{obs}{types}</xs:schema>")
