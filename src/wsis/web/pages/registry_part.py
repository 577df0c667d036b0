"""The registry entries that country and action-line pages show (initiatives, commitments and their US-dollar
totals), rendered as a part of their own.

A baked page holds this part between ``<!--wsis:registry-->`` and ``<!--/wsis:registry-->``. When the
registry has changed since the page was baked, ``wsis.web.app`` renders only this part again and splices it
in, so the page shows the new entries at once without the whole page being rendered live.
"""

from __future__ import annotations

from markupsafe import Markup

from wsis.web.deps import Ctx, registry_entries, usd_summary
from wsis.web.render import render_part

START, END = b"<!--wsis:registry-->", b"<!--/wsis:registry-->"
# path prefix -> (registry kind, template of the part)
PARTS = {"/areas/": ("country", "area_registry.html"), "/action-lines/": ("action_line", "action_line_registry.html")}


def registry_block(ctx: Ctx, kind: str, code: str) -> dict:
    """Public initiatives, commitments (the first 50) and the US-dollar totals of every commitment tagged with
    a country (``kind="country"``) or an action line."""
    initiatives, commitments = registry_entries(ctx.settings, kind, code, lang=ctx.lang)
    return {"initiatives": initiatives, "commitments": commitments[:50],
            "usd": usd_summary(ctx.release, ctx.lang, commitments)}


def registry_html(ctx: Ctx, path: str, block: dict | None = None) -> Markup:
    """The registry part of the page at ``path`` (a key of ``PARTS`` and a code), from ``block`` or read now."""
    prefix = next(p for p in PARTS if path.startswith(p))
    kind, template = PARTS[prefix]
    code = path[len(prefix):]
    return Markup(render_part(template, ctx, "", {"code": code, **(block or registry_block(ctx, kind, code))}))


def splice(body: bytes, part: str) -> bytes | None:
    """``body`` with its registry part replaced by ``part``; None when it has no registry part."""
    a, b = body.find(START), body.find(END)
    if a < 0 or b < a:
        return None
    return body[:a + len(START)] + part.encode() + body[b:]
