"""The ``harness`` command: thin argument parsing over the engine.

Heavy modules load only inside the command that needs them, so ``harness --help`` is quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from harness import __version__
from harness.errors import HarnessError


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line with the way out, not the whole usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    from harness.commands import approve, breakpoints, check, coverage, diff, init, merge, review

    parser = OneLineParser(
        prog="harness",
        description="Responsive layout testing for news pages: screenshots at named breakpoints, compared with baselines.",
    )
    parser.add_argument("--version", action="version", version=f"harness {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for command in (init, check, approve, review, merge, breakpoints, coverage, diff):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from harness import interrupts

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with interrupts.raising():
            return int(args.run(args))
    except HarnessError as err:
        print(f"harness: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt as err:
        terminated = isinstance(err, interrupts.Terminated)
        print(f"harness: {'terminated' if terminated else 'interrupted'}; every baseline is as it was or fully written", file=sys.stderr)
        return 143 if terminated else 130
    except BrokenPipeError:
        return 1
    except Exception as err:  # a bug: one line by default, the traceback on request
        if os.environ.get("HARNESS_DEBUG"):
            raise
        print(
            f"harness: internal error: {type(err).__name__}: {err} (set HARNESS_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
