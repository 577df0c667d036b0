"""Outcome-document paragraphs and the indicators that evidence them.

The mapping is not a second list: it is read from each indicator's citations in the release
(``action_line_refs``, e.g. "A/RES/80/173 para 36", "paras 43-45", "paras 74 and 76"), so it follows the
catalogue the release was built with.
"""

from __future__ import annotations

import json
import re

from wsis.query.memo import memo
from wsis.query.names import indicator_names, indicators
from wsis.query.releases import Release

_CITE = re.compile(r"A/RES/80/173\s+paras?\s+([0-9][0-9\s,\-–and]*)")


def cited_paragraphs(citation: str) -> set[int]:
    """Paragraph numbers of A/RES/80/173 named in a citation text (ranges and lists expanded)."""
    out: set[int] = set()
    for m in _CITE.finditer(citation or ""):
        for part in re.split(r",|\band\b", m.group(1)):
            nums = [int(n) for n in re.findall(r"\d+", part)]
            if len(nums) == 2 and re.search(r"[\-–]", part):
                out.update(range(nums[0], nums[1] + 1))
            else:
                out.update(nums)
    return out


def paragraph_indicators(rel: Release) -> dict[int, list[str]]:
    """``{paragraph: [indicator codes]}`` from the indicators' citations of the outcome document."""
    def build() -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        ind = indicators(rel)
        if "action_line_refs" not in ind.columns:
            return out
        for code, refs in zip(ind["INDICATOR"], ind["action_line_refs"], strict=True):
            if not refs:
                continue
            texts = json.loads(refs).values() if isinstance(refs, str) and refs.startswith("{") else [str(refs)]
            for para in sorted(set().union(*(cited_paragraphs(t) for t in texts))):
                out.setdefault(para, []).append(code)
        return dict(sorted(out.items()))
    return memo(("paraind", rel.id), build)


def outcome_links(rel: Release, lang: str = "en") -> dict[int, list[dict[str, str]]]:
    """Outcome-document paragraph -> the indicators (code, name in ``lang``) that evidence it, for ``/outcome``."""
    names = indicator_names(rel, lang)
    return {p: [{"code": c, "name": names.get(c, c)} for c in codes]
            for p, codes in paragraph_indicators(rel).items()}
