"""Every language defines every template, with the same fields as English."""

from __future__ import annotations

import string

import pytest
from markupsafe import Markup

from wsis.errors import WsisError
from wsis.report.wording import LANGS, Wording, load_texts


def _fields(tpl) -> set[str]:
    texts = tpl.values() if isinstance(tpl, dict) else [tpl]
    return {f for t in texts for _, f, _, _ in string.Formatter().parse(str(t)) if f}


@pytest.mark.parametrize("lang", [x for x in LANGS if x != "en"])
def test_same_keys_and_fields_as_english(lang):
    en, other = load_texts("en"), load_texts(lang)
    assert set(other) == set(en)
    for key, tpl in other.items():
        assert _fields(tpl) <= _fields(en[key]) | {"initiatives", "n"}, (lang, key)
        if isinstance(tpl, dict):
            assert "other" in tpl, (lang, key)


def test_fields_are_escaped_but_markup_kept():
    t = Wording("en")
    out = t("divides.indicator", name="<script>", unit=Markup("<data>1</data>"))
    assert "&lt;script&gt;" in out and "<data>1</data>" in out


def test_plural_choice():
    t = Wording("en")
    assert "1 country off track" in t("progress.off_countries", count=1, n="1")
    assert "3 countries off track" in t("progress.off_countries", count=3, n="3")


def test_unknown_language_is_an_error():
    with pytest.raises(WsisError) as exc:
        load_texts("de")
    assert exc.value.column == "lang"
