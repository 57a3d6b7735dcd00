"""GitHub Actions output for the package: annotations or plain lines, defined once in pathcheck.py.

The path check must run alone on the standard library (CI takes it from the base commit), so it holds the
definitions, and the rest of the package imports them from here.
"""

from __future__ import annotations

from generator.contributing.pathcheck import default_format as output_format
from generator.contributing.pathcheck import error_annotation

__all__ = ["error_annotation", "output_format"]
