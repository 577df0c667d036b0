"""The registry's web layer: ``router`` (JSON API under ``/api/v1/registry`` and pages under ``/registry``)
and ``create_registry_app(settings)``, a small FastAPI app that mounts only this router.

An app that includes ``router`` should also call :func:`install_error_handlers` so that ``WsisError``
becomes problem+json.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from wsis.settings import Settings, get_settings
from wsis.web.limits import install_guards
from wsis.web.registry.admin import staff
from wsis.web.registry.api import api
from wsis.web.registry.commitment_pages import commitment_pages
from wsis.web.registry.deps import install_error_handlers
from wsis.web.registry.igf_api import igf_api
from wsis.web.registry.igf_pages import igf_pages
from wsis.web.registry.pages import pages
from wsis.web.registry.roadmap_pages import roadmap_pages

router = APIRouter()
router.include_router(igf_api)  # before api: its literal paths must not be taken by api's patterns
router.include_router(api)
router.include_router(igf_pages)
router.include_router(commitment_pages)  # before pages: /registry/commitments/new is not an id
router.include_router(pages)
router.include_router(roadmap_pages)
router.include_router(staff)


def create_registry_app(settings: Settings | None = None) -> FastAPI:
    """A FastAPI app serving only the registry, bound to ``settings``."""
    app = FastAPI(title="WSIS Monitor registry", version="1", openapi_url="/api/v1/registry/openapi.json",
                  docs_url="/api/v1/registry/docs", redoc_url=None)
    app.state.wsis_settings = settings or get_settings()
    app.include_router(router)
    from wsis.web.app import STATIC  # the pages' stylesheet

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_error_handlers(app)
    install_guards(app, app.state.wsis_settings.max_body_bytes)
    return app


__all__ = ["create_registry_app", "install_error_handlers", "router"]
