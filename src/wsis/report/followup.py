"""Follow-up of every recommendation (A/RES/80/173 paras 119, 124): the operative paragraphs that public
registry entries cite, by section of the outcome document, from the report's registry snapshot."""

from __future__ import annotations

from typing import Any


def _cited(entries: list[dict[str, Any]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for e in entries:
        for code in set(e.get("paragraphs") or []):
            out[int(code)] = out.get(int(code), 0) + 1
    return out


def summarise(paragraphs: list[dict[str, Any]], initiatives: list[dict[str, Any]],
              commitments: list[dict[str, Any]], roadmaps: list[dict[str, Any]]) -> dict[str, Any]:
    """``{n, total, sections: [{section, total, rows: [{para, initiatives, commitments, milestones}]}]}``:
    each section of the document in order, with its paragraphs that have reported action."""
    counts = {"initiatives": _cited(initiatives), "commitments": _cited(commitments),
              "milestones": _cited([m for r in roadmaps for m in r.get("milestones") or []])}
    sections: list[dict[str, Any]] = []
    for p in paragraphs:
        name = p.get("section") or ""
        if not sections or sections[-1]["section"] != name:
            sections.append({"section": name, "total": 0, "rows": []})
        sec = sections[-1]
        sec["total"] += 1
        n = int(p["para"])
        row = {"para": n, **{k: c.get(n, 0) for k, c in counts.items()}}
        if any(row[k] for k in counts):
            sec["rows"].append(row)
    return {"n": sum(len(s["rows"]) for s in sections), "total": len(paragraphs), "sections": sections}
