"""Sharding: one slice of the page × breakpoint matrix, for CI matrices and ``harness merge``.

The matrix is cut in the plan's own order (``plan.group``: by page name, then device and
viewport), which depends only on the configuration, so every machine cuts it the same
way. Shards are contiguous runs of renders: a render whose breakpoints share one
viewport stays whole (never taken twice), and a shard keeps a page's renders together
so its browser contexts are reused. Sizes are balanced by shots: they differ by at most
one when every render is one shot.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from harness.plan.matrix import Render

FORM = "the form is I/N with 1 <= I <= N, e.g. 2/3"


@dataclass(frozen=True)
class ShardSpec:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse(text: str) -> ShardSpec:
    """An argparse ``type=`` for ``I/N`` (argparse names the option on failure)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N; {FORM}")
    index, count = int(match[1]), int(match[2])
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text}: N must be 1 or more; {FORM}")
    if not 1 <= index <= count:
        raise argparse.ArgumentTypeError(f"{text}: I must be between 1 and N; {FORM}")
    return ShardSpec(index, count)


def split(renders: Sequence[Render], count: int) -> list[list[Render]]:
    """Cut the renders, in order, into ``count`` contiguous parts of about equal shots.

    A render goes to the shard its middle shot falls in, so the cut points sit at
    ``k * total / count`` shots, give or take half a render.
    """
    total = sum(len(r.shots) for r in renders)
    parts: list[list[Render]] = [[] for _ in range(count)]
    start = 0
    for render in renders:
        size = len(render.shots)
        parts[min(count - 1, (2 * start + size - 1) * count // (2 * total))].append(render)
        start += size
    return parts


def take(renders: Sequence[Render], spec: ShardSpec) -> list[Render]:
    """This shard's renders."""
    return split(renders, spec.count)[spec.index - 1]


def record(renders: Sequence[Render], spec: ShardSpec) -> dict[str, Any]:
    """What results.json says about the shard, so ``harness merge`` can prove the union whole:
    which shard, the matrix size, a digest of the whole matrix, and this shard's shots."""
    return {
        "index": spec.index,
        "count": spec.count,
        "total": sum(len(r.shots) for r in renders),
        "matrix": matrix_digest(shot.id for r in renders for shot in r.shots),
        "planned": [shot.id for r in take(renders, spec) for shot in r.shots],
    }


def owns(spec: ShardSpec, key: str) -> bool:
    """Whether this shard runs a test that is not part of the matrix (a custom visual
    test at one breakpoint): spread over the shards by a stable hash of its id."""
    return zlib.crc32(key.encode()) % spec.count == spec.index - 1


def matrix_digest(ids: Any) -> str:
    """SHA-256 of the sorted shot ids: equal for the same matrix, whatever the order."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()
