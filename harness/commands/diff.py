"""``harness diff BASELINE ACTUAL``: the diff core on two PNG files."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from harness import options

if TYPE_CHECKING:
    from harness.compare.diff import DiffResult


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="compare two PNG files",
        description="Compare ACTUAL with BASELINE by pixelmatch's rules. "
        "Exit 0 if they match within the limits, 1 if they differ, 2 on bad input.",
    )
    p.add_argument("baseline", metavar="BASELINE.png")
    p.add_argument("actual", metavar="ACTUAL.png")
    p.add_argument("-o", "--output", metavar="DIFF.png", help="write the diff image here")
    options.add_to_parser(p, options.DIFF_OPTIONS)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from harness.compare.diff import Limits, Options, compare
    from harness.compare.images import diff_png_bytes, read_pair
    from harness.files import write_atomic

    baseline, actual = read_pair(args.baseline, args.actual)
    limits = Limits(args.max_diff_pixels, args.max_diff_pixel_ratio)
    result = compare(
        baseline, actual, Options(threshold=args.threshold, include_aa=args.include_aa), diff_image=bool(args.output)
    )
    if args.output:
        write_atomic(args.output, diff_png_bytes(result.diff))
    passed = result.passed(limits)
    if args.json:
        print(json.dumps({**result.to_json(), "passed": passed, "diff": args.output}))
    else:
        print(describe(result, passed))
    return 0 if passed else 1


def describe(result: DiffResult, passed: bool) -> str:
    from harness.compare.diff import describe_change

    verdict = "match" if passed else "differ"
    return f"{verdict}: {describe_change(result, with_total=True)}"
