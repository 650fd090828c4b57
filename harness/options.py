"""Option definitions shared by the command line and the pytest plugin.

Each option is declared once here; ``harness check --update`` and
``pytest --harness-update`` are the same option with the same validation.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any, Callable


def unit_interval() -> Callable[[str], float]:
    """An argparse ``type=`` for a number from 0 to 1 (argparse names the option on failure)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not 0 <= value <= 1:
            raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, got {text!r}")
        return value

    return parse


def whole_number() -> Callable[[str], int]:
    """An argparse ``type=`` for a whole number >= 0."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = -1
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
        return value

    return parse


def shard_spec(text: str) -> Any:
    """An argparse ``type=`` for ``--shard I/N`` (parsed in harness.shard, loaded on use)."""
    from harness.shard import parse

    return parse(text)


def ws_endpoint(text: str) -> str:
    """An argparse ``type=`` for a Playwright browser server's address."""
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

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    def cli_flag(self) -> str:
        return f"--{self.name}"

    def pytest_flag(self) -> str:
        return f"--harness-{self.name}"


UPDATE_CHOICES = ("missing", "all")

THRESHOLD = Opt(
    "threshold",
    "per-pixel colour tolerance, 0 (exact) to 1; pixelmatch's meaning (default 0.1)",
    {"type": unit_interval(), "default": 0.1, "metavar": "T"},
)
INCLUDE_AA = Opt(
    "include-aa",
    "count anti-aliased pixels as differences instead of forgiving them",
    {"action": "store_true"},
)
MAX_DIFF_PIXELS = Opt(
    "max-diff-pixels",
    "a shot still passes with up to N differing pixels (default 0)",
    {"type": whole_number(), "default": None, "metavar": "N"},
)
MAX_DIFF_PIXEL_RATIO = Opt(
    "max-diff-pixel-ratio",
    "a shot still passes with up to this fraction of differing pixels, 0 to 1",
    {"type": unit_interval(), "default": None, "metavar": "R"},
)
DIFF_OPTIONS = (THRESHOLD, INCLUDE_AA, MAX_DIFF_PIXELS, MAX_DIFF_PIXEL_RATIO)
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
BROWSER_ENDPOINT = Opt(
    "browser-endpoint",
    "render in the browser of this Playwright browser server (ws://HOST:PORT/PATH) instead of launching one",
    {"type": ws_endpoint, "default": None, "metavar": "WS_URL"},
)
SCALE_OPTIONS = (SHARD, BROWSER_ENDPOINT)


def add_to_parser(parser: argparse.ArgumentParser | argparse._ArgumentGroup, opts: tuple[Opt, ...]) -> None:
    for opt in opts:
        parser.add_argument(opt.cli_flag(), dest=opt.dest, help=opt.help, **opt.kwargs)

