"""Wording templates of the report, one YAML file per language under ``wsis/report/texts``.

A template is a string with ``{named}`` fields, or a mapping of CLDR plural categories (``one``, ``few``,
``many``, ``other``...) chosen by the ``count`` field. Fields are escaped unless they are already Markup
(numbers arrive as ``<data>`` elements).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from markupsafe import Markup, escape

from wsis.errors import WsisError
from wsis.report.numbers import plural_form
from wsis.schema import LANGS


@lru_cache(maxsize=8)
def load_texts(lang: str) -> dict[str, Any]:
    """The flattened wording of a language (``section.key`` -> template)."""
    if lang not in LANGS:
        raise WsisError("unknown-language", f"no report wording for language {lang!r}", column="lang",
                        expected="one of " + ", ".join(LANGS))
    path = resources.files("wsis.report") / "texts" / f"{lang}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and not _is_plural(node):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            flat[prefix] = node

    walk("", raw)
    return flat


def _is_plural(node: dict) -> bool:
    return bool(node) and set(node) <= {"zero", "one", "two", "few", "many", "other"} and "other" in node


class Wording:
    """``t(key, **fields)`` for one language."""

    def __init__(self, lang: str):
        self.lang = lang
        self.texts = load_texts(lang)

    def has(self, key: str) -> bool:
        """True when the language defines ``key``."""
        return key in self.texts

    def raw(self, key: str) -> Any:
        """The template itself (a KeyError names the missing key)."""
        try:
            return self.texts[key]
        except KeyError:
            raise KeyError(f"report wording {self.lang}: missing key {key!r}") from None

    def __call__(self, key: str, count: float | None = None, **fields: Any) -> Markup:
        tpl = self.raw(key)
        if isinstance(tpl, dict):
            tpl = tpl.get(plural_form(self.lang, count if count is not None else 0), tpl["other"])
        safe = {k: (v if isinstance(v, Markup) else escape(v)) for k, v in fields.items()}
        return Markup(escape(tpl).replace("\\n", "\n")).format(**safe) if fields else Markup(escape(tpl))

    def label(self, key: str, default: str) -> str:
        """A label from the wording, or ``default`` when the language has none."""
        v = self.texts.get(key)
        return str(v) if v is not None else default
