"""Action lines, the outcome document and the list of releases."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter, Depends

from wsis import query as data
from wsis import registry
from wsis.errors import WsisError
from wsis.web.deps import Ctx, get_ctx, usd_summary
from wsis.web.pages.registry_part import registry_block, registry_html
from wsis.web.render import respond

router = APIRouter(include_in_schema=False)


def action_line_detail(ctx: Ctx, code: str) -> dict:
    """Everything linked to one action line: SDG targets, GDC objectives, indicators, paragraphs."""
    fw = ctx.frameworks
    al = data.action_line_text(fw.action_line(code), ctx.lang)
    base = code.split("-")[0]
    m = fw.matrix[fw.matrix["action_line"].isin([code, base])]
    sdgs, seen = [], set()
    for r in m.to_dict(orient="records"):
        c = r["sdg_target"] or r["sdg_goal"]
        if c and c not in seen:
            seen.add(c)
            sdgs.append({"code": c, "title": fw.sdg_title(c, ctx.lang) or r.get("sdg_goal_title", "")})
    paras = [data.paragraph_text(p, ctx.lang) for p in fw.paragraphs_for_action_line(code)]
    gdc_ids = sorted({g for p in paras for g in (p.get("gdc_objectives_editorial") or [])})
    gdc = [data.gdc_objective_text(g, ctx.lang) for g in fw.gdc_objectives if g["id"] in gdc_ids]
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
    block = registry_block(ctx, "action_line", code)
    missing = [data.gap_text(g, ctx.lang) for g in data.action_line_gaps(rel).get(base, [])]
    return {"al": al, "sdgs": sdgs, "gdc": gdc, "paras": paras, "indicators": indicators, "missing": missing,
            **block}


@router.get("/action-lines")
def action_lines(ctx: Ctx = Depends(get_ctx)):
    """The eleven WSIS action lines."""
    fw = ctx.frameworks
    inds = data.indicators(ctx.release)
    rows = []
    for al in fw.action_lines:
        n_ind = int(sum(al["code"] in list(v if v is not None else []) for v in inds["action_lines"]))
        rows.append({"code": al["code"], "title": data.action_line_text(al, ctx.lang)["title"], "n_ind": n_ind,
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
    return respond(ctx, "action_line.html", title, {**d, "registry_html": registry_html(ctx, f"/action-lines/{code}", d)},
                   data=d, table=table, name=code)


@router.get("/outcome")
def outcome(ctx: Ctx = Depends(get_ctx)):
    """The outcome document's paragraphs and deliverables."""
    fw = ctx.frameworks
    title = data.document_title(fw.document, ctx.lang)
    paras = [data.paragraph_text(p, ctx.lang) for p in fw.paragraphs]
    acted = registry.paragraphs_with_action(registry.get_registry(ctx.settings))
    ctx_dict = {"doc": {**fw.document, "title": title.text}, "paras": paras, "acted": acted,
                "deliverables": [data.deliverable_text(d, ctx.lang) for d in fw.deliverables],
                "links": data.outcome_links(ctx.release, ctx.lang),
                "unofficial": title.unofficial or any(p["unofficial"] for p in paras)}
    return respond(ctx, "outcome.html", ctx._("The WSIS+20 outcome document"), ctx_dict,
                   data={"document": fw.document, "paragraphs": fw.paragraphs, "deliverables": fw.deliverables,
                         "paragraphs_with_action": acted},
                   table=pd.DataFrame(fw.deliverables), name="deliverables")


@router.get("/outcome/{para}")
def outcome_paragraph(para: int, ctx: Ctx = Depends(get_ctx)):
    """One operative paragraph: its summary in the page language, the indicators that evidence it and the
    public registry entries (initiatives, commitments, road-map milestones) that cite it."""
    fw = ctx.frameworks
    row = next((p for p in fw.paragraphs if int(p["para"]) == para), None)
    if row is None:
        raise WsisError("not-found", f"no operative paragraph {para} in the outcome document", column="para",
                        expected=f"1..{len(fw.paragraphs)}", status=404)
    p = data.paragraph_text(row, ctx.lang)
    names = data.indicator_names(ctx.release, ctx.lang)
    inds = [{"INDICATOR": c, "name": names.get(c, c)} for c in data.paragraph_indicators(ctx.release).get(para, [])]
    entries = registry.paragraph_entries(para, ctx.lang, registry.get_registry(ctx.settings))
    deliverables = [data.deliverable_text(d, ctx.lang) for d in fw.deliverables if int(d["para"]) == para]
    d = {"p": p, "indicators": inds, "deliverables": deliverables, **entries,
         "usd": usd_summary(ctx.release, ctx.lang, entries["commitments"])}
    table = pd.DataFrame([{"kind": "indicator", "id": i["INDICATOR"], "title": i["name"]} for i in inds]
                         + [{"kind": "initiative", "id": i["id"], "title": i["title"]} for i in entries["initiatives"]]
                         + [{"kind": "commitment", "id": c["id"], "title": c["title"]} for c in entries["commitments"]]
                         + [{"kind": "milestone", "id": m["id"], "title": m["title"]} for m in entries["milestones"]],
                         columns=["kind", "id", "title"])
    return respond(ctx, "outcome_paragraph.html", f"{ctx._('Paragraph')} {para}", d,
                   data={"paragraph": {**row, "summary_in_language": p["summary"]}, "indicators": inds, **entries,
                         "usd": d["usd"]},
                   table=table, name=f"paragraph-{para}")


def _diff_summary(old: str, new: str, settings) -> str | None:
    try:
        return data.diff_summary(old, new, settings)
    except WsisError:  # e.g. the older release was removed meanwhile: a diff is informative only
        return None


@router.get("/releases")
def releases(ctx: Ctx = Depends(get_ctx)):
    """Every release, with its manifest, quality findings and the diff to the one before."""
    rows = data.list_releases(ctx.settings)
    for i, r in enumerate(rows):
        r["diff"] = _diff_summary(rows[i + 1]["id"], r["id"], ctx.settings) if i + 1 < len(rows) else None
    rel = ctx.release
    man = data.manifest(rel)
    manifest = [(k, man[k]) for k in ("release_id", "created", "code_version", "observations", "settings",
                                      "reference_editions", "findings_summary") if k in man]
    f = data.findings(rel)
    return respond(ctx, "releases.html", ctx._("Releases"),
                   {"rows": rows, "manifest": manifest, "findings": f.head(200).to_dict(orient="records"),
                    "n_findings": len(f)},
                   data={"releases": rows, "manifest": man}, table=pd.DataFrame(rows), name="releases")
