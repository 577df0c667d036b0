"""Data-quality checks: one small class per file, each yielding typed findings into a report."""

from wsis.checks.base import Check, CheckContext, Finding, run_checks

__all__ = ["Check", "CheckContext", "Finding", "run_checks"]
