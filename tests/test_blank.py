"""Blank captures are refused (issue 14): a page whose content waits for a script that
never ran is an error that says "blank", and never becomes a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_project, run_cli

from harness.capture.blank import blank_message, looks_blank

WAITS_FOR_A_SCRIPT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { opacity: 0; background: #fff; } .app-ready body { opacity: 1; }</style>
<script src="https://cdn.example.com/app.js"></script>
</head><body><h1>Content that a script reveals</h1>
<p>Until the app boots, this article is invisible: an anti-flicker pattern many news sites use.</p>
</body></html>
"""

TRULY_EMPTY = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { background: #123; margin: 0; min-height: 100vh; }</style></head><body></body></html>
"""


def _png(colours: int, word: bool = False) -> bytes:
    import io

    import numpy as np
    from PIL import Image

    img = np.full((700, 1200, 4), 255, dtype=np.uint8)
    if colours > 1:
        img[10:200, 10:250, :3] = 30
    if word:
        img[20:44, 20:110:3, :3] = 20  # about 800 px of glyphs: 0.1% of the page
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def test_one_colour_is_blank_and_content_is_not() -> None:
    assert looks_blank(_png(1))
    assert not looks_blank(_png(2))
    assert not looks_blank(_png(1, word=True))  # one short word on a big white page is content


def test_the_message_names_the_cause_and_the_fix() -> None:
    message = blank_message(1280, {"chars": 3100, "why": ["body has opacity 0"]}, ["https://cdn.example.com/app.js"])
    assert message is not None
    assert message.startswith("blank capture: the page painted nothing at 1280 px (3,100 characters of text in the DOM are invisible: body has opacity 0)")
    assert "https://cdn.example.com/app.js" in message and "allow_blank: true" in message
    assert blank_message(1280, {"chars": 0, "why": []}, []) is None  # nothing to show: not a script that never ran
    assert blank_message(1280, None, []) is None  # an answer of another shape is not trusted


@pytest.mark.browser
def test_a_page_waiting_for_a_blocked_script_is_a_blank_error_and_writes_no_baseline(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    (root / "pages" / "hidden.html").write_text(WAITS_FOR_A_SCRIPT)
    (root / "pages" / "empty.html").write_text(TRULY_EMPTY)
    done = run_cli("check", "--update", "missing", cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 request to 1 origin was blocked (cdn.example.com); allow them with" in done.stdout
    shots = json.loads((root / ".harness/output/results.json").read_text())["shots"]
    hidden = [s for s in shots if s["page"] == "hidden"]
    assert hidden and all(s["status"] == "error" and "blank" in s["message"] for s in hidden)
    assert "body has opacity 0" in hidden[0]["message"] and "cdn.example.com" in hidden[0]["message"]
    assert not (root / "baselines" / "hidden").exists()
    assert {s["status"] for s in shots if s["page"] in ("home", "empty")} == {"new"}

    (root / "pages" / "pages.yaml").write_text("pages:\n  hidden:\n    allow_blank: true\n")
    again = run_cli("check", "--update", "missing", "--page", "hidden", cwd=root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (root / "baselines" / "hidden").is_dir()
