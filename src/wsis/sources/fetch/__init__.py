"""Online sources: ``wsis fetch`` pulls fresh official data into a portable mirror folder.

Sources: World Bank Indicators API v2 (``wb``), UN SDG API (``sdg``), ITU DataHub API (``itu``) and any
SDMX REST 2.1 endpoint known to sdmx1 (``sdmx``). Files land in the same layout as the offline data
folder, each with a provenance record in ``fetch_provenance.json``. See docs/fetch.md.
"""

from wsis.sources.fetch.run import FetchReport, FileChange, JobFailure, fetch_mirror, plan_jobs

__all__ = ["FetchReport", "FileChange", "JobFailure", "fetch_mirror", "plan_jobs"]
