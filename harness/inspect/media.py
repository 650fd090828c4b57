"""Media query width conditions: the widths at which a page's CSS can switch.

Reads a media query list as the browser reports it (``CSSMediaRule.media.mediaText``,
``<link media>``, ``@import ... media``) and answers with its *boundaries*: each whole
CSS px width ``b`` where the list may match at ``b`` and not at ``b - 1``, or the other
way round. So ``(min-width: 640px)`` switches at 640, and ``(max-width: 919px)``,
``(max-width: 919.98px)`` and ``(width < 920px)`` all switch at 920 (the first width
where they stop matching). Viewports are whole CSS px, so that is all a render can see.

Only the viewport width counts (``width``, ``min-width``, ``max-width``, and the
``device-width`` family, which Playwright keeps equal to the viewport). Every other
feature (height, orientation, hover, prefers-*, resolution...) may be either true or
false: a width is a boundary if the list switches there for *some* answer to them, so
``(min-width: 640px) and (hover: hover)`` still switches at 640. ``em`` and ``rem`` are
16 px (media queries use the initial font size). A query that cannot be read is
counted as "may be either" too, and named in ``Reading.problems``; nothing raises.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PX_PER_UNIT = {
    "px": 1.0,
    "em": 16.0,
    "rem": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
    "pt": 96 / 72,
    "pc": 16.0,
}
WIDTH_FEATURES = ("width", "device-width")
SCREEN_TYPES = ("all", "screen")  # what a screenshot is; print, speech and the rest never match
MAX_PX = 1e7  # larger widths (or infinite ones) are someone's "never"
MAX_UNKNOWNS = 10  # beyond this many other features, every candidate width counts as a boundary

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?P<unit>%|[a-z]+)?
    | (?P<func>[a-z-]+)\(
    | (?P<ident>-?[a-z_][a-z0-9_-]*)
    | (?P<op>>=|<=|[<>=])
    | (?P<punct>[():,/*+-])
    )""",
    re.IGNORECASE | re.VERBOSE,
)


class MediaQueryError(ValueError):
    """A media query (or part of one) this module cannot read; the message says why."""


@dataclass(frozen=True)
class Reading:
    """What one media query list says about widths."""

    boundaries: tuple[int, ...]  # sorted whole CSS px; the list may switch between b - 1 and b
    problems: tuple[str, ...] = ()  # why parts could not be read (they count as "may be either")


@functools.lru_cache(maxsize=4096)
def read(text: str) -> Reading:
    """The boundaries of a media query list (a comma-separated list of queries)."""
    cond, parser, problems = _compile(text)
    return Reading(_switches(cond, parser.candidates, parser.unknowns), problems)


def boundaries(texts: Iterable[str]) -> tuple[int, ...]:
    """Every boundary of several media query lists, sorted, once each."""
    return tuple(sorted({b for text in texts for b in read(text).boundaries}))


def matches(text: str, width: int) -> bool | None:
    """Whether the list matches a screen ``width`` px wide; None when other features decide."""
    cond, parser, _ = _compile(text)
    answers = {cond(width, a) for a in _answers(parser.unknowns)}
    return answers.pop() if len(answers) == 1 else None


def _compile(text: str) -> tuple[_Cond, _Parser, tuple[str, ...]]:
    """The list as one condition (any query matches); unreadable queries become unknowns."""
    parser = _Parser()
    problems: list[str] = []
    queries: list[_Cond] = []
    for tokens in _split_list(text, problems):
        try:
            queries.append(parser.query(_Tokens(tokens)))
        except MediaQueryError as err:
            problems.append(str(err))
            queries.append(parser.unknown())
    return (lambda w, a: any(q(w, a) for q in queries)), parser, tuple(problems + parser.problems)


# -- boundaries from a compiled condition -------------------------------------------------

_Cond = Callable[[int, tuple[bool, ...]], bool]


def _switches(cond: _Cond, candidates: set[int], unknowns: int) -> tuple[int, ...]:
    """The candidate widths where the condition flips, for some answer to the unknowns."""
    widths = sorted(c for c in candidates if c >= 1)
    if unknowns > MAX_UNKNOWNS:
        return tuple(widths)
    answers = list(_answers(unknowns))
    return tuple(w for w in widths if any(cond(w - 1, a) != cond(w, a) for a in answers))


def _answers(unknowns: int) -> Iterable[tuple[bool, ...]]:
    return itertools.product((False, True), repeat=min(unknowns, MAX_UNKNOWNS))


def _compare(op: str, value: float) -> _Cond:
    tests: dict[str, Callable[[int], bool]] = {
        ">=": lambda w: w >= value,
        ">": lambda w: w > value,
        "<=": lambda w: w <= value,
        "<": lambda w: w < value,
        "=": lambda w: w == value,
    }
    test = tests[op]
    return lambda w, a: test(w)


def _const(value: bool) -> _Cond:
    return lambda w, a: value


# -- tokens ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # num, func, ident, op, punct
    text: str  # lowercased; for num the number
    unit: str = ""


def _tokenize(text: str) -> list[_Tok]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise MediaQueryError(f"cannot read {text[pos:].strip()[:20]!r}")
        pos = m.end()
        kind = m.lastgroup if m.lastgroup != "unit" else "num"
        if m.group("num") is not None:
            tokens.append(_Tok("num", m.group("num"), (m.group("unit") or "").lower()))
        else:
            tokens.append(_Tok(kind or "", m.group(kind or 0).lower()))
    return tokens


def _split_list(text: str, problems: list[str]) -> list[list[_Tok]]:
    """The queries of a list, split at top-level commas; an empty list is ``all``."""
    try:
        tokens = _tokenize(text)
    except MediaQueryError as err:
        problems.append(str(err))
        return [[_Tok("ident", "unreadable")]]  # parsed as an unknown media type below
    if not tokens:
        return [[_Tok("ident", "all")]]
    queries: list[list[_Tok]] = [[]]
    depth = 0
    for tok in tokens:
        depth += tok.kind == "func" or tok.text == "("
        depth -= tok.text == ")"
        if tok.text == "," and depth == 0:
            queries.append([])
        else:
            queries[-1].append(tok)
    return queries


class _Tokens:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.items, self.pos = tokens, 0

    def peek(self, ahead: int = 0) -> _Tok | None:
        i = self.pos + ahead
        return self.items[i] if i < len(self.items) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise MediaQueryError("ends too early")
        self.pos += 1
        return tok

    def is_word(self, word: str, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok is not None and tok.kind == "ident" and tok.text == word

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise MediaQueryError(f"expected {text!r}, found {tok.text + tok.unit!r}")

    def done(self) -> bool:
        return self.pos >= len(self.items)


# -- the grammar (Media Queries level 4) ------------------------------------------------------


class _Parser:
    """Compiles queries into conditions ``(width, answers) -> bool``; collects the
    candidate widths (where a width comparison can flip) and counts the unknown features."""

    def __init__(self) -> None:
        self.candidates: set[int] = set()
        self.unknowns = 0
        self.problems: list[str] = []

    def unknown(self) -> _Cond:
        index = self.unknowns
        self.unknowns += 1
        return lambda w, a: a[index] if index < len(a) else True

    def query(self, toks: _Tokens) -> _Cond:
        first = toks.peek()
        if first is None:
            raise MediaQueryError("empty query")
        after = toks.peek(1)
        if first.kind == "ident" and not (first.text == "not" and after is not None and after.text == "("):
            cond = self._typed(toks)
        else:
            cond = self.condition(toks, allow_or=True)
        if not toks.done():
            raise MediaQueryError(f"unexpected {toks.peek().text!r}")  # type: ignore[union-attr]
        return cond

    def _typed(self, toks: _Tokens) -> _Cond:
        """``[not | only] type [and condition]``."""
        negate = toks.is_word("not")
        if negate or toks.is_word("only"):
            toks.take()
        media_type = toks.take()
        if media_type.kind != "ident" or media_type.text in ("and", "or", "not", "only"):
            raise MediaQueryError(f"expected a media type, found {media_type.text!r}")
        cond = _const(media_type.text in SCREEN_TYPES)
        if toks.is_word("and"):
            toks.take()
            rest = self.condition(toks, allow_or=False)
            typed = cond
            cond = lambda w, a: typed(w, a) and rest(w, a)  # noqa: E731
        if negate:
            inner = cond
            cond = lambda w, a: not inner(w, a)  # noqa: E731
        return cond

    def condition(self, toks: _Tokens, allow_or: bool) -> _Cond:
        if toks.is_word("not"):
            toks.take()
            inner = self.in_parens(toks)
            return lambda w, a: not inner(w, a)
        parts = [self.in_parens(toks)]
        joiner = None
        while toks.is_word("and") or toks.is_word("or"):
            word = toks.take().text
            if joiner and word != joiner:
                raise MediaQueryError("'and' and 'or' mixed without parentheses")
            if word == "or" and not allow_or:
                raise MediaQueryError("'or' after a media type")
            joiner = word
            parts.append(self.in_parens(toks))
        if joiner == "or":
            return lambda w, a: any(p(w, a) for p in parts)
        return lambda w, a: all(p(w, a) for p in parts)

    def in_parens(self, toks: _Tokens) -> _Cond:
        toks.expect("(")
        nested = toks.peek()
        after = toks.peek(1)
        if nested is not None and (nested.text == "(" or (toks.is_word("not") and after is not None and after.text == "(")):
            cond = self.condition(toks, allow_or=True)
            toks.expect(")")
            return cond
        inside = []
        depth = 1
        while True:
            tok = toks.take()
            depth += tok.kind == "func" or tok.text == "("
            depth -= tok.text == ")"
            if depth == 0:
                break
            inside.append(tok)
        return self.feature(inside)

    def feature(self, tokens: list[_Tok]) -> _Cond:
        """``(name)``, ``(name: value)`` or a range such as ``(640px <= width < 920px)``."""
        if not tokens:
            raise MediaQueryError("empty parentheses")
        ops = [i for i, t in enumerate(tokens) if t.kind == "op"]
        if not ops:
            return self._plain(tokens)
        if len(ops) > 2:
            raise MediaQueryError("too many comparisons")
        cuts = [0, *ops, len(tokens)]
        pieces = [tokens[cuts[i] + (i > 0) : cuts[i + 1]] for i in range(len(cuts) - 1)]
        signs = [tokens[i].text for i in ops]
        names = [i for i, p in enumerate(pieces) if len(p) == 1 and p[0].kind == "ident"]
        if len(names) != 1 or (len(ops) == 2 and names != [1]):
            raise MediaQueryError("a range needs one feature name between its values")
        name = pieces[names[0]][0].text
        if name not in WIDTH_FEATURES:
            return self.unknown()
        if len(ops) == 2 and (signs[0][0] != signs[1][0] or "=" == signs[0] or "=" == signs[1]):
            raise MediaQueryError("a double range must point one way, e.g. 640px <= width < 920px")
        conds = []
        for i, sign in enumerate(signs):
            if names[0] == i:  # width OP value
                conds.append(self._width(sign, pieces[i + 1]))
            else:  # value OP width: flip it
                conds.append(self._width(_FLIP[sign], pieces[i]))
        return lambda w, a: all(c(w, a) for c in conds)

    def _plain(self, tokens: list[_Tok]) -> _Cond:
        name = tokens[0]
        if name.kind != "ident":
            raise MediaQueryError(f"expected a feature name, found {name.text!r}")
        if len(tokens) == 1:  # boolean context: (width) is true for any real viewport
            return _const(True) if name.text in WIDTH_FEATURES else self.unknown()
        if tokens[1].text != ":" or len(tokens) < 3:
            raise MediaQueryError(f"expected ':' after {name.text!r}")
        prefix, _, base = name.text.partition("-") if name.text.startswith(("min-", "max-")) else ("", "", name.text)
        if base not in WIDTH_FEATURES:
            return self.unknown()
        return self._width({"min": ">=", "max": "<=", "": "="}[prefix], tokens[2:])

    def _width(self, op: str, value: list[_Tok]) -> _Cond:
        try:
            px = _length(_Tokens(value))
        except MediaQueryError as err:  # this feature may be either; the rest of the query still counts
            self.problems.append(str(err))
            return self.unknown()
        self.candidates.update((math.ceil(px), math.floor(px) + 1))
        return _compare(op, px)


_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "=": "="}


def _length(toks: _Tokens) -> float:
    """A length in px: ``640px``, ``40em``, ``0``, or a ``calc()`` of those."""
    value, is_length = _sum(toks) if toks.peek() is not None and toks.peek().kind == "func" else _dimension(toks.take())  # type: ignore[union-attr]
    if not toks.done():
        raise MediaQueryError(f"unexpected {toks.peek().text!r} after a length")  # type: ignore[union-attr]
    if not is_length and value != 0:
        raise MediaQueryError(f"{value:g} needs a unit, e.g. px")
    if not abs(value) <= MAX_PX:
        raise MediaQueryError(f"{value:g}px is infinite or out of range")
    return value


def _dimension(tok: _Tok) -> tuple[float, bool]:
    if tok.kind != "num":
        raise MediaQueryError(f"expected a length, found {tok.text!r}")
    if not tok.unit:
        return float(tok.text), False
    if tok.unit not in PX_PER_UNIT:
        raise MediaQueryError(f"unit {tok.unit!r} is not supported (use px, em or rem)")
    return float(tok.text) * PX_PER_UNIT[tok.unit], True


def _sum(toks: _Tokens) -> tuple[float, bool]:
    """calc(): + - * / over lengths and numbers, as far as media queries need."""
    head = toks.take()
    if head.kind == "func" and head.text != "calc":
        raise MediaQueryError(f"{head.text}() is not supported")
    if head.kind != "func" and head.text != "(":
        return _dimension(head)
    total = _product(toks)
    while toks.peek() is not None and toks.peek().text in ("+", "-"):  # type: ignore[union-attr]
        sign = toks.take().text
        value = _product(toks)
        if value[1] != total[1]:
            raise MediaQueryError("calc() adds a length to a number")
        total = (total[0] + value[0] if sign == "+" else total[0] - value[0], total[1])
    toks.expect(")")
    return total


def _product(toks: _Tokens) -> tuple[float, bool]:
    value = _sum(toks)
    while toks.peek() is not None and toks.peek().text in ("*", "/"):  # type: ignore[union-attr]
        sign = toks.take().text
        other = _sum(toks)
        if sign == "*" and not (value[1] and other[1]):
            value = (value[0] * other[0], value[1] or other[1])
        elif sign == "/" and not other[1] and other[0] != 0:
            value = (value[0] / other[0], value[1])
        else:
            raise MediaQueryError("calc() multiplies or divides two lengths")
    return value
