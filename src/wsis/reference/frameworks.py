"""Policy frameworks: WSIS action lines, SDG goals/targets/indicators (6 languages), the WSIS–SDG
matrix, the Global Digital Compact objectives and the outcome document (A/RES/80/173).

``wsis build`` reads them from ``<data_dir>/framework`` and ``<data_dir>/sdg_metadata`` and stores them in the
release (``to_parts``); publishing rebuilds them from the release (``from_parts``) and never reads the data dir.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from wsis.errors import WsisError

FRAMEWORK_FILES = ("framework/wsis_action_lines.yaml", "framework/wsis_sdg_matrix.csv", "framework/gdc.yaml",
                   "framework/outcome_commitments.yaml", "sdg_metadata/sdg_goals_targets_indicators_6lang.csv")
SDG_COLUMNS = ["level", "code", "field", "en", "fr", "es", "ru", "zh", "ar"]
MATRIX_COLUMNS = ["action_line", "sdg_goal", "sdg_target", "link_level", "confidence"]
_PARTS = ("action_lines", "gdc_objectives", "paragraphs", "deliverables", "figures", "document", "actors")
SDG_LANG_COLUMNS = {"en": "text_en", "fr": "text_fr", "es": "text_es", "ru": "text_ru", "zh": "text_zh-Hans",
                    "ar": "text_ar"}


@dataclass(frozen=True)
class Frameworks:
    """The frameworks the platform tracks indicators against."""

    action_lines: list[dict[str, Any]]        # C1..C11, C7 with sub_lines
    sdg: pd.DataFrame                         # level, code, field, en, fr, es, ru, zh, ar
    matrix: pd.DataFrame                      # action_line, sdg_goal, sdg_target, link_level, confidence
    gdc_objectives: list[dict[str, Any]]
    paragraphs: list[dict[str, Any]]          # the 127 operative paragraphs
    deliverables: list[dict[str, Any]]        # deliverables_index
    figures: list[dict[str, Any]]             # figures_index
    document: dict[str, Any] = field(default_factory=dict)
    actors: dict[str, Any] = field(default_factory=dict)  # the outcome document's actor vocabulary

    def to_parts(self) -> dict[str, Any]:
        """The list- and mapping-shaped parts, JSON-ready (the two tables travel separately)."""
        return {k: getattr(self, k) for k in _PARTS}

    @classmethod
    def from_parts(cls, parts: dict[str, Any], sdg: pd.DataFrame, matrix: pd.DataFrame) -> Frameworks:
        """Rebuild the frameworks from what ``to_parts`` gave and the SDG and matrix tables."""
        return cls(sdg=sdg, matrix=matrix, **{k: parts.get(k) or ({} if k in ("document", "actors") else []) for k in _PARTS})

    def action_line(self, code: str) -> dict[str, Any]:
        """One action line (or C7 sub-line) by code, e.g. ``C5`` or ``C7-EHEALTH``."""
        for al in self.action_lines:
            if al["code"] == code:
                return al
            for sub in al.get("sub_lines") or []:
                if sub["code"] == code:
                    return sub
        raise WsisError("unknown-action-line", f"no action line {code!r}", expected="C1..C11 or a C7 sub-line",
                        status=404)

    def action_line_codes(self, with_sub_lines: bool = True) -> list[str]:
        """Codes of the action lines, C7's sub-lines included by default."""
        out = []
        for al in self.action_lines:
            out.append(al["code"])
            if with_sub_lines:
                out += [s["code"] for s in al.get("sub_lines") or []]
        return out

    def sdg_title(self, code: str, lang: str = "en") -> str | None:
        """Title of an SDG goal, target or indicator (dotted code) in a UN language."""
        sel = self.sdg[(self.sdg["code"] == code) & (self.sdg["field"] == "title")]
        if sel.empty:
            return None
        return sel.iloc[0][lang] or sel.iloc[0]["en"]

    def paragraph(self, n: int) -> dict[str, Any]:
        """One operative paragraph of the outcome document."""
        for p in self.paragraphs:
            if p["para"] == n:
                return p
        raise WsisError("unknown-paragraph", f"no paragraph {n}", expected="1..127", status=404)

    def paragraphs_for_action_line(self, code: str) -> list[dict[str, Any]]:
        """Paragraphs tagged (editorially) with an action line."""
        base = code.split("-")[0]
        return [p for p in self.paragraphs if code in (p.get("action_lines_editorial") or [])
                or base in (p.get("action_lines_editorial") or [])]


def _yaml(path: Path) -> Any:
    if not path.exists():
        raise WsisError("reference-missing", "framework file not found", file=str(path))
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=4)
def load_frameworks(data_dir: Path) -> Frameworks:
    """Load every framework file from a data dir (cached per folder)."""
    fw = Path(data_dir) / "framework"
    al = _yaml(fw / "wsis_action_lines.yaml")["action_lines"]
    sdg = pd.read_csv(Path(data_dir) / "sdg_metadata" / "sdg_goals_targets_indicators_6lang.csv", dtype=str,
                      keep_default_na=False)
    sdg = sdg.rename(columns={v: k for k, v in SDG_LANG_COLUMNS.items()})
    matrix = pd.read_csv(fw / "wsis_sdg_matrix.csv", dtype=str, keep_default_na=False)
    gdc = _yaml(fw / "gdc.yaml")
    oc = _yaml(fw / "outcome_commitments.yaml")
    return Frameworks(action_lines=al, sdg=sdg, matrix=matrix, gdc_objectives=gdc["objectives"],
                      paragraphs=oc["paragraphs"], deliverables=oc["deliverables_index"],
                      figures=oc["figures_index"], document=oc["document"],
                      actors=dict((oc.get("vocabulary") or {}).get("actors") or {}))
