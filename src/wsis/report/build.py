"""``build_report``: assemble once, render each language to HTML (and PDF), write every file atomically.

The HTML depends only on the release, the registry snapshot and the parameters (period, language, as-of
date), all three recorded in the document and in ``report-<period>.json`` beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wsis import query
from wsis.errors import WsisError
from wsis.files import atomic_write
from wsis.registry.db import get_registry
from wsis.registry.reference import vocabulary_from
from wsis.registry.tracking import ensure_ready
from wsis.report.assemble import Assembler, Period, as_of_default, parse_period
from wsis.report.registry_view import read_registry
from wsis.report.render import render_html, render_pdf
from wsis.report.wording import LANGS
from wsis.settings import Settings, get_settings

FORMATS = ("html", "pdf")


def parse_list(text: str | list[str], allowed: tuple[str, ...], column: str) -> list[str]:
    """``"en,fr"`` -> ``["en", "fr"]``, each checked against ``allowed`` (order kept, duplicates dropped)."""
    items = text if isinstance(text, list) else [x.strip() for x in str(text).split(",")]
    out: list[str] = []
    for x in items:
        if x not in allowed:
            raise WsisError("bad-parameter", f"unknown {column} {x!r}", column=column,
                            expected="a comma-separated list of " + ", ".join(allowed))
        if x not in out:
            out.append(x)
    if not out:
        raise WsisError("bad-parameter", f"no {column} given", column=column, expected=", ".join(allowed))
    return out


def _meta(rel, period: Period, snap, lang: str) -> dict[str, Any]:
    params = {"period": period.label, "lang": lang, "as_of": snap.as_of.isoformat(), "release": rel.id,
              "registry_snapshot": snap.sha256}
    ind = query.indicators(rel)
    return {"period": period.label, "previous": period.previous.label, "as_of": snap.as_of.isoformat(),
            "release_id": rel.id, "release_created": query.manifest(rel).get("created", ""),
            "code_version": query.manifest(rel).get("code_version", ""), "registry_sha256": snap.sha256,
            "parameters": params, "parameters_json": json.dumps(params, sort_keys=True, separators=(",", ":")),
            "parameters_text": f"--period {period.label} --lang {lang} --as-of {snap.as_of.isoformat()}",
            "indicator_codes": list(ind["INDICATOR"]), "indicator_units": dict(zip(ind["INDICATOR"], ind["unit"], strict=True)),
            "indicator_lines": {k: list(v if v is not None else []) for k, v in
                                zip(ind["INDICATOR"], ind["action_lines"], strict=True)}}


def build_report(period: str, langs: str | list[str] = "en", formats: str | list[str] = "html",
                 out_dir: Path | str = "report", release_id: str | None = None, as_of: dt.date | None = None,
                 settings: Settings | None = None,
                 progress: Callable[[str, int], None] | None = None) -> dict[str, Any]:
    """Build the biennial report; returns the record written to ``report-<period>.json``.

    ``progress(label, total_steps)`` is called after each step (for a progress bar).
    """
    settings = settings or get_settings()
    per = parse_period(period)
    langs = parse_list(langs, LANGS, "lang")
    formats = parse_list(formats, FORMATS, "format")
    as_of = as_of or as_of_default(per)
    out = Path(out_dir)
    n_charts = 4
    total = 2 + len(langs) * (n_charts + 1 + ("pdf" in formats))

    def step(label: str) -> None:
        if progress:
            progress(label, total)

    rel = query.release(settings, release_id)
    reg = get_registry(settings)
    reg.use_vocabulary(lambda: vocabulary_from(query.frameworks(rel), query.un_countries(rel)))
    ensure_ready(reg)  # a fresh home: the registry is created empty with its seeded reference rows
    snap = read_registry(reg, as_of)
    step("registry")
    content = Assembler(rel, per, snap, query.frameworks(rel)).build()
    step("assemble")
    record: dict[str, Any] = {"period": per.label, "as_of": as_of.isoformat(), "release": rel.id,
                              "registry_snapshot": snap.sha256, "files": {}}
    for lang in langs:
        html = render_html(rel, content, _meta(rel, per, snap, lang), lang, progress=lambda s, lg=lang: step(f"{lg} {s}"))
        base = f"wsis-report-{per.label}-{lang}"
        if "html" in formats:
            data = html.encode("utf-8")
            atomic_write(out / f"{base}.html", data)
            record["files"][f"{base}.html"] = hashlib.sha256(data).hexdigest()
        if "pdf" in formats:
            atomic_write(out / f"{base}.pdf", lambda tmp, html=html, lang=lang: render_pdf(html, str(tmp), lang))
            record["files"][f"{base}.pdf"] = hashlib.sha256((out / f"{base}.pdf").read_bytes()).hexdigest()
            step(f"{lang} pdf")
    atomic_write(out / f"wsis-report-{per.label}.json",
                 (json.dumps(record, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return record
