"""English labels (gettext msgids) for dimension names, codes and units shown in the interface."""

from __future__ import annotations

import re

DIM_LABELS = {
    "SEX": "Sex", "AGE": "Age", "URBANISATION": "Urban/rural", "INCOME_WEALTH_QUANTILE": "Income quantile",
    "EDUCATION_LEV": "Education level", "DISABILITY_STATUS": "Disability status", "TYPE_SKILL": "Type of skill",
    "TYPE_SPEED": "Speed", "GEO_SCOPE": "Geographic scope",
}

CODE_LABELS = {
    "_T": "Total", "NAT": "National", "SUBNAT": "Sub-national", "ISCED11_1": "Primary education",
    "ISCED11_2": "Lower secondary education", "ISCED11_3": "Upper secondary education", "Q1": "Poorest quintile",
    "Q5": "Richest quintile", "F": "Female", "M": "Male", "U": "Urban", "R": "Rural", "PD": "Persons with disability",
    "NPD": "Persons without disability", "COPA": "Copying or moving a file or folder",
    "EMAIL": "Sending e-mails with attached files", "SOFT": "Writing a computer program",
    "EPRS": "Presentation software", "PCPR": "Connecting and installing devices",
    "INST": "Finding, downloading and installing software", "ARSP": "Spreadsheet formulas",
    "TRAF": "Transferring files between devices", "CMFL": "Copy and paste within a document",
    "10MBPS": "10 Mbit/s or more", "2MT10MBPS": "2 to 10 Mbit/s", "256KT2MBPS": "256 kbit/s to 2 Mbit/s",
}

UNIT_LABELS = {
    "PT": "Percent", "PER_100_POP": "Per 100 inhabitants", "NUMBER": "Number", "USD": "US dollars",
    "PPP_USD": "PPP dollars", "PT_GNI_PC": "% of monthly GNI per capita", "PT_INCOME": "% of monthly income",
    "BIT_PER_S": "Bits per second", "INDEX": "Index (0-100)", "PERSONS": "Persons",
    "RATIO": "Ratio", "PP": "Percentage points", "MS": "Milliseconds", "DAYS": "Days", "T": "Tonnes",
    "KG_PER_CAPITA": "Kilograms per person", "MBIT_PER_S": "Megabits per second", "YES_NO": "Yes (1) or no (0)",
}

# How the values' file relates to its publisher's release (the release's ``source_kind``). First-hand kinds
# need no word on the page; the others are named wherever their values are shown.
SOURCE_KIND_LABELS = {
    "edited-copy": "edited copy of the publisher's file",
    "pdf-extraction": "values extracted from a PDF by a third party",
    "transcription": "hand-transcribed secondary source",
    "transcription-disputed": "hand-transcribed secondary source, disputed method",
    "derived": "derived from another file of the data mirror",
    "local": "published by a WSIS Monitor user",
    "unknown": "source kind not recorded",
}
FIRST_HAND = ("copy", "fetched", "computed")
NONE_RECORDED = "none recorded"   # the release's COMMENT_OBS on a zero that means "no event recorded"

_AGE = re.compile(r"^Y(\d+)T(\d+)$")
_AGE_GE = re.compile(r"^Y_GE(\d+)$")


def code_label(code: str, _=lambda s: s) -> str:
    """A readable, translated label for a dimension code (age bands are spelled out as ranges)."""
    if code in CODE_LABELS:
        return _(CODE_LABELS[code])
    m = _AGE.match(code or "")
    if m:
        return f"{m.group(1)}–{m.group(2)}"
    m = _AGE_GE.match(code or "")
    if m:
        return f"{m.group(1)}+"
    return code


def unit_label(unit: str | None, _=lambda s: s) -> str:
    """A translated unit label."""
    return _(UNIT_LABELS.get(unit or "", unit or ""))


def source_kind_label(kind: str | None, _=lambda s: s, comment: str | None = None) -> str | None:
    """A translated phrase for a source kind that is not first-hand (None for first-hand data); a value whose
    comment says its method is disputed gets that said too."""
    if not kind or kind in FIRST_HAND:
        return None
    if kind == "transcription" and "disputed" in str(comment or ""):
        kind = "transcription-disputed"
    return _(SOURCE_KIND_LABELS.get(kind, SOURCE_KIND_LABELS["unknown"]))
