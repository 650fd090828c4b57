"""The values a user can give in more than one place, validated once with one message.

``--threshold`` on the command line, ``--harness-threshold`` under pytest and
``threshold:`` in pages.yaml all go through ``unit_interval``; each caller only adds where
the value came from (the option, or the file and line).
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

UPDATE_CHOICES = ("missing", "all")
# The largest image the harness writes or reads: ~10 000 x 10 000 px. What a capture may
# hold is cut to it (harness.capture.screenshot.capped), so anything written reads back.
MAX_PIXELS = 100_000_000
MAX_CAPTURE_WIDTH = 6_000  # CSS px across; a page wider than this is broken, and its picture need not be whole
MAX_TIMEOUT_S = 3600.0


def number(value: Any) -> float:
    """A number from a YAML number or a command-line string; NaN for anything else (a
    boolean, a YAML string), so that the range check below refuses it."""
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return math.nan
    return math.nan


def unit_interval(value: float, shown: str) -> float:
    """A number from 0 to 1 (a threshold, a ratio); ``shown`` is how to name what was given."""
    if not 0 <= value <= 1:
        raise ValueError(f"must be a number from 0 to 1, got {shown}")
    return float(value)


def whole_number(value: float, shown: str) -> int:
    """A whole number >= 0 (a count of pixels)."""
    if not (value >= 0 and float(value).is_integer()):
        raise ValueError(f"must be a whole number >= 0, got {shown}")
    return int(value)


def seconds(value: float, shown: str) -> float:
    """A timeout: seconds above 0 and at most an hour."""
    if not 0 < value <= MAX_TIMEOUT_S:
        raise ValueError(f"must be a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}, got {shown}")
    return float(value)


def origin(value: Any, shown: str) -> str:
    """``scheme://host[:port]``, the unit the page filter allows."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"must be an origin like https://cdn.example.com, got {shown}")
    return f"{parts.scheme}://{parts.netloc}"
