"""The JSON/CSV API under /api/v1 (documented in the OpenAPI document at /api/v1/openapi.json)."""

from fastapi import APIRouter

router = APIRouter()
