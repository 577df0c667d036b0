"""Numbers in the report: how precisely each value may be stated, and how it is written in each language.

The rule is "never more precise than the data": a value is rounded to the decimals its unit allows in the
context (prose or table), and never to more decimals than the source itself carries. Every number printed
from the data is a :class:`Fact`, which keeps the raw value and where it came from, so the HTML can carry
both (``<data value=...>``) and a test can check the text against the release.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from wsis.locale import format_number, locale_of, round_to  # noqa: F401 - round_to re-exported

# Decimals allowed per unit: (in prose, in tables).
UNIT_DECIMALS: dict[str, tuple[int, int]] = {
    "PT": (0, 1), "PER_100_POP": (0, 1), "PT_GNI_PC": (1, 1), "PT_INCOME": (1, 1), "USD": (1, 2),
    "PPP_USD": (1, 2), "INDEX": (1, 1), "NUMBER": (0, 0), "PERSONS": (0, 0), "BIT_PER_S": (0, 0),
    "T": (0, 0), "KG_PER_CAPITA": (1, 2), "MS": (0, 0), "DAYS": (0, 1), "MBIT_PER_S": (1, 1), "YES_NO": (0, 0),
    "COUNT": (0, 0), "MONEY": (0, 0),
}
LARGE_UNITS = frozenset({"NUMBER", "PERSONS", "BIT_PER_S", "MONEY"})


def source_decimals(value: float, cap: int = 6) -> int:
    """Decimals the source value itself carries (67.0 -> 0, 92.62 -> 2), at most ``cap``."""
    if value is None or not math.isfinite(float(value)):
        return 0
    text = f"{round(float(value), cap):.{cap}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def decimals_for(unit: str | None, context: str = "prose", value: float | None = None,
                 source: float | None = None) -> int:
    """Decimals to state: the unit's rule for the context, capped by the source's own decimals."""
    prose, table = UNIT_DECIMALS.get(unit or "", (1, 1))
    allowed = prose if context == "prose" else table
    if source is not None:
        allowed = min(allowed, source_decimals(source))
    return max(0, allowed)


def fmt(value: float | None, lang: str, decimals: int = 0) -> str:
    """A number in a locale's digits and separators with exactly ``decimals`` decimals; ``–`` if missing."""
    return format_number(value, lang, decimals, exact=True)


def plural_form(lang: str, n: float) -> str:
    """The CLDR plural category of ``n`` in a language (one, two, few, many, other, zero)."""
    return locale_of(lang).plural_form(n)


@dataclass(frozen=True)
class Fact:
    """One number stated in the report, with the value it was rounded from and its provenance.

    ``ref`` names the release observation(s): ``{"kind": "obs", "indicator", "area", "year", "dims"}`` or,
    for a difference, ``{"kind": "diff", "a": <ref>, "b": <ref>}``; registry counts use ``kind="registry"``.
    """

    value: float
    decimals: int
    unit: str | None = None
    ref: dict[str, Any] = field(default_factory=dict)

    @property
    def stated(self) -> float:
        """The value as stated (rounded)."""
        return round_to(self.value, self.decimals)

    def text(self, lang: str) -> str:
        """The stated value written for a language."""
        return fmt(self.value, lang, self.decimals)


def scaled(value: float, lang: str, words: dict[str, str], digits: int = 3) -> tuple[str, float, int]:
    """A large count in words with ``digits`` significant figures: (text, stated value, mantissa decimals).

    ``words`` holds the language's ``million``/``billion`` templates, e.g. ``"{n} million"``.
    """
    v = float(value)
    for scale, key in ((1e9, "billion"), (1e6, "million")):
        if abs(v) >= scale:
            m = v / scale
            dec = max(0, digits - 1 - int(math.floor(math.log10(abs(m)))))
            return words[key].format(n=fmt(m, lang, dec)), round_to(m, dec) * scale, dec
    dec = 0
    return fmt(v, lang, dec), round_to(v, dec), dec
