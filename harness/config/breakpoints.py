"""Named breakpoints: which width ranges a page is tested at, and the viewport rendered for each.

The file is the single source of truth for names used in screenshot paths and reports, so
it is validated strictly: every mistake becomes one ConfigError line with ``file:line``,
the key path and a fix, instead of a stack trace or a silently wrong run.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from harness.config.yaml_lines import Node, describe, join_key, load_yaml
from harness.errors import ConfigError

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")  # used with fullmatch: "$" would allow a trailing "\n"
NAME_MAX = 100
MAX_BREAKPOINTS = 200  # in one file: far more than any site has, and each one is a screenshot of every page
MAX_PX = 10000
MAX_SCALE = 4.0
ENTRY_KEYS = ("min_width", "max_width", "viewport", "device_scale_factor", "is_mobile", "has_touch")
VIEWPORT_KEYS = ("width", "height")
_FILE_EXAMPLE = "it needs a top-level 'breakpoints:' mapping (see README)"


@dataclass(frozen=True)
class Viewport:
    """The browser window size rendered for a breakpoint, in CSS px."""

    width: int
    height: int


@dataclass(frozen=True)
class Breakpoint:
    """A named, inclusive width range plus the one viewport and device used to render it."""

    name: str
    min_width: int
    max_width: int | None
    viewport: Viewport
    device_scale_factor: float = 1.0
    is_mobile: bool = False
    has_touch: bool = False

    def contains(self, width: int) -> bool:
        """True if ``width`` (CSS px) falls inside the inclusive range."""
        return self.min_width <= width and (self.max_width is None or width <= self.max_width)

    @property
    def media(self) -> str:
        """The equivalent CSS media query, e.g. ``(min-width: 640px) and (max-width: 919px)``."""
        parts = []
        if self.min_width > 0:
            parts.append(f"(min-width: {self.min_width}px)")
        if self.max_width is not None:
            parts.append(f"(max-width: {self.max_width}px)")
        return " and ".join(parts) or "all"

    @property
    def range_label(self) -> str:
        """Human label for reports, e.g. ``640–919 px`` or ``1600+ px``."""
        return _range_label(self.min_width, self.max_width)

    @property
    def device_key(self) -> tuple[float, bool, bool]:
        """Shots with equal keys can share one browser context (only the size differs)."""
        return (self.device_scale_factor, self.is_mobile, self.has_touch)

    def to_json(self) -> dict[str, Any]:
        """Plain dict for reports and manifests."""
        return {
            "name": self.name,
            "min_width": self.min_width,
            "max_width": self.max_width,
            "viewport": {"width": self.viewport.width, "height": self.viewport.height},
            "media": self.media,
            "device_scale_factor": self.device_scale_factor,
            "is_mobile": self.is_mobile,
            "has_touch": self.has_touch,
        }


def load_breakpoints(path: str | os.PathLike[str]) -> tuple[Breakpoint, ...]:
    """Load and validate a breakpoints file, keeping file order; raises only ConfigError."""
    root = load_yaml(path, missing_fix="create it or pass --breakpoints FILE", empty_fix=_FILE_EXAMPLE)
    check = _Checker(path)
    table = check.top_level(root)
    return tuple(check.entry(name, node, table.key_lines[name]) for name, node in table.value.items())


def load_project_breakpoints(path: Path, given: bool) -> tuple[Breakpoint, ...]:
    """The project's breakpoints; a missing default file says how to write one."""
    if not given and not path.exists():
        raise ConfigError(path, None, "file not found; write one from your pages' CSS with 'harness init', or pass --breakpoints FILE")
    return load_breakpoints(path)


def _range_label(low: int, high: int | None) -> str:
    return f"{low}+ px" if high is None else f"{low}\u2013{high} px"


def _suggest(key: str, allowed: tuple[str, ...]) -> str:
    """A "did you mean" hint for a misspelt key, or the list of allowed keys."""
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return "allowed keys: " + ", ".join(allowed)


class _Checker:
    """Validation steps for one file; each failure raises a one-line ConfigError."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path

    def fail(self, line: int, keypath: str, problem: str, fix: str) -> NoReturn:
        """Raise the one error shape used everywhere: ``keypath: problem; fix``."""
        raise ConfigError(self.path, line, f"{keypath}: {problem}; {fix}")

    def top_level(self, root: Node) -> Node:
        """The document must be ``{breakpoints: {name: {...}, ...}}`` and nothing else."""
        if not root.is_mapping:
            self.fail(root.line, "top level", f"must be a mapping, got {root.describe()}", _FILE_EXAMPLE)
        for key, line in root.key_lines.items():
            if key != "breakpoints":
                close = difflib.get_close_matches(key, ("breakpoints",), n=1)
                fix = "did you mean 'breakpoints'?" if close else "the only top-level key allowed is 'breakpoints'"
                self.fail(line, join_key("", key), "unknown top-level key", fix)
        if "breakpoints" not in root.value:
            self.fail(root.line, "top level", "missing key 'breakpoints'", _FILE_EXAMPLE)
        table: Node = root.value["breakpoints"]
        if not table.is_mapping:
            fix = "write one 'name:' block per breakpoint (see README)"
            problem = f"must be a mapping of names to settings, got {table.describe()}"
            self.fail(table.line, "breakpoints", problem, fix)
        if not table.value:
            self.fail(table.line, "breakpoints", "is empty", "add at least one named breakpoint (see README)")
        if len(table.value) > MAX_BREAKPOINTS:  # said before any of them is checked or planned
            first_extra = list(table.key_lines.values())[MAX_BREAKPOINTS]
            problem = f"{len(table.value)} breakpoints, over the {MAX_BREAKPOINTS} a file may have"
            self.fail(first_extra, "breakpoints", problem, "keep the names your CSS switches at ('harness coverage' shows them)")
        return table

    def entry(self, name: str, node: Node, name_line: int) -> Breakpoint:
        """Validate one named entry and build its Breakpoint."""
        keypath = join_key("breakpoints", name)
        self.name(name, keypath, name_line)
        fields = self.mapping(node, keypath, ENTRY_KEYS, ("min_width", "viewport"), name_line)
        low = self.whole(fields["min_width"], f"{keypath}.min_width", 0)
        high = self.optional_whole(fields.get("max_width"), f"{keypath}.max_width")
        if high is not None and low > high:
            problem = f"min_width {low} is greater than max_width {high}"
            self.fail(fields["max_width"].line, keypath, problem, "swap them or fix the range")
        viewport = self.viewport(fields["viewport"], f"{keypath}.viewport", node.key_lines["viewport"])
        if not (low <= viewport.width and (high is None or viewport.width <= high)):
            problem = f"viewport width {viewport.width} is outside the range {_range_label(low, high)}"
            width_line = fields["viewport"].value["width"].line
            self.fail(width_line, f"{keypath}.viewport.width", problem, "pick a width inside it")
        return Breakpoint(
            name=name,
            min_width=low,
            max_width=high,
            viewport=viewport,
            device_scale_factor=self.scale(fields.get("device_scale_factor"), f"{keypath}.device_scale_factor"),
            is_mobile=self.flag(fields.get("is_mobile"), f"{keypath}.is_mobile"),
            has_touch=self.flag(fields.get("has_touch"), f"{keypath}.has_touch"),
        )

    def name(self, name: str, keypath: str, line: int) -> None:
        """Names become file and directory names, so keep them to a safe alphabet."""
        if len(name) > NAME_MAX:
            fix = f"shorten it to at most {NAME_MAX}"
            self.fail(line, keypath, f"name is {len(name)} characters long", fix)
        if name in (".", "..") or not NAME_RE.fullmatch(name):
            fix = "use only lowercase letters a-z, digits 0-9, '.', '_' and '-', starting with a letter or digit"
            self.fail(line, keypath, f"name {name!r} cannot be used as a file name", fix)

    def mapping(
        self, node: Node, keypath: str, allowed: tuple[str, ...], required: tuple[str, ...], line: int
    ) -> dict[str, Node]:
        """Check a settings mapping: known keys only (with a suggestion), required keys present."""
        if not node.is_mapping:
            fix = "indent the settings (" + ", ".join(required) + ") under it"
            self.fail(node.line, keypath, f"must be a mapping, got {node.describe()}", fix)
        for key, key_line in node.key_lines.items():
            if key not in allowed:
                self.fail(key_line, join_key(keypath, key), "unknown key", _suggest(key, allowed))
        for key in required:
            if key not in node.value:
                self.fail(line, keypath, f"missing required key {key!r}", f"add '{key}:' ({_HELP[key]})")
        fields: dict[str, Node] = node.value
        return fields

    def whole(self, node: Node, keypath: str, low: int, high: int | None = None) -> int:
        """A whole number of CSS px in [low, high]; bools, floats and strings are rejected."""
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            problem = f"must be a whole number of CSS pixels, got {describe(value)}"
            self.fail(node.line, keypath, problem, "write it as e.g. 640, without quotes or decimals")
        if value < low or (high is not None and value > high):
            fix = f"use a value from {low} to {high}" if high is not None else f"use {low} or more"
            self.fail(node.line, keypath, f"{value} is out of range", fix)
        return value

    def optional_whole(self, node: Node | None, keypath: str) -> int | None:
        """max_width: missing or null means no upper bound."""
        if node is None or node.value is None:
            return None
        return self.whole(node, keypath, 0)

    def viewport(self, node: Node, keypath: str, key_line: int) -> Viewport:
        """Exactly width and height, each 1..10000 px."""
        fields = self.mapping(node, keypath, VIEWPORT_KEYS, VIEWPORT_KEYS, key_line)
        width = self.whole(fields["width"], f"{keypath}.width", 1, MAX_PX)
        height = self.whole(fields["height"], f"{keypath}.height", 1, MAX_PX)
        return Viewport(width, height)

    def scale(self, node: Node | None, keypath: str) -> float:
        """device_scale_factor: a number in (0, 4]; default 1."""
        if node is None:
            return 1.0
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(node.line, keypath, f"must be a number, got {describe(value)}", "write e.g. 1 or 2")
        if not 0 < value <= MAX_SCALE:
            fix = f"use a number above 0 and at most {MAX_SCALE:g}"
            self.fail(node.line, keypath, f"{value} is out of range", fix)
        return float(value)

    def flag(self, node: Node | None, keypath: str) -> bool:
        """is_mobile / has_touch: a real YAML boolean; default false."""
        if node is None:
            return False
        if not isinstance(node.value, bool):
            problem = f"must be true or false, got {node.describe()}"
            self.fail(node.line, keypath, problem, "write true or false without quotes")
        return node.value


_HELP = {
    "min_width": "the smallest width in CSS px, inclusive; 0 for no lower bound",
    "viewport": "the size to render, e.g. {width: 1024, height: 768}",
    "width": "the viewport width in CSS px",
    "height": "the viewport height in CSS px",
}
