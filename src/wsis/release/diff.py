"""``wsis diff OLD NEW``: observations added, removed and changed, per indicator and area."""

from __future__ import annotations

import duckdb
import pandas as pd

from wsis.release.store import release_path
from wsis.schema import DIMENSIONS
from wsis.settings import Settings, get_settings

_KEY = ", ".join(["DATASET_ID", *DIMENSIONS])


def diff_releases(old: str, new: str, settings: Settings | None = None, tolerance: float = 1e-9) -> pd.DataFrame:
    """Per indicator and area: how many observations were added, removed and changed between releases.

    Observations are matched on dataset id and every dimension, so two vintages never mask each other.
    """
    settings = settings or get_settings()
    a = release_path(settings, old) / "release.duckdb"
    b = release_path(settings, new) / "release.duckdb"
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        q = f"""
        WITH j AS (
          SELECT coalesce(n.INDICATOR, o.INDICATOR) AS indicator, coalesce(n.REF_AREA, o.REF_AREA) AS area,
                 o.OBS_VALUE AS old_value, n.OBS_VALUE AS new_value,
                 o.INDICATOR IS NULL AS is_added, n.INDICATOR IS NULL AS is_removed
          FROM (SELECT {_KEY}, OBS_VALUE FROM a.observations) o
          FULL OUTER JOIN (SELECT {_KEY}, OBS_VALUE FROM b.observations) n USING ({_KEY})
        )
        SELECT indicator, area,
               count(*) FILTER (WHERE is_added) AS added,
               count(*) FILTER (WHERE is_removed) AS removed,
               count(*) FILTER (WHERE NOT is_added AND NOT is_removed AND
                   (old_value IS DISTINCT FROM new_value) AND
                   NOT (abs(old_value - new_value) <= ? * greatest(abs(old_value), 1))) AS changed
        FROM j GROUP BY ALL
        HAVING added + removed + changed > 0
        ORDER BY indicator, area
        """
        return con.execute(q, [tolerance]).df()
    finally:
        con.close()
