"""IGF entries in several languages (revision 0005_igf_texts): texts and the fallback notice on the pages,
full-text search in every language, the moderation queue page (four eyes, CSRF), the edit form, and CSV
import of old single-language files and multilingual ones. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.registry.test_web_form import _login

from wsis.errors import WsisError
from wsis.registry import igf
from wsis.registry.models import IgfForum, Version
from wsis.registry.policy import SYSTEM
from wsis.registry.schemas import ModerationIn

APPROVE = ModerationIn(decision="approve")
NOTICE_ZH = "此条目没有您所用语言的文本"  # start of the zh fallback notice
NOTICE_AR = "لا يوجد لهذا الإدخال نص بلغتك"  # start of the ar fallback notice


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _forum(reg, actor, approve_by=None, **kw):
    body = {"scope": "national", "countries": ["KEN"]} | kw
    f = igf.submit_forum(reg, actor, igf.ForumIn.model_validate(body))
    if approve_by is not None:
        igf.moderate_forum(reg, approve_by, f["id"], APPROVE)
    return f


def test_texts_in_several_languages_and_the_fallback_notice(app, reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    f = _forum(reg, alice, mod, name="Kenya Internet Governance Forum", lang="en",
               description="Annual multistakeholder meeting in Nairobi.",
               texts=[{"lang": "ar", "name": "منتدى كينيا لحوكمة الإنترنت", "description": "اجتماع سنوي"}])
    assert [t["lang"] for t in f["texts"]] == ["ar", "en"] and f["original_lang"] == "en"
    o = igf.submit_output(reg, alice, igf.OutputIn.model_validate(
        {"texts": [{"lang": "zh", "title": "互联网治理论坛利雅得信息"}], "kind": "messages", "year": 2024}))
    igf.moderate_output(reg, mod, o["id"], APPROVE)
    assert igf.get_output(reg, alice, o["id"])["original_lang"] == "zh"
    with TestClient(app) as anon:
        ar = anon.get(f"/registry/igf/forums/{f['id']}?lang=ar").text
        assert 'dir="rtl"' in ar and '<h1 lang="ar" dir="rtl">منتدى كينيا لحوكمة الإنترنت</h1>' in ar
        assert NOTICE_AR not in ar  # the visitor's language exists: no notice
        zh = anon.get(f"/registry/igf/forums/{f['id']}?lang=zh").text
        assert '<h1 lang="en" dir="ltr">Kenya Internet Governance Forum</h1>' in zh
        assert NOTICE_ZH in zh and "English" in zh
        out_ar = anon.get(f"/registry/igf/outputs/{o['id']}?lang=ar").text
        assert '<h1 lang="zh" dir="ltr">互联网治理论坛利雅得信息</h1>' in out_ar and NOTICE_AR in out_ar and "中文" in out_ar
        out_zh = anon.get(f"/registry/igf/outputs/{o['id']}?lang=zh").text
        assert NOTICE_ZH not in out_zh
        listing = anon.get("/registry/igf/?lang=zh").text  # the list marks names shown in another language
        assert f'forums/{f["id"]}?lang=zh" lang="en">Kenya Internet Governance Forum</a>' in listing
        api = anon.get(f"/api/v1/registry/igf/forums/{f['id']}?lang=ar").json()["data"]
        assert api["name"] == "منتدى كينيا لحوكمة الإنترنت" and api["lang"] == "ar" and len(api["texts"]) == 2
    with pytest.raises(Exception, match="one name per language"):
        igf.ForumIn.model_validate({"name": "Kenya IGF", "lang": "en", "scope": "national",
                                    "texts": [{"lang": "en", "name": "Kenya IGF again"}]})
    with pytest.raises(Exception, match="a name is required"):
        igf.ForumIn.model_validate({"scope": "national", "countries": ["KEN"]})


def test_search_in_arabic_chinese_and_russian(client, reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    ar = _forum(reg, alice, mod, name="Egypt IGF", countries=["EGY"],
                texts=[{"lang": "ar", "name": "منتدى حوكمة الإنترنت في مصر", "description": "الشمول الرقمي"}])
    zh = _forum(reg, alice, mod, name="China IGF", countries=["CHN"],
                texts=[{"lang": "zh", "name": "中国互联网治理论坛", "description": "数字包容"}])
    ru = _forum(reg, alice, mod, name="Russian IGF", countries=["RUS"],
                texts=[{"lang": "ru", "name": "Российский форум по управлению интернетом"}])
    _forum(reg, alice, None, name="Pending IGF", countries=["KAZ"],
           texts=[{"lang": "ru", "name": "Казахстанский форум по управлению интернетом"}])
    out = igf.submit_output(reg, alice, igf.OutputIn.model_validate(
        {"title": "Best practice forum on cybersecurity", "kind": "bpf_report", "year": 2023,
         "texts": [{"lang": "ru", "title": "Форум передового опыта по кибербезопасности"}]}))
    igf.moderate_output(reg, mod, out["id"], APPROVE)

    def ids(q, path="forums"):
        r = client.get(f"/api/v1/registry/igf/{path}", params={"q": q})
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["data"]]

    assert ids("مصر") == [ar["id"]] and ids("الرقمي") == [ar["id"]]
    assert ids("治理论坛") == [zh["id"]] and ids("包容") == [zh["id"]]
    assert ids("управлению интернетом") == [ru["id"]]  # the pending Kazakh forum is not public
    assert ids("форум") == [ru["id"]] and ids("Форум", "outputs") == [out["id"]]
    assert ids("кибербезопасности", "forums") == []
    assert set(ids("IGF")) == {ar["id"], zh["id"], ru["id"]}
    page = client.get("/registry/igf/", params={"q": "治理", "lang": "zh"}).text
    assert 'type="search"' in page and "中国互联网治理论坛" in page and "Egypt" not in page
    outs = client.get("/registry/igf/outputs", params={"q": "кибер", "lang": "ru"}).text
    assert "Форум передового опыта по кибербезопасности" in outs
    # an owner's edit takes the entry out of the public index until it is approved again
    igf.update_forum(reg, alice, ru["id"], igf.ForumIn.model_validate(
        {"name": "Russian IGF", "scope": "national", "countries": ["RUS"],
         "texts": [{"lang": "ru", "name": "Российский форум"}]}))
    assert ids("Российский") == []
    igf.moderate_forum(reg, mod, ru["id"], APPROVE)
    assert ids("Российский") == [ru["id"]] and ids("управлению") == []


def test_moderation_page_four_eyes_and_csrf(app, reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    theirs = _forum(reg, alice, None, name="Forum du Sénégal", lang="fr", countries=["SEN"])
    mine = _forum(reg, mod, None, name="Youth IGF Ghana", scope="youth", countries=["GHA"])
    out = igf.submit_output(reg, alice, igf.OutputIn(title="Messages from Kyoto", kind="messages", year=2023))
    igf.moderate_output(reg, mod, out["id"], APPROVE)
    up = igf.report_uptake(reg, alice, out["id"], igf.UptakeIn(used_by="CSTD", used_by_kind="un_process",
                                                               link="https://unctad.org/cstd"))
    with TestClient(app) as m:
        _login(m, "mod@example.org")
        page = m.get("/registry/moderation?lang=ar")
        assert page.status_code == 200 and 'dir="rtl"' in page.text
        assert "Forum du Sénégal" in page.text and "Youth IGF Ghana" in page.text and "CSTD" in page.text
        assert f'action="/registry/igf/moderation/forums/{theirs["id"]}"' in page.text
        assert f'action="/registry/igf/moderation/forums/{mine["id"]}"' not in page.text  # no form for one's own
        token = _csrf(page.text)
        own = m.post(f"/registry/igf/moderation/forums/{mine['id']}",
                     data={"csrf_token": token, "decision": "approve", "ui": "ar"}, follow_redirects=False)
        assert own.status_code == 403  # four eyes, even when the form is posted by hand
        forged = m.post(f"/registry/igf/moderation/forums/{theirs['id']}",
                        data={"csrf_token": "forged", "decision": "approve"}, follow_redirects=False)
        assert forged.status_code == 403
        assert igf.get_forum(reg, mod, theirs["id"])["moderation"] == "pending"
        no_reason = m.post(f"/registry/igf/moderation/uptake/{up['id']}",
                           data={"csrf_token": token, "decision": "reject"}, follow_redirects=False)
        assert no_reason.status_code == 422
        ok = m.post(f"/registry/igf/moderation/forums/{theirs['id']}",
                    data={"csrf_token": token, "decision": "approve", "ui": "ar"}, follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"].startswith("/registry/moderation?lang=ar")
        ok = m.post(f"/registry/igf/moderation/uptake/{up['id']}",
                    data={"csrf_token": token, "decision": "approve"}, follow_redirects=False)
        assert ok.status_code == 303
    with TestClient(app) as a:
        _login(a, "admin@example.org")
        token = _csrf(a.get("/registry/moderation?lang=zh").text)
        r = a.post(f"/registry/igf/moderation/forums/{mine['id']}",
                   data={"csrf_token": token, "decision": "reject", "reason": "duplicate"}, follow_redirects=False)
        assert r.status_code == 303
    with TestClient(app) as alice_c:
        _login(alice_c, "alice@example.org")
        assert alice_c.get("/registry/moderation").status_code in (401, 403)
    assert igf.get_forum(reg, mod, theirs["id"])["moderation"] == "approved"
    assert igf.get_forum(reg, mod, mine["id"])["moderation"] == "rejected"
    assert igf.get_output(reg, mod, out["id"])["uptake"][0]["moderation"] == "approved"
    with reg.read() as s:
        actions = [v.action for v in s.scalars(select(Version).where(Version.entity_type == "igf_forum",
                                                                     Version.entity_id == theirs["id"]))]
    assert actions == ["submit", "approve"]


def test_edit_form_owner_moderator_and_versions(app, reg, users):
    alice, mod = users["alice"][1], users["mod"][1]
    f = _forum(reg, alice, mod, name="Uganda IGF", countries=["UGA"], year_founded=2006)
    with TestClient(app) as c:
        _login(c, "alice@example.org")
        form = c.get(f"/registry/igf/forums/{f['id']}/edit?lang=ru")
        assert form.status_code == 200 and 'value="Uganda IGF"' in form.text and 'name="name_ru"' in form.text
        fields = {"csrf_token": _csrf(form.text), "ui": "ru", "name_en": "Uganda IGF",
                  "name_ru": "Форум Уганды по управлению интернетом", "description_ru": "Ежегодная встреча",
                  "scope": "national", "countries": ["UGA"], "year_founded": "2006", "status": "active",
                  "website": ""}
        assert c.post(f"/registry/igf/forums/{f['id']}/edit", data=fields | {"csrf_token": "x"}).status_code == 403
        bad = c.post(f"/registry/igf/forums/{f['id']}/edit", data=fields | {"name_en": "", "description_en": "x"})
        assert bad.status_code == 422 and "Форум Уганды по управлению интернетом" in bad.text  # kept in the form
        saved = c.post(f"/registry/igf/forums/{f['id']}/edit", data=fields, follow_redirects=False)
        assert saved.status_code == 303 and saved.headers["location"] == f"/registry/igf/forums/{f['id']}?lang=ru"
        mine = c.get(saved.headers["location"]).text
        assert "Форум Уганды по управлению интернетом" in mine and "Ежегодная встреча" in mine
    item = igf.get_forum(reg, mod, f["id"], "ru")
    assert item["moderation"] == "pending" and item["version"] == 3 and item["original_lang"] == "en"
    assert {t["lang"] for t in item["texts"]} == {"en", "ru"}
    igf.moderate_forum(reg, mod, f["id"], APPROVE)
    with TestClient(app) as b:
        _login(b, "bob@example.org")
        assert b.get(f"/registry/igf/forums/{f['id']}/edit").status_code == 403
        assert "/edit" not in b.get(f"/registry/igf/forums/{f['id']}").text
    with TestClient(app) as m:  # a moderator's edit of another's entry keeps it public
        _login(m, "mod@example.org")
        form = m.get(f"/registry/igf/forums/{f['id']}/edit?lang=fr")
        r = m.post(f"/registry/igf/forums/{f['id']}/edit", follow_redirects=False,
                   data={"csrf_token": _csrf(form.text), "name_en": "Uganda Internet Governance Forum",
                         "name_ru": "Форум Уганды", "scope": "national", "countries": ["UGA"], "status": "active"})
        assert r.status_code == 303
        o = igf.submit_output(reg, alice, igf.OutputIn(title="Policy network on meaningful access", kind="pn_report",
                                                       year=2022))
        form = m.get(f"/registry/igf/outputs/{o['id']}/edit?lang=es")
        assert form.status_code == 200 and 'name="title_es"' in form.text
        r = m.post(f"/registry/igf/outputs/{o['id']}/edit", follow_redirects=False,
                   data={"csrf_token": _csrf(form.text), "title_en": "Policy network on meaningful access",
                         "title_es": "Red de políticas sobre acceso significativo", "kind": "pn_report",
                         "year": "2022", "body": "PNMA", "link": ""})
        assert r.status_code == 303
    item = igf.get_forum(reg, SYSTEM, f["id"])
    assert item["moderation"] == "approved" and item["name"] == "Uganda Internet Governance Forum"
    assert igf.get_output(reg, SYSTEM, o["id"], "es")["title"] == "Red de políticas sobre acceso significativo"
    with reg.read() as s:
        trail = [(v.version, v.action) for v in s.scalars(select(Version).where(
            Version.entity_type == "igf_forum", Version.entity_id == f["id"]).order_by(Version.id))]
        assert s.get(IgfForum, f["id"]).name == "Uganda Internet Governance Forum"
    assert trail == [(1, "submit"), (2, "approve"), (3, "edit"), (4, "approve"), (5, "edit")]


def test_csv_old_format_and_multilingual(reg, users, tmp_path):
    old = tmp_path / "old.csv"  # the columns written before entries had several languages
    old.write_text("id,name,scope,countries,year_founded,status,website\n"
                   "7,Nigeria IGF,national,NGA,2011,active,https://nigf.org.ng/\n", encoding="utf-8")
    assert igf.import_csv(reg, SYSTEM, old, "forums", approve=True)["imported"] == 1
    (ng,) = igf.list_forums(reg)["items"]
    assert ng["original_lang"] == "en" and ng["texts"] == [{"lang": "en", "name": "Nigeria IGF", "description": ""}]
    multi = tmp_path / "multi.csv"
    multi.write_text(
        "name,lang,description,scope,countries,name_ar,description_ar,name_zh,name_ru\n"
        "Forum marocain de l'internet,fr,Rencontre annuelle,national,MAR,المنتدى المغربي للإنترنت,لقاء سنوي,,\n"
        ",,,regional,CHN;MNG,,,东北亚互联网治理论坛,Северо-восточноазиатский форум\n", encoding="utf-8")
    assert igf.import_csv(reg, SYSTEM, multi, "forums", approve=True)["imported"] == 2
    by_lang = {f["original_lang"]: f for f in igf.list_forums(reg)["items"]}
    assert {t["lang"] for t in by_lang["fr"]["texts"]} == {"fr", "ar"}
    assert by_lang["zh"]["name"] == "东北亚互联网治理论坛" and {t["lang"] for t in by_lang["zh"]["texts"]} == {"zh", "ru"}
    assert [f["id"] for f in igf.list_forums(reg, q="المغربي")["items"]] == [by_lang["fr"]["id"]]
    text = igf.export_csv(reg, "forums")
    rows = list(csv.DictReader(io.StringIO(text)))
    mar = next(r for r in rows if r["lang"] == "fr")
    assert mar["name_ar"] == "المنتدى المغربي للإنترنت" and mar["description_fr"] == "Rencontre annuelle"
    # the export imports again, every text kept
    again = igf.import_text(reg, SYSTEM, text, "export.csv", "forums")
    assert again["imported"] == 3
    reimported = igf.get_forum(reg, SYSTEM, again["ids"][-1])
    assert reimported["texts"] == next(f for f in igf.list_forums(reg)["items"] if f["id"] == int(rows[-1]["id"]))["texts"]
    lines = text.splitlines()
    header = lines[0].split(",")
    cells = next(csv.reader([lines[2]]))
    cells[header.index("name_es")], cells[header.index("description_es")] = "", "sin nombre"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, next(csv.reader([lines[1]])), cells])
    with pytest.raises(WsisError) as exc:
        igf.import_text(reg, SYSTEM, buf.getvalue(), "bad.csv", "forums")
    assert exc.value.row == 3 and exc.value.column == "name_es" and "nothing was imported" in exc.value.hint
    short = "title,kind,year,title_ar\nIGF 2025 messages,messages,2025,ab\n"
    with pytest.raises(WsisError) as exc:
        igf.import_text(reg, SYSTEM, short, "short.csv", "outputs")
    assert exc.value.column == "title_ar" and exc.value.row == 2
    assert igf.list_forums(reg)["total"] == 3 and igf.list_forums(reg, SYSTEM, pending=True)["total"] == 3


def test_migration_0005_up_and_down_with_existing_data(empty_url):
    from alembic import command
    from sqlalchemy import inspect, text
    from sqlalchemy.orm import Session
    from tests.security.test_workflow import _alembic

    from wsis.registry import search
    from wsis.registry.db import Registry

    reg = Registry(empty_url)
    try:
        _alembic(reg, command.upgrade, "0004_money")
        with reg.engine.begin() as conn:  # rows as they were before entries had several languages
            conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, is_active, created_at) "
                              "VALUES (1, 'a@example.org', 'a', 'x', 'contributor', true, '2026-01-01')"))
            conn.execute(text("INSERT INTO organisations (id, name, stakeholder_group, country, created_at) "
                              "VALUES (1, 'Connect', 'civil_society', 'KEN', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO initiatives (id, organisation_id, owner_id, moderation, status, links, contact_name, "
                "contact_email, contact_public, original_lang, version, created_at, updated_at) VALUES (1, 1, 1, "
                "'approved', 'ongoing', '[]', '', '', false, 'en', 1, '2026-01-01', '2026-01-01')"))
            conn.execute(text("INSERT INTO search_docs (initiative_id, lang, body) "
                              "VALUES (1, 'en', :b)"), {"b": search.normalise("Solar schools Kenya")})
            for i, (name, mod) in enumerate((("Kenya IGF", "approved"), ("Ghana IGF", "pending")), start=1):
                conn.execute(text(
                    "INSERT INTO igf_forums (id, owner_id, name, scope, countries, status, website, moderation, "
                    "version, created_at, updated_at) VALUES (:i, 1, :n, 'national', '[]', 'active', '', :m, 1, "
                    "'2026-01-01', '2026-01-01')"), {"i": i, "n": name, "m": mod})
            conn.execute(text(
                "INSERT INTO igf_outputs (id, owner_id, title, kind, year, body, link, moderation, version, "
                "created_at, updated_at) VALUES (1, 1, 'IGF 2025 messages', 'messages', 2025, '', '', 'approved', "
                "1, '2026-01-01', '2026-01-01')"))
        _alembic(reg, command.upgrade, "0005_igf_texts")
        with reg.engine.begin() as conn:
            texts = conn.execute(text("SELECT forum_id, lang, name, description FROM igf_forum_texts "
                                      "ORDER BY forum_id")).all()
            assert [tuple(r) for r in texts] == [(1, "en", "Kenya IGF", ""), (2, "en", "Ghana IGF", "")]
            assert conn.execute(text("SELECT lang, title FROM igf_output_texts")).one() == ("en", "IGF 2025 messages")
            assert conn.execute(text("SELECT original_lang FROM igf_forums WHERE id = 1")).scalar() == "en"
            conn.execute(text("UPDATE igf_forum_texts SET name = 'Kenya Internet Governance Forum' "
                              "WHERE forum_id = 1"))
        with Session(reg.engine) as s:  # the approved entries are indexed; the initiative's row is kept
            assert list(search.match_ids(s, "kenya", entity="igf_forum")) == [1]
            assert list(search.match_ids(s, "ghana", entity="igf_forum")) == []
            assert list(search.match_ids(s, "messages", entity="igf_output")) == [1]
            assert list(search.match_ids(s, "solar")) == [1] and list(search.match_ids(s, "kenya")) == [1]
        _alembic(reg, command.downgrade, "0004_money")
        names = set(inspect(reg.engine).get_table_names())
        assert "igf_forum_texts" not in names and "igf_output_texts" not in names
        assert "original_lang" not in {c["name"] for c in inspect(reg.engine).get_columns("igf_forums")}
        with reg.engine.begin() as conn:
            assert conn.execute(text("SELECT name FROM igf_forums WHERE id = 1")).scalar() == \
                "Kenya Internet Governance Forum"  # the text in the entry's language becomes its name
            assert conn.execute(text("SELECT count(*) FROM search_docs")).scalar() == 1
        with Session(reg.engine) as s:
            assert list(search.match_ids(s, "solar")) == [1]
        _alembic(reg, command.upgrade, "head")
        with reg.engine.begin() as conn:
            assert conn.execute(text("SELECT name FROM igf_forum_texts WHERE forum_id = 1")).scalar() == \
                "Kenya Internet Governance Forum"
    finally:
        reg.dispose()


def test_files_saved_by_spreadsheets_with_languages(reg, users, tmp_path):
    # a French-locale Excel "CSV (point-virgule)" in UTF-8: BOM, CRLF, capitalised headers, ';' inside a cell
    fr = tmp_path / "fr.csv"
    fr.write_bytes("\ufeffName;Lang;Scope;Countries;Name_AR;Description_AR\r\n"
                   "FGI Tunisie;fr;national;TUN;منتدى تونس لحوكمة الإنترنت;\"لقاء سنوي; تونس\"\r\n".encode())
    assert igf.import_csv(reg, SYSTEM, fr, "forums", approve=True)["imported"] == 1
    (tn,) = igf.list_forums(reg, q="تونس")["items"]
    assert tn["original_lang"] == "fr" and tn["texts"][0]["description"] == "لقاء سنوي; تونس"
    # a Google Sheets download: an empty last column with no header
    sheets = tmp_path / "sheets.csv"
    sheets.write_text('name,scope,countries,name_zh,\n"Asia Pacific Regional IGF",regional,"CHN;JPN;AUS",'
                      "亚太区域互联网治理论坛,\n", encoding="utf-8")
    assert igf.import_csv(reg, SYSTEM, sheets, "forums")["imported"] == 1
    sheets.write_text("name,scope,countries,\nAfrica IGF,regional,KEN;NGA,stray\n", encoding="utf-8")
    with pytest.raises(WsisError) as exc:
        igf.import_csv(reg, SYSTEM, sheets, "forums")
    assert exc.value.row == 2 and "without a header" in str(exc.value)
    # Excel "Unicode Text" (UTF-16, tabs) is refused in one line
    u16 = tmp_path / "u16.txt"
    u16.write_bytes("name\tscope\tcountries\r\nFGI Bénin\tnational\tBEN\r\n".encode("utf-16"))
    with pytest.raises(WsisError) as exc:
        igf.import_csv(reg, SYSTEM, u16, "forums")
    assert "UTF-8" in str(exc.value) and "\n" not in str(exc.value)
    assert igf.list_forums(reg, SYSTEM, pending=True)["total"] == 1


def test_restore_of_a_backup_made_before_the_texts(reg, users, tmp_path, backend):
    import gzip
    import json

    from alembic import command
    from sqlalchemy import text
    from tests.security.test_workflow import _alembic

    from wsis.registry.backup import backup, restore
    from wsis.registry.db import Registry

    f = _forum(reg, users["alice"][1], users["mod"][1], name="Benin IGF", countries=["BEN"],
               texts=[{"lang": "fr", "name": "Forum béninois sur la gouvernance de l'internet"}])
    out = tmp_path / "b.json.gz"
    backup(reg, SYSTEM, out)
    doc = json.loads(gzip.decompress(out.read_bytes()))  # as revision 0004_money wrote it
    doc["revision"] = "0004_money"
    for t in ("igf_forum_texts", "igf_output_texts"):
        doc["tables"].pop(t)
    for row in doc["tables"]["igf_forums"]:
        row.pop("original_lang")
    doc["tables"]["search_docs"] = [r for r in doc["tables"]["search_docs"] if r.get("initiative_id")]
    for r in doc["tables"]["search_docs"]:
        r.pop("igf_forum_id"), r.pop("igf_output_id")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    restore(reg, SYSTEM, old)
    back = igf.get_forum(reg, SYSTEM, f["id"])
    assert back["texts"] == [{"lang": "en", "name": "Benin IGF", "description": ""}]
    assert [x["id"] for x in igf.list_forums(reg, q="benin")["items"]] == [f["id"]]
    if backend != "sqlite":
        return
    older = Registry(f"sqlite:///{tmp_path / 'old.sqlite'}")  # a SQLite backup file at 0004_money
    try:
        _alembic(older, command.upgrade, "0004_money")
        with older.engine.begin() as conn:
            conn.execute(text("INSERT INTO igf_forums (owner_id, name, scope, countries, status, website, "
                              "moderation, version, created_at, updated_at) VALUES (NULL, 'Togo IGF', 'national', "
                              "'[\"TGO\"]', 'active', '', 'approved', 1, '2026-01-01', '2026-01-01')"))
    finally:
        older.dispose()
    restore(reg, SYSTEM, tmp_path / "old.sqlite")
    (togo,) = igf.list_forums(reg, q="togo")["items"]
    assert togo["texts"] == [{"lang": "en", "name": "Togo IGF", "description": ""}]
