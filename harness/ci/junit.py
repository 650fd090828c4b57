"""JUnit XML for CI systems: one testcase per page × breakpoint."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from harness.files import write_atomic
from harness.results import Results, ShotResult


def junit_xml(results: Results, output: Path) -> bytes:
    """The run as a JUnit ``<testsuite>``: failures carry the message and the diff path."""
    counts = results.counts()
    suite = ET.Element(
        "testsuite",
        name="harness",
        tests=str(len(results.shots)),
        failures=str(sum(1 for s in results.shots if _failed(s))),
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
        detail = "\n".join([shot.message, *shot.detail_lines()])
        detail += f"\n{'diff' if shot.diff else 'actual'}: {output / image}" if image else ""
        if shot.status == "error":
            ET.SubElement(case, "error", message=shot.message, type="error").text = detail
        elif _failed(shot):
            kind, message = (shot.status, shot.message) if shot.status != "pass" else ("layout", "the layout checks failed")
            ET.SubElement(case, "failure", message=f"{kind}: {message}", type=kind).text = detail
        warnings = [f"{f['kind']} {f['rule']}: {f['message']}" for f in shot.findings if f.get("severity") == "warn"]
        if shot.blocked or shot.console_errors or warnings:
            lines = [f"blocked: {u}" for u in shot.blocked] + [f"console: {e}" for e in shot.console_errors]
            ET.SubElement(case, "system-out").text = "\n".join(lines + [f"warning: {w}" for w in warnings])
    ET.indent(suite)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True) + b"\n"


def _failed(shot: ShotResult) -> bool:
    """A failure (not an error): pixels that differ, are new or never settled, or a failing layout check."""
    return shot.status != "error" and not shot.ok


def write_junit(results: Results, output: Path, path: Path) -> None:
    write_atomic(path, junit_xml(results, output))
