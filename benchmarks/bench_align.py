"""What the aligned comparison adds to judging a failing shot, on the seed page.

A reflow is injected into a copy of the seed page (60 px more space under the headline
at landscape-tablet), the copy is checked once, and then, in this process, the judging
of the failing shot is timed without and with the alignment:

- judging: decode baseline and actual, pixelmatch with the diff image, encode the diff;
- alignment: ``harness.compare.align`` (rows, column bands, moved boxes, the aligned
  pixelmatch) and encoding the aligned diff.

A passing shot never aligns (its bytes equal the baseline's, or its count is within the
limits), so it costs nothing there. Run: ``python benchmarks/bench_align.py [--rounds N]``.
Target: alignment ≤ 30% of judging (medians, same run).
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

CHANGE = "\n@media (min-width: 920px) and (max-width: 1280px) { .story__headline { margin-bottom: 72px; } }\n"
BREAKPOINT = "landscape-tablet"


def main() -> int:
    import numpy as np
    from helpers import copy_seed
    from PIL import Image

    from harness.compare.align import Moved, align
    from harness.compare.diff import compare
    from harness.compare.images import diff_png_bytes
    from harness.inspect.changes import moved_boxes
    from harness.inspect.geometry import Snapshot

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_seed(Path(tmp) / "site")
        with (root / "pages/syria-talks/article.css").open("a") as css:
            css.write(CHANGE)
        subprocess.run([sys.executable, "-m", "harness", "check", "-q", "--breakpoint", BREAKPOINT], cwd=root, capture_output=True)
        shots = root / ".harness/output/shots/syria-talks"
        baseline_png = (root / f"baselines/syria-talks/{BREAKPOINT}.png").read_bytes()
        actual_png = (shots / f"{BREAKPOINT}.actual.png").read_bytes()
        old = Snapshot.from_bytes((root / f"baselines/syria-talks/{BREAKPOINT}.geometry.json").read_bytes())
        new = Snapshot.from_bytes((shots / f"{BREAKPOINT}.geometry.json").read_bytes())
    assert old is not None and new is not None

    def decode(png: bytes) -> np.ndarray:
        with Image.open(io.BytesIO(png)) as img:
            return np.asarray(img.convert("RGBA"))

    def box(b: object) -> tuple[int, int, int, int]:
        return round(b.x), round(b.y), round(b.w), round(b.h)  # type: ignore[attr-defined]

    judging, aligning = [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        baseline, actual = decode(baseline_png), decode(actual_png)
        result = compare(baseline, actual, diff_image=True)
        diff_png_bytes(result.diff)
        t1 = time.perf_counter()
        moves = [Moved(k, box(b), box(a)) for k, b, a in moved_boxes(old, new)]
        aligned = align(baseline, actual, moves)
        diff_png_bytes(aligned.image(actual))
        t2 = time.perf_counter()
        judging.append(t1 - t0)
        aligning.append(t2 - t1)
    judge, extra = statistics.median(judging), statistics.median(aligning)
    print(f"seed page at {BREAKPOINT} ({actual.shape[1]}x{actual.shape[0]}), 60 px reflow, {args.rounds} rounds, medians:")
    print(f"  judging a failing shot: {judge * 1000:.0f} ms ({result.mismatched} px differ)")
    print(f"  alignment added:        {extra * 1000:.0f} ms ({aligned.changed_pixels} px still differ)")
    print(f"  alignment / judging:    {extra / judge:.2f}x  (target <= 0.30)")
    return 0 if extra / judge <= 0.30 else 1


if __name__ == "__main__":
    sys.exit(main())
