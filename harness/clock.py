"""The one way the harness writes "now": UTC, to the second (``2013-09-12T20:51:00Z``),
as results.json and the baselines' manifest record it."""

from __future__ import annotations

import datetime as dt


def utc_timestamp() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
