"""``harness merge DIR...``: the shards of one run (``check --shard I/N``) as one run."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    from harness import options

    p = sub.add_parser(
        "merge",
        help="combine the output folders of 'check --shard I/N' runs into one results.json and report",
        description="Combine the output folders of the shards of one run (each with results.json and shots/) into "
        "one output folder: results.json, the report, and --junit/--summary on request. Refuses inputs that "
        "do not add up to exactly one run. Exit 0 when every shot matched, 1 when any failed, is new or "
        "errored, 2 on a usage error.",
    )
    p.add_argument("folders", nargs="+", metavar="DIR", help="a shard's output folder (one per shard)")
    p.add_argument(
        "-o", "--output-dir", metavar="DIR", help="where the merged run goes (default: .harness/output/)"
    )
    p.add_argument(
        "--baselines-dir",
        metavar="DIR",
        help="the baselines folder of the merged run (default: the one the shards used if it exists here, "
        "else baselines/ of this project)",
    )
    options.add_to_parser(p, (*options.CI_OPTIONS, options.QUIET), quiet="print only the summary")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from harness.run.console import shot_line, summary_lines
    from harness.run.merge import default_baselines, merge, read_shards
    from harness.paths import resolve
    from harness.run.publish import publish
    from harness.store.baselines import output_lock

    paths = resolve(baselines=args.baselines_dir, output=args.output_dir)
    shards = read_shards([Path(f) for f in args.folders])
    baselines = paths.baselines if args.baselines_dir else default_baselines(shards, paths.baselines, paths.root)
    with output_lock(paths.output):
        results = merge(shards, paths.output, baselines)
        files = publish(results, paths.output, _path(args.junit), _path(args.summary))
    print(f"merged {len(shards)} shards: " + ", ".join(str(s.folder) for s in shards))
    if not args.quiet:
        for shot in results.shots:
            if shot.status != "pass":
                print(shot_line(shot, paths.output))
    for line in summary_lines(results, paths.output, files):
        print(line)
    return 0 if all(s.ok for s in results.shots) else 1


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None
