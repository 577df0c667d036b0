"""The WSIS registry: stocktaking initiatives, commitments, progress reports, road maps and deliverables.

The functions the dashboard and the biennial report call return plain dicts and read public data only.
"""

from wsis.registry.commitments import commitments_for_action_line, commitments_for_country
from wsis.registry.db import Registry, get_registry
from wsis.registry.outcome import paragraph_entries, paragraphs_with_action
from wsis.registry.services import initiatives_for_action_line, initiatives_for_country
from wsis.registry.tracking import deliverables, roadmaps

__all__ = ["Registry", "commitments_for_action_line", "commitments_for_country", "deliverables",
           "get_registry", "initiatives_for_action_line", "initiatives_for_country", "paragraph_entries",
           "paragraphs_with_action", "roadmaps"]
