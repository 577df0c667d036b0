"""Fault injection: the fetch ends correct or fails with a clear error, and never writes partial data."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from replay import Reply, recorded

from conftest import WB_IND, settings_for
from wsis.errors import WsisError
from wsis.sources.fetch import fetch_mirror

WB_FILE = "wdi/API_IT.NET.USER.ZS_DS2_en_csv_v2_0.csv"
P1 = recorded("wb/IT.NET.USER.ZS-p1.json")
P2 = recorded("wb/IT.NET.USER.ZS-p2.json")


def data_files(mirror: Path) -> list[str]:
    """Files a build would see: everything except the machine-local .fetch/ state."""
    if not mirror.exists():
        return []
    return sorted(p.relative_to(mirror).as_posix() for p in mirror.rglob("*")
                  if p.is_file() and ".fetch" not in p.relative_to(mirror).parts)


def assert_no_partial(mirror: Path) -> None:
    files = data_files(mirror)
    assert not [f for f in files if f.endswith(".tmp")], files
    assert not [f for f in files if f.startswith(("wdi/", "un_sdg/", "itu_datahub/", "sdmx/"))], files


def fetch_wb(mirror, settings):
    return fetch_mirror(mirror, ["wb"], ["IT.NET.USER.ZS"], settings=settings)


def assert_wb_file_correct(mirror: Path) -> None:
    df = pd.read_csv(mirror / WB_FILE, encoding="utf-8-sig").set_index("Country Code")
    assert list(df.index) == ["AFE", "AFG", "KEN"]
    assert df.loc["KEN", "2022"] == pytest.approx(40.8016667) and df.loc["AFE", "2023"] == pytest.approx(34.9)


def test_server_errors_are_retried_then_succeed(server, settings, mirror):
    server.route(WB_IND, Reply(b"Internal error", 500, "text/plain"), Reply(b"", 502), Reply(P2), page="2")
    report = fetch_wb(mirror, settings)
    assert report.ok, report.failures
    assert report.counts["retries"] == 2
    assert all(w.seconds <= settings.fetch_backoff_max for w in report.waits)
    assert_wb_file_correct(mirror)


def test_429_retry_after_is_respected(server, settings, mirror):
    server.route(WB_IND, Reply(b"slow down", 429, "text/plain", headers={"Retry-After": "1"}), Reply(P1), page="1")
    report = fetch_wb(mirror, settings)
    assert report.ok, report.failures
    (wait,) = report.waits
    assert wait.reason.startswith("retry-after") and "429" in wait.reason
    assert wait.seconds == min(1.0, settings.fetch_backoff_max)  # capped in tests; 1 s with defaults
    assert_wb_file_correct(mirror)


def test_timeout_is_retried(server, tmp_path, mirror):
    settings = settings_for(server, tmp_path, fetch_timeout=0.3)
    server.route(WB_IND, Reply(P1, delay=1.0), Reply(P1), page="1")
    report = fetch_wb(mirror, settings)
    assert report.ok, report.failures
    assert "timed out" in report.waits[0].reason
    assert_wb_file_correct(mirror)


def test_truncated_body_is_retried(server, settings, mirror):
    server.route(WB_IND, Reply(P2, truncate=len(P2) // 2), Reply(P2), page="2")
    report = fetch_wb(mirror, settings)
    assert report.ok, report.failures
    assert report.counts["retries"] == 1
    assert_wb_file_correct(mirror)


def test_truncated_json_without_length_mismatch_is_retried(server, settings, mirror):
    # A proxy that cuts the body but fixes Content-Length: only the JSON parser can tell.
    server.route(WB_IND, Reply(P2[: len(P2) - 40]), Reply(P2), page="2")
    report = fetch_wb(mirror, settings)
    assert report.ok and "truncated or malformed JSON" in report.waits[0].reason
    assert_wb_file_correct(mirror)


def test_persistent_truncation_fails_cleanly(server, settings, mirror):
    server.route(WB_IND, Reply(P2, truncate=100), page="2")
    report = fetch_wb(mirror, settings)
    (failure,) = report.failures
    assert failure.error.code == "fetch-failed" and "page=2" in (failure.error.file or "")
    assert server.hits(WB_IND, page="2") == 1 + settings.fetch_retries
    assert_no_partial(mirror)
    with pytest.raises(WsisError) as err:
        report.raise_for_failures()
    assert "gave up after 4 attempts" in str(err.value) and "page=2" in str(err.value)


def test_html_instead_of_json_is_an_error_naming_the_url(server, settings, mirror):
    page = b"<!DOCTYPE html><html><body>We are redirecting you to a different portal</body></html>"
    server.route(WB_IND, Reply(page, 200, "text/html"), page="1")
    report = fetch_wb(mirror, settings)
    (failure,) = report.failures
    assert failure.error.code == "fetch-bad-content"
    assert "text/html" in str(failure.error) and WB_IND in str(failure.error)
    assert_no_partial(mirror)


def test_html_with_json_content_type_is_also_caught(server, settings, mirror):
    server.route("/itu/data/bycode/11624", Reply(b"<html><body>Access denied</body></html>"))
    report = fetch_mirror(mirror, ["itu"], ["internet=11624"], settings=settings)
    assert report.failures[0].error.code == "fetch-bad-content"
    assert_no_partial(mirror)


def test_empty_list_for_a_known_itu_id_is_an_error(server, settings, mirror):
    server.route("/itu/data/bycode/11624", Reply(b"[]"))
    report = fetch_mirror(mirror, ["itu"], ["internet=11624"], settings=settings)
    (failure,) = report.failures
    assert failure.error.code == "fetch-empty" and failure.error.file.endswith("/itu/data/bycode/11624")
    assert "i99H" in failure.error.message
    assert_no_partial(mirror)


def test_unknown_itu_id_is_an_error(server, settings, mirror):
    report = fetch_mirror(mirror, ["itu"], ["x=999999999"], settings=settings)
    assert report.failures[0].error.code == "fetch-unknown-id"
    assert_no_partial(mirror)


def test_itu_value_that_is_not_a_number_is_an_error(server, settings, mirror):
    points = json.loads(recorded("itu/data-11624.json"))
    points[2]["answer"][0]["value"] = "n/a"
    server.route("/itu/data/bycode/11624", Reply(json.dumps(points).encode()))
    report = fetch_mirror(mirror, ["itu"], ["internet=11624"], settings=settings)
    err = report.failures[0].error
    assert err.row == 3 and err.column == "answer.value" and "'n/a'" in err.message
    assert_no_partial(mirror)


def test_empty_sdg_series_is_an_error(server, settings, mirror):
    empty = {"size": 4, "totalElements": 0, "totalPages": 0, "pageNumber": 1, "data": []}
    server.route("/sdg/Series/Data", Reply(json.dumps(empty).encode()), seriesCode="IT_USE_ii99")
    report = fetch_mirror(mirror, ["sdg"], ["IT_USE_ii99"], settings=settings)
    assert report.failures[0].error.code == "fetch-empty"
    assert_no_partial(mirror)


def test_unknown_sdg_series_fails_before_paging(server, settings, mirror):
    report = fetch_mirror(mirror, ["sdg"], ["IT_NOPE"], settings=settings)
    assert report.failures[0].error.code == "fetch-unknown-id"
    assert server.hits("/sdg/Series/Data") == 0


def test_world_bank_error_message_is_reported(server, settings, mirror):
    report = fetch_mirror(mirror, ["wb"], ["NOPE.XX"], settings=settings)
    err = report.failures[0].error
    assert err.code == "fetch-api-error" and "Invalid value" in err.message
    assert_no_partial(mirror)


def test_pagination_change_mid_way_restarts_and_ends_consistent(server, settings, mirror):
    page1_new = json.loads(P1)
    page1_new[0].update(total=7, lastupdated="2025-07-15")
    # Page 1 was read before the update, page 2 after it: the run must start over, not mix versions.
    server.route(WB_IND, Reply(P1), Reply(json.dumps(page1_new).encode()), page="1")
    server.route(WB_IND, Reply(recorded("wb/IT.NET.USER.ZS-p2-changed.json")), page="2")
    report = fetch_wb(mirror, settings)
    assert report.ok, report.failures
    assert report.counts["restarts"] == 1
    df = pd.read_csv(mirror / WB_FILE, encoding="utf-8-sig").set_index("Country Code")
    assert df.loc["KEN", "2024"] == pytest.approx(36.2) and df.loc["AFE", "2023"] == pytest.approx(34.9)


def test_pagination_that_keeps_changing_fails_without_writing(server, settings, mirror):
    server.route(WB_IND, Reply(recorded("wb/IT.NET.USER.ZS-p2-changed.json")), page="2")
    report = fetch_wb(mirror, settings)
    err = report.failures[0].error
    assert err.code == "fetch-pagination-changed" and "page 2 reports 2 pages / 7 records" in err.message
    assert_no_partial(mirror)


def test_shifted_page_with_duplicate_rows_restarts(server, settings, mirror):
    # Same totals, but a record moved between pages while we read: page 2 repeats one of page 1.
    shifted = json.loads(P2)
    shifted[1][1] = json.loads(P1)[1][0]
    server.route(WB_IND, Reply(json.dumps(shifted).encode()), Reply(P2), page="2")
    report = fetch_wb(mirror, settings)
    assert report.ok and report.counts["restarts"] == 1
    assert_wb_file_correct(mirror)


def test_interrupted_fetch_resumes_without_refetching_pages(server, settings, mirror):
    server.route(WB_IND, Reply(b"down", 503, "text/plain"), page="2")
    first = fetch_wb(mirror, settings)
    assert first.failures and first.failures[0].error.code == "fetch-failed"
    assert_no_partial(mirror)
    assert server.hits(WB_IND, page="1") == 1
    server.route(WB_IND, Reply(P2), page="2")  # the service is back
    second = fetch_wb(mirror, settings)
    assert second.ok, second.failures
    assert server.hits(WB_IND, page="1") == 1  # page 1 came from the journal, not the network
    assert second.counts["resumed"] == 1
    assert_wb_file_correct(mirror)
    third = fetch_wb(mirror, settings)  # a later, fresh run asks the server again
    assert server.hits(WB_IND, page="1") == 2 and third.counts["resumed"] == 0


def test_failed_refetch_keeps_the_previous_good_file(server, settings, mirror):
    fetch_wb(mirror, settings)
    before = (mirror / WB_FILE).read_bytes()
    server.route(WB_IND, Reply(P2, truncate=50), page="2")
    report = fetch_wb(mirror, settings)
    assert report.failures
    assert (mirror / WB_FILE).read_bytes() == before
    assert not [p for p in mirror.rglob("*.tmp")]


def test_one_failing_source_does_not_stop_the_others(server, settings, mirror):
    server.route("/itu/data/bycode/11624", Reply(b"[]"))
    report = fetch_mirror(mirror, None, ["wb:IT.NET.USER.ZS", "itu:internet=11624"], settings=settings)
    assert [f.source for f in report.failures] == ["itu"]
    assert (mirror / WB_FILE).exists() and not (mirror / "itu_datahub/internet.csv.gz").exists()
    with pytest.raises(WsisError, match="1 of the jobs failed"):
        report.raise_for_failures()


def test_sdmx_error_and_empty_messages(server, settings, mirror):
    error = (b'<?xml version="1.0" encoding="UTF-8"?><mes:Error xmlns:mes="http://www.sdmx.org/resources/sdmxml/'
             b'schemas/v2_1/message" xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
             b'<mes:ErrorMessage code="100"><com:Text>No Results Found</com:Text></mes:ErrorMessage></mes:Error>')
    server.route("/sdmx/data/ICT_FLOW/AFG+KEN.ICT_INTERNET_USE", Reply(error, content_type="application/xml"))
    report = fetch_mirror(mirror, None, ["sdmx:REPLAY/ICT_FLOW/AFG+KEN.ICT_INTERNET_USE"], settings=settings)
    err = report.failures[0].error
    assert err.code == "fetch-api-error" and "No Results Found (code 100)" in err.message
    assert "ICT_FLOW" in (err.file or "")
    assert_no_partial(mirror)


def test_sdmx_truncated_xml_is_retried(server, settings, mirror):
    body = recorded("sdmx/data.xml")
    server.route("/sdmx/data/ICT_FLOW/AFG+KEN.ICT_INTERNET_USE",
                 Reply(body[:-300], content_type="application/xml"), Reply(body, content_type="application/xml"))
    report = fetch_mirror(mirror, None, ["sdmx:REPLAY/ICT_FLOW/AFG+KEN.ICT_INTERNET_USE"], settings=settings)
    assert report.ok, report.failures
    assert "truncated" in report.waits[0].reason
    assert (mirror / "sdmx/REPLAY/ICT_FLOW.xml").read_bytes() == body


def test_unknown_sdmx_source(server, settings, mirror):
    report = fetch_mirror(mirror, None, ["sdmx:NOPE_AGENCY/FLOW"], settings=settings)
    assert report.failures[0].error.code == "fetch-unknown-source"


def test_bad_since_is_refused(settings, mirror):
    with pytest.raises(WsisError) as err:
        fetch_mirror(mirror, ["wb"], None, since=1492, settings=settings)
    assert err.value.column == "--since"
