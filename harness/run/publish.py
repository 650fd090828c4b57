"""What every run leaves behind besides results.json: the report, and CI files on request."""

from __future__ import annotations

from pathlib import Path

from harness.paths import show
from harness.results import Results


def publish(results: Results, output: Path, junit: Path | None = None, summary: Path | None = None) -> list[str]:
    """Write the HTML report (always), JUnit XML and the Markdown summary (when asked);
    return one line per file for the user."""
    from harness.ci.junit import write_junit
    from harness.ci.summary import write_summary
    from harness.report.build import write_report

    lines = [f"report: {show(write_report(results, output))}"]
    if junit:
        write_junit(results, output, junit)
        lines.append(f"junit: {show(junit)}")
    written = write_summary(results, summary)
    if written:
        lines.append(f"summary: {show(written)}")
    return lines
