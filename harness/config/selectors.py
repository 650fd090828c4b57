"""CSS selectors as Chromium takes them, checked when the configuration loads.

A selector in ``pages.yaml`` (``mask``, ``hide``, ``remove``, ``wait_for``, ``clip``,
``landmarks``, ``detector``) or ``specs.yaml`` that Chromium cannot use would otherwise be
found at render time, as an error at every breakpoint, or not at all (a ``hide`` rule
that the browser drops). soupsieve parses the Selectors Level 4 grammar (``:is()``,
``:has()``, ``:where()``, ``:not()`` with lists, ``:nth-child(… of S)``, the ``i`` flag);
this module closes the gaps between it and Chromium first, in one pass over the text:

* pseudo-elements (``::before``, ``::part(x)``, ``::-webkit-scrollbar``), which soupsieve
  does not parse, are checked against Chromium's list and taken out;
* pseudo-classes are checked against Chromium's list: those soupsieve lacks
  (``:modal``, ``:state(x)``, ``:-webkit-any()``) are stood in for, and soupsieve's own
  extensions that Chromium refuses (``:contains()``, ``:paused``) are refused;
* the ``s`` attribute flag and namespace prefixes (no ``@namespace`` exists here) are refused;
* unterminated strings and comments, and ``{``, ``}`` or ``;``, are refused: a ``hide`` or
  ``remove`` selector becomes a rule of a stylesheet, and must not reach past it.

``tests/attacks/selectors.txt`` is the corpus; with a browser, each verdict in it is
checked against Chromium's own ``querySelectorAll``.
"""

from __future__ import annotations

import functools
import re
import warnings

MAX_CHARS = 2_000  # one selector; a longer one is not a selector anyone meant

# Chromium's pseudo-classes (the ones a page can use), by whether they take arguments.
_CLASSES = frozenset(
    """active active-view-transition any-link autofill checked corner-present current decrement default defined
    disabled double-button empty enabled end first-child first-of-type focus focus-visible focus-within fullscreen
    future horizontal host hover in-range increment indeterminate interest-source interest-target invalid
    last-child last-of-type link modal no-button only-child only-of-type open optional out-of-range past
    picture-in-picture placeholder-shown popover-open read-only read-write required root scope single-button start
    target target-after target-before target-current user-invalid user-valid valid vertical visited window-inactive
    xr-overlay -webkit-any-link -webkit-autofill -webkit-drag -webkit-full-page-media -webkit-full-screen
    -webkit-full-screen-ancestor""".split()
)
_SELECTOR_FUNCTIONS = frozenset({"is", "where", "not", "has", "host", "host-context", "-webkit-any", "nth-child", "nth-last-child"})
_OTHER_FUNCTIONS = frozenset({"nth-of-type", "nth-last-of-type", "lang", "dir", "state", "active-view-transition-type"})
# Those soupsieve does not know, and what stands in for them there.
_STAND_INS = {"-webkit-any": ":is", "state": ":hover", "active-view-transition-type": ":hover"}
_SOUPSIEVE_KNOWS = frozenset(
    """active any-link autofill checked current default defined disabled empty enabled first-child first-of-type focus
    focus-visible focus-within fullscreen future host hover in-range indeterminate last-child last-of-type link
    only-child only-of-type open optional out-of-range past picture-in-picture placeholder-shown popover-open
    read-only read-write required root scope target user-invalid visited""".split()
)

# Chromium's pseudo-elements; ``::-webkit-…`` names are all taken (they match nothing unknown).
_ELEMENTS = frozenset(
    """after backdrop before checkmark column cue details-content file-selector-button first-letter first-line
    grammar-error marker picker-icon placeholder scroll-marker scroll-marker-group search-text selection
    spelling-error target-text view-transition""".split()
)
_LEGACY_ELEMENTS = frozenset({"before", "after", "first-line", "first-letter"})  # also written with one colon
_ELEMENT_FUNCTIONS = {  # name: what its argument is
    "cue": "selector",
    "slotted": "compound",
    "part": "idents",
    "highlight": "ident",
    "picker": "ident",
    "scroll-button": "ident-or-star",
    "view-transition-group": "ident-or-star",
    "view-transition-image-pair": "ident-or-star",
    "view-transition-new": "ident-or-star",
    "view-transition-old": "ident-or-star",
}
# What may follow a pseudo-element (nothing, for the rest).
_USER_ACTIONS = frozenset({"hover", "focus", "focus-visible", "focus-within", "active"})
_SCROLLBAR_STATES = frozenset(
    """horizontal vertical decrement increment start end double-button single-button no-button corner-present
    window-inactive hover active enabled disabled""".split()
)

_IDENT = re.compile(r"-?(?:[A-Za-z_]|[^\x00-\x7f]|\\.)(?:[\w-]|[^\x00-\x7f]|\\.)*|--(?:[\w-]|[^\x00-\x7f]|\\.)*")
_NAME_CHARS = re.compile(r"[\w-]|[^\x00-\x7f]")
_HEX = frozenset("0123456789abcdefABCDEF")


class _Bad(Exception):
    """What is wrong with the selector, in a few words."""


def selector_problem(selector: str) -> str | None:
    """What makes ``selector`` unusable in Chromium, in a few words; None if it is a selector."""
    if len(selector) > MAX_CHARS:
        return f"it is {len(selector)} characters long, over the {MAX_CHARS} a selector may have"
    return _problem(selector)


def not_a_selector(selector: str) -> str | None:
    """What a configuration error says of ``selector`` (quoted, then why), or None if it is one."""
    problem = selector_problem(selector)
    if problem is None:
        return None
    shown = selector if len(selector) <= 80 else selector[:77] + "..."
    return f"{shown!r} is not a CSS selector Chromium accepts ({problem})"


@functools.lru_cache(maxsize=4096)
def _problem(selector: str) -> str | None:
    try:
        text = _Scanner(selector).rewrite()
    except _Bad as err:
        return str(err)
    return _soupsieve_problem(text)


def _soupsieve_problem(text: str) -> str | None:
    import soupsieve

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its deprecation notes (e.g. ':contains') are not ours to print
            soupsieve.compile(text)
    except soupsieve.SelectorSyntaxError as err:
        first = str(err).splitlines()[0] if str(err) else ""
        # Positions count in the text soupsieve saw, which may differ from the one written.
        return re.sub(r"\s+(?:at\s+)?position \d+", "", first).strip().rstrip(".") or "a syntax error"
    except (ValueError, TypeError, RecursionError) as err:  # soupsieve's other refusals
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    return None


class _Scanner:
    """One pass over a selector: checks what soupsieve cannot, and writes what it can check."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.out: list[str] = []
        self.inside: list[str] = []  # the functional pseudo-classes we are in, innermost last
        self.after_element: str | None = None  # the pseudo-element the current compound ended with

    def rewrite(self) -> str:
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c == "\\":
                self._escape()
            elif c in "\"'":
                self._string()
            elif text.startswith("/*", self.i):
                self._comment()
            elif c in "{};":
                raise _Bad(f"{c!r} cannot be part of a selector")
            elif c == "[":
                self._attribute()
            elif c == ":":
                self._pseudo()
            elif c == "|":
                self._namespace()
            elif c == ")":
                if self.inside:
                    self.inside.pop()
                self.after_element = None
                self._emit(c)
            elif c == ",":
                self.after_element = None
                self._emit(c)
            elif c.isspace():
                self._emit(c)
            else:
                if self.after_element is not None:
                    raise _Bad(f"nothing but a pseudo-class of it may follow '::{self.after_element}'")
                self._emit(c)
        return "".join(self.out)

    def _emit(self, piece: str, advance: int | None = None) -> None:
        self.out.append(piece)
        self.i += len(piece) if advance is None else advance

    def _escape(self) -> None:
        text, start = self.text, self.i
        if self.after_element is not None:
            raise _Bad(f"nothing but a pseudo-class of it may follow '::{self.after_element}'")
        if start + 1 < len(text) and text[start + 1] in "\r\n\f":
            raise _Bad("a backslash before a line break is not an escape")
        end = start + 1
        if end < len(text) and text[end] in _HEX:
            while end < len(text) and end - start <= 6 and text[end] in _HEX:
                end += 1
            if end < len(text) and text[end].isspace():
                end += 1
        else:
            end = min(end + 1, len(text))
        self._emit(text[start:end])

    def _string(self) -> None:
        self._emit(self.text[self.i : _string_end(self.text, self.i)])

    def _comment(self) -> None:
        text, start = self.text, self.i
        end = text.find("*/", start + 2)
        if end < 0:
            raise _Bad("a comment (/*) is not closed")
        before = text[start - 1] if start else " "
        after = text[end + 2] if end + 2 < len(text) else " "
        if _NAME_CHARS.match(before) and _NAME_CHARS.match(after):
            raise _Bad("a comment runs two names together")
        self.i = end + 2  # Chromium drops comments; so does the text soupsieve sees

    def _attribute(self) -> None:
        text, start = self.text, self.i
        end, depth = start + 1, 0
        while end < len(text) and (text[end] != "]" or depth):
            if text[end] in "\"'":
                end = _string_end(text, end)
                continue
            if text[end] == "\\":
                end += 2
                continue
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            end += 1
        if end >= len(text):
            raise _Bad("an attribute selector ([) is not closed")
        body = re.sub(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", '""', text[start + 1 : end])
        prefix = re.match(r"\s*([^\s|=~^$*\]]*)\|(?!=)", body)
        if prefix and prefix.group(1) not in ("", "*"):
            raise _Bad(f"the namespace prefix '{prefix.group(1)}|' is not declared (a page's selectors have none)")
        flag = re.search(r"=\s*(?:\"\"|[^\s\"]+)\s+([A-Za-z]+)\s*$", body)
        if flag and flag.group(1).lower() != "i":
            raise _Bad(f"the attribute flag '{flag.group(1)}' is not one Chromium knows (only 'i')")
        if self.after_element is not None:
            raise _Bad(f"nothing but a pseudo-class of it may follow '::{self.after_element}'")
        self._emit(text[start : end + 1])

    def _namespace(self) -> None:
        text, i = self.text, self.i
        if text.startswith("||", i):
            raise _Bad("the column combinator '||' is not one Chromium knows")
        before = "".join(self.out)
        prefix = re.search(r"(?:[\w-]|[^\x00-\x7f])+$", before)
        if prefix:  # ``*|`` and ``|`` (any and no namespace) need no declaration
            raise _Bad(f"the namespace prefix '{prefix.group(0)}|' is not declared (a page's selectors have none)")
        self._emit("|")

    def _pseudo(self) -> None:
        text, start = self.text, self.i
        double = text.startswith("::", start)
        at = start + (2 if double else 1)
        found = _IDENT.match(text, at)
        if not found:
            raise _Bad(f"'{text[start:at + 1]}' starts a pseudo-class or pseudo-element without a name")
        name = found.group(0).lower()
        end = found.end()
        functional = end < len(text) and text[end] == "("
        if double or (name in _LEGACY_ELEMENTS and not functional):
            self._element(name, start, end, functional)
        else:
            self._class(name, start, end, functional)

    def _element(self, name: str, start: int, end: int, functional: bool) -> None:
        shown = f"::{name}"
        if self.inside:
            raise _Bad(f"'{shown}' cannot be inside ':{self.inside[-1]}()'")
        if self.after_element is not None:
            raise _Bad(f"'{shown}' cannot follow '::{self.after_element}'")
        if functional:
            if name not in _ELEMENT_FUNCTIONS:
                raise _Bad(f"'{shown}()' is not a pseudo-element Chromium knows")
            close = _paren_end(self.text, end)
            _check_argument(shown, _ELEMENT_FUNCTIONS[name], self.text[end + 1 : close])
            end = close + 1
        elif name in _ELEMENT_FUNCTIONS and name not in _ELEMENTS:
            raise _Bad(f"'{shown}' needs an argument: '{shown}(…)'")
        elif name not in _ELEMENTS and not name.startswith("-webkit-"):
            raise _Bad(f"'{shown}' is not a pseudo-element Chromium knows")
        # soupsieve cannot parse pseudo-elements: the compound they end stands without them
        prior = "".join(self.out).rstrip()
        stands_alone = not prior or prior[-1] in ",(>+~" or "".join(self.out)[-1:].isspace()
        self.out.append("*" if stands_alone else "")
        self.i = end
        self.after_element = name

    def _class(self, name: str, start: int, end: int, functional: bool) -> None:
        shown = f":{name}"
        if self.after_element is not None:
            element = self.after_element
            allowed = (
                _USER_ACTIONS if element == "part" else _SCROLLBAR_STATES if element.startswith("-webkit-")
                else {"window-inactive"} if element == "selection" else frozenset()
            )
            if name not in allowed or functional:
                raise _Bad(f"'{shown}' cannot follow '::{element}'")
            self.out.append("")  # nothing soupsieve needs to see
            self.i = end
            return
        if functional:
            if name not in _SELECTOR_FUNCTIONS and name not in _OTHER_FUNCTIONS:
                known = " (it takes no argument)" if name in _CLASSES else ""
                raise _Bad(f"'{shown}()' is not a pseudo-class Chromium knows{known}")
            if name in _SELECTOR_FUNCTIONS:
                self.inside.append(name)
                self._emit(_STAND_INS.get(name, self.text[start:end]) + "(", advance=end + 1 - start)
                return
            close = _paren_end(self.text, end)
            argument = self.text[end + 1 : close]
            if name in ("lang", "dir", "state"):
                _check_argument(shown, "ident", argument)
            elif name == "active-view-transition-type":
                _check_argument(shown, "ident-list", argument)
            stand_in = _STAND_INS.get(name)
            self._emit(stand_in if stand_in else self.text[start : close + 1], advance=close + 1 - start)
            return
        if name not in _CLASSES:
            known = f" (write '{shown}(…)')" if name in _SELECTOR_FUNCTIONS or name in _OTHER_FUNCTIONS else ""
            raise _Bad(f"'{shown}' is not a pseudo-class Chromium knows{known}")
        self._emit(self.text[start:end] if name in _SOUPSIEVE_KNOWS else ":hover", advance=end - start)


def _string_end(text: str, start: int) -> int:
    """The index just past the string starting at ``start``; a string must be closed on its line."""
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        if text[i] in "\r\n\f":
            break
        i += 1
    raise _Bad("a quoted string is not closed")


def _paren_end(text: str, start: int) -> int:
    """The index of the ``)`` that closes the ``(`` at ``start``."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _string_end(text, i)
            continue
        if c == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0:
            return i
        i += 1
    raise _Bad("a '(' is not closed")


def _check_argument(shown: str, kind: str, argument: str) -> None:
    words = argument.split()
    ok = {
        "ident": len(words) == 1 and bool(_IDENT.fullmatch(words[0])),
        "ident-or-star": len(words) == 1 and (words[0] == "*" or bool(_IDENT.fullmatch(words[0]))),
        "idents": bool(words) and all(_IDENT.fullmatch(w) for w in words),
        "ident-list": bool(argument.strip()) and all(_IDENT.fullmatch(w.strip()) for w in argument.split(",")),
    }.get(kind)
    if ok is None:  # a selector: a compound one for ::slotted()
        problem = selector_problem(argument) if argument.strip() else "it is empty"
        if problem is None and kind == "compound" and re.search(r"\s|[>+~,]", argument.strip()):
            problem = "it takes one compound selector"
        if problem:
            raise _Bad(f"'{shown}()': {problem}")
    elif not ok:
        raise _Bad(f"'{shown}({argument})' is not an argument Chromium takes")
