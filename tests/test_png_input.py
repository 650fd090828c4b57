"""Reading PNGs that users hand us: other 8-bit formats are converted, everything else is one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import png_header
from PIL import Image

from harness.compare.images import ImageError, png_size, read_png

GREY = np.full((6, 4), 128, np.uint8)
RGBA = np.dstack([GREY, GREY, GREY, np.full_like(GREY, 255)])


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: Image.fromarray(RGBA, "RGBA"), id="RGBA"),
        pytest.param(lambda: Image.fromarray(RGBA[..., :3], "RGB"), id="RGB"),
        pytest.param(lambda: Image.fromarray(GREY, "L"), id="grey"),
        pytest.param(lambda: Image.fromarray(np.dstack([GREY, np.full_like(GREY, 255)]), "LA"), id="grey-alpha"),
        pytest.param(lambda: Image.fromarray(GREY, "L").convert("P"), id="palette"),
    ],
)
def test_8_bit_formats_are_read_as_the_same_rgba_pixels(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.png"
    make().save(path)
    assert np.array_equal(read_png(path), RGBA)


def test_a_16_bit_png_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "deep.png"
    Image.fromarray(GREY.astype(np.uint16) * 257).save(path)
    with pytest.raises(ImageError, match=r"deep.png: baseline has pixel mode I;16; save it as an 8-bit RGB or RGBA PNG"):
        read_png(path, "baseline")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is not a PNG file (it is empty)"),
        (b"<!doctype html><title>404</title>", "is not a PNG file (it is text or HTML)"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, "is not a PNG file (it is a JPEG image)"),
        (b"GIF89a" + b"\0" * 20, "is not a PNG file (it is a GIF image)"),
        (b"\x00\x01\x02\x03", "is not a PNG file; "),
    ],
)
def test_files_that_are_not_pngs_say_what_they_seem_to_be(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "phone.png"
    path.write_bytes(content)
    with pytest.raises(ImageError) as info:
        read_png(path, "baseline")
    message = str(info.value)
    assert message.startswith(f"{path}: baseline ") and expected in message
    assert message.endswith("restore it from git, or delete it and run 'harness check --update missing'")


def test_a_truncated_png_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (64, 64, 4), np.uint8), "RGBA").save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ImageError, match=r"cut.png: image is not a readable PNG \(.+\); replace it$"):
        read_png(path)


def test_the_size_is_read_from_the_header() -> None:
    assert png_size(png_header(30000, 20000)) == (30000, 20000)
    assert png_size(b"\x89PNG\r\n\x1a\n") is None
    assert png_size(b"GIF89a" + b"\0" * 30) is None


BOMB_SCRIPT = """
import resource, sys
from harness.compare.images import ImageError, read_png
try:
    read_png(sys.argv[1], "baseline")
except ImageError as err:
    print(err)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(tmp_path: Path) -> None:
    """30000x30000 RGBA would need 3.6 GB decoded; the refusal must not allocate anything like it."""
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(30000, 30000))
    done = subprocess.run([sys.executable, "-c", BOMB_SCRIPT, str(path)], capture_output=True, text=True, timeout=120)
    message, peak_kib = done.stdout.splitlines()
    assert message == (
        f"{path}: baseline is 30000x30000 px (900 MP), over the 100 MP limit (a decompression bomb, or a page far too "
        "tall); restore it from git, or delete it and run 'harness check --update missing'"
    )
    assert int(peak_kib) < 400_000
    assert done.stderr == ""


def test_a_large_but_allowed_png_gives_no_pillow_warning(
    tmp_path: Path, recwarn: pytest.WarningsRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pillow warns from 89 MP, our limit is 100 MP: in between, the user must not see its
    warning. (Pillow's threshold is lowered here so the image can stay small.)"""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    path = tmp_path / "tall.png"
    Image.fromarray(np.zeros((40, 40, 4), np.uint8), "RGBA").save(path)  # 1600 px: Pillow would warn
    assert read_png(path).shape == (40, 40, 4)
    assert not [w for w in recwarn if "DecompressionBomb" in type(w.message).__name__]
