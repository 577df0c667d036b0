"""The release timeline and what changed between two releases' observations."""

from __future__ import annotations

import pandas as pd

from wsis.query.history import changes

KEYS = dict(INDICATOR="I", SEX="_T", AGE="_T")


def _frame(rows):
    return pd.DataFrame([{**KEYS, "REF_AREA": a, "TIME_PERIOD": y, "OBS_VALUE": v, "DATASET_ID": d, "OBS_STATUS": s}
                         for a, y, v, d, s in rows])


def test_changes_finds_new_revised_and_deleted():
    old = _frame([("KEN", 2020, 1.0, "a", "A"), ("KEN", 2021, 2.0, "a", "A"), ("UGA", 2020, 3.0, "a", "A"),
                  ("TZA", 2020, 4.0, "a", "A"), ("RWA", 2020, None, "a", "M")])
    new = _frame([("KEN", 2020, 1.0 + 1e-12, "a", "A"),   # within tolerance: unchanged
                  ("KEN", 2021, 2.5, "a", "A"),           # revised value
                  ("UGA", 2020, 3.0, "b", "A"),           # same value, other dataset
                  ("TZA", 2020, 4.0, "a", "E"),           # status changed
                  ("RWA", 2020, None, "a", "M"),          # missing in both: unchanged
                  ("KEN", 2022, 5.0, "a", "A")])          # new
    rep, dele = changes(old, new)
    assert sorted(zip(rep["REF_AREA"], rep["TIME_PERIOD"], strict=True)) == [
        ("KEN", 2021), ("KEN", 2022), ("TZA", 2020), ("UGA", 2020)]
    assert dele.empty
    rep, dele = changes(new, old)
    assert list(zip(dele["REF_AREA"], dele["TIME_PERIOD"], strict=True)) == [("KEN", 2022)]
    assert list(rep.columns) == list(old.columns)


def test_first_release_is_all_new():
    new = _frame([("KEN", 2020, 1.0, "a", "A")])
    rep, dele = changes(None, new)
    assert len(rep) == 1 and dele.empty
