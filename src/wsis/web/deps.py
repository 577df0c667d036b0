"""Per-request context: settings, the current release (re-read from the ``current`` pointer on every request,
so a newly published release is served without a restart), the language, the frameworks and the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fastapi import Request

from wsis.catalogue import Catalogue, load_catalogue
from wsis.reference.frameworks import Frameworks, load_frameworks
from wsis.release.reader import Release, open_release
from wsis.release.store import current_release_id
from wsis.settings import Settings, get_settings
from wsis.web.i18n import gettext_for


def settings_of(request: Request) -> Settings:
    """The app's settings (bound by ``create_app``)."""
    return getattr(request.app.state, "wsis_settings", None) or get_settings()


def release_of(request: Request, release_id: str | None = None) -> Release:
    """The release to serve: ``release_id`` if given, else whatever ``current`` names right now."""
    settings = settings_of(request)
    rid = release_id or current_release_id(settings)
    return open_release(rid, settings)


@dataclass
class Ctx:
    """Everything a page or API route needs for one request."""

    request: Request
    settings: Settings
    lang: str

    @cached_property
    def release(self) -> Release:
        """The current release."""
        return release_of(self.request)

    @cached_property
    def frameworks(self) -> Frameworks:
        """Action lines, SDG titles, GDC, outcome document."""
        return load_frameworks(Path(self.settings.data_dir).resolve())

    @cached_property
    def catalogue(self) -> Catalogue:
        """The indicator catalogue."""
        return load_catalogue()

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
