"""WSIS Monitor: monitoring and measurement for the WSIS+20 outcome document (A/RES/80/173)."""

__version__ = "0.1.0"
