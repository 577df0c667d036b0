"""Reference data: areas and groups, and the policy frameworks, read from the data dir by edition."""

from wsis.reference.areas import AreaReference, load_areas
from wsis.reference.frameworks import Frameworks, load_frameworks

__all__ = ["AreaReference", "Frameworks", "load_areas", "load_frameworks"]
