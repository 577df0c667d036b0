"""Reference vocabularies the registry validates against: from the frameworks of the release being served
(``vocabulary_from``, what the dashboard and the report use), or read from ``{data_dir}/framework``.

One small module so it can be swapped for ``wsis.reference`` later: action lines (with the C7
sub-lines), GDC objectives, countries, SDG targets, the outcome document's dated deliverables.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from wsis.errors import WsisError
from wsis.reference.frameworks import Frameworks
from wsis.schema import LANGS

STAKEHOLDER_GROUPS = ("government", "private_sector", "civil_society", "international_organisation",
                      "technical_community", "academia", "youth")
BENEFICIARY_GROUPS = ("women_girls", "persons_with_disabilities", "older_persons", "indigenous_peoples",
                      "rural_communities", "ldc", "lldc", "sids")
PROJECT_STATUSES = ("planned", "ongoing", "completed", "suspended")
FINANCE_TYPES = ("grant", "loan", "blended", "in_kind")
LANGUAGES = tuple(sorted(LANGS))
JOINT_ROADMAP = "WSIS-GDC"
_SDG_TARGET = re.compile(r"^(?:[1-9]|1[0-7])\.(?:[1-9][0-9]?|[a-z])$")


@dataclass(frozen=True)
class Vocabulary:
    """Codes and labels the registry accepts."""

    action_lines: dict[str, str]
    gdc_objectives: dict[str, str]
    countries: dict[str, str]
    deliverables: list[dict] = field(default_factory=list)
    actors: dict[str, str] = field(default_factory=dict)
    facilitators: dict[str, str] = field(default_factory=dict)
    paragraphs: dict[str, str] = field(default_factory=dict)  # outcome-document paragraph number -> summary

    def is_sdg_target(self, code: str) -> bool:
        """True for an SDG target id such as ``9.c`` or ``17.8``."""
        return bool(_SDG_TARGET.match(code))


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        raise WsisError("reference-missing", "reference file not found", file=str(path),
                        hint="set WSIS_DATA_DIR to the data mirror", status=500)
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _names(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value or "")


def _paragraphs(rows: list[dict]) -> dict[str, str]:
    """Operative paragraphs as tag codes (``"67"``) with their summaries."""
    return {str(int(p["para"])): str(p.get("summary") or "") for p in rows}


def vocabulary_from(frameworks: Frameworks, countries: dict[str, str]) -> Vocabulary:
    """The vocabulary from frameworks as a release stores them, and the UN countries (ISO3 -> name)."""
    lines: dict[str, str] = {}
    facilitators: dict[str, str] = {}
    for line in frameworks.action_lines:
        for item in (line, *(line.get("sub_lines") or [])):
            lines[item["code"]] = item["title"]
            facilitators[item["code"]] = _names(item.get("lead_facilitator"))
    return Vocabulary(action_lines=lines, gdc_objectives={str(o["id"]): o["title"] for o in frameworks.gdc_objectives},
                      countries=dict(countries), deliverables=list(frameworks.deliverables),
                      actors=dict(frameworks.actors), facilitators=facilitators,
                      paragraphs=_paragraphs(frameworks.paragraphs))


@lru_cache(maxsize=4)
def load_vocabulary(data_dir: Path) -> Vocabulary:
    """Read the framework files under ``data_dir/framework`` (cached per folder)."""
    fw = Path(data_dir) / "framework"
    al = _read_yaml(fw / "wsis_action_lines.yaml")
    lines: dict[str, str] = {}
    facilitators: dict[str, str] = {}
    for line in al["action_lines"]:
        lines[line["code"]] = line["title"]
        facilitators[line["code"]] = _names(line.get("lead_facilitator"))
        for sub in line.get("sub_lines") or []:
            lines[sub["code"]] = sub["title"]
            facilitators[sub["code"]] = _names(sub.get("lead_facilitator"))
    gdc = _read_yaml(fw / "gdc.yaml")
    objectives = {str(o["id"]): o["title"] for o in gdc["objectives"]}
    countries: dict[str, str] = {}
    path = fw / "countries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            countries[row["iso3"]] = row["name"]
    oc = _read_yaml(fw / "outcome_commitments.yaml")
    return Vocabulary(action_lines=lines, gdc_objectives=objectives, countries=countries,
                      deliverables=list(oc.get("deliverables_index") or []),
                      actors=dict(oc.get("vocabulary", {}).get("actors") or {}), facilitators=facilitators,
                      paragraphs=_paragraphs(oc.get("paragraphs") or []))
