"""Beyond pixels: what the page's geometry says at each breakpoint.

One script (the probe) runs in the page after it is ready and before the screenshot;
each inspector adds its part to it and judges its part of the answer:

- ``geometry``: boxes of the landmark elements, kept next to each baseline, so a failing
  shot can be explained in words (``explain``);
- ``lint``: responsive problems that need no baseline (overflow, overlap, tap targets...);
- ``specs``: the layout rules of ``specs.yaml`` (Galen-style: below, inside, width...);
- ``coverage``: the page's CSS media queries against ``breakpoints.yaml``.
"""
