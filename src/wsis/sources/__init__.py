"""Source adapters: one small module per provider or format, picked by the registry by file pattern."""

from wsis.sources.base import DIMENSIONS, OBS_COLUMNS, Provenance, SourceData
from wsis.sources.registry import AdapterContext, discover, read_source

__all__ = ["DIMENSIONS", "OBS_COLUMNS", "AdapterContext", "Provenance", "SourceData", "discover", "read_source"]
