"""Writing files so that nothing is ever half-written: a reader (or a run killed at any
instant) sees the old bytes or the new ones.

Baselines, results, reports and images all go through here; the store builds its
four-step write on ``stage``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from harness.errors import HarnessError

TEMP_SUFFIX = ".tmp"  # of staged files: hidden (a leading dot) and never *.png


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    p = Path(path)
    tmp = stage(p, data)
    try:
        os.replace(tmp, p)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise HarnessError(f"{p}: cannot write it ({err.strerror or err}); choose another path") from None
        raise


def stage(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to a hidden temporary file next to ``path``, on disk (fsync'd), and
    return it: renaming it onto ``path`` is then the one atomic step left. Its name,
    ``.<name>.XXXXXXXX.tmp``, can never be taken for the file itself."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=TEMP_SUFFIX, dir=p.parent)
    except OSError as err:
        raise HarnessError(f"{p}: cannot write here ({err.strerror or err}); choose another path or fix the folder's permissions") from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a baseline should read like any file
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise HarnessError(f"{p}: cannot write it ({err.strerror or err}); choose another path") from None
        raise
    return Path(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
