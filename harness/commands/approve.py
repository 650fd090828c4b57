"""``harness approve [PAGE[/BREAKPOINT]]...``: accept the last run's screenshots as baselines."""

from __future__ import annotations

import argparse

from harness import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "approve",
        help="accept the last run's new and changed screenshots as baselines",
        description="Promote the actual screenshots of the last 'harness check' into baselines: all that did "
        "not pass, or only the pages and page/breakpoint pairs named.",
    )
    p.add_argument("shots", nargs="*", metavar="PAGE[/BREAKPOINT]", help="what to approve (default: everything that did not pass)")
    options.add_to_parser(
        p,
        (options.OUTPUT_DIR, options.BASELINES_DIR),
        output_dir="the run's output folder (default: .harness/output/)",
        baselines_dir="the baselines folder the run wrote to, if it lies outside this project "
        "(results.json may only name a folder inside the project, or this one)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from harness.paths import resolve
    from harness.results import load
    from harness.store.approve import approve, check_origin
    from harness.store.baselines import output_lock

    paths = resolve(baselines=args.baselines_dir, output=args.output_dir)
    output = paths.output
    with output_lock(output, "harness approve"):  # not while a check rewrites these results
        results = load(output)
        check_origin(results, output, paths)
        changes = approve(results, output, args.shots)
    for line in changes:
        print(line)
    if not changes:
        print("nothing to approve: every shot of the last run passed or was already approved")
    return 0

