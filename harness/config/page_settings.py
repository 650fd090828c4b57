"""Per-page capture and comparison settings, as written in ``pages.yaml``.

The same keys may appear under ``defaults:`` (every page) and under each page (that
page only; it wins). Three ways to keep dynamic parts out of a shot, on purpose distinct:

* ``mask``: paint the element's box with a solid colour; the layout is kept and checked;
* ``hide``: ``visibility: hidden``; the space stays, the content goes;
* ``remove``: ``display: none``; the element and its space are gone, the rest reflows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field, fields, replace
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import urlsplit

from harness.config import values
from harness.config.selectors import not_a_selector
from harness.config.yaml_lines import Node, describe, join_key

DEFAULT_FROZEN_TIME = dt.datetime(2013, 9, 12, 20, 51, tzinfo=dt.timezone.utc)  # the seed article's moment
DEFAULT_MAX_HEIGHT = 20_000
DEFAULT_DETECTOR = "[data-breakpoint]"
LINT_RULES = ("overflow", "overlap", "clipped", "tap-targets", "small-text")
LINT_LEVELS = ("fail", "warn", "off")
MERGED_KEYS = frozenset({"landmarks", "lint"})
NAME_RE = re.compile(r"[a-z][a-z0-9_-]*")
COLOR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
MAX_SELECTORS = 2_000  # in one setting (mask, hide, remove, landmarks): more is no page's need, and costs every shot


@dataclass(frozen=True)
class PageSettings:
    """Everything a page may set. ``None`` for the comparison limits means "not set here"."""

    mask: tuple[str, ...] = ()
    mask_color: str = "#FF00FF"
    hide: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    wait_for: str | None = None
    clip: str | None = None
    full_page: bool = True
    fresh: bool = False  # load the page anew for every viewport, for scripts that read the width only at load
    allow_blank: bool = False  # a page that paints one colour is the design, not a script that never ran
    freeze_time: dt.datetime | None = DEFAULT_FROZEN_TIME  # None: the real clock runs
    script: str | None = None
    allow_network: tuple[str, ...] = ()
    network: str = "block"  # other origins: "block" (and list), or "snapshot": recorded on --update, replayed after
    threshold: float | None = None
    max_diff_pixels: int | None = None
    max_diff_pixel_ratio: float | None = None
    max_height: int = DEFAULT_MAX_HEIGHT
    breakpoints: tuple[str, ...] | None = None
    landmarks: tuple[tuple[str, str | None], ...] = ()  # (name, selector or None to drop a default)
    lint: tuple[tuple[str, str], ...] = ()  # (rule, "fail" | "warn" | "off")
    detector: str | None = DEFAULT_DETECTOR  # elements naming the breakpoints the page's CSS thinks active
    given: frozenset[str] = field(default=frozenset(), compare=False)  # keys set explicitly
    # Where ``breakpoints`` was set (file, line, key path): its names are checked against
    # breakpoints.yaml only when a run is planned, and that error must point here.
    breakpoints_at: tuple[str, int, str] | None = field(default=None, compare=False)

    def over(self, base: PageSettings) -> PageSettings:
        """These settings on top of ``base``: keys given here win, the rest come from base.

        The two mappings (``landmarks``, ``lint``) merge name by name instead.
        """
        values = {k: getattr(self, k) for k in self.given}
        for key in MERGED_KEYS & self.given:
            values[key] = tuple({**dict(getattr(base, key)), **dict(getattr(self, key))}.items())
        at = self.breakpoints_at if "breakpoints" in self.given else base.breakpoints_at
        return replace(base, **values, given=base.given | self.given, breakpoints_at=at)


SETTING_KEYS = tuple(f.name for f in fields(PageSettings) if f.name not in ("given", "breakpoints_at"))


class SettingsParser:
    """Reads one settings mapping; every mistake is a one-line ConfigError via ``fail``."""

    def __init__(self, fail: Callable[[int, str, str, str], NoReturn], path: str = "pages.yaml") -> None:
        self.fail = fail
        self.path = path

    def parse(self, node: Node, keypath: str, extra_keys: tuple[str, ...] = ()) -> PageSettings:
        values: dict[str, Any] = {}
        for key, key_line in node.key_lines.items():
            if key in extra_keys:
                continue
            if key not in SETTING_KEYS:
                self._unknown(key, key_line, keypath, extra_keys)
            values[key] = getattr(self, f"_{key}")(node.value[key], join_key(keypath, key))
        at = (self.path, node.value["breakpoints"].line, join_key(keypath, "breakpoints")) if "breakpoints" in values else None
        return PageSettings(**values, given=frozenset(values), breakpoints_at=at)

    def _unknown(self, key: str, line: int, keypath: str, extra: tuple[str, ...]) -> NoReturn:
        allowed = (*extra, *SETTING_KEYS)
        close = difflib.get_close_matches(key, allowed, n=1)
        fix = f"did you mean {close[0]!r}?" if close else "allowed keys: " + ", ".join(allowed)
        self.fail(line, join_key(keypath, key), "unknown key", fix)

    # -- one method per key ------------------------------------------------------------

    def _selectors(self, node: Node, keypath: str) -> tuple[str, ...]:
        items = node.value if isinstance(node.value, list) else [node] if isinstance(node.value, str) else None
        if items is None or not all(isinstance(i.value, str) and i.value.strip() for i in items):
            self.fail(node.line, keypath, f"must be a CSS selector or a list of them, got {node.describe()}", "e.g. ['.ad', '#cookie-banner']")
        self._not_too_many(len(items), node.line, keypath, "selectors")
        return tuple(self._css(i, keypath) for i in items)

    _mask = _hide = _remove = _selectors

    def _selector(self, node: Node, keypath: str) -> str:
        if not isinstance(node.value, str) or not node.value.strip():
            self.fail(node.line, keypath, f"must be one CSS selector, got {node.describe()}", "e.g. 'article'")
        return self._css(node, keypath)

    def _css(self, node: Node, keypath: str) -> str:
        return checked_selector(node, keypath, self.fail)

    def _not_too_many(self, count: int, line: int, keypath: str, what: str) -> None:
        if count > MAX_SELECTORS:
            self.fail(line, keypath, f"{count} {what}, over the {MAX_SELECTORS} one setting may have", "name what changes by a few shared classes instead")

    _wait_for = _clip = _selector

    def _mask_color(self, node: Node, keypath: str) -> str:
        if not isinstance(node.value, str) or not COLOR_RE.fullmatch(node.value):
            self.fail(node.line, keypath, f"must be a colour like '#FF00FF', got {node.describe()}", "quote it: '#FF00FF'")
        return str(node.value)

    def _flag(self, node: Node, keypath: str) -> bool:
        if not isinstance(node.value, bool):
            self.fail(node.line, keypath, f"must be true or false, got {node.describe()}", "write true or false")
        return bool(node.value)

    _full_page = _fresh = _allow_blank = _flag

    def _freeze_time(self, node: Node, keypath: str) -> dt.datetime | None:
        value = node.value
        if value is False:
            return None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                parsed = None
            if parsed is not None:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
        self.fail(node.line, keypath, f"must be a date and time or false, got {describe(value)}", "e.g. '2013-09-12T20:51:00Z'")

    def _script(self, node: Node, keypath: str) -> str:
        if not isinstance(node.value, str) or not node.value.strip():
            self.fail(node.line, keypath, f"must be JavaScript text, got {node.describe()}", "use a YAML block: script: |")
        return str(node.value)

    def _network(self, node: Node, keypath: str) -> str:
        if node.value not in ("block", "snapshot"):
            self.fail(node.line, keypath, f"must be block or snapshot, got {node.describe()}", "write network: snapshot to record other origins once and replay them")
        return str(node.value)

    def _allow_network(self, node: Node, keypath: str) -> tuple[str, ...]:
        items = node.value if isinstance(node.value, list) else [node]
        origins = []
        for item in items:
            parts = urlsplit(item.value) if isinstance(item.value, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
                self.fail(item.line, keypath, f"{item.describe()} is not an origin", "write e.g. https://cdn.example.com")
            origins.append(f"{parts.scheme}://{parts.netloc}")
        return tuple(origins)

    def _unit(self, node: Node, keypath: str) -> float:
        try:
            return values.unit_interval(_yaml_number(node.value), describe(node.value))
        except ValueError as err:
            self.fail(node.line, keypath, str(err), "e.g. 0.1")

    _threshold = _max_diff_pixel_ratio = _unit

    def _max_diff_pixels(self, node: Node, keypath: str) -> int:
        value = node.value
        try:
            return values.whole_number(_yaml_number(value) if isinstance(value, int) else math.nan, describe(value))
        except ValueError as err:
            self.fail(node.line, keypath, str(err), "e.g. 100")

    def _max_height(self, node: Node, keypath: str) -> int:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 100_000:
            self.fail(node.line, keypath, f"must be a whole number of px from 100 to 100000, got {describe(value)}", "e.g. 20000")
        return int(value)

    def _landmarks(self, node: Node, keypath: str) -> tuple[tuple[str, str | None], ...]:
        if not isinstance(node.value, dict):
            self.fail(node.line, keypath, f"must be a mapping of name to CSS selector, got {node.describe()}", "e.g. {headline: 'h1.title', ad: false}")
        self._not_too_many(len(node.key_lines), node.line, keypath, "landmarks")
        pairs: list[tuple[str, str | None]] = []
        for name, line in node.key_lines.items():
            value = node.value[name]
            if not isinstance(name, str) or not NAME_RE.fullmatch(name):
                self.fail(line, join_key(keypath, str(name)), "landmark names are lowercase words", "e.g. headline, lead-figure")
            if value.value is False:
                pairs.append((name, None))
            elif isinstance(value.value, str) and value.value.strip():
                pairs.append((name, self._css(value, join_key(keypath, name))))
            else:
                self.fail(value.line, join_key(keypath, name), f"must be a CSS selector or false, got {value.describe()}", "e.g. 'h1.title'")
        return tuple(pairs)

    def _lint(self, node: Node, keypath: str) -> tuple[tuple[str, str], ...]:
        if not isinstance(node.value, dict):
            self.fail(node.line, keypath, f"must be a mapping of rule to fail/warn/off, got {node.describe()}", "e.g. {overflow: fail, overlap: warn}")
        pairs = []
        for rule, line in node.key_lines.items():
            if rule not in LINT_RULES:
                close = difflib.get_close_matches(str(rule), LINT_RULES, n=1)
                fix = f"did you mean {close[0]!r}?" if close else "rules: " + ", ".join(LINT_RULES)
                self.fail(line, join_key(keypath, str(rule)), "unknown lint rule", fix)
            level = node.value[rule]
            value = "off" if level.value is False else level.value  # YAML reads a bare off as false
            if value not in LINT_LEVELS:
                self.fail(level.line, join_key(keypath, rule), f"must be fail, warn or off, got {level.describe()}", "write fail, warn or off")
            pairs.append((rule, value))
        return tuple(pairs)

    def _detector(self, node: Node, keypath: str) -> str | None:
        return None if node.value is False else self._selector(node, keypath)

    def _breakpoints(self, node: Node, keypath: str) -> tuple[str, ...]:
        items = node.value if isinstance(node.value, list) else None
        if not items or not all(isinstance(i.value, str) for i in items):
            self.fail(node.line, keypath, "must be a list of breakpoint names", "e.g. [narrow-browser-and-phone]")
        return tuple(i.value for i in items)


def checked_selector(node: Node, keypath: str, fail: Callable[[int, str, str, str], NoReturn], example: str = "") -> str:
    """The selector ``node`` holds, if Chromium can use it (harness.config.selectors); else ``fail``."""
    selector = str(node.value).strip()
    problem = not_a_selector(selector)
    if problem:
        fail(node.line, keypath, problem, example or "e.g. '.ad', 'article h1' or ':is(h1, h2)'")
    return selector


def _yaml_number(value: Any) -> float:
    """A YAML number as a float; NaN for anything else (a quoted "0.1" is a string here)."""
    return values.number(value) if not isinstance(value, str) else math.nan
