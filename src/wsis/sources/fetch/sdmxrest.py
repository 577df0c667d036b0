"""Any SDMX REST 2.1 endpoint, through sdmx1's source registry -> ``sdmx/<SOURCE>/<FLOW>.xml``.

sdmx1's ``Client(source)`` builds the request (URL and the source's Accept header) for the data and for
the dataflow with all its references (``-structure.xml``). Our fetcher sends it (retries, conditional
requests), and sdmx1 parses both bodies before anything is written: an SDMX error message, a message
without observations or a cut-off body is an error naming the URL. Bodies are stored exactly as received.

Extra or replacement sources (a national agency, a proxy, the test replay server) come from
``Settings.sdmx_sources`` (``WSIS_SDMX_SOURCES='{"ID": "https://host/rest"}'``).
"""

from __future__ import annotations

import io
import re
from typing import Any

from wsis.errors import WsisError
from wsis.settings import Settings
from wsis.sources.fetch.base import Context, Job, Output, SourceInfo
from wsis.sources.fetch.http import Fetched, Retryable

INFO = SourceInfo(
    id="sdmx", title="SDMX REST 2.1 (sdmx1 source registry)", publisher="the SDMX source's agency",
    licence="see the agency's terms of use", defaults=(),
    spec_help="SOURCE/FLOW[/KEY], e.g. UNICEF/GLOBAL_DATAFLOW/AFG+KEN.ICT_PROP_USE_INTERNET",
)

_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_@.\-]*$")


def structure_path(source: str, flow: str) -> str:
    """Mirror path of a flow's structure message."""
    return f"sdmx/{source}/{flow}-structure.xml"


def data_path(source: str, flow: str) -> str:
    """Mirror path of a flow's data message."""
    return f"sdmx/{source}/{flow}.xml"


def register_sources(settings: Settings) -> None:
    """Add (or replace) the sdmx1 sources listed in ``settings.sdmx_sources``."""
    import sdmx

    for sid, url in settings.sdmx_sources.items():
        sdmx.add_source({"id": sid, "url": url.rstrip("/"), "name": f"{sid} (from settings)"}, override=True)


def plan(specs: list[str]) -> list[Job]:
    """One job per ``SOURCE/FLOW[/KEY]``."""
    jobs = []
    for spec in specs:
        parts = spec.strip().split("/")
        if len(parts) not in (2, 3) or not all(_PART.match(p) for p in parts[:2]) or \
                (len(parts) == 3 and not re.match(r"^[A-Za-z0-9_@.+\-]*$", parts[2])):
            raise WsisError("fetch-bad-indicator", f"not an SDMX flow spec: {spec!r}", column="--indicators",
                            expected="SOURCE/FLOW or SOURCE/FLOW/KEY, e.g. UNICEF/GLOBAL_DATAFLOW/AFG.")
        source, flow = parts[0], parts[1]
        key = parts[2] if len(parts) == 3 else None
        jobs.append(Job("sdmx", f"{source}/{flow}", lambda ctx, s=source, f=flow, k=key: run(ctx, s, f, k)))
    return jobs


def _client(source: str) -> Any:
    import sdmx

    if source not in sdmx.source.sources:
        known = ", ".join(sorted(sdmx.source.sources))
        raise WsisError("fetch-unknown-source", f"no SDMX source {source!r}", column="--indicators",
                        expected=f"one of {known}", hint="add one with WSIS_SDMX_SOURCES='{\"ID\": \"URL\"}'")
    return sdmx.Client(source)


def _prepared(client: Any, *args: Any, **kwargs: Any) -> tuple[str, dict[str, str]]:
    req = client.get(*args, dry_run=True, **kwargs)
    headers = {k: v for k, v in req.headers.items() if k.lower() == "accept" and v != "*/*"}
    return req.url, headers


def run(ctx: Context, source: str, flow: str, key: str | None) -> list[Output]:
    """Fetch the structure and the data of one flow; both must parse with sdmx1."""
    import sdmx

    register_sources(ctx.settings)
    client = _client(source)
    s_url, s_headers = _prepared(client, "dataflow", flow, params={"references": "all"})
    holder: dict[str, Any] = {}

    def check_structure(got: Fetched) -> None:
        msg = _parse(got, sdmx.read_sdmx)
        if type(msg).__name__ != "StructureMessage" or not (msg.structure or msg.dataflow):
            raise WsisError("fetch-bad-body", f"no data structure for {flow} in the answer", file=got.url,
                            expected="an SDMX-ML structure message with the flow and its DSD")
        holder["dsd"] = _dsd(msg, flow)

    s_got = ctx.fetcher.get(s_url, kind="xml", headers=s_headers, check=check_structure)
    ctx.on_page(1, 2)
    params = {"startPeriod": str(ctx.since)} if ctx.since else {}
    d_url, d_headers = _prepared(client, "data", flow, key=key, params=params)

    def check_data(got: Fetched) -> None:
        msg = _parse(got, lambda f: sdmx.read_sdmx(f, structure=holder.get("dsd")))
        if type(msg).__name__ != "DataMessage" or not msg.data or not any(len(ds) for ds in msg.data):
            raise WsisError("fetch-empty", f"no observations for {flow}" + (f" key {key}" if key else ""),
                            file=got.url, expected="an SDMX-ML data message with at least one observation",
                            hint="check the key and --since")
        holder["obs"] = sum(len(ds) for ds in msg.data)

    d_got = ctx.fetcher.get(d_url, kind="xml", headers=d_headers, check=check_data)
    ctx.on_page(2, 2)
    params_rec = {"source": source, "flow": flow, "key": key, "since": ctx.since}
    return [Output(structure_path(source, flow), s_got.body, 0, [s_got], params_rec,
                   publisher=_source_name(source), licence=INFO.licence),
            Output(data_path(source, flow), d_got.body, int(holder.get("obs", 0)), [d_got], params_rec,
                   publisher=_source_name(source), licence=INFO.licence)]


def _error_text(body: bytes) -> str | None:
    """The text of an SDMX-ML ``Error`` message, or None if the body is not one."""
    import defusedxml.ElementTree as DET

    root = DET.fromstring(body)
    if root.tag.rsplit("}", 1)[-1] != "Error":
        return None
    texts = [" ".join((t.text or "").split()) for t in root.iter() if t.tag.rsplit("}", 1)[-1] == "Text"]
    codes = [e.get("code") for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "ErrorMessage" and e.get("code")]
    return f"{'; '.join(t for t in texts if t) or 'no detail'}" + (f" (code {', '.join(codes)})" if codes else "")


def _parse(got: Fetched, reader: Any) -> Any:
    text = _error_text(got.body)
    if text is not None:
        raise WsisError("fetch-api-error", f"SDMX error message: {text}", file=got.url,
                        expected="a data or structure message", hint="check the flow id and the key")
    try:
        msg = reader(io.BytesIO(got.body))
    except Exception as exc:  # sdmx1 raises many types for a cut-off or foreign body
        if b"</" not in got.body[-200:]:
            raise Retryable(f"truncated SDMX message ({type(exc).__name__})") from exc
        raise WsisError("fetch-bad-body", f"sdmx1 cannot read the answer: {type(exc).__name__}: {exc}",
                        file=got.url, expected="an SDMX-ML 2.1 message") from exc
    return msg


def _dsd(msg: Any, flow: str) -> Any:
    for df in msg.dataflow.values():
        if df.id == flow and df.structure is not None and df.structure.id in msg.structure:
            return msg.structure[df.structure.id]
    return next(iter(msg.structure.values()), None)


def _source_name(source: str) -> str:
    import sdmx

    src = sdmx.source.sources.get(source)
    return str(getattr(src, "name", source) or source)
