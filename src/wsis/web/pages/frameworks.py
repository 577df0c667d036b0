"""Action lines, the outcome document and the list of releases."""

from __future__ import annotations

import importlib

import pandas as pd
from fastapi import APIRouter, Depends

from wsis.catalogue.i18n import catalogue_text, translations
from wsis.release.store import list_releases
from wsis.web import data
from wsis.web.deps import Ctx, get_ctx
from wsis.web.render import respond

router = APIRouter(include_in_schema=False)


def action_line_detail(ctx: Ctx, code: str) -> dict:
    """Everything linked to one action line: SDG targets, GDC objectives, indicators, paragraphs."""
    fw = ctx.frameworks
    al = action_line_text(fw.action_line(code), ctx.lang)
    base = code.split("-")[0]
    m = fw.matrix[fw.matrix["action_line"].isin([code, base])]
    sdgs, seen = [], set()
    for r in m.to_dict(orient="records"):
        c = r["sdg_target"] or r["sdg_goal"]
        if c and c not in seen:
            seen.add(c)
            sdgs.append({"code": c, "title": fw.sdg_title(c, ctx.lang) or r.get("sdg_goal_title", "")})
    paras = [paragraph_text(p, ctx.lang) for p in fw.paragraphs_for_action_line(code)]
    gdc_ids = sorted({g for p in paras for g in (p.get("gdc_objectives_editorial") or [])})
    gdc = [{**g, "title": catalogue_text("gdc_objective", g["id"], ctx.lang, g["title"]).text}
           for g in fw.gdc_objectives if g["id"] in gdc_ids]
    rel = ctx.release
    inds = data.indicators(rel)
    ind_names = data.indicator_names(rel, ctx.lang)
    world = data.area_indicators(rel, "WLD").set_index("INDICATOR")
    indicators = []
    for r in inds.to_dict(orient="records"):
        if base in list(r["action_lines"] if r["action_lines"] is not None else []):
            w = world.loc[r["INDICATOR"]] if r["INDICATOR"] in world.index else None
            indicators.append({"INDICATOR": r["INDICATOR"], "name": ind_names.get(r["INDICATOR"], r["name"]),
                               "value": None if w is None else float(w["value"]),
                               "year": None if w is None else int(w["year"])})
    initiatives, commitments = _registry_entries(ctx, code)
    return {"al": al, "sdgs": sdgs, "gdc": gdc, "paras": paras, "indicators": indicators,
            "initiatives": initiatives, "commitments": commitments}


def action_line_text(al: dict, lang: str) -> dict:
    """An action line (and its sub-lines) with title and short description in the page language."""
    title = catalogue_text("action_line_title", al["code"], lang, al.get("title") or "")
    desc = catalogue_text("action_line_description", al["code"], lang, al.get("short_description") or "")
    out = {**al, "title": title.text, "short_description": desc.text, "unofficial": desc.unofficial}
    if al.get("sub_lines"):
        out["sub_lines"] = [action_line_text(s, lang) for s in al["sub_lines"]]
    return out


def _registry_entries(ctx: Ctx, code: str) -> tuple[list[dict], list[dict]]:
    """Public initiatives and commitments of an action line, from the registry of this app's settings."""
    try:
        reg = importlib.import_module("wsis.registry")
        db = reg.get_registry(ctx.settings)
        return (list(reg.initiatives_for_action_line(code, db))[:50],
                list(reg.commitments_for_action_line(code, db))[:50])
    except Exception:  # noqa: BLE001 - the registry is optional; the page must render without it
        return [], []


@router.get("/action-lines")
def action_lines(ctx: Ctx = Depends(get_ctx)):
    """The eleven WSIS action lines."""
    fw = ctx.frameworks
    inds = data.indicators(ctx.release)
    rows = []
    for al in fw.action_lines:
        n_ind = int(sum(al["code"] in list(v if v is not None else []) for v in inds["action_lines"]))
        rows.append({"code": al["code"], "title": action_line_text(al, ctx.lang)["title"], "n_ind": n_ind,
                     "n_para": len(fw.paragraphs_for_action_line(al["code"]))})
    return respond(ctx, "action_lines.html", ctx._("WSIS action lines"), {"rows": rows}, data=rows,
                   table=pd.DataFrame(rows), name="action-lines")


@router.get("/action-lines/{code}")
def action_line(code: str, ctx: Ctx = Depends(get_ctx)):
    """One action line with its SDG targets, GDC objectives, indicators, paragraphs and initiatives."""
    d = action_line_detail(ctx, code)
    title = f"{d['al']['code']} {d['al']['title']}"
    table = pd.DataFrame([{"kind": "indicator", "code": i["INDICATOR"], "title": i["name"]} for i in d["indicators"]]
                         + [{"kind": "sdg", "code": s["code"], "title": s["title"]} for s in d["sdgs"]]
                         + [{"kind": "gdc", "code": g["id"], "title": g["title"]} for g in d["gdc"]]
                         + [{"kind": "paragraph", "code": p["para"], "title": p["summary"]} for p in d["paras"]])
    return respond(ctx, "action_line.html", title, d, data=d, table=table, name=code)


def paragraph_text(p: dict, lang: str) -> dict:
    """An outcome-document paragraph with its summary and section name in the page language
    (``unofficial`` when they are WSIS Monitor's translation)."""
    summary = catalogue_text("paragraph", p["para"], lang, p.get("summary") or "")
    section = catalogue_text("section", p.get("section"), lang, p.get("section") or "")
    return {**p, "summary": summary.text, "section": section.text, "unofficial": summary.unofficial}


def deliverable_text(d: dict, lang: str) -> dict:
    """A deliverable with its wording and responsible actors' names in the page language."""
    text = catalogue_text("deliverable", d.get("deliverable"), lang, d.get("deliverable") or "")
    actors = translations("actor")
    names = [catalogue_text("actor", a, lang, (actors.get(a) or {}).get("en") or a.replace("_", " ")).text
             for a in d.get("responsible") or []]
    return {**d, "deliverable": text.text, "responsible_names": names, "unofficial": text.unofficial}


@router.get("/outcome")
def outcome(ctx: Ctx = Depends(get_ctx)):
    """The outcome document's paragraphs and deliverables."""
    fw = ctx.frameworks
    title = catalogue_text("document_title", "title", ctx.lang, fw.document.get("title") or "")
    paras = [paragraph_text(p, ctx.lang) for p in fw.paragraphs]
    ctx_dict = {"doc": {**fw.document, "title": title.text}, "paras": paras,
                "deliverables": [deliverable_text(d, ctx.lang) for d in fw.deliverables],
                "unofficial": title.unofficial or any(p["unofficial"] for p in paras)}
    return respond(ctx, "outcome.html", ctx._("The WSIS+20 outcome document"), ctx_dict,
                   data={"document": fw.document, "paragraphs": fw.paragraphs, "deliverables": fw.deliverables},
                   table=pd.DataFrame(fw.deliverables), name="deliverables")


def _diff_summary(old: str, new: str, settings) -> str | None:
    try:
        mod = importlib.import_module("wsis.release.diff")
        df = data._memo(("diff", old, new), lambda: mod.diff_releases(old, new, settings))
    except Exception:  # noqa: BLE001 - a diff is informative only
        return None
    if df is None or df.empty:
        return "0"
    sums = {c: int(df[c].sum()) for c in ("added", "removed", "changed") if c in df.columns}
    return ", ".join(f"{k} {v}" for k, v in sums.items())


@router.get("/releases")
def releases(ctx: Ctx = Depends(get_ctx)):
    """Every release, with its manifest, quality findings and the diff to the one before."""
    rows = list_releases(ctx.settings)
    for i, r in enumerate(rows):
        r["diff"] = _diff_summary(rows[i + 1]["id"], r["id"], ctx.settings) if i + 1 < len(rows) else None
    rel = ctx.release
    man = rel.manifest
    manifest = [(k, man[k]) for k in ("release_id", "created", "code_version", "observations", "settings",
                                      "reference_editions", "findings_summary") if k in man]
    f = rel.findings()
    return respond(ctx, "releases.html", ctx._("Releases"),
                   {"rows": rows, "manifest": manifest, "findings": f.head(200).to_dict(orient="records"),
                    "n_findings": len(f)},
                   data={"releases": rows, "manifest": man}, table=pd.DataFrame(rows), name="releases")
