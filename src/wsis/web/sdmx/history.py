"""SDMX ``updatedAfter`` and ``includeHistory`` answered from the release history.

``updatedAfter=T`` compares the release that was current at T with the served one: a ``Replace`` data set
with the observations added or revised, and a ``Delete`` data set with those removed (dated by the served
release). ``includeHistory=true`` gives those two data sets for every dissemination (after T when
``updatedAfter`` is given): ``Replace`` with ``validFromDate``, ``Delete`` with ``validToDate``, as the
standard's example in sdmx-rest v2_1/ws/rest/docs/4_4_data_queries.md shows.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from fastapi.responses import Response

from wsis.errors import WsisError
from wsis.query import Release
from wsis.query.history import timeline_changes
from wsis.settings import Settings
from wsis.web.sdmx import datamsg as dm
from wsis.web.sdmx.params import DataQuery, limit_per_series


def respond(settings: Settings, served: str, select: Callable[[Release], pd.DataFrame], q: DataQuery) -> Response:
    """The data message of what changed (``updatedAfter``) or of every dissemination (``includeHistory``)."""
    parts: list[dm.DataSetPart] = []
    for ch in timeline_changes(settings, served, select, after=q.updated_after, each=q.include_history):
        rep = limit_per_series(ch.replaced, q.first_n, q.last_n)
        dele = limit_per_series(ch.deleted, q.first_n, q.last_n)
        when = ch.dissemination.created
        if not rep.empty:
            parts.append(dm.DataSetPart(rep, "Replace", valid_from=when))
        if not dele.empty:
            parts.append(dm.DataSetPart(dele, "Delete", valid_to=when))
    if not parts:
        raise WsisError("sdmx-no-results", "no observations match the query"
                        + (f" and changed after {q.updated_after.isoformat()}" if q.updated_after else ""),
                        column="updatedAfter" if q.updated_after else "key", status=404,
                        hint="SDMX REST answers 404 for an empty result")
    return dm.respond(parts, q)
