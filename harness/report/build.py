"""Build the HTML report of one run from its ``Results``.

The report folder is self-contained, so CI can upload ``<output>/report/`` alone::

    report/index.html                         the page: CSS, JS and the run's data inlined
    report/img/<page>/<breakpoint>.baseline.png   \\
    report/img/<page>/<breakpoint>.actual.png      } for every shot that did not pass
    report/img/<page>/<breakpoint>.diff.png       /
    report/img/<page>/<breakpoint>.aligned.png    the aligned diff, where the run wrote one
    report/thumbs/<digest>.jpg                the top of every shot, small

A passing shot gets its baseline in ``img/`` too when a layout finding points at a place
on it (a box), so the report can show where.

Images are hard-linked where the file system allows it, else copied. ``img/`` and
``thumbs/`` are rebuilt on every call, so nothing stale survives from an earlier run.

Thumbnails are cached in ``<output>/.thumbs/``, named by the SHA-256 of the source PNG, so
a second report over unchanged images decodes nothing. Entries this run did not use are
pruned.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import math
import os
import re
import shutil
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

from harness.compare.images import MAX_PIXELS, pillow_size_warning_off, png_size
from harness.files import write_atomic
from harness.results import Results, ShotResult

REPORT_DIR = "report"
IMG_DIR = "img"
THUMBS_DIR = "thumbs"
THUMB_CACHE = ".thumbs"
THUMB_WIDTH = 200  # px; shown at about half that in the grid, so sharp on 2x screens
THUMB_ASPECT = 1.5  # height / width: the top of the page, about a first screen
THUMB_QUALITY = 82
DIGEST_CHARS = 20

_KINDS = ("baseline", "actual", "diff", "aligned")
_FIELD = {"aligned": "aligned_diff"}  # the ShotResult field of an image kind, where it is not the kind's name
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def write_report(results: Results, output: Path) -> Path:
    """Write ``<output>/report/index.html`` and the images it shows; return its path."""
    output = Path(output)
    report = output / REPORT_DIR
    img_root = report / IMG_DIR
    thumbs_root = report / THUMBS_DIR
    for folder in (img_root, thumbs_root):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)

    shots = [_shot_data(shot, output, report) for shot in results.shots]
    thumbs = _Thumbnails(output / THUMB_CACHE)
    sources = [_thumb_source(shot, output) for shot in results.shots]
    made = thumbs.build([s for s in sources if s is not None])
    for data, source in zip(shots, sources):
        thumb = made.get(source) if source is not None else None
        if thumb is not None:
            name = thumb.path.name
            target = thumbs_root / name
            if not target.exists():
                _link(thumb.path, target)
            data["thumb"] = {"src": f"{THUMBS_DIR}/{name}", "width": thumb.width, "height": thumb.height}
    thumbs.prune()

    page = _render(results, shots, output)
    index = report / "index.html"
    write_atomic(index, page.encode("utf-8"))
    return index


# -- data for the page ---------------------------------------------------------------


def _shot_data(shot: ShotResult, output: Path, report: Path) -> dict[str, Any]:
    data = asdict(shot)
    data["id"] = shot.id
    data.pop("actual_sha256", None)
    images: dict[str, str | None] = {k: None for k in _KINDS}
    kinds = _KINDS if shot.status != "pass" else ("baseline",) if _points_somewhere(shot) else ()
    for kind in kinds:
        rel = getattr(shot, _FIELD.get(kind, kind), None)
        if not rel:
            continue
        source = output / rel
        if not source.is_file():
            continue
        target = report / IMG_DIR / shot.page / f"{shot.breakpoint}.{kind}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        _link(source, target, copy=kind == "baseline")
        images[kind] = f"{IMG_DIR}/{_url_path(shot.page)}/{_url_path(shot.breakpoint)}.{kind}.png"
    data["images"] = images
    data["thumb"] = None
    for kind in _KINDS:  # the page uses "images"; the output-relative paths mean nothing inside report/
        data.pop(_FIELD.get(kind, kind), None)
    return data


def _points_somewhere(shot: ShotResult) -> bool:
    """A finding with a box: the report zooms to it, so it needs the full-size screenshot."""
    return any(isinstance(f, dict) and f.get("box") for f in shot.findings)


def _thumb_source(shot: ShotResult, output: Path) -> Path | None:
    """The baseline for a passing shot (its actual is not kept), else the actual."""
    order = ("baseline",) if shot.status == "pass" else ("actual", "baseline")
    for kind in order:
        rel = getattr(shot, kind)
        if rel and (output / rel).is_file():
            return output / rel
    return None


def _breakpoints(results: Results) -> list[dict[str, Any]]:
    """Every breakpoint of the run, narrowest viewport first, with a readable range."""
    known = {bp["name"]: dict(bp) for bp in results.breakpoints if isinstance(bp, dict) and bp.get("name")}
    for shot in results.shots:  # a shot whose breakpoint the file does not describe still gets a column
        if shot.breakpoint not in known:
            known[shot.breakpoint] = {
                "name": shot.breakpoint,
                "min_width": None,
                "max_width": None,
                "viewport": {"width": shot.width, "height": shot.height},
                "media": "",
            }
    used = {s.breakpoint for s in results.shots}
    out = []
    for bp in known.values():
        if used and bp["name"] not in used:
            continue
        vp = bp.get("viewport") or {}
        bp["viewport"] = {"width": int(vp.get("width") or 0), "height": int(vp.get("height") or 0)}
        bp["range"] = _range_label(bp.get("min_width"), bp.get("max_width"))
        out.append(bp)
    for bp in out:
        bp["base"] = not any(other is not bp and _within(other, bp) for other in out)
    # The base ranges first (they tile the widths), then the names that combine them; each by width.
    out.sort(key=lambda b: (not b["base"], b["viewport"]["width"], b.get("min_width") or 0, b["name"]))
    return out


def _span(bp: dict[str, Any]) -> tuple[float, float] | None:
    low, high = bp.get("min_width"), bp.get("max_width")
    if low is None and high is None:
        return None
    return float(low or 0), math.inf if high is None else float(high)


def _within(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    """``inner``'s range lies inside ``outer``'s and is smaller: ``outer`` combines ranges."""
    a, b = _span(inner), _span(outer)
    return a is not None and b is not None and a != b and b[0] <= a[0] and a[1] <= b[1]


def _range_label(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return f"{low or 0}+ px"
    return f"{low or 0}\u2013{high} px"


def _render(results: Results, shots: list[dict[str, Any]], output: Path) -> str:
    project = project_name(results.project)
    title = f"Layout report \u2013 {project}" if project else "Layout report"
    known = {s["id"] for s in shots}
    data = {
        "title": title,
        "project": project,
        "created": results.created,
        "run_id": results.run_id,
        "browser": results.browser,
        "baseline_browsers": _baseline_browsers(results, output),
        "groups": [g for g in (_group(g, known) for g in results.groups) if g],
        "counts": dict(Counter(s.status for s in results.shots)),
        "breakpoints": _breakpoints(results),
        "pages": sorted({s.page for s in results.shots}),
        "shots": shots,
    }
    assets = resources.files("harness.report") / "assets"
    template = (assets / "index.html").read_text(encoding="utf-8")
    css = (assets / "report.css").read_text(encoding="utf-8")
    js = (assets / "report.js").read_text(encoding="utf-8")
    if "</style" in css.lower() or "</script" in js.lower():
        raise ValueError("report assets must not close their own <style>/<script> element")
    parts = {
        "title": html.escape(title),
        "css": css,
        "js": js,
        "data": _script_json(data),
    }
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def project_name(project: str) -> str:
    """The project's own name (pyproject.toml's or package.json's), else its folder's."""
    if not project:
        return ""
    root = Path(project)
    try:
        import tomllib

        meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        name = meta.get("project", {}).get("name") or meta.get("tool", {}).get("poetry", {}).get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
    except (OSError, ValueError, AttributeError):
        pass
    try:
        name = json.loads((root / "package.json").read_text(encoding="utf-8")).get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
    except (OSError, ValueError, AttributeError):
        pass
    return root.name


def _baseline_browsers(results: Results, output: Path) -> list[str]:
    """The browser versions the baselines were approved with (baselines/manifest.json)."""
    from harness.errors import HarnessError
    from harness.results import baselines_folder
    from harness.store.baselines import BaselineStore

    try:
        manifest = BaselineStore(baselines_folder(results, output)).read_manifest()
    except (HarnessError, OSError):
        return []
    browsers = (e.get("browser") for e in manifest.values())
    return sorted({str(b["version"]) for b in browsers if isinstance(b, dict) and b.get("version")})


def _group(group: Any, known: set[str]) -> dict[str, Any] | None:
    """One finding shared by several shots, as the page shows it; None if it names none of them."""
    if not isinstance(group, dict) or not isinstance(group.get("shots"), list):
        return None
    ids = [i for i in group["shots"] if isinstance(i, str) and i in known]
    if not ids:
        return None
    return {
        "id": str(group.get("id", "")),
        "text": str(group.get("text", "")),
        "kind": str(group.get("kind", "")),
        "selector": str(group.get("selector", "")),
        "shots": ids,
    }


def _script_json(data: Any) -> str:
    """JSON that cannot end its <script type="application/json"> block early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _url_path(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _link(source: Path, target: Path, copy: bool = False) -> None:
    """Hard-link ``source`` at ``target``, or copy it where links are not possible.

    Never a baseline: a tool that rewrites report images in place (an optimiser run on a
    CI artifact) must not be able to change a committed baseline through the link.
    """
    target.unlink(missing_ok=True)
    if not copy:
        try:
            os.link(source, target)
            return
        except OSError:  # another file system, or links not supported
            pass
    shutil.copyfile(source, target)


# -- thumbnails ------------------------------------------------------------------------


class _Thumb:
    __slots__ = ("path", "width", "height")

    def __init__(self, path: Path, width: int, height: int) -> None:
        self.path, self.width, self.height = path, width, height


class _Thumbnails:
    """Small JPEGs of the top of each screenshot, cached by the source's SHA-256."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.used: set[str] = set()

    def build(self, sources: list[Path]) -> dict[Path, _Thumb]:
        unique = list(dict.fromkeys(sources))
        if not unique:
            return {}
        self.cache.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1, len(unique))) as pool:
            made = list(pool.map(self._one, unique))
        return {src: thumb for src, thumb in zip(unique, made) if thumb is not None}

    def _one(self, source: Path) -> _Thumb | None:
        try:
            data = source.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]
        path = self.cache / f"{digest}.jpg"
        self.used.add(path.name)
        if path.is_file():
            size = _jpeg_size(path)
            if size:
                return _Thumb(path, *size)
        size = png_size(data[:24]) or (0, 0)
        if size[0] * size[1] > MAX_PIXELS:  # a decompression bomb, or a page far too tall: no thumbnail
            return None
        try:
            with pillow_size_warning_off(*size):
                jpeg, width, height = make_thumbnail(data)
        except Exception:  # an unreadable image gets no thumbnail, not a broken report
            return None
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.cache)
        with os.fdopen(fd, "wb") as f:
            f.write(jpeg)
        os.replace(tmp, path)
        return _Thumb(path, width, height)

    def prune(self) -> None:
        if not self.cache.is_dir():
            return
        for entry in self.cache.iterdir():
            if entry.name not in self.used and entry.is_file():
                entry.unlink(missing_ok=True)


def make_thumbnail(png: bytes, width: int = THUMB_WIDTH, aspect: float = THUMB_ASPECT) -> tuple[bytes, int, int]:
    """A JPEG of the top of a screenshot: ``width`` px wide, at most ``width * aspect`` tall."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        w, h = im.size
        crop_h = max(1, min(h, math.ceil(w * aspect)))
        _decode_top_rows(im, crop_h)
        top = im.crop((0, 0, w, crop_h))
    if top.mode not in ("RGB", "RGBA"):
        top = top.convert("RGBA" if "A" in top.mode or "transparency" in top.info else "RGB")
    out_w = max(1, min(width, w))
    out_h = max(1, round(crop_h * out_w / w))
    factor = min(w // out_w, crop_h // out_h) // 2  # cheap box reduction first, then a good filter
    if factor >= 2:
        top = top.reduce(factor)
    top = top.resize((out_w, out_h), Image.Resampling.LANCZOS)
    if top.mode == "RGBA":
        white = Image.new("RGBA", top.size, (255, 255, 255, 255))
        top = Image.alpha_composite(white, top)
    top = top.convert("RGB")
    buf = io.BytesIO()
    top.save(buf, "JPEG", quality=THUMB_QUALITY, optimize=True)
    return buf.getvalue(), out_w, out_h


def _decode_top_rows(im: Any, rows: int) -> None:
    """Have Pillow decode only the first ``rows`` rows of a PNG (a page can be 20 000 px
    tall and the thumbnail shows its top). Falls back to a full decode when the file is
    not a plain, non-interlaced PNG or Pillow's internals differ."""
    w, h = im.size
    if rows >= h or im.format != "PNG" or im.info.get("interlace") or len(im.tile) != 1:
        return
    tile = im.tile[0]
    try:
        if tile[0] != "zip" or tuple(tile[1]) != (0, 0, w, h):
            return
        im.tile = [tile._replace(extents=(0, 0, w, rows))] if hasattr(tile, "_replace") else [(tile[0], (0, 0, w, rows), *tile[2:])]
        im._size = (w, rows)
    except (AttributeError, TypeError, ValueError):
        im.tile = [tile]


def _jpeg_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a JPEG's SOF marker, without decoding it."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return width, height
        i += 2 + length
    return None
