"""Layout specs: the Galen-style rules of ``specs.yaml``, checked at each breakpoint.

Contract used by ``inspect.run``: ``part(target, specs)`` gives the probe part measuring
the elements the page's rules name (or None), ``judge(data, target, breakpoint, specs)``
evaluates the rules that apply at that breakpoint.

A rule applies to a shot when the shot's viewport width lies in the range of one of its
``at`` names, so it is judged once per shot whatever the number of names it lists.
"""

from __future__ import annotations

from typing import Any

from harness.config.breakpoints import Breakpoint
from harness.config.specs import Check, Specs
from harness.inspect.findings import Finding
from harness.inspect.probe import Part, Target
from harness.inspect.spec_checks import Measured, evaluate

KEY = "specs"
MAX_BOXES = 500  # boxes kept per selector; counts are always complete

# For each selector: how many elements match, how many are visible, and the visible ones'
# border boxes in document coordinates. Visible: a box of non-zero size, and neither
# visibility:hidden nor opacity:0 (on the element or an ancestor).
MEASURE_JS = """(arg) => {
  const visible = (el, r) => r.width > 0 && r.height > 0 && (el.checkVisibility
    ? el.checkVisibility({visibilityProperty: true, opacityProperty: true})
    : getComputedStyle(el).visibility === 'visible');
  const round = v => Math.round(v * 100) / 100;
  const elements = {};
  for (const selector of arg.selectors) {
    let found;
    try { found = Array.from(document.querySelectorAll(selector)); }
    catch (e) { elements[selector] = {error: 'not a valid CSS selector'}; continue; }
    const boxes = [];
    let shown = 0;
    for (const el of found) {
      const r = el.getBoundingClientRect();
      if (!visible(el, r)) continue;
      shown += 1;
      if (boxes.length < arg.max) boxes.push([r.left + scrollX, r.top + scrollY, r.width, r.height].map(round));
    }
    elements[selector] = {count: found.length, visible: shown, boxes};
  }
  return {viewport: [innerWidth, innerHeight], elements};
}"""


def part(target: Target, specs: Specs | None) -> Part | None:
    """Measure every selector the rules that apply at this width use; None if no rule applies."""
    checks = _checks(target, specs)
    if not checks:
        return None
    selectors = list(dict.fromkeys(e.selector for check in checks for e in check.elements()))
    return Part(KEY, MEASURE_JS, {"selectors": selectors, "max": MAX_BOXES})


def judge(data: Any, target: Target, breakpoint: Breakpoint, specs: Specs | None) -> list[Finding]:
    """One failing finding per assertion that does not hold in this shot."""
    checks = _checks(target, specs)
    if not checks:
        return []
    where = f"at {breakpoint.name} ({target.width} px)"
    if not isinstance(data, dict) or "elements" not in data:
        problem = data.get("error") if isinstance(data, dict) else None
        message = f"{where}: could not measure the page ({problem or 'no answer from the probe'})"
        return [Finding("spec", check.text, "fail", message) for check in checks]
    measured = Measured.from_json(data, target.width, target.height)
    findings = []
    for check in checks:
        failure = evaluate(check, measured)
        if failure:
            findings.append(Finding("spec", check.text, "fail", f"{where}: {failure.message}", failure.box))
    return findings


def _checks(target: Target, specs: Specs | None) -> tuple[Check, ...]:
    return specs.checks(target.page.name, target.width) if specs else ()
