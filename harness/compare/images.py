"""PNG in and out: the only place that decodes or encodes image files.

Reading turns every way a PNG can be wrong into one ``HarnessError`` line. Writing is
atomic (a temporary file in the same folder, then a rename), so an interrupted run
never leaves a truncated image behind.
"""

from __future__ import annotations

import os
import warnings
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.config import values
from harness.errors import HarnessError
from harness.files import write_atomic

if TYPE_CHECKING:
    import numpy as np

MAX_PIXELS = values.MAX_PIXELS  # 100 MP: anything bigger is a mistake or a bomb, and the harness never writes one
FAST = 1  # zlib level for diff and actual images: several times faster than the default, a little larger
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CONVERTIBLE = {"RGBA", "RGB", "P", "PA", "L", "LA", "1"}


class ImageError(HarnessError):
    """An image file that cannot be used."""


def read_png(path: str | os.PathLike[str], what: str = "image") -> np.ndarray:
    """Decode a PNG into an HxWx4 uint8 array, or raise one clear ImageError line.

    8-bit palette, grey and RGB images are converted (losslessly) to RGBA; other pixel
    formats are refused. The size is read from the header first, so a decompression
    bomb is refused before anything is decoded.
    """
    import numpy as np
    from PIL import Image

    p = Path(path)
    fix = "restore it from git, or delete it and run 'harness check --update missing'" if what == "baseline" else "replace it"
    head = _head(p, what)
    if not head.startswith(PNG_SIGNATURE):
        kind = _kind(head)
        raise ImageError(f"{p}: {what} is not a PNG file{f' (it is {kind})' if kind else ''}; {fix}")
    w, h = png_size(head) or (0, 0)
    if w * h > MAX_PIXELS:
        raise ImageError(
            f"{p}: {what} is {w}x{h} px ({w * h / 1e6:.0f} MP), over the {MAX_PIXELS // 1_000_000} MP limit "
            f"(a decompression bomb, or a page far too tall); {fix}"
        )
    try:
        with pillow_size_warning_off(w, h):
            with Image.open(p, formats=["PNG"]) as img:
                if img.mode not in _CONVERTIBLE:
                    raise ImageError(f"{p}: {what} has pixel mode {img.mode}; save it as an 8-bit RGB or RGBA PNG")
                img.load()
                rgba = img if img.mode == "RGBA" else img.convert("RGBA")
                return np.asarray(rgba)
    except ImageError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ImageError(f"{p}: {what} is not a readable PNG ({reason}); {fix}") from None


def pillow_size_warning_off(width: int, height: int) -> AbstractContextManager[object]:
    """Silence Pillow's "decompression bomb" warning (from 89 MP) for a size already
    checked against MAX_PIXELS. Only then: the warnings filter is process-wide state."""
    from PIL import Image

    if width * height <= (Image.MAX_IMAGE_PIXELS or MAX_PIXELS):
        return nullcontext()
    return warnings.catch_warnings(action="ignore", category=Image.DecompressionBombWarning)


def png_size(head: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header chunk (its first 24 bytes), without decoding."""
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _head(p: Path, what: str) -> bytes:
    try:
        with p.open("rb") as f:
            return f.read(64)
    except FileNotFoundError:
        raise ImageError(f"{p}: {what} not found; check the path") from None
    except IsADirectoryError:
        raise ImageError(f"{p}: {what} is a folder, not a PNG file") from None
    except OSError as err:
        raise ImageError(f"{p}: cannot read the {what} ({err.strerror or err}); check the file's permissions") from None


def _kind(head: bytes) -> str | None:
    """What a file that is not a PNG seems to be, for the message."""
    if not head:
        return "empty"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    for magic, name in ((b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"), (b"<", "text or HTML")):
        if head.startswith(magic):
            return name
    return None


def read_pair(baseline: str | os.PathLike[str], actual: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """Decode both images at once: Pillow's decoder releases the GIL, so two cores halve the wait."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(read_png, baseline, "baseline image")
        second = pool.submit(read_png, actual, "actual image")
        return first.result(), second.result()


def png_bytes(array: np.ndarray, compress_level: int = FAST) -> bytes:
    """Encode an HxWx4 uint8 array as PNG bytes."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(array, "RGBA").save(buf, "PNG", compress_level=compress_level)
    return buf.getvalue()


def diff_png_bytes(diff: Any, compress_level: int = FAST) -> bytes:
    """Encode a diff image: a palette PNG when it is indexed (several times faster)."""
    import io

    from PIL import Image

    from harness.compare.pixelmatch import Indexed

    if not isinstance(diff, Indexed):
        return png_bytes(diff, compress_level)
    img = Image.fromarray(diff.indices, "P")
    img.putpalette(diff.palette[:, :3].tobytes(), "RGB")
    extra = {}
    if (diff.palette[:, 3] < 255).any():
        extra["transparency"] = diff.palette[:, 3].tobytes()
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=compress_level, **extra)
    return buf.getvalue()


def write_png(path: str | os.PathLike[str], array: np.ndarray, compress_level: int = FAST) -> None:
    """Encode and write atomically."""
    write_atomic(path, png_bytes(array, compress_level))
