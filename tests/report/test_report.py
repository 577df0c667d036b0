"""The report built from a real (mini) release and a seeded registry: numbers, reproducibility, languages."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys

import pytest

from wsis.errors import WsisError
from wsis.release.reader import open_release
from wsis.report import build_report
from wsis.report.numbers import fmt, round_to

DATA = re.compile(r'<data value="([^"]+)"(?: data-decimals="(\d+)")?(?: data-stated="([^"]+)")? '
                  r'data-ref="([^"]+)">([^<]*)</data>')


def _section(text: str, sid: str) -> str:
    start = text.index(f'<section id="{sid}"')
    return text[start:text.index("</section>", start)]


def _obs(rel, ref) -> float:
    df = rel.observations(indicator=ref["indicator"], areas=[ref["area"]], years=[ref["year"]],
                          dims={d: ref["dims"].get(d, "_T") for d in ("SEX", "AGE", "URBANISATION")})
    others = [c for c in ("INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "DISABILITY_STATUS", "TYPE_SKILL",
                          "TYPE_SPEED") if c in df.columns]
    for c in others:
        df = df[df[c] == ref["dims"].get(c, "_T")]
    assert len(df) == 1, ref
    return float(df["OBS_VALUE"].iloc[0])


def test_every_summary_number_equals_the_release(built, report_settings):
    rel = open_release(settings=report_settings)
    text = (built["out"] / "wsis-report-2024-2025-en.html").read_text(encoding="utf-8")
    found = DATA.findall(_section(text, "summary"))
    assert len(found) >= 8
    kinds = set()
    for raw, dec, stated, ref_text, shown in found:
        ref = json.loads(html.unescape(ref_text))
        kinds.add(ref["kind"])
        value = float(raw)
        if ref["kind"] == "obs":
            assert value == _obs(rel, ref)
        elif ref["kind"] == "diff":
            a, b = _obs(rel, ref["a"]), _obs(rel, ref["b"])
            expected = round_to(a, int(dec)) - round_to(b, int(dec))
            assert value == pytest.approx(abs(expected) if ref.get("abs") else expected, abs=1e-9)
        elif ref["kind"] == "offline":
            share, pop = _obs(rel, ref["share"]), _obs(rel, ref["population"])
            assert value == pytest.approx((100 - share) / 100 * pop)
            assert float(stated) == pytest.approx(value, rel=0.05)
            continue
        else:
            pytest.fail(f"unexpected number in the summary: {ref}")
        assert shown == fmt(value, "en", int(dec))
    assert {"obs", "diff", "offline"} <= kinds


def test_summary_states_the_world_internet_share(built, report_settings):
    rel = open_release(settings=report_settings)
    df = rel.observations(indicator="IT_USE_ii99", areas=["WLD"], end=2025,
                          dims={"SEX": "_T", "AGE": "_T", "URBANISATION": "_T"}).sort_values("TIME_PERIOD")
    last = df.iloc[-1]
    text = (built["out"] / "wsis-report-2024-2025-en.html").read_text(encoding="utf-8")
    summary = re.sub(r"<[^>]+>", "", _section(text, "summary"))
    assert f"{round_to(last['OBS_VALUE'], 0):.0f} per cent in {int(last['TIME_PERIOD'])}" in summary


def test_rebuild_is_byte_identical_and_records_inputs(built, report_settings, tmp_path):
    again = build_report("2024-2025", "en,fr,ar", "html", tmp_path, settings=report_settings)
    for name in ("wsis-report-2024-2025-en.html", "wsis-report-2024-2025-fr.html",
                 "wsis-report-2024-2025-ar.html"):
        assert (tmp_path / name).read_bytes() == (built["out"] / name).read_bytes(), name
    rec = built["record"]
    assert again == rec
    rel = open_release(settings=report_settings)
    text = (built["out"] / "wsis-report-2024-2025-en.html").read_text(encoding="utf-8")
    assert rec["release"] == rel.id and len(rec["registry_snapshot"]) == 64
    assert f'content="{rel.id}"' in text and rec["registry_snapshot"] in text
    assert "--period 2024-2025 --lang en --as-of 2025-12-31" in text
    saved = json.loads((built["out"] / "wsis-report-2024-2025.json").read_text())
    assert saved["files"] == rec["files"]


def test_registry_change_changes_the_snapshot(report_settings, tmp_path):
    other = build_report("2024-2025", "en", "html", tmp_path / "a", settings=report_settings,
                         as_of=__import__("datetime").date(2026, 6, 30))
    base = build_report("2024-2025", "en", "html", tmp_path / "b", settings=report_settings)
    assert other["registry_snapshot"] == base["registry_snapshot"]   # statuses are date-relative, content same
    assert other["files"] != base["files"]                              # but the as-of date is in the report


def test_registry_sections(built):
    text = (built["out"] / "wsis-report-2024-2025-en.html").read_text(encoding="utf-8")
    plain = re.sub(r"<[^>]+>", "", text)
    c2 = re.sub(r"<[^>]+>", "", _section(text, "line-C2"))
    assert "2 initiatives are registered under this action line" in c2
    assert "with 3 commitments (3 new)" in c2
    assert "1 initiative is registered" in re.sub(r"<[^>]+>", "", _section(text, "line-C4"))
    fin = re.sub(r"<[^>]+>", "", _section(text, "finance"))
    assert "4 financial commitments are registered" in fin
    assert "2,500,000" in fin and "10,000,000" in fin and "12,500,000" in fin   # one currency: summed by year
    assert "Africa" in fin and "Europe" in fin                                  # KEN+UGA are both in Africa
    assert "Backbone fund" in fin and "Spectrum loan" not in fin.split("Overdue commitments")[1]
    assert "Of the 20 dated requests of the outcome document" in plain


def test_finance_in_us_dollars_with_cited_rates(built):
    html = _section(built["out"].joinpath("wsis-report-2024-2025-en.html").read_text(encoding="utf-8"), "finance")
    usd = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split('id="finance-usd"')[1].split("Overdue commitments")[0]))
    # 1,000,000 EUR at 0.92 per USD (March 2024) and 400,000 EUR at 0.9006 (September 2024)
    assert "Euro school fund" in usd and "1,086,957" in usd and "444,148" in usd
    assert "EUR 0.9200 (2024-03-01); EUR 0.9006 (2024-09-01)" in usd and "US Federal Reserve H.10" in usd
    total = usd.split("Total")[1]
    assert total.split()[0] == "13,586,957", total[:80]   # 2.5 M + 10 M USD + the euro pledge
    assert "Lower-middle-income economies 2 3,586,957 444,148" in usd and "Least developed countries 1 2,500,000" in usd
    apart = usd.split("Commitments in a currency without an exchange rate (not converted)")[-1]
    assert "CFA pledge" in apart and "XOF" in apart and "200,000 XOF" in apart
    assert "CFA pledge" not in usd.split("Commitments in a currency without")[0]


def test_followup_table_of_paragraphs(built):
    text = built["out"].joinpath("wsis-report-2024-2025-en.html").read_text(encoding="utf-8")
    part = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text.split('id="followup"')[1].split("</table>")[0]))
    assert "Operative paragraphs with action reported in the public registry on 2025-12-31: 2 of 127." in part
    assert re.search(r"\(1/\d+\) 37 1 0 0", part) and re.search(r"\(1/\d+\) 67 0 2 0", part)


def test_languages_and_direction(built):
    ar = (built["out"] / "wsis-report-2024-2025-ar.html").read_text(encoding="utf-8")
    fr = (built["out"] / "wsis-report-2024-2025-fr.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in ar and "Noto Naskh Arabic" in ar and "موجز" in ar
    assert '<html lang="fr" dir="ltr">' in fr and "Résumé" in fr and "Réduire les fractures numériques" in fr
    for text in (ar, fr):
        assert text.count("<figure") == text.count("<figcaption>") and "<svg" in text
        assert re.search(r"<caption>[^<]+</caption>", text)


def test_bad_parameters_are_errors(report_settings, tmp_path):
    with pytest.raises(WsisError) as exc:
        build_report("2024", "en", "html", tmp_path, settings=report_settings)
    assert exc.value.column == "period"
    with pytest.raises(WsisError) as exc:
        build_report("2024-2025", "en", "docx", tmp_path, settings=report_settings)
    assert exc.value.column == "format"
    assert not any(tmp_path.iterdir())


def test_absent_registry_is_created_with_its_reference_rows(report_settings, tmp_path):
    # a fresh home: no `wsis registry init`; the report creates the registry empty, seeded, and builds
    db = tmp_path / "fresh" / "registry.sqlite"
    settings = report_settings.model_copy(update={"registry_url": f"sqlite:///{db}"})
    rec = build_report("2024-2025", "en", "html", tmp_path / "out", settings=settings)
    page = (tmp_path / "out" / "wsis-report-2024-2025-en.html").read_text(encoding="utf-8")
    assert "wsis-report-2024-2025-en.html" in rec["files"] and db.exists()
    from wsis.registry.db import Registry
    from wsis.registry.tracking import deliverables, roadmaps

    reg = Registry(settings.registry_db_url, settings)
    try:
        dels, maps = deliverables(reg), roadmaps(reg)
    finally:
        reg.dispose()
    assert len(dels) >= 20 and len(maps) >= 11
    assert dels[0]["title"] and html.escape(dels[0]["title"], quote=False) in page


def test_cli_bad_period_exits_2(report_settings, monkeypatch, tmp_path):
    monkeypatch.setenv("WSIS_HOME", str(report_settings.home))
    monkeypatch.setenv("WSIS_DATA_DIR", str(report_settings.data_dir))
    res = subprocess.run([sys.executable, "-m", "wsis.cli.main", "report", "--period", "2025-2024", "--out", str(tmp_path)], capture_output=True,
                         text=True)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "period" in res.stderr and "YYYY-YYYY" in res.stderr


def test_arabic_pdf(report_settings, tmp_path):
    # poppler-utils (pdfinfo, pdffonts, pdftotext) is installed by .ci/run; without it this must fail, not skip
    assert shutil.which("pdfinfo") and shutil.which("pdffonts"), "install poppler-utils (apt-get install poppler-utils)"
    rec = build_report("2024-2025", "ar", "pdf", tmp_path, settings=report_settings)
    pdf = tmp_path / "wsis-report-2024-2025-ar.pdf"
    assert pdf.stat().st_size > 10_000 and "wsis-report-2024-2025-ar.pdf" in rec["files"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 8
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Arabic" in fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "المحتويات" in text or "تايوتحملا" in text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len(images) >= 5   # the charts, rasterised with shaped Arabic labels


def test_french_report_uses_translated_indicator_names(built, report_settings):
    import html

    from wsis.catalogue import load_catalogue
    from wsis.release.reader import open_release
    from wsis.report.render import Labels
    from wsis.report.wording import Wording

    fr = (built["out"] / "wsis-report-2024-2025-fr.html").read_text(encoding="utf-8")
    cat = load_catalogue()
    # Names the report's own wording does not shorten come from the release, in French, unmarked.
    labels = Labels(open_release(settings=report_settings), Wording("fr"))
    for code in ("IT_PRC_A4AI_1GB_GNI", "IT_MBB_P100", "SE_ADT_ACTS"):
        assert str(labels.indicator(code)) == cat.indicators[code].name_in("fr").replace("'", "&#39;")
    english = [i.name for i in cat.indicators.values()]
    marked = re.findall(r'<span lang="en">([^<]*)</span>', fr)
    assert not [m for m in marked if m in english]      # no indicator left in English in the French report
    from_release = [i.name_in("fr") for c, i in cat.indicators.items() if not Wording("fr").has(f"indicator.{c}")]
    assert [n for n in from_release if html.escape(n) in fr], "no release-translated name in the French report"


def test_missing_measurements_are_in_the_report_language(built):
    """The measurements an action line still lacks and their custodians are in the report's language (marked
    as WSIS Monitor's translation), in English only in the English report."""
    import html

    from wsis.catalogue import load_catalogue

    gaps = load_catalogue().action_lines["C8"]["missing"]
    en = html.unescape((built["out"] / "wsis-report-2024-2025-en.html").read_text(encoding="utf-8"))
    fr = html.unescape((built["out"] / "wsis-report-2024-2025-fr.html").read_text(encoding="utf-8"))
    en_c8, fr_c8 = _section(en, "line-C8"), _section(fr, "line-C8")
    assert all(g["measurement"] in en_c8 and g["custodian"] in en_c8 for g in gaps)
    assert not any(g["measurement"] in fr_c8 or g["custodian"] in fr_c8 for g in gaps)
    assert "Contenus multilingues et locaux en ligne" in fr_c8 and "(traduction non officielle)" in fr_c8
    assert '<span lang="en">' not in re.sub(r"<table.*?</table>", "", fr_c8, flags=re.S)
    assert "unofficial translation" not in en_c8
