"""The gettext catalogues of the six UN languages (``<lang>/LC_MESSAGES/wsis.po``) and their loader.

The ``.po`` files are the source of truth. They are compiled to ``.mo`` in memory with Babel when first
needed (no build step; ``pybabel compile -d src/wsis/locale -D wsis`` also works and is picked up first).
The dashboard, the registry pages, the build (names of derived indicators) and the report all translate
through ``gettext_for`` and write numbers with ``format_number``.
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
from babel.numbers import NumberPattern, parse_pattern

from wsis.schema import LANGS, NATIVE_NAMES

DOMAIN = "wsis"
BABEL_LOCALE = {"zh": "zh_Hans"}


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


def round_to(value: float, decimals: int) -> float:
    """Round half away from zero (what readers expect: 2.5 -> 3), as a float."""
    q = 10 ** decimals
    v = abs(float(value)) * q
    r = math.floor(v + 0.5) / q
    return math.copysign(r, float(value)) if r else 0.0


@lru_cache(maxsize=8)
def locale_of(lang: str) -> Locale:
    """The Babel locale of a language (Simplified Chinese for ``zh``)."""
    return Locale.parse(BABEL_LOCALE.get(lang, lang))


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in language ``lang`` (e.g. ``en`` in Chinese: 英语)."""
    return locale_of(lang).languages.get(code) or NATIVE_NAMES.get(code, code)


def format_number(value, lang: str = "en", decimals: int = 1, exact: bool = False) -> str:
    """A number in a locale's grouping and decimal signs, rounded half away from zero to ``decimals``
    (trailing zeros kept with ``exact``, dropped otherwise); ``–`` for a missing value."""
    if value is None:
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "–"
    return _pattern(decimals, exact).apply(round_to(v, decimals), locale_of(lang))


@lru_cache(maxsize=64)
def _pattern(decimals: int, exact: bool) -> NumberPattern:
    """The parsed Babel number pattern (parsing it took a quarter of a chart page's time)."""
    return parse_pattern("#,##0" + ("." + ("0" if exact else "#") * decimals if decimals else ""))
