"""A Markdown summary for pull requests: the shots that did not pass, with the numbers."""

from __future__ import annotations

import os
from pathlib import Path

from harness.results import Results

ICONS = {"fail": "❌ fail", "new": "🆕 new", "unstable": "〰️ unstable", "error": "⚠️ error", "pass": "✅ pass"}


def markdown(results: Results) -> str:
    counts = results.counts()
    words = (("pass", "passed"), ("fail", "failed"), ("new", "new"), ("unstable", "unstable"), ("error", "error"))
    parts = [f"{counts[k]} {w}{'s' * (k == 'error' and counts[k] != 1)}" for k, w in words if counts[k]]
    found = results.finding_counts()
    if found["failing"]:
        parts.append(f"{found['failing']} failed layout check{'s' * (found['failing'] != 1)}")
    if found["warnings"]:
        parts.append(f"{found['warnings']} layout warning{'s' * (found['warnings'] != 1)}")
    n = len(results.shots)
    lines = [f"### Layout check: {n} shot{'s' * (n != 1)}, {', '.join(parts)}", ""]
    pending = [s for s in results.shots if not s.ok]
    if not pending:
        lines.append("Every page matches its baselines at every breakpoint.")
        return "\n".join(lines) + "\n"
    lines += ["| shot | viewport | status | differing px | ratio | size | details |", "|---|---|---|---:|---:|---|---|"]
    for s in pending:
        size = ""
        if s.baseline_size and s.actual_size and s.baseline_size != s.actual_size:
            size = f"{s.baseline_size[0]}×{s.baseline_size[1]} → {s.actual_size[0]}×{s.actual_size[1]}"
        numbers = ("", "") if s.status in ("new", "error") else (f"{s.mismatched:,}", f"{s.ratio:.3%}")
        status = ICONS[s.status] if s.status != "pass" else "❌ layout"
        detail = "<br>".join([s.message, *s.detail_lines()][:6]).replace("|", "\\|")
        lines.append(f"| `{s.id}` | {s.width}×{s.height} | {status} | {numbers[0]} | {numbers[1]} | {size} | {detail} |")
    lines += ["", "Accept intended changes with `harness approve` (or `harness review` to look first)."]
    return "\n".join(lines) + "\n"


def write_summary(results: Results, path: Path | None) -> Path | None:
    """Write to ``path``, or append to ``$GITHUB_STEP_SUMMARY`` when that is set."""
    target = path or (Path(os.environ["GITHUB_STEP_SUMMARY"]) if os.environ.get("GITHUB_STEP_SUMMARY") else None)
    if target is None:
        return None
    text = markdown(results)
    try:
        if path is None:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(text)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    except OSError as err:
        from harness.errors import HarnessError

        raise HarnessError(f"{target}: cannot write the summary ({err.strerror or err}); fix the path") from None
    return target
