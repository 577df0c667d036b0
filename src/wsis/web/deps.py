"""Per-request context: settings, the current release (re-read from the ``current`` pointer on every request,
so a newly published release is served without a restart), the language and the frameworks. Everything about
the release comes from the query layer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fastapi import Request

from wsis import query, registry
from wsis.registry.reference import Vocabulary, vocabulary_from
from wsis.settings import Settings, get_settings
from wsis.web.i18n import gettext_for


def settings_of(request: Request) -> Settings:
    """The app's settings (bound by ``create_app``)."""
    return getattr(request.app.state, "wsis_settings", None) or get_settings()


def release_of(request: Request, release_id: str | None = None) -> query.Release:
    """The release to serve: ``release_id`` if given, else whatever ``current`` names right now."""
    return query.release(settings_of(request), release_id)


def registry_vocabulary(settings: Settings) -> Vocabulary:
    """The registry's reference vocabularies from the current release's frameworks and countries."""
    rel = query.release(settings)
    return query.memo(("regvocab", rel.id),
                      lambda: vocabulary_from(query.frameworks(rel), query.un_countries(rel)))


def registry_entries(settings: Settings, kind: str, code: str, commitments: bool = True,
                     lang: str | None = None) -> tuple[list, list]:
    """Public initiatives (the first 50) and (optionally) every commitment tagged with an action line
    (``kind="action_line"``) or a country, commitments' texts in ``lang`` where they have one; none before
    ``wsis registry init`` has created the registry."""
    db = registry.get_registry(settings)
    if not db.initialised():
        return [], []
    line = kind == "action_line"
    inis = (registry.initiatives_for_action_line if line else registry.initiatives_for_country)(code, db)[:50]
    if not commitments:
        return inis, []
    return inis, (registry.commitments_for_action_line if line else registry.commitments_for_country)(code, db, lang)


def usd_summary(rel: query.Release, lang: str, commitments: list[dict]) -> dict | None:
    """The US-dollar totals of the financial commitments among ``commitments`` (``query.usd_totals``, as the
    report computes them) with each group's name in ``lang``; None when none of them is financial."""
    usd = query.usd_totals(rel, commitments)
    if not usd["n"]:
        return None
    names = query.names(rel, lang)
    usd["by_group"] = [{**g, "name": names.get(g["group"], g["group"])} for g in usd["by_group"]]
    return usd


@dataclass
class Ctx:
    """Everything a page or API route needs for one request."""

    request: Request
    settings: Settings
    lang: str

    @cached_property
    def release(self) -> query.Release:
        """The current release."""
        return release_of(self.request)

    @cached_property
    def frameworks(self) -> query.Frameworks:
        """Action lines, SDG titles, GDC, outcome document (as stored in the release)."""
        return query.frameworks(self.release)

    @property
    def _(self):
        """gettext for the request language."""
        return gettext_for(self.lang)

    def url(self, path: str) -> str:
        """A site path in the request language (``/fr/...``; English links carry no prefix)."""
        return path if self.lang == "en" else f"/{self.lang}{path}"


def get_ctx(request: Request) -> Ctx:
    """FastAPI dependency: the request context."""
    settings = settings_of(request)
    lang = getattr(request.state, "lang", None) or settings.lang_default
    return Ctx(request=request, settings=settings, lang=lang)
