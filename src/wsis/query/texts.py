"""Catalogue texts in the page's language: indicator definitions, target wording, action lines, GDC objectives
and the outcome document's paragraphs, sections and deliverables (``unofficial`` marks WSIS Monitor's own
translations). The texts are package data read by :func:`wsis.catalogue.i18n.catalogue_text`."""

from __future__ import annotations

from typing import Any

from wsis.catalogue.i18n import catalogue_text, translations


def _gap_kind(code: str) -> str | None:
    """The gap kind of a derived indicator code (``IT_USE_ii99_GPS`` -> ``GPS``), longest suffix first."""
    for kind in sorted(translations("derived_definition"), key=lambda k: -len(str(k))):
        if code.endswith(f"_{kind}"):
            return kind
    return None


def definition_text(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """``definition`` in the page language for an indicator row (``definition_en`` keeps the English and
    ``definition_unofficial`` marks our own translation); gap indicators use their kind's definition."""
    code, english = row["INDICATOR"], row.get("definition") or ""
    text = catalogue_text("definition", code, lang, english)
    if text.lang == "en" and row.get("derived"):
        kind = _gap_kind(code)
        if kind:
            text = catalogue_text("derived_definition", kind, lang, english)
    notes = {}
    for field in ("caveat", "scope"):   # issue 12's caveats and scopes, where the catalogue has one
        en = row.get(field)
        if isinstance(en, str) and en:
            t = catalogue_text(field, code, lang, en)
            notes |= {field: t.text, f"{field}_lang": t.lang, f"{field}_unofficial": t.unofficial}
    return {**row, "definition": text.text, "definition_en": english, "definition_unofficial": text.unofficial,
            **notes}


def target_text(target: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """A 2030 target with ``title`` and ``citation`` in the page language (``unofficial`` when translated)."""
    if not target:
        return target
    title = catalogue_text("target_title", target.get("id"), lang, target.get("title") or "")
    cite = catalogue_text("target_citation", target.get("id"), lang, target.get("citation") or "")
    return {**target, "title": title.text, "citation": cite.text, "unofficial": title.unofficial or cite.unofficial}


def action_line_text(al: dict, lang: str) -> dict:
    """An action line (and its sub-lines) with title and short description in the page language."""
    title = catalogue_text("action_line_title", al["code"], lang, al.get("title") or "")
    desc = catalogue_text("action_line_description", al["code"], lang, al.get("short_description") or "")
    out = {**al, "title": title.text, "short_description": desc.text, "unofficial": desc.unofficial}
    if al.get("sub_lines"):
        out["sub_lines"] = [action_line_text(s, lang) for s in al["sub_lines"]]
    return out


def gap_text(g: dict, lang: str) -> dict:
    """A measurement an action line still lacks (``action_line_gaps``) with its measurement and custodian in the
    page language; ``lang`` is the language actually used ("en" when either text has no translation recorded;
    ``measurement_lang`` and ``custodian_lang`` say it per text) and
    ``unofficial`` marks WSIS Monitor's own translation."""
    m = catalogue_text("missing_measurement", g.get("measurement"), lang, g.get("measurement") or "")
    c = catalogue_text("missing_custodian", g.get("custodian"), lang, g.get("custodian") or "")
    return {**g, "measurement": m.text, "custodian": c.text, "measurement_lang": m.lang, "custodian_lang": c.lang,
            "lang": "en" if "en" in (m.lang, c.lang) else m.lang, "unofficial": m.unofficial or c.unofficial}


def gdc_objective_text(g: dict, lang: str) -> dict:
    """A Global Digital Compact objective with its title in the page language."""
    return {**g, "title": catalogue_text("gdc_objective", g["id"], lang, g["title"]).text}


def paragraph_text(p: dict, lang: str) -> dict:
    """An outcome-document paragraph with its summary and section name in the page language
    (``unofficial`` when they are WSIS Monitor's translation)."""
    summary = catalogue_text("paragraph", p["para"], lang, p.get("summary") or "")
    section = catalogue_text("section", p.get("section"), lang, p.get("section") or "")
    return {**p, "summary": summary.text, "section": section.text, "unofficial": summary.unofficial}


def section_text(section: str, lang: str) -> str:
    """The name of a section of the outcome document in the page language."""
    return catalogue_text("section", section, lang, section).text


def deliverable_text(d: dict, lang: str) -> dict:
    """A deliverable with its wording and responsible actors' names in the page language."""
    text = catalogue_text("deliverable", d.get("deliverable"), lang, d.get("deliverable") or "")
    actors = translations("actor")
    names = [catalogue_text("actor", a, lang, (actors.get(a) or {}).get("en") or a.replace("_", " ")).text
             for a in d.get("responsible") or []]
    return {**d, "deliverable": text.text, "responsible_names": names, "unofficial": text.unofficial}


def document_title(document: dict, lang: str):
    """The outcome document's title in the page language, as a ``Text`` (``.text``, ``.unofficial``)."""
    return catalogue_text("document_title", "title", lang, document.get("title") or "")
