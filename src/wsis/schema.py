"""The ground floor every layer may import: the observation layout (SDMX-aligned dimensions, attributes)
and the six UN languages of the interface, the data and the report. Nothing here imports the package."""

from __future__ import annotations

# Dimensions as in the UN SDG global database DSD, plus skill and speed types, and the geographic scope of
# an event (GEO_SCOPE: NAT national, SUBNAT sub-national).
DIMENSIONS = ("INDICATOR", "REF_AREA", "TIME_PERIOD", "SEX", "AGE", "URBANISATION", "INCOME_WEALTH_QUANTILE",
              "EDUCATION_LEV", "DISABILITY_STATUS", "TYPE_SKILL", "TYPE_SPEED", "GEO_SCOPE")
# The breakdown dimensions: every dimension but the indicator, the area and the year.
DISAGG = tuple(d for d in DIMENSIONS if d not in ("INDICATOR", "REF_AREA", "TIME_PERIOD"))
ATTRIBUTES = ("UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE", "SOURCE_DETAIL", "COMMENT_OBS")
# Survey estimates and derived observations carry these too (null elsewhere).
EXTRA = ("SE", "CI_LOW", "CI_HIGH", "METHOD", "COVERAGE", "DERIVED_FROM")
OBS_COLUMNS = ("DATASET_ID", *DIMENSIONS, "OBS_VALUE", *ATTRIBUTES, *EXTRA)
TRACE = ("SOURCE_ROW", "SOURCE_COLUMN")
TOTAL = "_T"

# The six UN languages, in the order the language menus show them.
LANGS = ("en", "fr", "es", "ar", "ru", "zh")
RTL = frozenset({"ar"})
NATIVE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский",
                "zh": "中文"}


def totals_where(alias: str = "") -> str:
    """SQL condition selecting the total (``_T``) of every breakdown dimension."""
    p = f"{alias}." if alias else ""
    return " AND ".join(f"{p}\"{d}\" = '{TOTAL}'" for d in DISAGG)
