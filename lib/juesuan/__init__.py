"""juesuan (决算): departmental final-accounts disclosure reports from data."""

__version__ = "0.1.0"
