"""What a run says on the terminal: a line per shot that needs a look, the summary, notes.

``harness check``, ``harness merge`` and the pytest plugin's terminal summary all word
things here, so a CI log reads the same whichever face ran.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from harness.paths import show

if TYPE_CHECKING:
    from harness.results import Results, ShotResult

LABELS = {"pass": "PASS", "fail": "FAIL", "new": "NEW", "unstable": "UNSTABLE", "error": "ERROR"}
COUNT_WORDS = (("fail", "failed"), ("new", "new"), ("unstable", "unstable"), ("error", "error"))  # "error" takes an s
NEXT_STEP = "review them with: harness review   or accept them all with: harness approve [PAGE[/BREAKPOINT]]"


def shot_line(shot: ShotResult, output: Path) -> str:
    """What and where: the verdict, the failure in words and failing findings, the image."""
    label, message = LABELS[shot.status], shot.message
    if shot.status == "pass":  # shown at all: a lint, spec or breakpoint finding fails it
        label, message = "FAIL", "the pixels match, but the layout checks failed"
    head = f"{label:<5} {shot.page} @ {shot.breakpoint} ({shot.width}x{shot.height}): {message}"
    head += "".join(f"\n      {line}" for line in shot.detail_lines())
    image = shot.diff or shot.actual
    if image and not shot.updated:
        kind = "diff" if shot.diff else "actual"
        head += f"\n      {kind}: {show(output / image)}"
    return head


def counts_line(results: Results) -> str:
    """``14 shots: 13 passed, 1 failed``, with the layout findings and baselines written."""
    counts = results.counts()
    parts = [f"{counts[k]} {word}{'s' * (word == 'error' and counts[k] != 1)}" for k, word in COUNT_WORDS if counts[k]]
    if counts["pass"] or not parts:
        parts.insert(0, f"{counts['pass']} passed")
    found = results.finding_counts()
    if found["failing"]:
        parts.append(f"{found['failing']} failed layout check{'s' * (found['failing'] != 1)}")
    if found["warnings"]:
        parts.append(f"{found['warnings']} layout warning{'s' * (found['warnings'] != 1)} (see the report)")
    updated = sum(s.updated for s in results.shots)
    n = len(results.shots)
    return f"{n} shot{'s' * (n != 1)}: " + ", ".join(parts) + (f"; wrote {updated} baseline{'s' * (updated != 1)}" if updated else "")


def summary_lines(results: Results, output: Path, files: Sequence[str] = ()) -> list[str]:
    """The closing lines: the counts, where the results and files are, and what to do next."""
    lines = [f"one change at {len(g['shots'])} breakpoints: {g['text']}" for g in results.groups]
    if blocked := blocked_line(results):
        lines.append(blocked)
    lines += [counts_line(results), f"results: {show(output / 'results.json')}", *files]
    if any(s.status in ("fail", "new") and not s.updated for s in results.shots):
        lines.append(NEXT_STEP)
    return lines


def blocked_line(results: Results) -> str | None:
    """What the pages asked for and did not get, once per run: the page readers see may
    need it (web fonts, a framework's script from a CDN)."""
    from urllib.parse import urlsplit

    urls = list(dict.fromkeys(url for shot in results.shots for url in shot.blocked))
    if not urls:
        return None
    origins = list(dict.fromkeys(urlsplit(url).netloc or url.split(":", 1)[0] for url in urls))
    n, m = len(urls), len(origins)
    return (
        f"{n} request{'s' * (n != 1)} to {m} origin{'s' * (m != 1)} {'were' if n != 1 else 'was'} blocked ({some(origins, 3)}); "
        "allow them with allow_network / --allow-origin, or record them with --network snapshot"
    )


def some(names: Sequence[str], n: int = 5) -> str:
    """The first few names, and how many more."""
    return ", ".join(names[:n]) + (f" and {len(names) - n} more" if len(names) > n else "")


class Progress:
    """A single updating line on a terminal; silent when output is piped (CI logs)."""

    def __init__(self, total: int, enabled: bool | None = None) -> None:
        self.total, self.done = total, 0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.t0 = time.monotonic()

    def show(self, page: str, width: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[K[{self.done}/{self.total}] {page} at {width} px")
            sys.stderr.flush()

    def advance(self) -> None:
        self.done += 1

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
