"""SDMX REST 2.1 under /sdmx."""

from fastapi import APIRouter

router = APIRouter()
