"""Breakpoints from a site's own CSS: the boundaries its media queries switch at, made into
named, non-overlapping ranges that cover every width, and written as ``breakpoints.yaml``.

``harness init`` reads the boundaries (``harness.inspect.survey.css_boundaries``) and
calls ``propose``; this module knows nothing of browsers. The names describe each range
by the devices and windows whose usual widths fall in it, in the style of the bundled
names (``narrow-browser-and-phone``, ``medium-browser-and-portrait-tablet``,
``landscape-tablet``, ``medium-wide-browser``, ``wide-browser-and-larger``). Each range is
rendered at one viewport inside it: a usual device width near its middle. Names for
"X and larger" and "X and below" are added only where the CSS has a ``min-width`` or
``max-width`` query on its own at that boundary; they render at the viewport of the base
range at their edge, so they cost no screenshot of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MIN_BOUNDARY = 321  # below this no phone is narrow enough to tell the two sides apart
MAX_BOUNDARY = 2560  # above this no common screen is wide enough
MAX_BOUNDARIES = 7  # at most eight base ranges: each is a screenshot of every page
MIN_GAP = 40  # px: two boundaries closer than this are one (the lesser is left out)
EDGE_SLACK = 16  # px: a viewport at least this far inside its range's edges
DEFAULT_BOUNDARIES = (640, 920, 1281, 1600)  # the bundled names' base ranges, when the CSS says nothing


@dataclass(frozen=True)
class Kind:
    """A kind of device or window, by the usual widths of its screens."""

    width: int  # a usual width of it: a range holding this width is named after it
    name: str  # the range's name when it is the only kind in it
    short: str  # in compound names ("portrait-tablet-and-larger")
    weight: int  # a heavier kind names a range holding several
    viewport: tuple[int, int]  # where to render a range named after it
    mobile: bool = False
    touch: bool = False


KINDS = (
    Kind(390, "narrow-browser-and-phone", "phone", 3, (375, 812), mobile=True, touch=True),
    Kind(440, "large-phone", "large-phone", 1, (430, 932), mobile=True, touch=True),
    Kind(600, "small-tablet", "small-tablet", 1, (600, 960), touch=True),
    Kind(667, "landscape-phone", "landscape-phone", 2, (667, 375), mobile=True, touch=True),
    Kind(810, "medium-browser-and-portrait-tablet", "portrait-tablet", 3, (768, 1024), touch=True),
    Kind(1080, "landscape-tablet", "landscape-tablet", 3, (1024, 768), touch=True),
    Kind(1366, "medium-wide-browser", "medium-wide-browser", 3, (1440, 900)),
    Kind(1920, "wide-browser", "wide-browser", 3, (1920, 1080)),
)

# Usual screen sizes in CSS px (width, height): phones, tablets, laptops, desktops.
COMMON = (
    (320, 568), (360, 800), (375, 812), (390, 844), (412, 915), (430, 932), (600, 960), (667, 375), (768, 1024),
    (800, 1280), (810, 1080), (820, 1180), (834, 1194), (1024, 768), (1080, 810), (1180, 820),
    (1280, 800), (1366, 768), (1440, 900), (1536, 864), (1600, 900), (1680, 1050), (1920, 1080), (2560, 1440),
)


@dataclass(frozen=True)
class CssBoundary:
    """A width where the pages' CSS switches, and the media queries that make it."""

    width: int
    queries: int  # how many media query lists switch here (each list once, whichever pages hold it)
    example: str  # the most used of them, e.g. "(min-width: 992px) in /css/styles.css"
    above: str | None = None  # a query that means "this width and larger" on its own, if any
    below: str | None = None  # a query that means "below this width" on its own, if any

    def source(self) -> str:
        more = self.queries - 1
        return self.example + (f", and {more} other media quer{'y' if more == 1 else 'ies'}" if more else "")


@dataclass(frozen=True)
class Range:
    name: str
    min_width: int
    max_width: int | None
    viewport: tuple[int, int]
    mobile: bool = False
    touch: bool = False
    note: str = ""  # the comment on its min_width line: where the boundary comes from

    @property
    def label(self) -> str:
        return f"{self.min_width}+ px" if self.max_width is None else f"{self.min_width}\u2013{self.max_width} px"


@dataclass
class Proposal:
    ranges: list[Range]  # the base ranges, narrowest first, covering 0..infinity
    compounds: list[Range] = field(default_factory=list)  # "and larger" / "and below" names
    used: list[CssBoundary] = field(default_factory=list)  # the boundaries the ranges start at
    left_out: list[CssBoundary] = field(default_factory=list)  # the CSS's other boundaries
    default: bool = False  # the CSS gave no boundary: these are the bundled defaults
    mobile: bool = True  # phones are rendered as mobile (the pages have a meta viewport)

    @property
    def all(self) -> list[Range]:
        return [*self.ranges, *self.compounds]


def choose(found: Sequence[CssBoundary]) -> tuple[list[CssBoundary], list[CssBoundary]]:
    """The boundaries to make ranges of (the most used, at most MAX_BOUNDARIES, none closer
    than MIN_GAP to another), and the rest."""
    usable = [b for b in found if MIN_BOUNDARY <= b.width <= MAX_BOUNDARY]
    picked: list[CssBoundary] = []
    for b in sorted(usable, key=lambda b: (-b.queries, b.width)):
        if len(picked) < MAX_BOUNDARIES and all(abs(b.width - p.width) >= MIN_GAP for p in picked):
            picked.append(b)
    picked.sort(key=lambda b: b.width)
    return picked, sorted((b for b in found if b not in picked and b.width >= MIN_BOUNDARY), key=lambda b: b.width)


def propose(found: Sequence[CssBoundary], mobile: bool = True) -> Proposal:
    """Named ranges from the CSS's boundaries (the bundled defaults when there are none)."""
    used, left_out = choose(found)
    default = not used
    widths = [b.width for b in used] or list(DEFAULT_BOUNDARIES)
    edges = [0, *widths]
    by_width = {b.width: b for b in used}
    ranges: list[Range] = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else None
        name, kinds = _name(low, high)
        viewport, device = _viewport(low, high, kinds)
        note = f"from {by_width[low].source()}" if low in by_width else ""
        ranges.append(Range(name, low, high, viewport, device.mobile and mobile, device.touch, note))
    ranges = _unique(ranges)
    compounds = _compounds(ranges, used)
    return Proposal(ranges, compounds, used, left_out, default, mobile)


def _inside(low: int, high: int | None) -> list[Kind]:
    return [k for k in KINDS if low <= k.width and (high is None or k.width <= high)]


def _name(low: int, high: int | None) -> tuple[str, list[Kind]]:
    """The range's name and the kinds it is named after."""
    kinds = _inside(low, high)
    heavy = [k for k in kinds if k.weight == max(k.weight for k in kinds)] if kinds else []
    if not heavy:
        below = [k for k in KINDS if k.width < low]
        above = [k for k in KINDS if high is not None and k.width > high]
        if not below:
            return "small-phone", [KINDS[0]]
        if not above:
            return f"above-{below[-1].short}", [below[-1]]
        return f"between-{below[-1].short}-and-{above[0].short}", [below[-1], above[0]]
    if high is None:
        first = heavy[0]
        return ("wide-browser-and-larger" if first is KINDS[-1] else f"{first.short}-and-larger"), heavy
    if len(heavy) == 1:
        return heavy[0].name, heavy
    if low == 0:
        return f"{heavy[-1].short}-and-below", heavy
    if len(heavy) == 2:
        return f"{heavy[0].short}-and-{heavy[1].short}", heavy
    return f"{heavy[0].short}-to-{heavy[-1].short}", heavy


def _viewport(low: int, high: int | None, kinds: list[Kind]) -> tuple[tuple[int, int], Kind]:
    """A usual screen inside the range, away from its edges: the viewport of the kind it
    is named after if that fits, else the usual width nearest its middle, else the middle."""

    def fits(width: int) -> bool:
        return low + (EDGE_SLACK if low else 0) <= width and (high is None or width <= high - EDGE_SLACK)

    if high is None:  # an open range: a wide desktop, or just past its start
        for width, height in ((1920, 1080), (2560, 1440)):
            if fits(width):
                return (width, height), _kind_at(width)
        return (low + EDGE_SLACK, 1440), _kind_at(low)
    for kind in kinds:
        if fits(kind.viewport[0]):
            return kind.viewport, kind
    middle = (low + high) / 2
    common = [c for c in COMMON if fits(c[0])]
    if common:
        best = min(common, key=lambda c: (abs(c[0] - middle), c[0]))
        return best, _kind_at(best[0])
    width = round(middle)
    return (width, 900 if width >= 1024 else round(width * 1.6)), _kind_at(width)


def _kind_at(width: int) -> Kind:
    """The kind whose usual width is nearest: what device a viewport stands for."""
    return min(KINDS, key=lambda k: abs(k.width - width))


def _unique(ranges: list[Range]) -> list[Range]:
    seen: set[str] = set()
    out = []
    for r in ranges:
        name = r.name if r.name not in seen else f"{r.name}-from-{r.min_width}"
        seen.add(name)
        out.append(Range(name, r.min_width, r.max_width, r.viewport, r.mobile, r.touch, r.note))
    return out


def _compounds(ranges: list[Range], used: list[CssBoundary]) -> list[Range]:
    """"X and larger" for a min-width query on its own, "X and below" for a max-width one."""
    names = {r.name for r in ranges}
    out: list[Range] = []
    for b in used:
        start = next(i for i, r in enumerate(ranges) if r.min_width == b.width)
        if not _inside(ranges[start].min_width, ranges[start].max_width) or not _inside(ranges[start - 1].min_width, ranges[start - 1].max_width):
            continue  # a range named after no kind ("between-..."): a union of it would have no readable name
        if b.above and start < len(ranges) - 1:  # from the last boundary up is a base range already
            base = ranges[start]
            short = _short(base, first=True)
            out.append(Range(f"{short}-and-larger", b.width, None, base.viewport, base.mobile, base.touch, f"from {b.above}"))
        if b.below and start > 1:  # below the first boundary is a base range already
            base = ranges[start - 1]
            short = _short(base, first=False)
            out.append(Range(f"{short}-and-below", 0, b.width - 1, base.viewport, base.mobile, base.touch, f"up to {b.below}"))
    unique = []
    for r in sorted(out, key=lambda r: (r.max_width is not None, r.min_width, r.max_width or 0)):
        if r.name not in names:
            names.add(r.name)
            unique.append(r)
    return unique


def _short(r: Range, first: bool) -> str:
    """What a compound name calls a base range: the first kind it is named after (for
    "and larger") or the last (for "and below"); a range named after no kind, its name."""
    name, kinds = _name(r.min_width, r.max_width)
    if name != r.name or not _inside(r.min_width, r.max_width):
        return r.name
    return (kinds[0] if first else kinds[-1]).short


# -- the file ----------------------------------------------------------------------------------


def to_yaml(proposal: Proposal, read: str) -> str:
    """``breakpoints.yaml``: a header that says where it came from, then one block per name.
    ``read`` says what was read, e.g. "the CSS of 4 pages (about, index, ...) at 375 and 1280 px"."""
    lines = [
        "# Named breakpoints: the width ranges every page is rendered at, written by 'harness init'.",
        f"# Read: {read}.",
        "#",
    ]
    if proposal.default:
        lines += [
            "# No width media query was read, so these are the harness's defaults (the ranges",
            "# of its bundled pages). Edit them to the widths your CSS switches at, or run",
            "# 'harness init --force' again once the pages are in place.",
        ]
    else:
        lines += [
            "# Each base range runs from one width where the CSS switches (a boundary) to the next,",
            "# and is rendered at the one viewport inside it. Rename them as your team says them",
            "# (names are used in file names and reports); the ranges are the CSS's.",
            "#",
            "# The boundaries, and where the CSS switches there:",
            *(f"#   {b.width:>4}  {b.source()}" for b in proposal.used),
        ]
        if proposal.left_out:
            shown = ", ".join(f"{b.width} ({b.queries})" for b in proposal.left_out[:12])
            more = f" and {len(proposal.left_out) - 12} more" if len(proposal.left_out) > 12 else ""
            lines += [
                "# The CSS also switches at these widths (media queries), not made into ranges:",
                f"#   {shown}{more}; 'harness coverage' lists them with their rules.",
            ]
    if proposal.compounds:
        lines += [
            "#",
            "# Names ending in -and-larger or -and-below are unions of base ranges, written where the",
            "# CSS has a min-width or max-width query on its own; each renders at the viewport of the",
            "# base range at its edge, so it costs no screenshot of its own.",
        ]
    if not proposal.mobile:
        lines += [
            "#",
            "# is_mobile is left out: the pages have no <meta name=viewport content='width=device-width'>,",
            "# so a phone would lay them out 980 px wide. Add the tag, then is_mobile: true to the phones.",
        ]
    lines += ["#", "# Format: min_width and max_width are inclusive CSS px (no max_width: no upper bound); the",
              "# viewport's width lies inside the range. See docs/configuration.md, breakpoints.yaml.", "", "breakpoints:"]
    for r in proposal.all:
        lines.append(f"  {r.name}:")
        lines.append(f"    min_width: {r.min_width}" + (f"   # {r.note}" if r.note else ""))
        lines.append(f"    max_width: {r.max_width if r.max_width is not None else 'null'}")
        lines.append(f"    viewport: {{width: {r.viewport[0]}, height: {r.viewport[1]}}}")
        if r.mobile:
            lines.append("    is_mobile: true")
        if r.touch:
            lines.append("    has_touch: true")
        lines.append("")
    return "\n".join(lines)
