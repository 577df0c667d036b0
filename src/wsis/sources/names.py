"""Country names to ISO3 codes, for providers that name countries instead of coding them.

A name matches when, normalised (accents and punctuation removed, lower case), it equals the English
name of a country in the reference data, or a name in the reviewed alias list (``country_aliases.yaml``).
Anything else is unmatched: the caller drops those rows and reports them as a finding, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import pandas as pd
import yaml

from wsis.reference.areas import AreaReference


def normalise(name: str) -> str:
    """Lower-case ASCII words of a name: accents, apostrophes and punctuation dropped."""
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    s = s.replace("'", "")
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


@lru_cache(maxsize=1)
def reviewed_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """(normalised alias -> ISO3, name -> reason) from the packaged, hand-reviewed list."""
    doc = yaml.safe_load((resources.files("wsis.sources") / "country_aliases.yaml").read_text(encoding="utf-8"))
    aliases = {normalise(k): v for k, v in (doc.get("aliases") or {}).items()}
    return aliases, dict(doc.get("unmatched_reviewed") or {})


_MATCHERS: dict[int, tuple[AreaReference, NameMatcher]] = {}


def matcher_for(areas: AreaReference) -> NameMatcher:
    """The matcher of an area reference, built once per reference (adapters read many files)."""
    hit = _MATCHERS.get(id(areas))
    if hit is None or hit[0] is not areas:
        hit = (areas, NameMatcher(areas))
        _MATCHERS[id(areas)] = hit
    return hit[1]


class NameMatcher:
    """Match country names against the reference data plus the reviewed aliases."""

    def __init__(self, areas: AreaReference) -> None:
        en = areas.names[areas.names["lang"] == "en"]
        countries = set(areas.countries["code"])
        self._map = {normalise(n): c for c, n in zip(en["code"], en["name"], strict=True) if c in countries}
        self._map.update({normalise(c): c for c in countries})
        aliases, self.reviewed = reviewed_aliases()
        self._map.update(aliases)

    def code(self, name: str) -> str | None:
        """ISO3 of a name, or None when it is not in the reference data or the alias list."""
        return self._map.get(normalise(name))

    def match(self, names: pd.Series) -> pd.Series:
        """ISO3 per name (None where unmatched)."""
        uniq = {n: self.code(n) for n in names.dropna().unique()}
        return names.map(uniq)


def unmatched_findings(names: pd.Series, codes: pd.Series, rows: pd.Series, column: str,
                       reviewed: dict[str, str]) -> list[dict]:
    """One finding (as a dict for ``Finding``) per unmatched name, naming its first row."""
    out = []
    bad = codes.isna() & names.notna()
    for name, idx in names[bad].groupby(names[bad]).groups.items():
        why = reviewed.get(str(name).strip())
        msg = (f"country name {str(name).strip()!r} matches no ISO3 code in the reference data or the reviewed "
               f"alias list; its {len(idx)} row(s) are left out" + (f" (reviewed: {why})" if why else ""))
        out.append({"check_name": "unmatched-name", "severity": "warning", "message": msg,
                    "row_number": int(rows[idx[0]]), "column_name": column, "n": len(idx)})
    return out
