"""``harness breakpoints``: what each name means, as a table or JSON."""

from __future__ import annotations

import argparse
import json

from harness import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "breakpoints",
        help="list the named breakpoints",
        description="Print each breakpoint's name, range, viewport and CSS media query.",
    )
    options.add_to_parser(p, (options.BREAKPOINTS,))
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from harness.config.breakpoints import load_breakpoints

    from harness.paths import resolve

    bps = load_breakpoints(resolve(breakpoints=args.breakpoints).breakpoints)
    if args.json:
        print(json.dumps([bp.to_json() for bp in bps], indent=2))
        return 0
    rows = [("NAME", "RANGE", "VIEWPORT", "MEDIA QUERY")]
    for bp in bps:
        device = "".join([" mobile" if bp.is_mobile else "", " touch" if bp.has_touch else ""])
        rows.append((bp.name, bp.range_label, f"{bp.viewport.width}x{bp.viewport.height}{device}", bp.media))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths)) + "  " + r[3])
    return 0
