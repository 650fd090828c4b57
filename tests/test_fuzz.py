"""Fuzzing the three readers of user files: breakpoints.yaml, pages/ with pages.yaml, PNGs.

The property is the project's rule for bad input: a reader returns a valid result or
raises a HarnessError whose message is one line naming the file, never anything else.
``HARNESS_FUZZ_EXAMPLES=5000`` runs a longer hunt than the default 150 per test.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from helpers import TINY_BREAKPOINTS as VALID_BREAKPOINTS

from harness.compare.images import read_pair, read_png
from harness.config.breakpoints import NAME_RE, load_breakpoints
from harness.config.pages import load_pages
from harness.config.page_settings import SETTING_KEYS
from harness.errors import HarnessError
from harness.plan.matrix import select

EXAMPLES = int(os.environ.get("HARNESS_FUZZ_EXAMPLES", "150"))  # raise it for a longer hunt
pytestmark = pytest.mark.filterwarnings("error")  # a warning is a second line on the terminal

FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example (a function-scoped tmp_path is not reset between them)."""
    return tmp_path_factory.mktemp("fuzz")


def assert_one_line_naming(err: HarnessError, path: Path) -> None:
    message = str(err)
    assert type(err).__module__.startswith("harness."), type(err)
    assert message and len(message.splitlines()) == 1, repr(message)
    assert str(path) in message, f"{message!r} does not name {path}"


# --- YAML building blocks ------------------------------------------------------------------

# Scalars as a user might type them, including YAML 1.1's surprises.
SCALAR_TEXT = st.one_of(
    st.sampled_from([
        "0", "640", "-1", "1.5", "1e3", "1_000", "0x280", "0o1200", "01200", "0b1010", "1:30", ".inf", "-.inf",
        ".nan", "~", "null", "true", "yes", "off", "'640'", '"640"', "[]", "{}", "[1, 2]", "!!str 640",
        "!!binary aGVsbG8=", "!!binary ***", "!!timestamp 2013-09-12", "!!timestamp nope", "!!int x", "!!float x",
        "2013-09-12", "2013-09-12T20:51:00Z", "&a 1", "*a", "!!python/object:os.system x", "|\n  text",
        "0x" + "f" * 5000, "9" * 5000, "1" + "0" * 400 + ".0", "'#FF00FF'", "#FF00FF", "'\u00e9\u0301'",
        "\"\\u0000\"", "\"\\x85\"", "'a\nb'",
    ]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12).map(lambda s: yaml.safe_dump(s).split("\n...")[0].strip()),
)

# Numbers at and beyond every edge: Python ints have no size limit, but printing one of
# more than 4300 decimal digits raises ValueError (hex spellings are read without limit).
NUMBERS = st.one_of(
    st.sampled_from(["0x" + "f" * 5000, "0b" + "1" * 20000, "9" * 4000, "-0x" + "f" * 3000, "0x7fffffffffffffff",
                     "18446744073709551616", "10000", "10001", "4", "4.0001", "1e-320", "-0", "0.0"]),
    st.integers().map(str),
)

NAMES = st.one_of(
    st.sampled_from(["phone", "tablet", "desktop", "landscape-tablet", "a", "Phone", "..", ".", "-x", "a b", "a/b", "\u00e9"]),
    st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True),
    st.text(max_size=8),
)


def yaml_values(scalar: st.SearchStrategy[str]) -> st.SearchStrategy[object]:
    """Nested structures whose leaves are literal YAML scalar text (rendered by ``render``)."""
    return st.recursive(
        scalar.map(Raw),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(NAMES, inner, max_size=4)),
        max_leaves=8,
    )


class Raw(str):
    """A scalar written into the document as is."""


def render(value: object, indent: int = 0) -> str:
    """Block-style YAML by hand, so that scalars keep their literal spelling."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "\n" + "\n".join(f"{pad}{_key(k)}:{_child(v, indent)}" for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return "[]"
        return "\n" + "\n".join(f"{pad}- {render(v, indent + 2).lstrip()}" for v in value)
    return str(value)


def _child(value: object, indent: int) -> str:
    text = render(value, indent + 2)
    return text if text.startswith("\n") else " " + text.replace("\n", "\n" + " " * (indent + 2))


def _key(key: str) -> str:
    return yaml.safe_dump(key, width=10**6).split("\n...")[0].strip() if key else "''"


# --- breakpoints.yaml ----------------------------------------------------------------------


BREAKPOINT_KEYS = st.sampled_from(
    ["min_width", "max_width", "viewport", "device_scale_factor", "is_mobile", "has_touch", "max_widht", "width", "height"]
)


def entry() -> st.SearchStrategy[dict[str, object]]:
    viewport = st.dictionaries(st.sampled_from(["width", "height", "depth"]), SCALAR_TEXT.map(Raw), max_size=3)
    field = st.one_of(SCALAR_TEXT.map(Raw), viewport, yaml_values(SCALAR_TEXT))
    return st.dictionaries(BREAKPOINT_KEYS, field, max_size=6)


def mostly(valid: str) -> st.SearchStrategy[Raw]:
    """Usually the valid value, sometimes anything a user might type instead."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), SCALAR_TEXT, NUMBERS).map(Raw)


@st.composite
def near_valid_breakpoints(draw: st.DrawFn) -> str:
    """A valid file with a few values swapped for odd ones and a few keys dropped."""
    table = {}
    for name in draw(st.lists(st.one_of(st.just("phone"), NAMES), min_size=1, max_size=3, unique=True)):
        entry = {
            "min_width": draw(mostly("0")),
            "max_width": draw(mostly("639")),
            "viewport": Raw(f"{{width: {draw(mostly('360'))}, height: {draw(mostly('640'))}}}"),
            "device_scale_factor": draw(mostly("2")),
            "is_mobile": draw(mostly("true")),
            "has_touch": draw(mostly("false")),
        }
        dropped = draw(st.sets(st.sampled_from(list(entry)), max_size=2))
        table[name] = {k: v for k, v in entry.items() if k not in dropped}
    return render({"breakpoints": table})


BREAKPOINT_DOCS = st.one_of(
    near_valid_breakpoints(),
    near_valid_breakpoints(),
    st.dictionaries(NAMES, entry(), max_size=4).map(lambda table: render({"breakpoints": table})),
    yaml_values(SCALAR_TEXT).map(render),
)


def check_breakpoints(path: Path, text: str | bytes) -> None:
    path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    try:
        loaded = load_breakpoints(path)
    except HarnessError as err:
        assert_one_line_naming(err, path)
        return
    assert loaded
    for bp in loaded:
        assert NAME_RE.fullmatch(bp.name) and bp.name not in (".", "..")
        assert 0 <= bp.min_width and (bp.max_width is None or bp.min_width <= bp.max_width)
        assert bp.contains(bp.viewport.width) and 1 <= bp.viewport.height <= 10000
        assert 0 < bp.device_scale_factor <= 4
        json.dumps(bp.to_json()) + bp.range_label  # what `harness breakpoints` and reports print


@FUZZ
@given(text=st.text(max_size=300))
def test_breakpoints_from_any_text(folder: Path, text: str) -> None:
    check_breakpoints(folder / "breakpoints.yaml", text)


@FUZZ
@given(data=st.binary(max_size=300))
def test_breakpoints_from_any_bytes(folder: Path, data: bytes) -> None:
    check_breakpoints(folder / "breakpoints.yaml", data)


@FUZZ
@given(text=BREAKPOINT_DOCS)
@example(text="breakpoints:\n  phone:\n    min_width: !!timestamp nope\n")  # found: AttributeError from PyYAML
@example(text="breakpoints:\n  p:\n    min_width: 1\n    max_width: 0x" + "f" * 5000 + "\n    viewport: {width: 2, height: 2}\n")
def test_breakpoints_from_yaml_shaped_documents(folder: Path, text: str) -> None:
    check_breakpoints(folder / "breakpoints.yaml", text)


@FUZZ
@given(position=st.integers(0, len(VALID_BREAKPOINTS)), cut=st.integers(0, 8), insert=SCALAR_TEXT)
def test_breakpoints_from_edited_valid_files(folder: Path, position: int, cut: int, insert: str) -> None:
    text = VALID_BREAKPOINTS[:position] + insert + VALID_BREAKPOINTS[position + cut :]
    check_breakpoints(folder / "breakpoints.yaml", text)


# --- pages/ and pages.yaml -----------------------------------------------------------------

SETTINGS = st.dictionaries(
    st.sampled_from([*SETTING_KEYS, "url", "mask_colour", "waitfor"]),
    st.one_of(
        SCALAR_TEXT.map(Raw),
        st.sampled_from(["http://localhost:3000/x", "https://cdn.example.com", "file:///etc/passwd", "http://", "ftp://x"]).map(Raw),
        st.lists(st.one_of(SCALAR_TEXT, st.sampled_from(["phone", "desktop", ".ad", "https://cdn.example.com"])).map(Raw), max_size=3),
        yaml_values(SCALAR_TEXT),
    ),
    max_size=5,
)
VALID_SETTINGS = {
    "mask": "['time.relative']", "mask_color": "'#FF00FF'", "hide": "['.ad']", "remove": ".banner",
    "wait_for": "'article h1'", "clip": "article", "full_page": "true", "freeze_time": "2013-09-12T20:51:00Z",
    "script": "'document.title'", "allow_network": "[https://cdn.example.com]", "threshold": "0.1",
    "max_diff_pixels": "10", "max_diff_pixel_ratio": "0.01", "max_height": "20000", "breakpoints": "[phone]",
    "landmarks": "{headline: 'h1', ad: false}", "lint": "{overflow: fail, overlap: warn}", "detector": "'ul.bp li'",
}


@st.composite
def near_valid_settings(draw: st.DrawFn) -> dict[str, Raw]:
    keys = draw(st.lists(st.sampled_from(sorted(VALID_SETTINGS)), max_size=5, unique=True))
    return {k: draw(mostly(VALID_SETTINGS[k])) for k in keys}


@st.composite
def near_valid_pages(draw: st.DrawFn) -> str:
    pages = {name: draw(near_valid_settings()) for name in draw(st.lists(st.sampled_from(["home", "story", "remote"]), unique=True))}
    if "remote" in pages:
        pages["remote"]["url"] = draw(mostly("http://localhost:3000/x"))
    return render({"defaults": draw(near_valid_settings()), "pages": pages})


PAGES_DOCS = st.one_of(
    near_valid_pages(),
    near_valid_pages(),
    st.fixed_dictionaries(
        {}, optional={"defaults": SETTINGS, "pages": st.dictionaries(st.one_of(NAMES, st.just("home")), SETTINGS, max_size=3)}
    ).map(render),
    yaml_values(SCALAR_TEXT).map(render),
    st.text(max_size=200),
)


def check_pages(pages: Path, text: str) -> None:
    config = pages / "pages.yaml"
    config.write_bytes(text.encode("utf-8", "surrogatepass"))
    breakpoints = load_breakpoints(pages.parent / "breakpoints.yaml")
    try:
        loaded = load_pages(pages)
        select(loaded, breakpoints)
    except HarnessError as err:
        assert_one_line_naming(err, config)
        return
    assert loaded and all(p.file or p.url for p in loaded)


@pytest.fixture(scope="module")
def pages(folder: Path) -> Path:
    (folder / "breakpoints.yaml").write_text(VALID_BREAKPOINTS)
    root = folder / "pages"
    (root / "story").mkdir(parents=True)
    (root / "home.html").write_text("<p>home</p>")
    (root / "story/index.html").write_text("<p>story</p>")
    return root


@FUZZ
@given(text=PAGES_DOCS)
@example(text="pages:\n  home:\n    breakpoints: [phon]\n")
def test_pages_config_from_yaml_shaped_documents(pages: Path, text: str) -> None:
    check_pages(pages, text)


@FUZZ
@given(name=st.text(min_size=1, max_size=12).filter(lambda n: "/" not in n and "\x00" not in n and n not in (".", "..")))
def test_page_file_names(folder: Path, name: str) -> None:
    root = folder / "named"
    root.mkdir(exist_ok=True)
    for old in root.iterdir():
        old.unlink()
    try:
        (root / f"{name}.html").write_text("<p>x</p>")
    except (OSError, UnicodeEncodeError):
        assume(False)
    try:
        loaded = load_pages(root)
    except HarnessError as err:
        assert len(str(err).splitlines()) == 1 and str(root) in str(err)
        return
    assert [p.name for p in loaded] in ([name], []) or name.startswith(("_", "."))


# --- PNG files -----------------------------------------------------------------------------


def valid_png(mode: str, width: int, height: int, seed: int) -> bytes:
    from PIL import Image

    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 4), dtype=np.uint8)
    image = Image.fromarray(pixels, "RGBA").convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    out, at = [], 8
    while at + 8 <= len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        out.append((png[at + 4 : at + 8], png[at + 8 : at + 8 + length]))
        at += 12 + length
    return out


def assemble(parts: list[tuple[bytes, bytes]]) -> bytes:
    """Chunks with correct lengths and CRCs, so a mutation reaches the decoder itself."""
    body = b"".join(struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d)) for t, d in parts)
    return b"\x89PNG\r\n\x1a\n" + body


@st.composite
def mutated_pngs(draw: st.DrawFn) -> bytes:
    mode = draw(st.sampled_from(["RGBA", "RGB", "P", "L", "LA", "1", "I;16"]))
    png = valid_png(mode, draw(st.integers(1, 12)), draw(st.integers(1, 12)), draw(st.integers(0, 9)))
    parts = chunks(png)
    how = draw(st.sampled_from(["bytes", "truncate", "chunk data", "ihdr", "drop chunk", "repeat chunk", "idat stream"]))
    if how == "bytes":  # raw damage: CRCs now usually wrong
        data = bytearray(png)
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if how == "truncate":
        return png[: draw(st.integers(0, len(png) - 1))]
    i = draw(st.integers(0, len(parts) - 1))
    kind, data = parts[i]
    if how == "chunk data":
        parts[i] = (kind, draw(st.binary(max_size=40)))
    elif how == "ihdr":
        width, height = draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 2**32 - 1))
        depth, colour = draw(st.sampled_from([1, 2, 4, 8, 16, 3, 0])), draw(st.sampled_from([0, 2, 3, 4, 6, 5]))
        parts[0] = (b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, draw(st.integers(0, 2))))
    elif how == "drop chunk":
        del parts[i]
    elif how == "repeat chunk":
        parts.insert(i, (kind, data))
    else:  # a valid zlib stream of other bytes
        idat = next(j for j, (t, _) in enumerate(parts) if t == b"IDAT")
        parts[idat] = (b"IDAT", zlib.compress(draw(st.binary(max_size=400))))
    return assemble(parts)


def check_png(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        pixels = read_png(path)
    except HarnessError as err:
        assert_one_line_naming(err, path)
        return
    assert pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 4


@FUZZ
@given(data=st.binary(max_size=200))
@example(data=b"\x89PNG\r\n\x1a\n")
@example(data=b"GIF89a")
def test_png_from_random_bytes(folder: Path, data: bytes) -> None:
    check_png(folder / "random.png", data)


@settings(FUZZ, max_examples=EXAMPLES * 2)
@given(data=mutated_pngs())
@example(data=assemble([(b"IHDR", struct.pack(">IIBBBBB", 9479, 9479, 8, 6, 0, 0, 0)), (b"IEND", b"")]))  # found: 89.8 MP warned
def test_png_from_mutated_valid_files(folder: Path, data: bytes) -> None:
    check_png(folder / "mutated.png", data)


@FUZZ
@given(first=mutated_pngs(), second=mutated_pngs())
def test_png_pairs(folder: Path, first: bytes, second: bytes) -> None:
    a, b = folder / "a.png", folder / "b.png"
    a.write_bytes(first)
    b.write_bytes(second)
    try:
        left, right = read_pair(a, b)
    except HarnessError as err:
        message = str(err)
        assert len(message.splitlines()) == 1 and (str(a) in message or str(b) in message), message
        return
    assert left.shape[2] == right.shape[2] == 4
