"""PNG in and out: the only place that decodes or encodes image files.

Reading turns every way a PNG can be wrong into one ``HarnessError`` line. Writing is
atomic (a temporary file in the same folder, then a rename), so an interrupted run
never leaves a truncated image behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessError

if TYPE_CHECKING:
    import numpy as np

MAX_PIXELS = 100_000_000  # 100 MP: ~10 000 x 10 000; anything bigger is a mistake or a bomb
FAST = 1  # zlib level for diff and actual images: several times faster than the default, a little larger
_CONVERTIBLE = {"RGBA", "RGB", "P", "PA", "L", "LA", "1"}


class ImageError(HarnessError):
    """An image file that cannot be used."""


def read_png(path: str | os.PathLike[str], what: str = "image") -> np.ndarray:
    """Decode a PNG into an HxWx4 uint8 array, or raise one clear ImageError line."""
    import numpy as np
    from PIL import Image

    p = Path(path)
    if not p.exists():
        raise ImageError(f"{p}: {what} not found; check the path")
    if p.is_dir():
        raise ImageError(f"{p}: {what} is a folder, not a PNG file")
    try:
        with Image.open(p) as img:
            if img.format != "PNG":
                raise ImageError(f"{p}: {what} is {img.format or 'not an image'}, not a PNG; save it as PNG")
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ImageError(
                    f"{p}: {what} is {w}x{h} px ({w * h / 1e6:.0f} MP), over the {MAX_PIXELS // 1_000_000} MP limit; "
                    "cap the page height or delete the file"
                )
            if img.mode not in _CONVERTIBLE:
                raise ImageError(f"{p}: {what} has pixel mode {img.mode}; save it as an 8-bit RGB or RGBA PNG")
            img.load()
            rgba = img if img.mode == "RGBA" else img.convert("RGBA")
            return np.asarray(rgba)
    except ImageError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        fix = "restore it from git, or write a new one with --update all" if what == "baseline" else "replace it"
        raise ImageError(f"{p}: {what} is not a readable PNG ({reason}); {fix}") from None


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


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    except OSError as err:
        raise HarnessError(f"{p}: cannot write here ({err.strerror or err}); choose another path or fix the folder's permissions") from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a baseline should read like any file
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise HarnessError(f"{p}: cannot write it ({err.strerror or err}); choose another path") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_png(path: str | os.PathLike[str], array: np.ndarray, compress_level: int = FAST) -> None:
    """Encode and write atomically."""
    write_atomic(path, png_bytes(array, compress_level))
