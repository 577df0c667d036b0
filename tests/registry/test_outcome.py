"""Every recommendation followed up: initiatives, commitments and milestones cite outcome paragraphs
(tag kind ``paragraphs``, validated against the paragraphs of the reference), and the follow-up reads."""

from __future__ import annotations

import pytest
from tests.registry.conftest import initiative_payload

from wsis.errors import WsisError
from wsis.registry import commitments, outcome, services, tracking
from wsis.registry.schemas import CommitmentIn, InitiativeIn, MilestoneIn, ModerationIn
from wsis.report import followup


def _commitment(**extra) -> CommitmentIn:
    body = {"title": "Fund 500 community networks", "target": "500 networks", "deadline": "2030-12-31",
            "organisation": {"name": "Dev Bank", "stakeholder_group": "international_organisation"},
            "countries": ["KEN"], "paragraphs": ["67"]}
    return CommitmentIn(**(body | extra))


def test_paragraph_tags_are_validated_and_followed_up(reg, users):
    alice, bob, mod = users["alice"][1], users["bob"][1], users["mod"][1]
    approve = ModerationIn(decision="approve")
    with pytest.raises(WsisError) as exc:
        services.submit_initiative(reg, alice, InitiativeIn(**initiative_payload(paragraphs=["128"])))
    assert exc.value.status == 422 and exc.value.column == "paragraphs"
    with pytest.raises(WsisError):
        commitments.submit_commitment(reg, alice, _commitment(paragraphs=["0"]))
    with pytest.raises(WsisError):
        tracking.add_milestone(reg, mod, "C2", MilestoneIn(title="Bad para", paragraphs=["para 9"]))

    ini = services.submit_initiative(reg, alice, InitiativeIn(**initiative_payload(paragraphs=["37", "67"])))
    ini = ini["initiative"]
    assert ini["paragraphs"] == ["37", "67"]
    com = commitments.submit_commitment(reg, bob, _commitment())
    assert com["paragraphs"] == ["67"]
    # pending entries are not action yet
    assert outcome.paragraphs_with_action(reg) == {}
    services.moderate_initiative(reg, mod, ini["id"], approve)
    commitments.moderate_commitment(reg, mod, com["id"], approve)
    tracking.add_milestone(reg, mod, "C2", MilestoneIn(title="Schools connected in pilot countries",
                                                       paragraphs=["37"], due_date="2027-12-31"))
    acted = outcome.paragraphs_with_action(reg)
    assert acted == {37: {"initiative": 1, "commitment": 0, "milestone": 1},
                     67: {"initiative": 1, "commitment": 1, "milestone": 0}}
    entries = outcome.paragraph_entries(67, "en", reg)
    assert [i["id"] for i in entries["initiatives"]] == [ini["id"]]
    assert [c["id"] for c in entries["commitments"]] == [com["id"]] and entries["milestones"] == []
    p37 = outcome.paragraph_entries(37, "en", reg)
    assert [m["roadmap"] for m in p37["milestones"]] == ["C2"]
    assert tracking.get_roadmap(reg, "C2")["milestones"][0]["paragraphs"] == ["37"]
    # an edit replaces the paragraphs it names
    commitments.update_commitment(reg, mod, com["id"], commitments.CommitmentPatch(paragraphs=["66"]))
    assert outcome.paragraph_entries(67, "en", reg)["commitments"] == []
    services.delete_initiative(reg, alice, ini["id"])
    assert 67 not in outcome.paragraphs_with_action(reg)


def test_followup_table_groups_paragraphs_by_section():
    paras = [{"para": 1, "section": "Introduction"}, {"para": 2, "section": "Introduction"},
             {"para": 3, "section": "Digital divides"}, {"para": 4, "section": "Digital divides"}]
    out = followup.summarise(paras, [{"paragraphs": ["2", "3"]}], [{"paragraphs": ["3"]}, {"paragraphs": ["3"]}],
                             [{"milestones": [{"paragraphs": ["4"]}, {"paragraphs": []}]}])
    assert out["n"] == 3 and out["total"] == 4
    assert [(s["section"], s["total"], [r["para"] for r in s["rows"]]) for s in out["sections"]] == \
        [("Introduction", 2, [2]), ("Digital divides", 2, [3, 4])]
    assert out["sections"][1]["rows"][0] == {"para": 3, "initiatives": 1, "commitments": 2, "milestones": 0}
