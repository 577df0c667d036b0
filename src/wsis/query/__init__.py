"""The read side of a release: every question publishing asks (the dashboard, ``/api/v1``, ``/sdmx`` and the
report), answered from one release and cached by its id. Publishing imports this package and nothing else of
the release; there is no SQL outside it and the release reader."""

from wsis.query.frameworks import WorldMap, frameworks, world_map
from wsis.query.memo import LruMemo, memo
from wsis.query.money import country_regions, exchange_rates, to_usd, usd_rate, usd_totals
from wsis.query.names import (
    action_line_gaps,
    area_names_all,
    area_row,
    areas,
    group_sizes,
    groups_of,
    indicator_names,
    indicator_row,
    indicators,
    members,
    names,
    translated,
    un_countries,
    un_members,
)
from wsis.query.observations import (
    area_indicators,
    country_years,
    coverage,
    coverage_counts,
    default_dims,
    dim_values,
    disagg_codes,
    group_coverage,
    indicator_frame,
    indicator_spans,
    latest,
    latest_totals,
    obs_count,
    observations,
    series,
    source_kinds,
    sources_of,
)
from wsis.query.outcome import cited_paragraphs, outcome_links, paragraph_indicators
from wsis.query.releases import (
    Release,
    current_release,
    datasets,
    diff_summary,
    findings,
    list_releases,
    manifest,
    release,
)
from wsis.query.results import gap_table, headline_gaps, progress, target_for, targets
from wsis.query.texts import (
    action_line_text,
    deliverable_text,
    document_title,
    gap_text,
    gdc_objective_text,
    paragraph_text,
    section_text,
    target_text,
)
from wsis.reference.frameworks import Frameworks
from wsis.schema import DISAGG

__all__ = [
    "action_line_gaps", "action_line_text", "cited_paragraphs", "deliverable_text", "document_title",
    "exchange_rates", "gap_text", "gdc_objective_text", "paragraph_indicators", "paragraph_text", "section_text",
    "target_text", "to_usd", "usd_rate", "usd_totals", "country_regions",
    "DISAGG", "Frameworks", "Release", "WorldMap", "area_indicators", "area_names_all", "area_row", "areas", "coverage",
    "country_years", "coverage_counts", "current_release", "datasets", "default_dims", "diff_summary", "dim_values",
    "disagg_codes", "findings", "frameworks", "gap_table", "group_coverage", "group_sizes", "groups_of",
    "headline_gaps", "indicator_frame", "indicator_spans", "indicator_names", "indicator_row", "indicators", "latest",
    "latest_totals", "list_releases", "LruMemo", "manifest", "memo", "members", "names", "obs_count", "observations", "outcome_links",
    "progress", "release", "series", "source_kinds", "sources_of", "target_for", "targets", "translated", "un_countries", "un_members",
    "world_map",
]
