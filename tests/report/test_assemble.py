"""Period parsing and registry fingerprints."""

from __future__ import annotations

import pytest

from wsis.errors import WsisError
from wsis.report.assemble import parse_period
from wsis.report.build import parse_list
from wsis.report.registry_view import fingerprint


def test_period_and_previous():
    p = parse_period("2024-2025")
    assert (p.start, p.end, p.label, p.previous.label) == (2024, 2025, "2024-2025", "2022-2023")
    assert p.contains("2025-06-01") and not p.contains("2023-12-31") and not p.contains(None)


@pytest.mark.parametrize("bad", ["2025", "2025-2024", "2020-2030", "24-25", "", "2024–2025"])
def test_bad_period(bad):
    with pytest.raises(WsisError) as exc:
        parse_period(bad)
    assert exc.value.column == "period" and "YYYY-YYYY" in exc.value.expected


def test_parse_list():
    assert parse_list("en,fr,en", ("en", "fr"), "lang") == ["en", "fr"]
    with pytest.raises(WsisError) as exc:
        parse_list("en,de", ("en", "fr"), "lang")
    assert exc.value.column == "lang"


def test_fingerprint_ignores_date_relative_fields_only():
    a = [{"id": 1, "title": "x", "report_status": {"light": "green"}}]
    b = [{"id": 1, "title": "x", "report_status": {"light": "red"}}]
    c = [{"id": 1, "title": "y", "report_status": {"light": "green"}}]
    assert fingerprint(a) == fingerprint(b) != fingerprint(c)
