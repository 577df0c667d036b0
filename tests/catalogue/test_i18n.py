"""Catalogue texts in six languages: every definition, target and outcome-document text has its five
translations, each marked official or not, and the loader falls back to English (never to nothing)."""

from __future__ import annotations

import pytest

from wsis.catalogue import load_catalogue
from wsis.catalogue.i18n import LANGS, catalogue_text, translations
from wsis.compute.gaps import GAP_KINDS
from wsis.compute.targets import load_targets
from wsis.reference import load_frameworks


def _complete(entry: dict | None) -> bool:
    return bool(entry) and all(isinstance(entry.get(lg), str) and entry[lg].strip() for lg in LANGS)


def test_every_indicator_definition_is_translated():
    defs = translations("definition")
    for code, ind in load_catalogue().indicators.items():
        assert _complete(defs.get(code)), f"indicators_i18n.yaml: definitions.{code} needs fr, es, ar, ru, zh"
        assert all(defs[code][lg] != ind.definition for lg in LANGS), code
    derived = translations("derived_definition")
    assert set(GAP_KINDS) <= set(derived) and all(_complete(derived[k]) for k in GAP_KINDS)


def test_every_target_title_and_citation_is_translated():
    titles, cites = translations("target_title"), translations("target_citation")
    for t in load_targets():
        assert _complete(titles.get(t.id)) and _complete(cites.get(t.id)), t.id


def test_every_outcome_text_is_translated(shared_data):
    fw = load_frameworks(shared_data)
    paras, sections = translations("paragraph"), translations("section")
    assert sorted(paras) == [p["para"] for p in fw.paragraphs] == list(range(1, 128))
    for p in fw.paragraphs:
        assert _complete(paras[p["para"]]), p["para"]
        assert _complete(sections.get(p["section"])), p["section"]
    delivs, actors = translations("deliverable"), translations("actor")
    for d in fw.deliverables:
        assert _complete(delivs.get(d["deliverable"])), d["deliverable"]
        for a in d.get("responsible") or []:
            assert _complete(actors.get(a)) and actors[a]["en"], a
    assert _complete(translations("document_title")["title"])
    titles, descs, gdc = (translations(k) for k in ("action_line_title", "action_line_description", "gdc_objective"))
    for code in fw.action_line_codes():
        assert _complete(titles.get(code)) and _complete(descs.get(code)), code
    assert all(_complete(gdc.get(g["id"])) for g in fw.gdc_objectives)


def test_every_missing_measurement_and_custodian_is_translated():
    """Every measurement an action line still lacks, and its custodian (action_lines.yaml), has its five
    translations, keyed by the exact English text, marked as WSIS Monitor's own."""
    measurements, custodians = translations("missing_measurement"), translations("missing_custodian")
    gaps = [m for spec in load_catalogue().action_lines.values() for m in (spec or {}).get("missing") or []]
    assert len(gaps) >= 10
    for m in gaps:
        assert _complete(measurements.get(m["measurement"])), f"action_lines_i18n.yaml: measurements: {m['measurement']!r}"
        assert _complete(custodians.get(m["custodian"])), f"action_lines_i18n.yaml: custodians: {m['custodian']!r}"
        assert measurements[m["measurement"]]["unofficial"] and custodians[m["custodian"]]["unofficial"]
        assert all(measurements[m["measurement"]][lg] != m["measurement"] for lg in LANGS), m["measurement"]
        assert all(custodians[m["custodian"]][lg] != m["custodian"] for lg in LANGS), m["custodian"]
    assert set(measurements) == {m["measurement"] for m in gaps}, "entries without an action_lines.yaml text"
    assert set(custodians) == {m["custodian"] for m in gaps}, "entries without an action_lines.yaml text"


def test_own_translations_are_marked_unofficial_and_english_falls_back():
    t = catalogue_text("definition", "IT_USE_ii99", "ar", "English")
    assert t.lang == "ar" and t.unofficial and t.text != "English"
    assert catalogue_text("paragraph", 37, "zh", "x").unofficial
    en = catalogue_text("definition", "IT_USE_ii99", "en", "English")
    assert (en.text, en.lang, en.unofficial) == ("English", "en", False)
    missing = catalogue_text("definition", "NO_SUCH_CODE", "fr", "English only")
    assert (missing.text, missing.lang, missing.unofficial) == ("English only", "en", False)


def test_unknown_kind_is_a_wsis_error():
    from wsis.errors import WsisError

    with pytest.raises(WsisError, match="unknown catalogue text kind"):
        translations("nonsense")


def test_a_broken_translation_file_names_file_and_line(tmp_path, monkeypatch):
    """A hand-edited translation file with a YAML error fails with one line naming it, not a traceback."""
    from wsis.catalogue import i18n
    from wsis.errors import WsisError

    (tmp_path / "targets_i18n.yaml").write_text('targets:\n  x:\n    title: {fr: "a", es: "b"\n', encoding="utf-8")
    monkeypatch.setattr(i18n.resources, "files", lambda _pkg: tmp_path)
    i18n._file.cache_clear()
    i18n.translations.cache_clear()
    try:
        with pytest.raises(WsisError) as err:
            i18n.translations("target_title")
        assert "targets_i18n.yaml" in str(err.value) and "row 4" in str(err.value).lower()
    finally:
        i18n._file.cache_clear()
        i18n.translations.cache_clear()
