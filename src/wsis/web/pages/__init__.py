"""Server-rendered dashboard pages (Jinja2); each has ``?format=json`` and ``?format=csv`` twins."""

from fastapi import APIRouter

from wsis.web.pages import dashboard, frameworks, places

router = APIRouter(include_in_schema=False)
router.include_router(dashboard.router)
router.include_router(places.router)
router.include_router(frameworks.router)
