"""Validate SDMX-ML messages against the official SDMX-ML 2.1 schemas in ../shared/data/sdmx/schemas_v2_1.

``SDMXMessage.xsd`` is the entry point; a structure-specific data message also needs the schema the
service derives from its DSD (``/sdmx/schema/...``), which imports the official schemas by file name.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from tests.conftest import SHARED

SCHEMAS = SHARED / "sdmx" / "schemas_v2_1"
MESSAGE_NS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
_CACHE: dict[bytes, etree.XMLSchema] = {}


class _Official(etree.Resolver):
    """Resolve ``SDMX*.xsd`` (as a served schema names them) to the official files."""

    def resolve(self, url, pubid, context):
        name = url.rsplit("/", 1)[-1]
        if name.startswith("SDMX") and (SCHEMAS / name).is_file():
            return self.resolve_filename(str(SCHEMAS / name), context)
        return None


def schema_for(dsd_xsd: bytes | None, tmp: Path) -> etree.XMLSchema:
    """The official message schema, plus a served structure-specific schema when given."""
    key = dsd_xsd or b""
    if key not in _CACHE:
        imports = f'<xs:import namespace="{MESSAGE_NS}" schemaLocation="{(SCHEMAS / "SDMXMessage.xsd").as_uri()}"/>'
        if dsd_xsd is not None:
            path = tmp / f"dsd-{len(_CACHE)}.xsd"
            path.write_bytes(dsd_xsd)
            ns = etree.fromstring(dsd_xsd).get("targetNamespace")
            imports += f'<xs:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
        wrapper = tmp / f"wrapper-{len(_CACHE)}.xsd"
        wrapper.write_text(f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>')
        parser = etree.XMLParser()
        parser.resolvers.add(_Official())
        _CACHE[key] = etree.XMLSchema(etree.parse(str(wrapper), parser))
    return _CACHE[key]


def errors(message: bytes, tmp: Path, dsd_xsd: bytes | None = None) -> list[str]:
    """Validation errors of a message (empty when it validates)."""
    schema = schema_for(dsd_xsd, tmp)
    ok = schema.validate(etree.fromstring(message))
    return [] if ok else [str(e)[:300] for e in schema.error_log][:5]


def data_errors(client, message: bytes, tmp: Path) -> list[str]:
    """Validate a structure-specific data message with the schema the service serves for its packaging."""
    dim = re.search(rb'dimensionAtObservation="([^"]+)"', message).group(1).decode()
    xsd = client.get(f"/sdmx/schema/dataflow/WSIS/DF_WSIS/1.0?dimensionAtObservation={dim}")
    assert xsd.status_code == 200, xsd.text[:300]
    return errors(message, tmp, xsd.content)
