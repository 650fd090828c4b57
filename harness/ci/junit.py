"""JUnit XML for CI systems: one testcase per page × breakpoint."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from harness.compare.images import write_atomic
from harness.results import Results


def junit_xml(results: Results, output: Path) -> bytes:
    """The run as a JUnit ``<testsuite>``: failures carry the message and the diff path."""
    counts = results.counts()
    suite = ET.Element(
        "testsuite",
        name="harness",
        tests=str(len(results.shots)),
        failures=str(sum(1 for s in results.shots if s.status in ("fail", "new", "unstable") and not s.updated)),
        errors=str(counts["error"]),
        time=f"{sum(s.seconds for s in results.shots):.3f}",
        timestamp=results.created,
    )
    props = ET.SubElement(suite, "properties")
    for key, value in (("browser", results.browser.get("description", "")), ("run_id", results.run_id)):
        ET.SubElement(props, "property", name=key, value=str(value))
    for shot in results.shots:
        case = ET.SubElement(
            suite, "testcase", classname=f"harness.{shot.page}", name=shot.breakpoint, time=f"{shot.seconds:.3f}"
        )
        image = shot.diff or shot.actual
        detail = shot.message + (f"\n{'diff' if shot.diff else 'actual'}: {output / image}" if image else "")
        if shot.status == "error":
            ET.SubElement(case, "error", message=shot.message, type="error").text = detail
        elif shot.status in ("fail", "new", "unstable") and not shot.updated:
            ET.SubElement(case, "failure", message=f"{shot.status}: {shot.message}", type=shot.status).text = detail
        if shot.blocked or shot.console_errors:
            lines = [f"blocked: {u}" for u in shot.blocked] + [f"console: {e}" for e in shot.console_errors]
            ET.SubElement(case, "system-out").text = "\n".join(lines)
    ET.indent(suite)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True) + b"\n"


def write_junit(results: Results, output: Path, path: Path) -> None:
    write_atomic(path, junit_xml(results, output))
