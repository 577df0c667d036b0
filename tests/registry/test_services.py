"""Service layer: submission, moderation, visibility, audit trail, search, facets, duplicates."""

from __future__ import annotations

import pytest
from tests.registry.conftest import initiative_payload

from wsis.errors import WsisError
from wsis.registry import services
from wsis.registry.policy import ANONYMOUS
from wsis.registry.schemas import InitiativeIn, InitiativePatch, ModerationIn


def _submit(reg, actor, **kw):
    return services.submit_initiative(reg, actor, InitiativeIn.model_validate(initiative_payload(**kw)))


def test_submit_moderate_publish_and_audit(reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    res = _submit(reg, alice)
    iid = res["initiative"]["id"]
    assert res["initiative"]["moderation"] == "pending"
    # pending: invisible to the public and other contributors, visible to owner and moderators
    for who in (ANONYMOUS, users["bob"][1]):
        with pytest.raises(WsisError) as exc:
            services.get_initiative(reg, who, iid)
        assert exc.value.status == 404
    assert services.get_initiative(reg, alice, iid)["id"] == iid
    assert services.list_initiatives(reg)["count"] == 0
    with pytest.raises(WsisError) as exc:
        services.moderate_initiative(reg, mod, iid, ModerationIn(decision="reject"))
    assert exc.value.column == "reason"
    services.moderate_initiative(reg, mod, iid, ModerationIn(decision="approve"))
    assert services.get_initiative(reg, ANONYMOUS, iid)["moderation"] == "approved"
    # an owner's edit goes back to moderation and leaves the public views
    services.update_initiative(reg, alice, iid, InitiativePatch(status="completed"))
    assert services.list_initiatives(reg)["count"] == 0
    history = services.initiative_history(reg, alice, iid)
    assert [h["action"] for h in history] == ["submit", "approve", "edit"]
    assert [h["version"] for h in history] == [1, 2, 3]
    assert history[1]["actor_id"] == users["mod"][0]
    assert history[2]["data"]["status"] == "completed"


def test_soft_delete_keeps_row_and_history(reg, users):
    alice, mod, admin = users["alice"][1], users["mod"][1], users["admin"][1]
    iid = _submit(reg, alice)["initiative"]["id"]
    services.moderate_initiative(reg, mod, iid, ModerationIn(decision="approve"))
    with pytest.raises(WsisError) as exc:
        services.delete_initiative(reg, users["bob"][1], iid)
    assert exc.value.status == 403
    services.delete_initiative(reg, alice, iid)
    assert services.list_initiatives(reg, q="solar")["count"] == 0
    with pytest.raises(WsisError):
        services.get_initiative(reg, ANONYMOUS, iid)
    assert services.get_initiative(reg, admin, iid)["deleted"] is True
    assert services.initiative_history(reg, admin, iid)[-1]["action"] == "delete"


def test_search_languages_and_facets(reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    texts = {"fr": "Énergie solaire pour les écoles rurales", "ar": "التحول الرقمي في المدارس",
             "zh": "农村学校数字包容项目", "ru": "Цифровая грамотность для сельских школ",
             "es": "Alfabetización digital para mujeres rurales", "en": "Open data for parliaments"}
    for lang, title in texts.items():
        body = initiative_payload(title=title, org=f"Org {lang}")
        body["texts"] = [{"lang": lang, "title": title, "description": ""}]
        if lang == "en":
            body["action_lines"], body["countries"] = ["C1"], ["FRA"]
        iid = services.submit_initiative(reg, alice, InitiativeIn.model_validate(body))["initiative"]["id"]
        services.moderate_initiative(reg, mod, iid, ModerationIn(decision="approve"))
    for query, lang in (("ecoles", "fr"), ("écoles rurales", "fr"), ("الرقمي", "ar"), ("数字包容", "zh"),
                        ("грамотность", "ru"), ("alfabetizacion", "es"), ("parliament", "en")):
        page = services.list_initiatives(reg, q=query)
        assert page["count"] == 1, query
        assert page["data"][0]["lang"] == lang
    page = services.list_initiatives(reg, action_lines="C7")
    assert page["count"] == 5 and page["facets"]["action_lines"]["C7-ELEARN"] == 5
    assert services.list_initiatives(reg, countries="FRA")["count"] == 1
    assert services.list_initiatives(reg, stakeholder_group="civil_society", sdg_targets="9.c")["count"] == 6
    assert services.list_initiatives(reg, q="écoles", groups="rural_communities")["count"] == 1
    assert len(services.initiatives_for_action_line("C1", reg)) == 1
    assert len(services.initiatives_for_country("KEN", reg)) == 5


def test_duplicate_suggestions(reg, users):
    alice, bob = users["alice"][1], users["bob"][1]
    first = _submit(reg, alice, title="Digital skills for rural women", org="Women Connect")
    res = _submit(reg, bob, title="Digital skills for rural women!", org="Women Connect Kenya")
    assert res["possible_duplicates"] == []  # another contributor's pending entry is never disclosed
    services.moderate_initiative(reg, users["mod"][1], first["initiative"]["id"], ModerationIn(decision="approve"))
    res = _submit(reg, users["admin"][1], title="Digital skills for rural women!", org="Women Connect Kenya")
    assert res["possible_duplicates"] and res["possible_duplicates"][0]["score"] >= 0.8
    other = _submit(reg, bob, title="Undersea cable landing station", org="Cable Co")
    assert other["possible_duplicates"] == []


def test_idempotent_resubmission(reg, users):
    alice = users["alice"][1]
    data = InitiativeIn.model_validate(initiative_payload())
    a = services.submit_initiative(reg, alice, data, idempotency_key="k-1")
    b = services.submit_initiative(reg, alice, data, idempotency_key="k-1")
    assert a["initiative"]["id"] == b["initiative"]["id"] and b["replayed"] is True


@pytest.mark.parametrize("field,value,column", [
    ("action_lines", ["C12"], "action_lines"), ("countries", ["XXX"], "countries"),
    ("sdg_targets", ["18.1"], "sdg_targets"), ("groups", ["aliens"], "groups"),
    ("links", ["javascript:alert(1)"], "links"), ("end_date", "2000-01-01", "end_date"),
])
def test_vocabulary_is_enforced(reg, users, field, value, column):
    body = initiative_payload(start_date="2020-01-01", **{field: value})
    with pytest.raises(WsisError) as exc:
        services.submit_initiative(reg, users["alice"][1], InitiativeIn.model_validate(body))
    assert exc.value.status == 422 and exc.value.column == column
