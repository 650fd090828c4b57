"""``harness check``: render every page at every breakpoint and compare with the baselines.

A thin face over ``harness.run.assemble``: parse the options, run, print.
"""

from __future__ import annotations

import argparse

from harness import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="render the pages at every breakpoint and compare with the baselines",
        description="Render every page at every breakpoint and compare each screenshot with its baseline. "
        "Exit 0 when everything matches, 1 when anything failed, is new or errored, 2 on a usage or "
        "configuration error. Baselines are only written with --update.",
    )
    options.add_to_parser(p, (*options.RUN_OPTIONS, options.PRUNE))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from harness.run.assemble import Run, RunOptions, execute
    from harness.run.console import summary_lines

    plan = Run(RunOptions.read(lambda name: getattr(args, name)))
    plan.validate()
    if not plan.options.quiet:
        print(plan.header())
    for note in dict.fromkeys(plan.notes):
        print(f"warning: {note}")
    if plan.options.shard and not plan.options.quiet and plan.shard_record:
        print(f"shard {plan.options.shard}: {len(plan.shard_record['planned'])} of {plan.shard_record['total']} shots")
    quiet = plan.options.quiet
    results, pruned = execute(plan, print, lambda shot: not shot.ok or (shot.status != "pass" and not quiet))
    concluded, files = plan.conclude(results)
    results = concluded or results
    for line in summary_lines(results, plan.paths.output, files):
        print(line)
    if warning := plan.browser_mismatch(results):
        print(warning)
    for line in plan.unused_lines(pruned):
        print(line)
    return 0 if all(s.ok for s in results.shots) and not (pruned and pruned.refused) else 1
