"""Every option of a run, defined once for both faces.

``harness check --NAME`` and ``pytest --harness-NAME`` are the same option: the same
type, default, choices, validation and message (pytest's own parser is argparse too).
``tests/test_options.py`` compares the two lists, so they cannot drift apart.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.config import values


def _argparse_type(check: Callable[[float, str], Any], parse: Callable[[str], float] = values.number) -> Callable[[str], Any]:
    """An argparse ``type=`` from a validator of ``harness.config.values`` (argparse names
    the option in front of the message)."""

    def convert(text: str) -> Any:
        try:
            return check(parse(text), repr(text))
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    convert.__name__ = check.__name__
    return convert


def _int_or_nan(text: str) -> float:
    try:
        return int(text)
    except ValueError:
        return math.nan


def _origin(text: str) -> str:
    try:
        return values.origin(text, repr(text))
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def shard_spec(text: str) -> Any:
    """``--shard I/N`` (parsed in harness.plan.shard, loaded on use)."""
    from harness.plan.shard import parse

    return parse(text)


def ws_endpoint(text: str) -> str:
    """A Playwright browser server's address."""
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"must be the ws:// or wss:// address of a Playwright browser server, e.g. ws://127.0.0.1:3000/; got {text!r}"
        )
    return text


@dataclass(frozen=True)
class Opt:
    """One option: ``--NAME`` on the command line, ``--harness-NAME`` under pytest."""

    name: str
    help: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    short: str | None = None  # the command line's one-letter form, if any

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    def cli_flag(self) -> str:
        return f"--{self.name}"

    def pytest_flag(self) -> str:
        return f"--harness-{self.name}"

    def default(self) -> Any:
        value = self.kwargs.get("default")
        return list(value) if isinstance(value, list) else value


# -- where things are --------------------------------------------------------------------------
PAGES_DIR = Opt("pages-dir", "the pages folder (default: pages/ in the project root)", {"metavar": "DIR"})
BASELINES_DIR = Opt("baselines-dir", "the baselines folder (default: baselines/ in the project root)", {"metavar": "DIR"})
OUTPUT_DIR = Opt("output-dir", "where results.json and images go (default: .harness/output/)", {"metavar": "DIR"})
BREAKPOINTS = Opt(
    "breakpoints",
    "the breakpoints file (default: $HARNESS_BREAKPOINTS, else breakpoints.yaml in the project root)",
    {"metavar": "FILE", "default": os.environ.get("HARNESS_BREAKPOINTS")},
)
PLACES = (PAGES_DIR, BASELINES_DIR, OUTPUT_DIR, BREAKPOINTS)

# -- what to run -------------------------------------------------------------------------------
PAGE = Opt("page", "only this page (repeatable)", {"action": "append", "default": [], "metavar": "NAME"})
BREAKPOINT = Opt("breakpoint", "only this breakpoint (repeatable)", {"action": "append", "default": [], "metavar": "NAME"})
EDGES = Opt(
    "edges",
    "also render each breakpoint at its min_width and max_width (320 for a range from 0), "
    "as shots of their own named BREAKPOINT@WIDTH",
    {"action": "store_true"},
)
SHARD = Opt(
    "shard",
    "run only shard I of N of the page × breakpoint matrix (1-based, e.g. 2/3); combine with 'harness merge'",
    {"type": shard_spec, "default": None, "metavar": "I/N"},
)
UPDATE = Opt(
    "update",
    "write baselines: 'missing' for new shots only, 'all' also replaces failing ones",
    {"choices": values.UPDATE_CHOICES, "default": None},
)
SELECTION = (PAGE, BREAKPOINT, EDGES, SHARD, UPDATE)

# -- the browser and the page ------------------------------------------------------------------
BROWSER = Opt("browser", "the Chromium or Chrome executable to use (default: found automatically)", {"metavar": "PATH"})
BROWSER_ENDPOINT = Opt(
    "browser-endpoint",
    "render in the browser of this Playwright browser server (ws://HOST:PORT/PATH) instead of launching one",
    {"type": ws_endpoint, "default": None, "metavar": "WS_URL"},
)
ALLOW_ORIGIN = Opt(
    "allow-origin",
    "let pages load from this origin too, e.g. https://cdn.example.com (repeatable)",
    {"type": _origin, "action": "append", "default": [], "metavar": "ORIGIN"},
)
TIMEOUT = Opt(
    "timeout",
    "per-step timeout in seconds (default 30)",
    {"type": _argparse_type(values.seconds), "default": 30.0, "metavar": "SECONDS"},
)
NETWORK = Opt(
    "network",
    "requests to other origins: 'block' them (and list them), or 'snapshot': load them live and record them on "
    "--update, replay the recording on every other run (default: each page's network setting, else block)",
    {"choices": ("block", "snapshot"), "default": None},
)
RETRY_HUNG = Opt(
    "retry-hung",
    "try every breakpoint of a page that hung at one (default: its other breakpoints fail at once, with the same cause)",
    {"action": "store_true"},
)
RENDERING = (BROWSER, BROWSER_ENDPOINT, ALLOW_ORIGIN, TIMEOUT, NETWORK)

# -- judging -----------------------------------------------------------------------------------
THRESHOLD = Opt(
    "threshold",
    "per-pixel colour tolerance, 0 (exact) to 1; pixelmatch's meaning (default 0.1)",
    {"type": _argparse_type(values.unit_interval), "default": 0.1, "metavar": "T"},
)
INCLUDE_AA = Opt("include-aa", "count anti-aliased pixels as differences instead of forgiving them", {"action": "store_true"})
MAX_DIFF_PIXELS = Opt(
    "max-diff-pixels",
    "a shot still passes with up to N differing pixels (default 0)",
    {"type": _argparse_type(values.whole_number, _int_or_nan), "default": None, "metavar": "N"},
)
MAX_DIFF_PIXEL_RATIO = Opt(
    "max-diff-pixel-ratio",
    "a shot still passes with up to this fraction of differing pixels, 0 to 1",
    {"type": _argparse_type(values.unit_interval), "default": None, "metavar": "R"},
)
DIFF_OPTIONS = (THRESHOLD, INCLUDE_AA, MAX_DIFF_PIXELS, MAX_DIFF_PIXEL_RATIO)

# -- output ------------------------------------------------------------------------------------
QUIET = Opt("quiet", "print only failures and the summary", {"action": "store_true"}, short="-q")
JUNIT = Opt("junit", "also write JUnit XML here (one testcase per page × breakpoint)", {"metavar": "FILE"})
SUMMARY = Opt(
    "summary",
    "also write a Markdown summary here (default: appended to $GITHUB_STEP_SUMMARY when that is set)",
    {"metavar": "FILE"},
)
CI_OPTIONS = (JUNIT, SUMMARY)

# What a run takes, under both faces. ``--prune`` is the command line's alone: it needs
# a whole run, which a pytest selection (-k, a file) cannot promise.
RUN_OPTIONS: tuple[Opt, ...] = (*PLACES, *SELECTION, *RENDERING, RETRY_HUNG, *DIFF_OPTIONS, QUIET, *CI_OPTIONS)
PRUNE = Opt(
    "prune",
    "delete the baselines that no page at any breakpoint uses (only after a whole run in which every shot got a screenshot)",
    {"action": "store_true"},
)


def add_to_parser(parser: argparse.ArgumentParser | argparse._ArgumentGroup, opts: Sequence[Opt], **helps: str) -> None:
    """Add the options to a command's parser; ``helps`` rewords one for that command."""
    for opt in opts:
        flags = [opt.short, opt.cli_flag()] if opt.short else [opt.cli_flag()]
        parser.add_argument(*flags, dest=opt.dest, help=helps.get(opt.dest, opt.help), **opt.kwargs)


def add_to_pytest(group: Any, opts: Sequence[Opt]) -> None:
    """The same options in pytest's ``harness`` group, as ``--harness-NAME``."""
    for opt in opts:
        group.addoption(opt.pytest_flag(), dest=f"harness_{opt.dest}", help=opt.help, **opt.kwargs)
