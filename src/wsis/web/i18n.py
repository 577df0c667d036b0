"""Interface languages: the one language picker and the one number formatter of the dashboard, the registry
pages and the report. The catalogues are loaded by ``wsis.locale``; numbers are formatted per locale with Babel.
"""

from __future__ import annotations

from wsis.locale import format_number, gettext_for, translations  # noqa: F401 - re-exported
from wsis.schema import LANGS, NATIVE_NAMES, RTL  # noqa: F401 - re-exported for templates


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


def fmt_number(value, lang: str = "en", digits: int = 1) -> str:
    """A number for a page: at most ``digits`` decimals, locale signs (``wsis.locale.format_number``)."""
    return format_number(value, lang, digits)


def fmt_year(value) -> str:
    """A year, never grouped (2024, not 2,024)."""
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return "–"
