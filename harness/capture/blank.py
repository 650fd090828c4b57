"""Blank captures are refused: a page that painted one colour while its DOM holds text.

Real pages hide their content until a script runs (anti-flicker snippets, ``opacity: 0``
until the app boots). With that script blocked, or not yet run, the screenshot is one
colour, and it must never become a baseline that then passes for ever.

The test is cheap for a real page: a PNG of one colour compresses to almost nothing, so
only a capture of a few hundredths of a byte per pixel is decoded, and only one that
decodes to (nearly) one colour makes the page answer what its text is doing.
"""

from __future__ import annotations

import io
import struct
from typing import Any

BYTES_PER_PX = 0.03  # a real page's PNG is far above this (text, images); one colour far below
OTHER_PX = 0.00005  # share of pixels of other colours a blank capture may have (a one-word page has more)
MIN_OTHER_PX = 16

TEXT_JS = """() => {
  const text = ((document.body && document.body.innerText) || '').replace(/\\s+/g, ' ').trim();
  const why = [];
  const main = document.querySelector('main, article, [role=main]');
  for (const el of [document.documentElement, document.body, main]) {
    if (!el) continue;
    const cs = getComputedStyle(el);
    const name = el === main ? (el.id ? el.tagName.toLowerCase() + '#' + el.id : el.tagName.toLowerCase()) : el.tagName.toLowerCase();
    if (parseFloat(cs.opacity) === 0) why.push(name + ' has opacity 0');
    if (cs.visibility === 'hidden') why.push(name + ' has visibility: hidden');
    if (cs.display === 'none') why.push(name + ' has display: none');
    const r = el.getBoundingClientRect();
    if (el === main && (r.width === 0 || r.height === 0)) why.push(name + ' is empty (0 px)');
  }
  return {chars: text.length, why: why.slice(0, 3)};
}"""


def looks_blank(png: bytes) -> bool:
    """One colour, or nearly, over the whole capture."""
    if len(png) < 24:
        return False
    width, height = struct.unpack(">II", png[16:24])
    if width * height == 0 or len(png) > max(2048, width * height * BYTES_PER_PX):
        return False
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        px = np.asarray(img.convert("RGBA")).view(np.uint32).reshape(-1)
    _, counts = np.unique(px, return_counts=True)
    return bool(px.size - counts.max() <= max(MIN_OTHER_PX, OTHER_PX * px.size))


def blank_message(width: int, answer: Any, blocked: list[str]) -> str | None:
    """The error for a blank capture whose DOM has text; None when the page truly is empty
    (nothing to show is not a script that never ran)."""
    chars = answer.get("chars") if isinstance(answer, dict) else None
    if not isinstance(chars, int) or isinstance(chars, bool) or chars <= 0:
        return None
    why = [str(w) for w in answer.get("why", []) if isinstance(w, str)][:3] if isinstance(answer, dict) else []
    because = f": {', '.join(why)}" if why else ""
    hint = (
        f"a blocked script may be needed ({len(blocked)} request{'s' * (len(blocked) != 1)} blocked, e.g. {blocked[0]}): "
        "allow its origin with --allow-origin or allow_network"
        if blocked
        else "the content may wait for a script, an event or a consent banner: wait for it with wait_for or script in pages.yaml"
    )
    return (
        f"blank capture: the page painted nothing at {width} px ({chars:,} characters of text in the DOM are invisible{because}); "
        f"{hint}; if the design is blank on purpose, set allow_blank: true"
    )
