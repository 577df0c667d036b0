"""The DuckDB schema of a release."""

from __future__ import annotations

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

# The preferred vintage of each observation key (a view while building; materialised as a table in the
# published release): the dataset whose provider ranks first in the
# catalogue's `prefer` list for that indicator (ties broken by newest vintage, then dataset id).
PREFERRED_VIEW = """
CREATE VIEW preferred AS
SELECT o.* EXCLUDE (rk) FROM (
    SELECT o.*, row_number() OVER (
        PARTITION BY o.INDICATOR, o.REF_AREA, o.TIME_PERIOD, o.SEX, o.AGE, o.URBANISATION,
                     o.INCOME_WEALTH_QUANTILE, o.EDUCATION_LEV, o.DISABILITY_STATUS, o.TYPE_SKILL, o.TYPE_SPEED
        ORDER BY coalesce(p.rank, 99), d.vintage DESC, o.DATASET_ID) AS rk
    FROM observations o
    JOIN datasets d USING (DATASET_ID)
    LEFT JOIN provider_rank p ON p.INDICATOR = o.INDICATOR AND p.provider = d.provider
) o WHERE rk = 1
"""

TABLES_DDL = [
    OBSERVATIONS_DDL,
    """CREATE TABLE datasets (DATASET_ID VARCHAR PRIMARY KEY, provider VARCHAR, adapter VARCHAR, publisher VARCHAR,
        title VARCHAR, licence VARCHAR, path VARCHAR, sha256 VARCHAR, size BIGINT, vintage VARCHAR, n_obs BIGINT,
        skipped VARCHAR)""",
    """CREATE TABLE indicators (INDICATOR VARCHAR PRIMARY KEY, name VARCHAR, unit VARCHAR, definition VARCHAR,
        higher_is_better BOOLEAN, sdg VARCHAR, action_lines VARCHAR[], aggregation VARCHAR, derived BOOLEAN)""",
    "CREATE TABLE provider_rank (INDICATOR VARCHAR, provider VARCHAR, rank INTEGER)",
    """CREATE TABLE areas (code VARCHAR PRIMARY KEY, kind VARCHAR, group_type VARCHAR, m49 VARCHAR, iso2 VARCHAR,
        name VARCHAR, ldc BOOLEAN, lldc BOOLEAN, sids BOOLEAN, un_status VARCHAR, region VARCHAR, subregion VARCHAR,
        intermediate_region VARCHAR, itu_region VARCHAR)""",
    "CREATE TABLE area_names (code VARCHAR, lang VARCHAR, name VARCHAR)",
    "CREATE TABLE group_members (\"group\" VARCHAR, iso3 VARCHAR)",
    "CREATE TABLE income_history (iso3 VARCHAR, fiscal_year INTEGER, gni_year INTEGER, \"group\" VARCHAR)",
    """CREATE TABLE findings (check_name VARCHAR, severity VARCHAR, message VARCHAR, dataset_id VARCHAR,
        indicator VARCHAR, area VARCHAR, file VARCHAR, row_number INTEGER, column_name VARCHAR, n INTEGER)""",
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
]
