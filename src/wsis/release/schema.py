"""The DuckDB schema of a release."""

from __future__ import annotations

from wsis.schema import DIMENSIONS

OBSERVATIONS_DDL = """
CREATE TABLE observations (
    DATASET_ID VARCHAR NOT NULL,
    INDICATOR VARCHAR NOT NULL,
    REF_AREA VARCHAR NOT NULL,
    TIME_PERIOD INTEGER NOT NULL,
    SEX VARCHAR NOT NULL DEFAULT '_T',
    AGE VARCHAR NOT NULL DEFAULT '_T',
    URBANISATION VARCHAR NOT NULL DEFAULT '_T',
    INCOME_WEALTH_QUANTILE VARCHAR NOT NULL DEFAULT '_T',
    EDUCATION_LEV VARCHAR NOT NULL DEFAULT '_T',
    DISABILITY_STATUS VARCHAR NOT NULL DEFAULT '_T',
    TYPE_SKILL VARCHAR NOT NULL DEFAULT '_T',
    TYPE_SPEED VARCHAR NOT NULL DEFAULT '_T',
    GEO_SCOPE VARCHAR NOT NULL DEFAULT '_T',
    OBS_VALUE DOUBLE,
    UNIT_MEASURE VARCHAR,
    UNIT_MULT INTEGER DEFAULT 0,
    OBS_STATUS VARCHAR,
    NATURE VARCHAR,
    SOURCE_DETAIL VARCHAR,
    COMMENT_OBS VARCHAR,
    SE DOUBLE,
    CI_LOW DOUBLE,
    CI_HIGH DOUBLE,
    METHOD VARCHAR,
    COVERAGE DOUBLE,
    DERIVED_FROM VARCHAR,
    SOURCE_ROW INTEGER,
    SOURCE_COLUMN VARCHAR
)
"""

# The preferred view (materialised as a table in the published release). A series (indicator, area and
# breakdown) is taken whole from ONE provider: the first of the catalogue's `prefer` list that has it, so
# two vintage families (e.g. the World Bank's 2024 file and Gapminder's 2025 copy of the same ITU series)
# are never spliced into one line. Within that provider, each year comes from its newest vintage.
_SERIES_DIMS = [d for d in DIMENSIONS if d != "TIME_PERIOD"]
_SERIES = ", ".join(f"o.{c}" for c in _SERIES_DIMS)
_JOIN = " AND ".join(f"b.{c} = o.{c}" for c in _SERIES_DIMS)
PREFERRED_VIEW = f"""
CREATE VIEW preferred AS
WITH series AS (
    SELECT {_SERIES}, d.provider, coalesce(min(p.rank), 99) AS rank, max(o.TIME_PERIOD) AS last_year
    FROM observations o JOIN datasets d USING (DATASET_ID)
    LEFT JOIN provider_rank p ON p.INDICATOR = o.INDICATOR AND p.provider = d.provider
    WHERE d.provider <> 'wsis-variant'  -- alternative methods stay out of the preferred view
    GROUP BY ALL
), ranked AS (
    -- Our own group aggregates (provider 'wsis') give way to a published group series, unless that
    -- published series stops earlier (e.g. UNSD's 2020 world 4G coverage ends in 2018).
    SELECT o.*, CASE WHEN o.provider = 'wsis' AND o.last_year > max(CASE WHEN o.provider <> 'wsis' THEN o.last_year END)
                     OVER (PARTITION BY {_SERIES}) THEN -1 ELSE o.rank END AS eff_rank
    FROM series o
), best AS (
    SELECT * FROM (
        SELECT o.*, row_number() OVER (PARTITION BY {_SERIES} ORDER BY o.eff_rank, o.provider) AS pick
        FROM ranked o
    ) WHERE pick = 1
)
SELECT o.* EXCLUDE (rk) FROM (
    SELECT o.*, row_number() OVER (PARTITION BY {_SERIES}, o.TIME_PERIOD ORDER BY d.vintage DESC, o.DATASET_ID) AS rk
    FROM observations o
    JOIN datasets d USING (DATASET_ID)
    JOIN best b ON b.provider = d.provider AND {_JOIN}
) o WHERE rk = 1
"""

TABLES_DDL = [
    OBSERVATIONS_DDL,
    """CREATE TABLE datasets (DATASET_ID VARCHAR PRIMARY KEY, provider VARCHAR, adapter VARCHAR, publisher VARCHAR,
        title VARCHAR, licence VARCHAR, path VARCHAR, sha256 VARCHAR, size BIGINT, vintage VARCHAR, n_obs BIGINT,
        skipped VARCHAR, source_kind VARCHAR, source_kind_detail VARCHAR)""",
    # Events behind event-count series (one row per event and affected country; iso3 null when unmatched),
    # so group values count each event once.
    "CREATE TABLE events (DATASET_ID VARCHAR, event_id VARCHAR, iso3 VARCHAR, year INTEGER, geo_scope VARCHAR)",
    """CREATE TABLE indicators (INDICATOR VARCHAR PRIMARY KEY, name VARCHAR, unit VARCHAR, definition VARCHAR,
        higher_is_better BOOLEAN, sdg VARCHAR, action_lines VARCHAR[], aggregation VARCHAR, derived BOOLEAN,
        source VARCHAR, licence VARCHAR, action_line_refs VARCHAR, scope VARCHAR, caveat VARCHAR,
        breaks INTEGER[], derivation VARCHAR)""",
    "CREATE TABLE indicator_definitions (INDICATOR VARCHAR, lang VARCHAR, definition VARCHAR)",
    # measurements an action line still lacks, and who publishes them (catalogue/action_lines.yaml)
    "CREATE TABLE action_line_gaps (action_line VARCHAR, measurement VARCHAR, custodian VARCHAR)",
    "CREATE TABLE provider_rank (INDICATOR VARCHAR, provider VARCHAR, rank INTEGER)",
    "CREATE TABLE indicator_names (INDICATOR VARCHAR, lang VARCHAR, name VARCHAR)",
    """CREATE TABLE areas (code VARCHAR PRIMARY KEY, kind VARCHAR, group_type VARCHAR, m49 VARCHAR, iso2 VARCHAR,
        name VARCHAR, ldc BOOLEAN, lldc BOOLEAN, sids BOOLEAN, un_status VARCHAR, region VARCHAR, subregion VARCHAR,
        intermediate_region VARCHAR, itu_region VARCHAR)""",
    "CREATE TABLE area_names (code VARCHAR, lang VARCHAR, name VARCHAR)",
    "CREATE TABLE group_members (\"group\" VARCHAR, iso3 VARCHAR)",
    "CREATE TABLE income_history (iso3 VARCHAR, fiscal_year INTEGER, gni_year INTEGER, \"group\" VARCHAR)",
    """CREATE TABLE findings (check_name VARCHAR, severity VARCHAR, message VARCHAR, dataset_id VARCHAR,
        indicator VARCHAR, area VARCHAR, file VARCHAR, row_number INTEGER, column_name VARCHAR, n INTEGER)""",
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    # What publishing needs besides observations (see wsis.build.publishing): JSON documents (frameworks,
    # map geometry), the SDG titles and WSIS-SDG matrix, small-island map points, and precomputed tables.
    "CREATE TABLE documents (name VARCHAR PRIMARY KEY, body VARCHAR)",
    """CREATE TABLE sdg_titles (level VARCHAR, code VARCHAR, code_dashed VARCHAR, field VARCHAR, en VARCHAR,
        fr VARCHAR, es VARCHAR, ru VARCHAR, zh VARCHAR, ar VARCHAR)""",
    """CREATE TABLE wsis_sdg_matrix (action_line VARCHAR, sdg_goal VARCHAR, sdg_goal_title VARCHAR,
        sdg_target VARCHAR, link_level VARCHAR, confidence VARCHAR, source_entry VARCHAR, note VARCHAR,
        rationale_excerpt VARCHAR)""",
    "CREATE TABLE map_points (iso3 VARCHAR PRIMARY KEY, x INTEGER, y INTEGER)",
    """CREATE TABLE gap_table (gap VARCHAR, base_indicator VARCHAR, kind VARCHAR, area VARCHAR, year INTEGER,
        value DOUBLE, unit VARCHAR, class VARCHAR, coverage DOUBLE)""",
    """CREATE TABLE targets (id VARCHAR, indicator VARCHAR, title VARCHAR, value DOUBLE, direction VARCHAR,
        year INTEGER, met_at DOUBLE, low DOUBLE, high DOUBLE, citation VARCHAR)""",
    """CREATE TABLE progress (area VARCHAR, indicator VARCHAR, target_id VARCHAR, method VARCHAR, category VARCHAR,
        base_year INTEGER, base_value DOUBLE, latest_year INTEGER, latest_value DOUBLE, target_value DOUBLE,
        observed_rate DOUBLE, required_rate DOUBLE, ratio DOUBLE, progress_share DOUBLE, projected_2030 DOUBLE,
        projected_low DOUBLE, projected_high DOUBLE, years_used VARCHAR, n_points INTEGER)""",
    # US-dollar exchange rates for the financial commitments (wsis.reference.exchange_rates), units per USD
    """CREATE TABLE exchange_rates (currency VARCHAR, series VARCHAR, date DATE, per_usd DOUBLE, source VARCHAR,
        file VARCHAR)""",
    """CREATE TABLE area_latest (REF_AREA VARCHAR, INDICATOR VARCHAR, year INTEGER, value DOUBLE,
        first_year INTEGER, first_value DOUBLE, n BIGINT)""",
]
