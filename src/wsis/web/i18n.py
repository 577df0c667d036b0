"""Interface languages: the six UN languages, gettext catalogues under ``wsis/locale/<lang>/LC_MESSAGES``.

The ``.po`` files are the source of truth. They are compiled to ``.mo`` in memory with Babel when first
needed (no build step; ``pybabel compile -d src/wsis/locale -D wsis`` also works and is picked up first).
Numbers are formatted per locale with Babel.
"""

from __future__ import annotations

import gettext
import io
import math
from functools import lru_cache
from importlib import resources

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGS = ("en", "fr", "es", "ar", "ru", "zh")
RTL = frozenset({"ar"})
DOMAIN = "wsis"
NATIVE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский",
                "zh": "中文"}


@lru_cache(maxsize=8)
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext catalogue of a language (a null catalogue for English or a missing file)."""
    if lang not in LANGS or lang == "en":
        return gettext.NullTranslations()
    base = resources.files("wsis") / "locale" / lang / "LC_MESSAGES"
    mo, po = base / f"{DOMAIN}.mo", base / f"{DOMAIN}.po"
    if mo.is_file():
        return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    if not po.is_file():
        return gettext.NullTranslations()
    catalog = read_po(io.BytesIO(po.read_bytes()), locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(lang: str):
    """A ``_()`` function for one language."""
    return translations(lang).gettext


def pick_lang(prefix: str | None, accept_language: str | None, default: str = "en") -> str:
    """The page language: a URL prefix wins, then the first supported Accept-Language, then ``default``."""
    if prefix in LANGS:
        return prefix
    best: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")[:20]):
        bits = part.strip().split(";")
        code = bits[0].strip().lower().split("-")[0]
        q = 1.0
        for b in bits[1:]:
            if b.strip().startswith("q="):
                try:
                    q = float(b.strip()[2:])
                except ValueError:
                    q = 0.0
        if code in LANGS and q > 0:
            best.append((-q, i, code))
    return sorted(best)[0][2] if best else default


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def fmt_number(value, lang: str = "en", digits: int = 1) -> str:
    """A number formatted for a locale (grouping and decimal signs), ``–`` for missing values."""
    if value is None:
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "–"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(v, format=pattern, locale=_locale(lang))


def fmt_year(value) -> str:
    """A year, never grouped (2024, not 2,024)."""
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return "–"
