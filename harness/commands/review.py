"""``harness review``: look at the last run in a browser and approve or reject shots there."""

from __future__ import annotations

import argparse

from harness import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review",
        help="serve the report on 127.0.0.1 with Approve and Reject buttons",
        description="Serve the last run's report on 127.0.0.1 (a free port unless --port) with Approve and Reject "
        "on each shot. Approving writes the baseline exactly as 'harness approve' does. Stop with Ctrl-C.",
    )
    options.add_to_parser(
        p,
        (options.OUTPUT_DIR, options.BASELINES_DIR),
        output_dir="the run's output folder (default: .harness/output/)",
        baselines_dir="the baselines folder the run wrote to, if it lies outside this project "
        "(results.json may only name a folder inside the project, or this one)",
    )
    p.add_argument("--port", type=_port, default=0, help="port to listen on (default: a free one)")
    p.set_defaults(run=run)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, got {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from harness.paths import resolve
    from harness.report.build import write_report
    from harness.results import load
    from harness.review.server import ReviewServer
    from harness.store.approve import check_origin

    paths = resolve(baselines=args.baselines_dir, output=args.output_dir)
    output = paths.output
    results = load(output)
    check_origin(results, output, paths)
    write_report(results, output)  # fresh, so it shows earlier approvals
    try:
        server = ReviewServer(output, args.port, paths)
    except OSError as err:
        from harness.errors import UsageError

        raise UsageError(f"cannot listen on 127.0.0.1:{args.port} ({err.strerror}); choose another --port or leave it out") from None
    print(f"reviewing {len(results.shots)} shots at {server.url}  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()  # until Ctrl-C or kill: harness.cli says so in one line, exit 130 or 143
    finally:
        server.close()
    return 0
