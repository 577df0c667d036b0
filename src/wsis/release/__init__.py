"""Releases: immutable, versioned DuckDB files with a manifest, published by atomic rename."""

from wsis.release.reader import Release, open_release
from wsis.release.store import current_release_id, list_releases

__all__ = ["Release", "current_release_id", "list_releases", "open_release"]
