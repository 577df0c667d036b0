"""Commitments in several languages (revision 0006_commitment_texts): API bodies with ``lang`` and ``texts``
(old bodies still work), ``?lang=`` on get and list, the page and the lists in Arabic and Chinese with the
fallback notice, the forms (language of the text, a text per language on the edit form), CSV import with and
without a ``lang`` column, and the migration up, down and up again with data. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import re

import pytest
from fastapi.testclient import TestClient
from tests.registry.test_web_form import _login

from wsis.errors import WsisError
from wsis.registry import auth, commitments, opendata
from wsis.registry.commitment_import import COLUMNS, import_commitments
from wsis.registry.models import Commitment
from wsis.registry.policy import SYSTEM, Actor
from wsis.registry.schemas import CommitmentIn, CommitmentPatch, ModerationIn

API = "/api/v1/registry"
APPROVE = ModerationIn(decision="approve")
NOTICE_ZH = "此条目没有您所用语言的文本"  # start of the zh fallback notice
NOTICE_AR = "لا يوجد لهذا الإدخال نص بلغتك"  # start of the ar fallback notice
BASE = {"deadline": "2029-12-31", "organisation": {"name": "Banque du Sahel", "stakeholder_group": "private_sector"},
        "countries": ["SEN"], "action_lines": ["C2"], "paragraphs": ["67"], "registered_on": "2025-01-15"}


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _bearer(reg, users, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.create_token(reg, users[name][1], 't', ['read', 'submit'])}"}


def test_api_bodies_with_lang_and_texts(client, reg, users):
    head = _bearer(reg, users, "alice")
    body = BASE | {"title": "Fonds pour 40 réseaux communautaires", "lang": "fr", "target": "40 réseaux",
                   "description": "<p>Des réseaux <script>x</script>villageois</p>",
                   "texts": [{"lang": "ar", "title": "صندوق لأربعين شبكة مجتمعية", "target": "40 شبكة"}]}
    r = client.post(f"{API}/commitments", json=body, headers=head)
    assert r.status_code == 201, r.text
    made = r.json()["data"]
    assert made["original_lang"] == "fr" and made["lang"] == "fr" and made["title"].startswith("Fonds")
    assert [t["lang"] for t in made["texts"]] == ["ar", "fr"] and "<script>" not in made["description"]
    old = client.post(f"{API}/commitments", json=BASE | {"title": "Backbone grant", "target": "300 km of fibre"},
                      headers=head)
    assert old.status_code == 201 and old.json()["data"]["original_lang"] == "en"  # no lang: English
    only = client.post(f"{API}/commitments", headers=head, json=BASE | {
        "texts": [{"lang": "zh", "title": "农村学校连接承诺", "target": "连接500所学校"}]})
    assert only.status_code == 201 and only.json()["data"]["original_lang"] == "zh"
    twice = client.post(f"{API}/commitments", headers=head, json=body | {
        "texts": [{"lang": "fr", "title": "Encore une fois", "target": "x" * 5}]})
    assert twice.status_code == 422 and "one title per language" in twice.text
    assert client.post(f"{API}/commitments", headers=head, json=BASE | {"title": "No target"}).status_code == 422
    assert client.post(f"{API}/commitments", headers=head, json=BASE).status_code == 422
    mod = users["mod"][1]
    for c in (made, old.json()["data"], only.json()["data"]):
        commitments.moderate_commitment(reg, mod, c["id"], APPROVE)
    one = client.get(f"{API}/commitments/{made['id']}", params={"lang": "ar"}).json()["data"]
    assert one["title"] == "صندوق لأربعين شبكة مجتمعية" and one["lang"] == "ar" and one["target"] == "40 شبكة"
    es = client.get(f"{API}/commitments/{made['id']}", params={"lang": "es"}).json()["data"]
    assert es["lang"] == "fr" and es["title"] == "Fonds pour 40 réseaux communautaires"
    assert client.get(f"{API}/commitments/{made['id']}", params={"lang": "xx"}).status_code == 422
    listed = {c["id"]: c for c in client.get(f"{API}/commitments", params={"lang": "zh"}).json()["data"]}
    assert listed[only.json()["data"]["id"]]["title"] == "农村学校连接承诺"
    assert listed[made["id"]]["lang"] == "fr" and listed[old.json()["data"]["id"]]["lang"] == "en"
    # PATCH: an old body changes the own language's text; with lang it adds or changes another
    patched = client.patch(f"{API}/commitments/{made['id']}", headers=head,
                           json={"title": "Tekst", "lang": "ru"})
    assert patched.status_code == 422 and "needs a title and a target" in patched.text
    patched = client.patch(f"{API}/commitments/{made['id']}", headers=head,
                           json={"title": "Фонд для 40 общинных сетей", "target": "40 сетей", "lang": "ru"})
    assert patched.status_code == 200, patched.text
    assert [t["lang"] for t in patched.json()["data"]["texts"]] == ["ar", "fr", "ru"]
    client.patch(f"{API}/commitments/{made['id']}", headers=head, json={"target": "45 réseaux"})
    with reg.read() as s:  # the commitment's own columns keep the text in its own language
        row = s.get(Commitment, made["id"])
        assert (row.title, row.target, row.original_lang) == ("Fonds pour 40 réseaux communautaires", "45 réseaux",
                                                               "fr")
    # texts replace every text; without its own language the first one becomes the commitment's
    saved = commitments.update_commitment(reg, SYSTEM, made["id"], CommitmentPatch.model_validate(
        {"texts": [{"lang": "ar", "title": "صندوق الشبكات", "target": "45 شبكة"}]}))
    assert saved["original_lang"] == "ar" and [t["lang"] for t in saved["texts"]] == ["ar"]
    with reg.read() as s:
        assert s.get(Commitment, made["id"]).title == "صندوق الشبكات"


def test_pages_in_arabic_and_chinese_with_the_fallback_notice(app, reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    ar = commitments.submit_commitment(reg, alice, CommitmentIn.model_validate(BASE | {
        "title": "Connect 500 rural schools", "target": "500 schools", "amount": "250000", "currency": "USD",
        "finance_type": "grant", "texts": [{"lang": "ar", "title": "ربط 500 مدرسة ريفية", "target": "500 مدرسة",
                                            "description": "مدارس في المناطق الريفية"}]}))
    fr = commitments.submit_commitment(reg, alice, CommitmentIn.model_validate(BASE | {
        "title": "Former 1000 femmes au numérique", "lang": "fr", "target": "1000 femmes formées"}))
    for c in (ar, fr):
        commitments.moderate_commitment(reg, mod, c["id"], APPROVE)
    with TestClient(app) as anon:
        page = anon.get(f"/registry/commitments/{ar['id']}?lang=ar").text
        assert 'dir="rtl"' in page and '<h1 lang="ar" dir="rtl">ربط 500 مدرسة ريفية</h1>' in page
        assert '<dd lang="ar" dir="rtl">500 مدرسة</dd>' in page and NOTICE_AR not in page
        zh = anon.get(f"/registry/commitments/{ar['id']}?lang=zh").text
        assert '<h1 lang="en" dir="ltr">Connect 500 rural schools</h1>' in zh and NOTICE_ZH in zh and "English" in zh
        fr_ar = anon.get(f"/registry/commitments/{fr['id']}?lang=ar").text
        assert '<h1 lang="fr" dir="ltr">Former 1000 femmes au numérique</h1>' in fr_ar and NOTICE_AR in fr_ar
        assert "Français" in fr_ar
        lst = anon.get("/registry/action-lines/C2?lang=ar").text  # the registry's action-line list
        assert f'commitments/{ar["id"]}?lang=ar" lang="ar" dir="auto">ربط 500 مدرسة ريفية</a>' in lst
        assert f'commitments/{fr["id"]}?lang=ar" lang="fr" dir="auto">Former 1000 femmes au numérique</a>' in lst
        assert 'class="fallback"' in lst
    # the dashboard blocks read the registry through the same service, in the page's language
    from wsis.registry import outcome

    assert [c["title"] for c in outcome.paragraph_entries(67, "ar", reg)["commitments"]] == \
        ["Former 1000 femmes au numérique", "ربط 500 مدرسة ريفية"]
    assert [c["lang"] for c in commitments.commitments_for_country("SEN", reg, "zh")] == ["fr", "en"]
    # the report and the totals read the commitment's own text, as before
    assert {c["title"] for c in commitments.list_commitments(reg)["data"]} == \
        {"Connect 500 rural schools", "Former 1000 femmes au numérique"}
    texts = opendata.public_tables(reg)["commitment_texts"]
    assert {(t["commitment_id"], t["lang"]) for t in texts} == {(ar["id"], "ar"), (ar["id"], "en"), (fr["id"], "fr")}
    assert {c["lang"] for c in opendata.public_tables(reg)["commitments"]} == {"en", "fr"}


def test_forms_language_of_the_text_and_a_text_per_language(app, reg, users):
    with TestClient(app) as owner:
        _login(owner, "alice@example.org")
        form = owner.get("/registry/commitments/new?lang=ru").text
        assert '<label for="f-lang">' in form and '<option value="ru" selected>' in form
        fields = {"csrf_token": _csrf(form), "ui": "ru", "lang": "ru", "title": "Подключить 200 библиотек",
                  "description": "", "target": "200 библиотек", "deadline": "2029-06-30", "organisation": "Фонд",
                  "stakeholder_group": "civil_society", "organisation_country": "", "countries": ["KAZ"],
                  "action_lines": ["C3"], "sdg_targets": "", "paragraphs": "", "amount": "", "currency": "",
                  "finance_type": "", "period_start": "", "period_end": ""}
        ok = owner.post("/registry/commitments/new", data=fields, follow_redirects=False)
        assert ok.status_code == 303
        cid = int(re.search(r"/registry/commitments/(\d+)", ok.headers["location"]).group(1))
        assert commitments.get_commitment(reg, users["alice"][1], cid)["original_lang"] == "ru"
        edit = owner.get(f"/registry/commitments/{cid}/edit?lang=zh").text
        assert 'name="title_zh"' in edit and 'value="Подключить 200 библиотек"' in edit and 'name="target_ar"' in edit
        changed = {"csrf_token": _csrf(edit), "ui": "zh", "deadline": "2029-06-30", "countries": ["KAZ"],
                   "action_lines": ["C3"], "sdg_targets": "", "paragraphs": "",
                   "title_ru": "Подключить 200 библиотек", "target_ru": "200 библиотек",
                   "title_zh": "连接200所图书馆", "target_zh": "200所图书馆", "description_zh": "哈萨克斯坦"}
        bad = owner.post(f"/registry/commitments/{cid}/edit", data=changed | {"target_zh": ""})
        assert bad.status_code == 422 and "连接200所图书馆" in bad.text  # kept in the form
        assert owner.post(f"/registry/commitments/{cid}/edit", data=changed | {"csrf_token": "x"}).status_code == 403
        saved = owner.post(f"/registry/commitments/{cid}/edit", data=changed, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        shown = owner.get(saved.headers["location"]).text
        assert '<h1 lang="zh" dir="ltr">连接200所图书馆</h1>' in shown and NOTICE_ZH not in shown
    item = commitments.get_commitment(reg, SYSTEM, cid, "zh")
    assert item["original_lang"] == "ru" and [t["lang"] for t in item["texts"]] == ["ru", "zh"]
    assert item["moderation"] == "pending" and item["description"] == "哈萨克斯坦"


def _write(path, rows, columns=COLUMNS):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns))
        w.writeheader()
        w.writerows(rows)


def test_csv_import_with_and_without_lang(reg, users, tmp_path):
    admin = users["admin"][1]
    admin = Actor(user_id=admin.user_id, role="admin", scopes=admin.scopes, via="system")  # as the CLI acts
    row = {"title": "Connecter 50 écoles", "target": "50 écoles", "deadline": "2028-06-30", "organisation": "ONG",
           "stakeholder_group": "civil_society", "countries": "SEN", "action_lines": "C2", "paragraphs": "67"}
    old = tmp_path / "old.csv"  # a file from before the lang column
    _write(old, [row], [c for c in COLUMNS if c != "lang"])
    assert import_commitments(reg, admin, old, approve=True)["imported"] == 1
    new = tmp_path / "new.csv"
    _write(new, [row | {"lang": "fr"}, row | {"title": "ربط 50 مدرسة", "target": "50 مدرسة", "lang": "AR"},
                 row | {"lang": ""}])
    ids = import_commitments(reg, admin, new, approve=True)["ids"]
    assert [commitments.get_commitment(reg, SYSTEM, i)["original_lang"] for i in ids] == ["fr", "ar", "en"]
    bad = tmp_path / "bad.csv"
    _write(bad, [row | {"lang": "de"}, row | {"target": "", "lang": "fr"}])
    with pytest.raises(WsisError) as exc:
        import_commitments(reg, admin, bad)
    assert [(e["row"], e["column"]) for e in exc.value.extra["errors"]] == [(2, "lang"), (3, "target")]
    assert commitments.list_commitments(reg)["count"] == 4  # nothing of the bad file
    # the export (own text and its lang) imports back in the same language
    exported = tmp_path / "export.csv"
    exported.write_text(opendata.table_csv(opendata.public_tables(reg)["commitments"], "commitments"),
                        encoding="utf-8")
    back = import_commitments(reg, admin, exported)["ids"]
    assert sorted(commitments.get_commitment(reg, SYSTEM, i)["original_lang"] for i in back) == ["ar", "en", "en",
                                                                                                 "fr"]


def test_migration_0006_up_down_up_with_data(empty_url):
    from alembic import command
    from sqlalchemy import inspect, text
    from tests.security.test_workflow import _alembic

    from wsis.registry.db import Registry

    reg = Registry(empty_url)
    try:
        _alembic(reg, command.upgrade, "0005_igf_texts")
        with reg.engine.begin() as conn:  # a commitment as it was before commitments had several languages
            conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, is_active, created_at) "
                              "VALUES (1, 'a@example.org', 'a', 'x', 'contributor', true, '2026-01-01')"))
            conn.execute(text("INSERT INTO organisations (id, name, stakeholder_group, country, created_at) "
                              "VALUES (1, 'Connect', 'civil_society', 'KEN', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO commitments (id, organisation_id, owner_id, title, description, target, deadline, "
                "is_financial, moderation, version, registered_on, created_at, updated_at) VALUES (1, 1, 1, "
                "'Solar schools', '<p>Kenya</p>', '100 schools', '2029-01-01', false, 'approved', 1, '2025-01-01', "
                "'2026-01-01', '2026-01-01')"))
        _alembic(reg, command.upgrade, "0006_commitment_texts")
        with reg.engine.begin() as conn:
            assert conn.execute(text("SELECT commitment_id, lang, title, description, target FROM commitment_texts")
                                ).one() == (1, "en", "Solar schools", "<p>Kenya</p>", "100 schools")
            assert conn.execute(text("SELECT original_lang FROM commitments")).scalar() == "en"
            conn.execute(text("UPDATE commitment_texts SET title = 'Solar schools in Kenya'"))
            conn.execute(text("INSERT INTO commitment_texts (commitment_id, lang, title, description, target) "
                              "VALUES (1, 'fr', 'Écoles solaires', '', '100 écoles')"))
        _alembic(reg, command.downgrade, "0005_igf_texts")
        assert "commitment_texts" not in set(inspect(reg.engine).get_table_names())
        assert "original_lang" not in {c["name"] for c in inspect(reg.engine).get_columns("commitments")}
        with reg.engine.begin() as conn:  # the text in the commitment's language becomes its own again
            assert conn.execute(text("SELECT title, target FROM commitments")).one() == \
                ("Solar schools in Kenya", "100 schools")
        _alembic(reg, command.upgrade, "head")
        with reg.engine.begin() as conn:
            assert conn.execute(text("SELECT lang, title FROM commitment_texts")).all() == \
                [("en", "Solar schools in Kenya")]
    finally:
        reg.dispose()


def test_restore_of_a_backup_made_before_the_texts(reg, users, tmp_path):
    import gzip
    import json

    from wsis.registry.backup import backup, restore

    c = commitments.submit_commitment(reg, users["alice"][1], CommitmentIn.model_validate(BASE | {
        "title": "Connecter 50 écoles", "lang": "fr", "target": "50 écoles",
        "texts": [{"lang": "ar", "title": "ربط 50 مدرسة", "target": "50 مدرسة"}]}))
    out = tmp_path / "b.json.gz"
    backup(reg, SYSTEM, out)
    doc = json.loads(gzip.decompress(out.read_bytes()))  # as revision 0005_igf_texts wrote it
    doc["revision"] = "0005_igf_texts"
    doc["tables"].pop("commitment_texts")
    for row in doc["tables"]["commitments"]:
        row.pop("original_lang")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    restore(reg, SYSTEM, old)
    back = commitments.get_commitment(reg, SYSTEM, c["id"], "ar")
    assert back["texts"] == [{"lang": "en", "title": "Connecter 50 écoles", "description": "", "target": "50 écoles"}]
    assert back["lang"] == "en" and back["original_lang"] == "en"
