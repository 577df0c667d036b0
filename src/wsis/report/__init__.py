"""The biennial progress report (A/RES/80/173 para 124): assembled from the release, the compute layer and
the registry; rendered to accessible HTML with the web app's charts, and to tagged PDF with WeasyPrint."""

from wsis.report.build import build_report

__all__ = ["build_report"]
