"""The in-page half of the responsive lint: one script that measures, nothing that judges.

It walks the page once and answers raw measurements for the rules it is asked for
(``lint.py`` turns them into findings). Everything is in CSS px of the document.

What "visible" means here, shared by every rule: the element's computed visibility is
``visible``, no ancestor has opacity 0, the text colour is not transparent, it is not a
visually-hidden helper (a box of 2 px or less that clips its content, ``clip: rect()`` of
2 px or less, ``clip-path: inset(50%)``: the screen-reader-only and breakpoint-detector
patterns), and the part of it that shows through every clipping or scrolling container
(and the document's own area) is more than a pixel.

Work stays near O(n): computed styles and clip boxes are cached per element, and text
boxes (``Range.getClientRects`` of each text node: the glyph boxes, not the element
boxes) are compared only with those in the same 64 px grid cells.
"""

from __future__ import annotations

from importlib.resources import files


def _function(name: str) -> str:
    """A function expression from a .js file beside this module, without its header comment
    (Playwright takes a string as a function only when the function starts it)."""
    text = files("harness.inspect").joinpath(name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("//")).strip()


LINT_JS = _function("lint_probe.js")
