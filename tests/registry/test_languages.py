"""The registry in six languages: every msgid its pages use is in the five non-English catalogues, the
pages (browse, forms, moderation queue, login, errors) show no English interface text in Arabic (right to
left) and Chinese, an entry's text falls back to another language with a notice, and full-text search finds
Arabic, Chinese and Russian text (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import re
from importlib import import_module
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from tests.registry.conftest import PASSWORD, initiative_payload

from wsis.catalogue.i18n import catalogue_text
from wsis.registry import reference, services
from wsis.registry.common import vocabulary
from wsis.registry.schemas import InitiativeIn, ModerationIn
from wsis.web.registry import i18n

SRC = Path(i18n.__file__).parent
LOCALE = SRC.parents[1] / "locale"
OTHERS = ("fr", "es", "ar", "ru", "zh")
# a literal msgid passed to t("...") in a template or _("...") in the page code
CALL = re.compile(r"""\b(?:t|_)\(\s*(["'])((?:(?!\1).)+?)\1\s*[,)]""")


def _registry_msgids() -> set[str]:
    found: set[str] = set()
    for path in [*SRC.glob("templates/**/*.html"), *SRC.glob("*.py")]:
        found |= {m.group(2) for m in CALL.finditer(path.read_text(encoding="utf-8"))}
    igf = import_module("wsis.web.registry.igf_pages")
    codes = (reference.STAKEHOLDER_GROUPS + reference.BENEFICIARY_GROUPS + reference.PROJECT_STATUSES
             + reference.FINANCE_TYPES + i18n.ROLES + i18n.MODERATION_STATES + i18n.LIGHTS + i18n.TRACKING_STATUSES
             + igf.SCOPES + igf.OUTPUT_KINDS + igf.USED_BY_KINDS + ("active", "inactive"))
    return (found | set(codes) | set(i18n.FIELD_LABELS.values()) | set(i18n.ERROR_TEXTS.values())
            | set(i18n.INPUT_TEXTS.values()))


def _msgid_lines(text: str) -> list[str]:
    """Every msgid of a .po file as written (continuation lines joined), duplicates kept."""
    return [m.group(1) + "".join(re.findall(r'^"(.*)"$', m.group(2), re.M))
            for m in re.finditer(r'^msgid "(.*)"\n((?:".*"\n)*)', text, re.M)]


@pytest.mark.parametrize("lang", OTHERS)
def test_every_registry_msgid_is_translated(lang):
    """Each string the registry pages put through the catalogue has a translation, with the same
    placeholders; the catalogue holds each msgid once."""
    used = _registry_msgids()
    assert len(used) > 150 and "Moderation queue" in used and "ldc" in used and "There is a problem" in used
    po = LOCALE / lang / "LC_MESSAGES" / "wsis.po"
    with po.open("rb") as f:
        catalogue = read_po(f, locale=lang)
    missing = sorted(m for m in used if not (catalogue.get(m) and catalogue.get(m).string))
    assert not missing, f"{po}: no translation for {missing}"
    for m in used:
        assert set(re.findall(r"\{\w+\}", m)) == set(re.findall(r"\{\w+\}", catalogue.get(m).string)), (lang, m)
    ids = _msgid_lines(po.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids)), f"{po}: duplicate msgids {sorted({i for i in ids if ids.count(i) > 1})}"


# interface labels that must not stay English on an Arabic or Chinese page
ENGLISH = ("Submit an initiative", "Moderation queue", "Log in", "Log out", "Stakeholder group", "Search",
           "Required", "Approve", "Reject", "There is a problem", "Skip to", "civil_society", "results",
           "Error", "WSIS registry", "Title", "Password", "not found", "Too short", "Road maps", "Deliverables",
           "Responsible", "Possible duplicates")


def _visible(page: str) -> str:
    """The text a reader sees: tags, scripts and the language picker's own names removed."""
    page = re.sub(r'<nav aria-label="[^"]*" class="langs">.*?</nav>', " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _assert_localised(page: str, lang: str) -> None:
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
    seen = _visible(page)
    leaks = [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", seen)]
    assert not leaks, f"English on the {lang} page: {leaks}"


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _login(app, email: str, lang: str) -> TestClient:
    c = TestClient(app)
    form = c.get(f"/registry/login?lang={lang}").text
    r = c.post("/registry/login", data={"email": email, "password": PASSWORD, "csrf_token": _csrf(form),
                                        "ui": lang, "next": f"/registry/?lang={lang}"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def _entry(reg, users, texts: dict[str, str], approve: bool = True, **kw) -> int:
    body = initiative_payload(**kw)
    body["texts"] = [{"lang": lg, "title": t, "description": f"<p>{t}</p>"} for lg, t in texts.items()]
    iid = services.submit_initiative(reg, users["alice"][1], InitiativeIn.model_validate(body))["initiative"]["id"]
    if approve:
        services.moderate_initiative(reg, users["mod"][1], iid, ModerationIn(decision="approve"))
    return iid


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_registry_pages_speak_arabic_and_chinese(app, reg, users, lang):
    _entry(reg, users, {"en": "Community networks in mountain villages"})
    _entry(reg, users, {"en": "Pending entry awaiting a decision"}, approve=False, org="Other Org")
    public = TestClient(app)
    for path in ("/registry/", "/registry/submit", "/registry/login", "/registry/deliverables", "/registry/roadmaps",
                 "/registry/commitments/new"):
        r = public.get(f"{path}?lang={lang}")
        assert r.status_code == 200, path
        _assert_localised(r.text, lang)
    # action-line and GDC-objective names come in the page language too (the catalogue's translations)
    form = public.get(f"/registry/submit?lang={lang}").text
    vocab = vocabulary(reg)
    assert catalogue_text("action_line_title", "C2", lang, vocab.action_lines["C2"]).text in form
    assert vocab.action_lines["C2"] not in form
    assert catalogue_text("gdc_objective", 1, lang, vocab.gdc_objectives["1"]).text in form
    # error pages: an unknown entry, an unknown page, a malformed id; the visitor's language, not English
    for path, status in (("/registry/initiatives/999999", 404), ("/registry/nowhere", 404),
                         ("/registry/initiatives/abc", 400)):
        r = public.get(f"{path}?lang={lang}")
        assert r.status_code == status and r.headers["content-type"].startswith("text/html"), path
        _assert_localised(r.text, lang)
        assert i18n._(i18n.ERROR_TEXTS["not-found" if status == 404 else "invalid-request"], lang) in r.text
    moderator = _login(app, "mod@example.org", lang)
    queue = moderator.get(f"/registry/moderation?lang={lang}")
    assert "Pending entry awaiting a decision" in queue.text  # the entry's own text stays as written
    _assert_localised(queue.text.replace("Pending entry awaiting a decision", ""), lang)
    # a forged CSRF token on a form posted in this language: the error page is in it too
    r = moderator.post("/registry/submit", data={"csrf_token": "forged", "ui": lang, "title": "x"})
    assert r.status_code == 403
    _assert_localised(r.text, lang)
    assert i18n._(i18n.ERROR_TEXTS["csrf"], lang) in r.text


def test_form_errors_name_the_field_and_the_problem_in_the_page_language(app, reg, users):
    contributor = _login(app, "alice@example.org", "zh")
    form = contributor.get("/registry/submit?lang=zh").text
    r = contributor.post("/registry/submit", data={"csrf_token": _csrf(form), "ui": "zh", "lang": "zh", "title": "",
                                                   "organisation": "Org", "stakeholder_group": "civil_society",
                                                   "status": "ongoing", "countries": ["KEN"], "action_lines": ["C2"]})
    assert r.status_code == 422
    _assert_localised(r.text, "zh")
    assert '<a href="#f-title">标题</a>: <span>必填</span>' in r.text
    long = contributor.post("/registry/submit", data={"csrf_token": _csrf(form), "ui": "ar", "lang": "ar",
                                                      "title": "ع" * 400, "organisation": "Org",
                                                      "stakeholder_group": "civil_society", "status": "ongoing"})
    assert long.status_code == 422 and 'dir="rtl"' in long.text
    assert "طويل جداً: 300 حرفاً على الأكثر" in long.text
    login = TestClient(app)
    page = login.get("/registry/login?lang=ru").text
    bad = login.post("/registry/login", data={"email": "alice@example.org", "password": "wrong-password-1",
                                              "csrf_token": _csrf(page), "ui": "ru"})
    assert bad.status_code == 401 and "Неверный адрес электронной почты или пароль." in bad.text


def test_entry_text_falls_back_with_a_notice(app, reg, users):
    iid = _entry(reg, users, {"en": "Digital skills for rural women", "fr": "Compétences numériques rurales"})
    c = TestClient(app)
    fr = c.get(f"/registry/initiatives/{iid}?lang=fr").text
    assert '<article lang="fr" dir="auto">\n<h1>Compétences numériques rurales</h1>' in fr and 'class="note"' not in fr
    ar = c.get(f"/registry/initiatives/{iid}?lang=ar").text
    assert '<article lang="en" dir="auto">\n<h1>Digital skills for rural women</h1>' in ar
    assert "لا يوجد نص بهذه اللغة؛ يُعرض باللغة الإنجليزية." in ar  # "shown in English", said in Arabic
    assert 'lang="fr" hreflang="fr">Français</a>' in ar  # the other text is one click away
    for path in ("/registry/?lang=zh", "/registry/action-lines/C2?lang=zh"):
        page = c.get(path).text
        assert 'lang="en" dir="auto">Digital skills for rural women</a>' in page
        assert "没有此语言的文本；以英语显示。" in page, path
    es = c.get("/registry/?lang=fr").text
    assert 'lang="fr" dir="auto">Compétences numériques rurales</a>' in es and "fallback" not in es


def test_search_finds_arabic_chinese_and_russian_text(app, reg, users):
    """One entry written in four languages and one in English only: a query in any of them finds the entry,
    and each page shows the text of its own language."""
    iid = _entry(reg, users, {"en": "Solar-powered rural libraries", "ar": "مكتبات ريفية تعمل بالطاقة الشمسية",
                              "zh": "太阳能农村图书馆", "ru": "Сельские библиотеки на солнечной энергии"})
    _entry(reg, users, {"en": "Undersea cable landing station"}, org="Cable Co")
    c = TestClient(app)
    for query, lang, title in (("الشمسية", "ar", "مكتبات ريفية تعمل بالطاقة الشمسية"),
                               ("مكتبات ريفية", "ar", "مكتبات ريفية تعمل بالطاقة الشمسية"),
                               ("الشَّمْسِيَّة", "ar", "مكتبات ريفية تعمل بالطاقة الشمسية"),  # with short vowels
                               ("图书馆", "zh", "太阳能农村图书馆"), ("农村图书", "zh", "太阳能农村图书馆"),
                               ("библиотеки", "ru", "Сельские библиотеки на солнечной энергии"),
                               ("солнечн", "ru", "Сельские библиотеки на солнечной энергии")):
        page = c.get("/registry/", params={"q": query, "lang": lang}).text
        assert f'href="/registry/initiatives/{iid}?lang={lang}" lang="{lang}" dir="auto">{title}</a>' in page, query
        assert "Undersea" not in page
        api = c.get("/api/v1/registry/initiatives", params={"q": query}).json()
        assert [d["id"] for d in api["data"]] == [iid], query
    # a Russian query on the Chinese page finds the entry and shows its Chinese text
    page = c.get("/registry/", params={"q": "библиотеки", "lang": "zh"}).text
    assert ">太阳能农村图书馆</a>" in page
    # the API's lang filter still narrows the search to texts in that language
    assert c.get("/api/v1/registry/initiatives", params={"q": "библиотеки", "lang": "ar"}).json()["count"] == 0


def test_inside_the_dashboard_the_language_prefix_rules(mini_data_dir, settings_factory, shared_data):
    """Under the dashboard (``/ar/registry/...``): country names come from the release in the page language, and
    an error on a registry page is the registry's page in that language, not the dashboard's English text."""
    from wsis.build import build_release
    from wsis.web.app import create_app

    (mini_data_dir / "sdg_metadata").symlink_to(shared_data / "sdg_metadata")
    s = settings_factory(mini_data_dir)
    build_release(s)
    with TestClient(create_app(s)) as c:
        form = c.get("/ar/registry/submit")
        assert form.status_code == 200 and '<html lang="ar" dir="rtl">' in form.text
        assert '<option value="KEN" >كينيا</option>' in form.text and ">Kenya<" not in form.text
        for path, status in (("/ar/registry/initiatives/424242", 404), ("/zh/registry/nowhere", 404)):
            r = c.get(path)
            lang = path[1:3]
            assert r.status_code == status and 'href="/registry/submit?lang=' + lang in r.text
            _assert_localised(r.text, lang)
            assert i18n._(i18n.ERROR_TEXTS["not-found"], lang) in r.text
        assert c.get("/api/v1/registry/initiatives/424242").headers["content-type"] == "application/problem+json"
