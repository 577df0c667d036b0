"""Catalogue texts in the six UN languages: indicator definitions, the 2030 targets' wording, the outcome
document's paragraph summaries, section names and deliverables, the WSIS action lines (with the measurements
each still lacks and their custodians) and the Global Digital Compact objectives.

English stays where it is (indicators.yaml, targets.yaml, the outcome document in the data mirror); the other
five languages are package data files next to this module, read by one function, :func:`catalogue_text`.
Each entry records whether it is the custodian's official wording or WSIS Monitor's own translation
(``unofficial``), so that pages can mark the latter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from wsis.errors import WsisError

LANGS = ("fr", "es", "ar", "ru", "zh")

# kind -> (package file, top-level mapping, field inside the entry or None)
KINDS: dict[str, tuple[str, str, str | None]] = {
    "definition": ("indicators_i18n.yaml", "definitions", None),
    "derived_definition": ("indicators_i18n.yaml", "derived_definitions", None),
    "caveat": ("indicator_notes_i18n.yaml", "caveats", None),
    "scope": ("indicator_notes_i18n.yaml", "scopes", None),
    "target_title": ("targets_i18n.yaml", "targets", "title"),
    "target_citation": ("targets_i18n.yaml", "targets", "citation"),
    "paragraph": ("outcome_i18n.yaml", "paragraphs", None),
    "section": ("outcome_i18n.yaml", "sections", None),
    "deliverable": ("outcome_i18n.yaml", "deliverables", None),
    "actor": ("outcome_i18n.yaml", "actors", None),
    "document_title": ("outcome_i18n.yaml", "document", None),
    "action_line_title": ("frameworks_i18n.yaml", "action_lines", "title"),
    "action_line_description": ("frameworks_i18n.yaml", "action_lines", "description"),
    "gdc_objective": ("frameworks_i18n.yaml", "gdc_objectives", None),
    "missing_measurement": ("action_lines_i18n.yaml", "measurements", None),
    "missing_custodian": ("action_lines_i18n.yaml", "custodians", None),
}


@dataclass(frozen=True)
class Text:
    """A catalogue text in one language."""

    text: str
    lang: str              # the language of ``text`` ("en" when no translation is recorded)
    unofficial: bool       # True for WSIS Monitor's own translation, False for English or official wording


@lru_cache(maxsize=8)
def _file(name: str) -> dict[str, Any]:
    path = resources.files("wsis.catalogue") / name
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise WsisError("bad-translation-file", f"unreadable YAML: {getattr(exc, 'problem', exc)}",
                        file=f"wsis/catalogue/{name}", row=mark.line + 1 if mark else None,
                        expected="a YAML mapping of key -> {fr, es, ar, ru, zh}") from None
    if not isinstance(data, dict):
        raise WsisError("bad-translation-file", "not a mapping", file=f"wsis/catalogue/{name}",
                        expected="a YAML mapping of key -> {fr, es, ar, ru, zh}")
    return data


@lru_cache(maxsize=32)
def translations(kind: str) -> dict[Any, dict[str, Any]]:
    """Every entry of one kind: key -> {lang: text, ``unofficial``: bool} (keys as written in the file).
    Cached: treat the result as read-only."""
    if kind not in KINDS:
        raise WsisError("unknown-text-kind", f"unknown catalogue text kind {kind!r}", expected=", ".join(KINDS))
    name, top, field = KINDS[kind]
    data = _file(name)
    default_unofficial = bool(data.get("unofficial", False))
    out = {}
    for key, entry in (data.get(top) or {}).items():
        if not isinstance(entry, dict):
            continue
        texts = entry.get(field) if field else entry
        if isinstance(texts, dict):
            out[key] = {**texts, "unofficial": bool(entry.get("unofficial", default_unofficial))}
    return out


def catalogue_text(kind: str, key: Any, lang: str, english: str) -> Text:
    """``english`` (the catalogue's text for ``key``) in ``lang``; English itself when no translation exists."""
    if lang in LANGS:
        entry = translations(kind).get(key)
        if entry is None and isinstance(key, int):
            entry = translations(kind).get(str(key))
        if entry and isinstance(entry.get(lang), str) and entry[lang].strip():
            return Text(entry[lang].strip(), lang, entry["unofficial"])
    return Text(english, "en", False)
