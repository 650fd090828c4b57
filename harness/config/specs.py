"""Layout specs: Galen-style rules per page in ``specs.yaml``, checked at each breakpoint.

The file is optional and sits next to breakpoints.yaml::

    defaults:                        # for every page
      rules:
        - {element: h1, visible: true}
    pages:
      syria-talks:
        elements:                    # aliases for CSS selectors
          article: article.story
          related: aside.related
        rules:
          - element: related
            at: portrait-tablet-and-below     # a breakpoint name covers its width range
            below: article
            gap: 0 to 64

Every rule is expanded into one :class:`Check` per assertion, so that each failure names
exactly one assertion. Every mistake is one ConfigError line with ``file:line``, the key
path and the fix. The README's "Layout specs" section is the user's reference.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from harness.config.breakpoints import Breakpoint
from harness.config.page_settings import MAX_SELECTORS, checked_selector
from harness.config.spec_range import AT_LEAST_ZERO, FORMS, Range, RangeError, parse_range
from harness.config.yaml_lines import Node, join_key, load_yaml
from harness.errors import ConfigError

if TYPE_CHECKING:
    from harness.config.pages import Page

RELATIONS = ("below", "above", "left-of", "right-of")
EDGES = ("left", "right", "top", "bottom", "centre")
SIDES = ("left", "right", "top", "bottom")
ASSERTIONS = (*RELATIONS, "inside", "aligned", "width", "height", "visible", "absent", "count")
RULE_KEYS = ("element", "at", *ASSERTIONS, "gap", "padding")
SECTION_KEYS = ("elements", "rules")
TOP_KEYS = ("pages", "defaults")
ALIGN_TOLERANCE_PX = 1
MISSPELT = 0.75  # a page name this close to one of the run's (difflib's ratio) is a misspelling
_EXAMPLE = "see the README's 'Layout specs' section"
_ALIAS_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
HTML_TAGS = frozenset(
    """a abbr address area article aside audio b bdi bdo blockquote body br button canvas caption cite code col
    colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2
    h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li main map mark math menu meter
    nav noscript object ol optgroup option output p picture pre progress q rp rt ruby s samp search section select
    slot small source span strong sub summary sup svg table tbody td template textarea tfoot th thead time tr track
    u ul var video wbr""".split()
)


@dataclass(frozen=True)
class Element:
    """What a rule points at: ``name`` is the alias, or the selector itself when written raw."""

    name: str
    selector: str


@dataclass(frozen=True)
class Relation:
    """below / above / left-of / right-of ``other``; the gap is between the facing edges."""

    kind: str
    other: Element
    gap: Range | None  # None: any gap of 0 or more

    def text(self) -> str:
        return f"{self.kind} {self.other.name}" + (f" gap {self.gap}" if self.gap else "")


@dataclass(frozen=True)
class Inside:
    other: Element
    padding: tuple[tuple[str, Range], ...] = ()  # per side; sides not listed: >= 0

    def text(self) -> str:
        ranges = {str(r) for _, r in self.padding}
        if not self.padding:
            extra = ""
        elif len(self.padding) == 4 and len(ranges) == 1:
            extra = f" padding {ranges.pop()}"
        else:
            extra = " padding " + ", ".join(f"{side} {r}" for side, r in self.padding)
        return f"inside {self.other.name}{extra}"

    def range_for(self, side: str) -> Range:
        return dict(self.padding).get(side, AT_LEAST_ZERO)


@dataclass(frozen=True)
class Aligned:
    other: Element
    edge: str

    def text(self) -> str:
        return f"aligned {self.edge} with {self.other.name}"


@dataclass(frozen=True)
class Size:
    dimension: str  # "width" or "height"
    range: Range

    def text(self) -> str:
        return f"{self.dimension} {self.range}"


@dataclass(frozen=True)
class Visible:
    expected: bool

    def text(self) -> str:
        return "visible" if self.expected else "not visible"


@dataclass(frozen=True)
class Absent:
    def text(self) -> str:
        return "absent"


@dataclass(frozen=True)
class Count:
    range: Range

    def text(self) -> str:
        return f"count {self.range}"


Assertion = Relation | Inside | Aligned | Size | Visible | Absent | Count


@dataclass(frozen=True)
class Check:
    """One assertion about one element, at the widths of its ``at`` names (all when empty)."""

    subject: Element
    assertion: Assertion
    at: tuple[Breakpoint, ...] = ()  # the names of ``at``: their width ranges
    line: int = 0  # where the rule starts in specs.yaml

    def applies(self, width: int) -> bool:
        """A rule covers a shot when its viewport width lies in one of the ``at`` ranges."""
        return not self.at or any(breakpoint.contains(width) for breakpoint in self.at)

    @property
    def text(self) -> str:
        """The rule as one short line, e.g. ``related below article gap 0 to 64 px``."""
        return f"{self.subject.name} {self.assertion.text()}"

    def elements(self) -> tuple[Element, ...]:
        other = getattr(self.assertion, "other", None)
        return (self.subject, other) if other else (self.subject,)


@dataclass(frozen=True)
class Specs:
    """Every page's checks (defaults included); pages without any have none."""

    path: str
    pages: Mapping[str, tuple[Check, ...]] = field(default_factory=dict)

    def checks(self, page: str, width: int | None = None) -> tuple[Check, ...]:
        """The page's checks, or only those that apply at ``width``."""
        found = self.pages.get(page, ())
        return found if width is None else tuple(c for c in found if c.applies(width))


def load_specs(
    path: str | os.PathLike[str],
    pages: Iterable[str | Page],
    breakpoints: Sequence[Breakpoint],
    warnings: list[str] | None = None,
    folder: str = "pages/",
) -> Specs | None:
    """Load ``specs.yaml`` for these pages (or page names) and breakpoints; None when there is no file.

    Rules for a page that is not in this run's pages folder (``folder``) are checked and
    skipped, with one line in ``warnings``; a name close to a page's is a misspelling.
    Raises only ConfigError (one line: file, line, key path, fix).
    """
    if not os.path.exists(path):
        return None
    root = load_yaml(path, empty_fix="add a top-level 'pages:' mapping or delete the file")
    names = tuple(page if isinstance(page, str) else page.name for page in pages)
    loader = _Loader(path, names, breakpoints)
    specs = loader.specs(root)
    if loader.absent and warnings is not None:
        warnings.append(f"{path}: rules for pages that are not in {folder} are skipped: {', '.join(loader.absent)}")
    return specs


class _Loader:
    def __init__(self, path: str | os.PathLike[str], pages: tuple[str, ...], breakpoints: Sequence[Breakpoint]) -> None:
        self.path = path
        self.page_names = pages
        self.breakpoints = {b.name: b for b in breakpoints}
        self.absent: list[str] = []  # pages named in the file that this run does not have

    def fail(self, line: int, keypath: str, problem: str, fix: str) -> NoReturn:
        raise ConfigError(self.path, line, f"{keypath}: {problem}; {fix}")

    def specs(self, root: Node) -> Specs:
        top = self.mapping(root, "top level", TOP_KEYS, "a mapping with 'pages' and/or 'defaults'")
        defaults = self.section(top.get("defaults"), "defaults")
        table = top.get("pages")
        pages = self.page_table(table) if table else {}
        sections = {name: self.section(node, join_key("pages", name)) for name, node in pages.items()}
        empty: tuple[dict[str, Element], list[tuple[Node, str]]] = ({}, [])
        checks = {}
        for page in self.page_names:
            own_elements, own_rules = sections.get(page, empty)
            elements = {**defaults[0], **own_elements}
            rules = defaults[1] + own_rules
            checks[page] = tuple(c for node, keypath in rules for c in self.rule(node, keypath, elements, page))
        return Specs(str(self.path), {page: found for page, found in checks.items() if found})

    def page_table(self, table: Node) -> dict[str, Node]:
        """``pages:``: a misspelt page name is an error; a page of another pages folder is
        set aside (its section still checked), so the run goes on."""
        if not table.is_mapping:
            self.mapping(table, "pages", self.page_names, "a mapping of page names", what_key="page")
        here: dict[str, Node] = {}
        for name, node in table.value.items():
            line = table.key_lines[name]
            if name in self.page_names:
                here[name] = node
            elif difflib.get_close_matches(name, self.page_names, n=1, cutoff=MISSPELT):
                self.fail(line, join_key("pages", name), "unknown page", _hint(name, list(self.page_names), "page", ""))
            else:
                self.section(node, join_key("pages", name))
                self.absent.append(f"{name} (line {line})")
        return here

    def section(self, node: Node | None, keypath: str) -> tuple[dict[str, Element], list[tuple[Node, str]]]:
        """``elements:`` and ``rules:`` of one page (or of the defaults), rules not yet resolved."""
        if node is None or node.value is None:
            return {}, []
        fields = self.mapping(node, keypath, SECTION_KEYS, "a mapping with 'elements' and/or 'rules'")
        elements = self.elements(fields["elements"], join_key(keypath, "elements")) if "elements" in fields else {}
        rules_node = fields.get("rules")
        rules_path = join_key(keypath, "rules")
        if rules_node is None or rules_node.value is None:
            return elements, []
        if not isinstance(rules_node.value, list):
            self.fail(rules_node.line, rules_path, f"must be a list of rules, got {rules_node.describe()}", "start each rule with '- element: ...'")
        if len(rules_node.value) > MAX_SELECTORS:
            count = len(rules_node.value)
            self.fail(rules_node.line, rules_path, f"{count} rules, over the {MAX_SELECTORS} one list may have", "name what repeats with one selector and 'count'")
        return elements, [(rule, f"{rules_path}[{i}]") for i, rule in enumerate(rules_node.value)]

    def elements(self, node: Node, keypath: str) -> dict[str, Element]:
        if not node.is_mapping:
            self.fail(node.line, keypath, f"must be a mapping of name to CSS selector, got {node.describe()}", "e.g. related: aside.related")
        if len(node.key_lines) > MAX_SELECTORS:
            self.fail(node.line, keypath, f"{len(node.key_lines)} elements, over the {MAX_SELECTORS} one page may name", "name fewer, with shared classes")
        found = {}
        for name, line in node.key_lines.items():
            here = join_key(keypath, name)
            if not name[:1].isalpha() or not set(name) <= _ALIAS_CHARS:
                self.fail(line, here, f"element name {name!r} is not a plain lowercase word", "use a-z, 0-9, '-' and '_', e.g. lead-figure")
            selector = node.value[name].value
            if not isinstance(selector, str) or not selector.strip():
                self.fail(node.value[name].line, here, f"must be a CSS selector, got {node.value[name].describe()}", "e.g. 'aside.related'")
            found[name] = Element(name, self.selector(node.value[name], here))
        return found

    def selector(self, node: Node, keypath: str) -> str:
        return checked_selector(node, keypath, self.fail, "e.g. 'aside.related' or ':is(h1, h2)'")

    def rule(self, node: Node, keypath: str, elements: dict[str, Element], page: str) -> list[Check]:
        if not node.is_mapping:
            self.fail(node.line, keypath, f"a rule must be a mapping, got {node.describe()}", "e.g. {element: related, below: article}")
        fields = self.mapping(node, keypath, RULE_KEYS, "a rule")
        if "element" not in fields:
            self.fail(node.line, keypath, "missing 'element'", "add 'element: <name or CSS selector>' (the element the rule is about)")
        refs = _Refs(self, elements, page)
        subject = refs.element(fields["element"], join_key(keypath, "element"))
        at = self.at(fields["at"], join_key(keypath, "at")) if "at" in fields else ()
        given = [key for key in fields if key in ASSERTIONS]
        if not given:
            self.fail(node.line, keypath, "the rule asserts nothing", "add one of " + ", ".join(ASSERTIONS))
        self.attachments(fields, node, keypath, given)
        return [Check(subject, self.assertion(key, fields, keypath, refs), at, node.line) for key in given]

    def attachments(self, fields: dict[str, Node], node: Node, keypath: str, given: list[str]) -> None:
        """``gap`` belongs to exactly one relation, ``padding`` to ``inside``."""
        relations = [key for key in given if key in RELATIONS]
        if "gap" in fields and len(relations) != 1:
            problem = "gap needs exactly one of below, above, left-of, right-of" + (f" (the rule has {len(relations)})" if relations else "")
            fix = "split the rule in two" if relations else "add e.g. 'below: article'"
            self.fail(node.key_lines["gap"], join_key(keypath, "gap"), problem, fix)
        if "padding" in fields and "inside" not in fields:
            self.fail(node.key_lines["padding"], join_key(keypath, "padding"), "padding needs 'inside'", "add e.g. 'inside: article'")

    def assertion(self, key: str, fields: dict[str, Node], keypath: str, refs: _Refs) -> Assertion:
        node, here = fields[key], join_key(keypath, key)
        if key in RELATIONS:
            gap = fields.get("gap")
            return Relation(key, refs.element(node, here), self.range(gap, join_key(keypath, "gap"), ("px",)) if gap else None)
        if key == "inside":
            padding = fields.get("padding")
            return Inside(refs.element(node, here), self.padding(padding, join_key(keypath, "padding")) if padding else ())
        if key == "aligned":
            return self.aligned(node, here, refs)
        if key in ("width", "height"):
            return Size(key, self.range(node, here, ("px", "%")))
        if key == "visible":
            if not isinstance(node.value, bool):
                self.fail(node.line, here, f"must be true or false, got {node.describe()}", "write true or false without quotes")
            return Visible(node.value)
        if key == "absent":
            if node.value is not True:
                self.fail(node.line, here, f"must be true, got {node.describe()}", "write 'absent: true', or 'visible: true' to require the element")
            return Absent()
        return Count(self.range(node, here, ("",), whole=True))

    def aligned(self, node: Node, keypath: str, refs: _Refs) -> Aligned:
        example = "e.g. {with: article, edge: left}"
        if not node.is_mapping:
            self.fail(node.line, keypath, f"must be a mapping, got {node.describe()}", example)
        fields = self.mapping(node, keypath, ("with", "edge"), "aligned")
        for key in ("with", "edge"):
            if key not in fields:
                self.fail(node.line, keypath, f"missing {key!r}", example)
        edge = fields["edge"].value
        edge = "centre" if edge == "center" else edge
        if edge not in EDGES:
            self.fail(fields["edge"].line, join_key(keypath, "edge"), f"unknown edge {fields['edge'].describe()}", "use " + ", ".join(EDGES))
        return Aligned(refs.element(fields["with"], join_key(keypath, "with")), edge)

    def padding(self, node: Node, keypath: str) -> tuple[tuple[str, Range], ...]:
        if not node.is_mapping:
            whole = self.range(node, keypath, ("px",))
            return tuple((side, whole) for side in SIDES)
        fields = self.mapping(node, keypath, SIDES, "padding")
        return tuple((side, self.range(fields[side], join_key(keypath, side), ("px",))) for side in SIDES if side in fields)

    def range(self, node: Node, keypath: str, units: tuple[str, ...], whole: bool = False) -> Range:
        try:
            return parse_range(node.value, units, whole)
        except RangeError as err:
            unit = " (px or %)" if "%" in units else ""
            self.fail(node.line, keypath, err.problem, err.fix or f"write {FORMS}{unit}")

    def at(self, node: Node, keypath: str) -> tuple[Breakpoint, ...]:
        items = node.value if isinstance(node.value, list) else [node]
        if not items:
            self.fail(node.line, keypath, "is an empty list", "name at least one breakpoint, or leave 'at' out for every breakpoint")
        found = []
        for item in items:
            name = item.value
            if not isinstance(name, str) or name not in self.breakpoints:
                got = repr(name) if isinstance(name, str) else item.describe()
                self.fail(item.line, keypath, f"unknown breakpoint {got}", _hint(str(name), list(self.breakpoints), "breakpoint", "see 'harness breakpoints'"))
            found.append(self.breakpoints[name])
        return tuple(found)

    def mapping(self, node: Node | None, keypath: str, allowed: Sequence[str], what: str, what_key: str = "key") -> dict[str, Node]:
        """A mapping of known keys only; an unknown key gets a did-you-mean."""
        if node is None or not node.is_mapping:
            line = node.line if node else 1
            self.fail(line, keypath, f"must be {what}, got {node.describe() if node else 'nothing'}", _EXAMPLE)
        for key, line in node.key_lines.items():
            if key not in allowed:
                self.fail(line, join_key("" if keypath == "top level" else keypath, key), f"unknown {what_key}", _hint(key, list(allowed), what_key, ""))
        fields: dict[str, Node] = node.value
        return fields


class _Refs:
    """Resolves a rule's element references on one page: alias, HTML tag or CSS selector.

    A plain word that is neither an alias nor an HTML element name is a mistake (most
    likely a misspelt alias), not a selector that silently matches nothing.
    """

    def __init__(self, loader: _Loader, elements: dict[str, Element], page: str) -> None:
        self.loader = loader
        self.elements = elements
        self.page = page

    def element(self, node: Node, keypath: str) -> Element:
        ref = node.value
        if not isinstance(ref, str) or not ref.strip():
            self.loader.fail(node.line, keypath, f"must be an element name or a CSS selector, got {node.describe()}", "e.g. related or 'aside.related'")
        ref = ref.strip()
        if ref in self.elements:
            return self.elements[ref]
        if ref[:1].isalpha() and set(ref.lower()) <= _ALIAS_CHARS and ref.lower() not in HTML_TAGS:
            where, define = "", "under 'elements:'"
            if keypath.startswith("defaults"):
                where, define = f" on page {self.page}", f"under defaults.elements or pages.{self.page}.elements"
            hint = _hint(ref, list(self.elements), "element", f"define it {define}, or write a CSS selector")
            self.loader.fail(node.line, keypath, f"unknown element {ref!r}{where}", hint)
        return Element(ref, self.loader.selector(node, keypath))


def _hint(word: str, known: list[str], what: str, otherwise: str) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if otherwise:
        return otherwise
    return f"known {what}s: " + ", ".join(known) if known else f"there are no {what}s here"
