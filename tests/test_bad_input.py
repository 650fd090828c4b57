"""The bad-input matrix: every way a user's input can be wrong, one case each, at the command line.

Each case changes a tiny project (whose baselines were approved once), runs ``harness`` as a
subprocess, and checks what the issue asks of all of them:
- exit 2 and ONE line on stderr, naming the thing (file and line where possible) and the fix,
  for a configuration or usage error; or exit 1 with just the bad shot ``error`` (one line,
  naming the step or file and the fix) while the other shots are still checked and pass;
- no traceback anywhere;
- the baselines folder byte-identical before and after.
Some cases are not errors at all (a page that throws, opens dialogs, or a baseline in another
8-bit PNG format): they are captured and compared, and say what happened in the shot's notes.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from helpers import ATTACKS, TABLET_ONLY_CHANGE, png_header, run_cli, snapshot_tree
from PIL import Image

pytestmark = pytest.mark.browser

OUTPUT = ".harness/output"
TIMEOUT = "5"  # --timeout for the cases that wait on a page: short, yet ample for the tiny page on a busy machine


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def approved(approved_project: Path) -> Path:
    """The tiny project with its three baselines approved."""
    return approved_project


@pytest.fixture(scope="module")
def checked(approved: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """After a run in which home/tablet failed: results.json and its images to approve (done once)."""
    root = tmp_path_factory.mktemp("checked") / "proj"
    shutil.copytree(approved, root)
    with (root / "pages/home.css").open("a") as css:
        css.write(TABLET_ONLY_CHANGE)
    assert run_cli("check", cwd=root).returncode == 1
    return root


class _Site(BaseHTTPRequestHandler):
    """Pages served by something else (pages.yaml ``url:``): errors, and a load that never ends."""

    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path == "/never":
            self.release.wait(60)  # an image that never arrives
            return
        status, body = {
            "/missing": (404, b"<h1>Not Found</h1>"),
            "/broken": (500, b"<h1>Internal Server Error</h1>"),
            "/stalls": (200, b'<html><body><h1>Waiting</h1><img src="/never"></body></html>'),
        }.get(self.path, (404, b""))
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    _Site.release.set()
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- what a case does to the project ----------------------------------------------------------


@dataclass
class World:
    root: Path
    site: str

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def breakpoints(self, old: str, new: str) -> None:
        path = self.root / "breakpoints.yaml"
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))

    def page(self, name: str, html: str, breakpoints: str = "[tablet, desktop]") -> None:
        """A second page beside home, rendered only at these breakpoints (keeps the run short)."""
        self.write(f"pages/{name}.html", html)
        self.write("pages/pages.yaml", f"pages:\n  {name}:\n    breakpoints: {breakpoints}\n")

    def url_page(self, name: str, url: str) -> None:
        self.write("pages/pages.yaml", f"pages:\n  {name}:\n    url: {url}\n    breakpoints: [phone]\n")

    def baseline(self, bp: str = "phone") -> Path:
        return self.root / "baselines/home" / f"{bp}.png"

    def results(self, change: Callable[[dict], None]) -> None:
        path = self.root / OUTPUT / "results.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))


def html(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body><h1>Other</h1>{body}</body></html>"


def busy_after_load() -> str:
    return html("<script>addEventListener('load', () => setTimeout(() => { while (true) {} }, 0));</script>")


def navigate_after_load(target: str) -> str:
    return html(f"<script>addEventListener('load', () => setTimeout(() => {{ location.href = '{target}'; }}, 0));</script>")


def dialogs() -> str:
    script = "alert('Subscribe now!'); const ok = confirm('Accept cookies?'); const who = prompt('Your name?');"
    return html(f"<p id=answers></p><script>{script} answers.textContent = ok + ' ' + who;</script>")


BEFOREUNLOAD = html("<script>addEventListener('beforeunload', e => { e.preventDefault(); e.returnValue = 'stay'; });</script>")


def flat_baseline(w: World, mode: str) -> None:
    """A page of one flat grey, and its baseline saved in pixel format ``mode``."""
    head = "<meta name='viewport' content='width=device-width'>"
    w.page("flat", f"<!doctype html><html><head>{head}</head><body style='margin:0;background:#808080'></body></html>", "[phone]")
    grey = np.full((640, 360), 128, np.uint8)
    image = {
        "P": lambda: Image.fromarray(grey).convert("P"),
        "L": lambda: Image.fromarray(grey, "L"),
        "LA": lambda: Image.fromarray(np.dstack([grey, np.full_like(grey, 255)]), "LA"),
        "RGB": lambda: Image.fromarray(np.dstack([grey] * 3), "RGB"),
        "I;16": lambda: Image.fromarray(grey.astype(np.uint16) * 257),
    }[mode]()
    (w.root / "baselines/flat").mkdir()
    image.save(w.root / "baselines/flat/phone.png")


# -- what a case expects ---------------------------------------------------------------------


def usage(*needles: str) -> Callable[[subprocess.CompletedProcess[str], Path], None]:
    """Exit 2 and one stderr line: 'harness: error: <thing>: <problem>; <fix>'."""

    def check(done: subprocess.CompletedProcess[str], root: Path) -> None:
        assert done.returncode == 2, done.stdout + done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("harness: error: ") and "; " in lines[0], lines[0]
        for needle in needles:
            assert needle in lines[0]

    return check


def shot_error(ids: tuple[str, ...], *needles: str) -> Callable[[subprocess.CompletedProcess[str], Path], None]:
    """Exit 1; the named shots are errors, with one line each; every other shot was checked and passed."""

    def check(done: subprocess.CompletedProcess[str], root: Path) -> None:
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stderr == ""
        shots = {f"{s['page']}/{s['breakpoint']}": s for s in read_results(root)["shots"]}
        for shot_id, shot in shots.items():
            if shot_id not in ids:
                assert shot["status"] == "pass", (shot_id, shot["message"])
                continue
            assert shot["status"] == "error", shot
            assert "\n" not in shot["message"] and "; " in shot["message"], shot["message"]
            for needle in needles:
                assert needle in shot["message"]
            page, bp = shot_id.split("/")
            printed = [line for line in done.stdout.splitlines() if line.startswith(f"ERROR {page} @ {bp} (")]
            assert len(printed) == 1 and shot["message"] in printed[0]
        assert set(ids) <= set(shots)
        assert any(s["status"] == "pass" for s in shots.values())  # the others were still checked

    return check


def captured(shot_id: str, status: str, exit_code: int, **present: str) -> Callable[[subprocess.CompletedProcess[str], Path], None]:
    """Not an error: the shot was captured and judged; ``present`` names texts expected in its fields."""

    def check(done: subprocess.CompletedProcess[str], root: Path) -> None:
        assert done.returncode == exit_code, done.stdout + done.stderr
        assert done.stderr == ""
        shots = {f"{s['page']}/{s['breakpoint']}": s for s in read_results(root)["shots"]}
        assert shots[shot_id]["status"] == status, shots[shot_id]
        for key, text in present.items():
            assert any(text in item for item in shots[shot_id][key]), (key, shots[shot_id][key])
        assert all(s["status"] != "error" for s in shots.values()), shots
        assert shots["home/phone"]["status"] == "pass"

    return check


def read_results(root: Path) -> dict:
    return json.loads((root / OUTPUT / "results.json").read_text())


@dataclass(frozen=True)
class Case:
    arrange: Callable[[World], object]  # what is wrong with the project
    argv: tuple[str, ...]  # the command that meets it
    expect: Callable[[subprocess.CompletedProcess[str], Path], None]
    base: str = "approved"  # or "checked": a run whose home/tablet failed, to approve from


def case(id: str, arrange: Callable[[World], object], argv: tuple[str, ...], expect, base: str = "approved"):  # type: ignore[no-untyped-def]  # noqa: A002
    return pytest.param(Case(arrange, argv, expect, base), id=id)


def _nothing(w: World) -> None:
    pass


def _bomb(w: World) -> None:
    w.baseline().write_bytes(png_header(30000, 30000))


def _read_only_baselines(w: World) -> None:
    # We run as root, and chmod does not stop root. A directory where the lock file must go
    # makes the folder unwritable for everyone, root included, at the same point (opening
    # the lock file) where a read-only folder fails.
    (w.root / "baselines/.lock").unlink(missing_ok=True)
    (w.root / "baselines/.lock").mkdir()
    w.page("extra", html(""), "[phone]")


def _baselines_is_a_file(w: World) -> None:
    shutil.rmtree(w.root / "baselines")
    (w.root / "baselines").write_text("not a folder\n")


def _read_only_expect(done: subprocess.CompletedProcess[str], root: Path) -> None:
    usage("cannot write baselines here", "fix the folder's permissions")(done, root)
    shot = next(s for s in read_results(root)["shots"] if s["page"] == "extra")
    assert shot["updated"] is False and "the baseline was NOT written" in shot["message"]


def _another_project(data: dict) -> None:
    data["project"] = "/somewhere/else/news-site"
    for shot in data["shots"]:
        shot["page"] = "sport-front"


CHECK = ("check",)
WAITING = ("check", "--timeout", TIMEOUT)
PHONE = ("check", "--breakpoint", "phone")


# -- hostile pages and forged files (issue 15) ------------------------------------------------

SECRET = "SECRET-outside-the-project-5b1e"


def _outside(w: World, name: str, text: str = SECRET) -> Path:
    """A file next to the project, where nothing of the harness may reach."""
    path = w.root.parent / name
    path.write_text(text)
    return path


def _snoop(w: World) -> None:
    """Folders of assets whose index files are links out of pages/, and a page that reads them."""
    secret = _outside(w, "secret.txt")
    for folder, name in (("_x", "index.htm"), ("_y", "index.html")):
        (w.root / "pages" / folder).mkdir()
        (w.root / "pages" / folder / name).symlink_to(secret)
    w.page("snoop", (ATTACKS / "fetch-folder-index.html").read_text(), "[phone]")


def _page_linked_from_outside(w: World) -> None:
    (w.root / "pages/leak.html").symlink_to(_outside(w, "leak.html", html("")))


def _page_folder_linked_from_outside(w: World) -> None:
    (w.root.parent / "elsewhere").mkdir()
    (w.root.parent / "elsewhere/index.html").write_text(html(""))
    (w.root / "pages/leak").symlink_to(w.root.parent / "elsewhere", target_is_directory=True)


def keeps_the_secret(expect: Callable[[subprocess.CompletedProcess[str], Path], None]) -> Callable[[subprocess.CompletedProcess[str], Path], None]:
    def check(done: subprocess.CompletedProcess[str], root: Path) -> None:
        expect(done, root)
        assert SECRET not in done.stdout + done.stderr
        for path in (root / OUTPUT).rglob("*"):
            assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path

    return check


def writes_nothing_outside(expect: Callable[[subprocess.CompletedProcess[str], Path], None]) -> Callable[[subprocess.CompletedProcess[str], Path], None]:
    """...and nothing appeared next to the project (where a forged path points)."""

    def check(done: subprocess.CompletedProcess[str], root: Path) -> None:
        expect(done, root)
        outside = root.parent / "evil-out"
        assert not outside.exists() or not any(outside.iterdir()), sorted(outside.rglob("*"))
        assert SECRET not in done.stdout + done.stderr
        report = root / OUTPUT / "report"
        assert not report.exists() or all(SECRET.encode() not in p.read_bytes() for p in report.rglob("*") if p.is_file())

    return check


def _tablet(data: dict) -> dict:
    return next(s for s in data["shots"] if s["breakpoint"] == "tablet")


def _evil_out(w: World) -> Path:
    (w.root.parent / "evil-out").mkdir(exist_ok=True)
    return w.root.parent / "evil-out"


def _baselines_at(folder: str) -> Callable[[dict], None]:
    """A careful forgery: the baselines folder and every shot's baseline in it agree."""

    def change(data: dict) -> None:
        data["baselines_dir"] = folder
        for shot in data["shots"]:
            shot["baseline"] = f"{folder}/{shot['page']}/{shot['breakpoint']}.png"

    return change


def _baselines_through_a_link(w: World) -> None:
    (w.root / "linked").symlink_to(_evil_out(w), target_is_directory=True)
    w.results(_baselines_at("../../linked"))


def _shots_through_a_link(w: World) -> None:
    """The output's shots/ is a link to a copy elsewhere: every path in results.json looks
    inside, but leads out."""
    shots = w.root / OUTPUT / "shots"
    shutil.copytree(shots, w.root.parent / "shots-elsewhere")
    shutil.rmtree(shots)
    shots.symlink_to(w.root.parent / "shots-elsewhere", target_is_directory=True)


def _shot_path(kind: str, absolute: bool) -> Callable[[World], None]:
    """One of a shot's paths names a file outside the output folder (a copy of the real one,
    so that its checksum still matches)."""

    def arrange(w: World) -> None:
        data = json.loads((w.root / OUTPUT / "results.json").read_text())
        real = w.root / OUTPUT / (_tablet(data)[kind] or "")
        target = w.root.parent / f"outside-{kind}"
        if kind in ("actual", "geometry"):
            shutil.copy(real, target)
        else:
            target.write_text(SECRET)
        w.results(lambda d: _tablet(d).update({kind: str(target) if absolute else f"../../../outside-{kind}"}))

    return arrange


FORGED = [
    # The issue's attack as found: baselines_dir alone changed (the shots' baselines then lie outside it).
    ("baselines-dir-alone", lambda w: (_evil_out(w), w.results(lambda d: d.update(baselines_dir="../../../evil-out"))),
     "home/phone's baseline (", "is outside"),
    ("baselines-dir-climbs-out", lambda w: (_evil_out(w), w.results(_baselines_at("../../../evil-out"))),
     "its baselines folder", "is outside this project"),
    ("baselines-dir-absolute", lambda w: w.results(_baselines_at(str(_evil_out(w)))),
     "its baselines folder", "is outside this project"),
    ("baselines-dir-through-a-symlink", _baselines_through_a_link, "its baselines folder", "is outside this project"),
    ("shots-folder-through-a-symlink", _shots_through_a_link, "home/tablet's actual (shots/home/tablet.actual.png) is outside"),
    *[
        (f"{kind}-path-{how}", _shot_path(kind, how == "absolute"), f"home/tablet's {kind} (", ") is outside", "run 'harness check' again")
        for kind in ("actual", "diff", "geometry", "baseline")
        for how in ("absolute", "climbing")
    ],
]

def _many_breakpoints(count: int) -> str:
    entry = "  bp{i}:\n    min_width: 0\n    viewport: {{width: 360, height: 640}}\n"
    return "breakpoints:\n" + "".join(entry.format(i=i) for i in range(count))


CONFIGS = [
    case("pages-yaml-invalid-selector", lambda w: w.write("pages/pages.yaml", "pages:\n  home:\n    mask: ['.ad', '.a..b']\n"),
         CHECK, usage("pages.yaml:3: pages.home.mask: '.a..b' is not a CSS selector Chromium accepts")),
    case("pages-yaml-selector-that-breaks-out-of-its-css-rule",
         lambda w: w.write("pages/pages.yaml", "defaults:\n  hide:\n    - 'a{} body{display:none}'\n"),
         CHECK, usage("pages.yaml:3: defaults.hide: ", "is not a CSS selector Chromium accepts")),
    case("pages-yaml-playwright-only-selector", lambda w: w.write("pages/pages.yaml", "pages:\n  home:\n    wait_for: 'text=Hello'\n"),
         CHECK, usage("pages.yaml:3: pages.home.wait_for: 'text=Hello' is not a CSS selector Chromium accepts")),
    case("specs-yaml-invalid-selector",
         lambda w: w.write("specs.yaml", "pages:\n  home:\n    rules:\n      - {element: 'h1:contains(Syria)', visible: true}\n"),
         CHECK, usage("specs.yaml:4: pages.home.rules[0].element: ", "is not a CSS selector Chromium accepts")),
    case("pages-yaml-of-megabytes", lambda w: w.write("pages/pages.yaml", "pages:\n  home:\n    mask: ['.ad']\n" + "# padding\n" * 600_000),
         CHECK, usage("pages.yaml: the file is 6.0 MB, over the 2 MB a configuration file may have")),
    case("pages-yaml-thousands-of-selectors",
         lambda w: w.write("pages/pages.yaml", "pages:\n  home:\n    mask:\n" + "".join(f"      - '.ad-{i}'\n" for i in range(2001))),
         CHECK, usage("pages.yaml:4: pages.home.mask: 2001 selectors, over the 2000 one setting may have")),
    case("specs-yaml-thousands-of-rules",
         lambda w: w.write("specs.yaml", "defaults:\n  rules:\n" + "".join(f"    - {{element: '.x{i}', visible: true}}\n" for i in range(2001))),
         CHECK, usage("specs.yaml:3: defaults.rules: 2001 rules, over the 2000 one list may have")),
    case("breakpoints-hundreds-sharing-one-viewport", lambda w: w.write("breakpoints.yaml", _many_breakpoints(1000)),
         CHECK, usage("breakpoints.yaml:", "1000 breakpoints, over the 200 a file may have")),
]

HOSTILE = [
    case("page-reads-an-index-symlinked-from-outside", _snoop, PHONE,
         keeps_the_secret(captured("snoop/phone", "new", 1, console_errors="fetched /_x/: "))),
    case("page-symlinked-from-outside", _page_linked_from_outside, CHECK,
         usage("leak.html: the page is a link to", "outside the pages folder")),
    case("page-folder-symlinked-from-outside", _page_folder_linked_from_outside, CHECK,
         usage("leak/index.html: the page is a link to", "outside the pages folder")),
    *[
        case(f"{command}-forged-{name}", arrange, (command,), writes_nothing_outside(usage("results.json", *needles)), base="checked")
        for name, arrange, *needles in FORGED
        for command in ("approve", "review")
    ],
]


CASES = [
    # breakpoints.yaml
    case("breakpoints-malformed-yaml", lambda w: w.breakpoints("viewport: {width: 360, height: 640}", "viewport: width: 360"),
         CHECK, usage("breakpoints.yaml:5: invalid YAML", "indentation")),
    case("breakpoints-duplicate-key",
         lambda w: w.breakpoints("  tablet:", "  phone:\n    min_width: 0\n    viewport: {width: 361, height: 640}\n  tablet:"),
         CHECK, usage("breakpoints.yaml:8: breakpoints: duplicate key 'phone' (first at line 2); remove or rename one")),
    case("breakpoints-wrong-type", lambda w: w.breakpoints("width: 800", 'width: "800"'),
         CHECK, usage("breakpoints.yaml:11: breakpoints.tablet.viewport.width: must be a whole number of CSS pixels")),
    case("breakpoints-unknown-key", lambda w: w.breakpoints("max_width: 639", "max_widht: 639"),
         CHECK, usage("breakpoints.yaml:4: breakpoints.phone.max_widht: unknown key; did you mean 'max_width'?")),
    case("breakpoints-viewport-outside-range", lambda w: w.breakpoints("width: 800", "width: 1100"),
         CHECK, usage("breakpoints.yaml:11: breakpoints.tablet.viewport.width: viewport width 1100 is outside the range",
                      "pick a width inside it")),
    case("breakpoints-contradictory-range",
         lambda w: w.breakpoints("min_width: 640\n    max_width: 1023", "min_width: 1023\n    max_width: 640"),
         CHECK, usage("breakpoints.yaml:10: breakpoints.tablet: min_width 1023 is greater than max_width 640; swap them")),
    case("breakpoints-empty-file", lambda w: w.write("breakpoints.yaml", ""),
         CHECK, usage("breakpoints.yaml: file is empty; it needs a top-level 'breakpoints:' mapping")),
    case("breakpoints-file-missing", _nothing,
         ("check", "--breakpoints", "breakpoints.yml"), usage("breakpoints.yml: file not found; create it or pass --breakpoints FILE")),
    # names on the command line
    case("unknown-breakpoint-name", _nothing, ("check", "--breakpoint", "tablett"),
         usage("--breakpoint 'tablett': no such breakpoint; did you mean 'tablet'?")),
    case("unknown-page-name", _nothing, ("check", "--page", "hom"), usage("--page 'hom': no such page; did you mean 'home'?")),
    # pages
    case("pages-dir-missing", lambda w: shutil.rmtree(w.root / "pages"),
         CHECK, usage("pages: pages folder not found; create it or pass --pages-dir DIR")),
    case("pages-dir-empty", lambda w: (shutil.rmtree(w.root / "pages"), (w.root / "pages").mkdir()),
         CHECK, usage("pages: no pages found; add <name>.html or <name>/index.html")),
    case("page-http-404", lambda w: w.url_page("gone", w.site + "/missing"),
         CHECK, shot_error(("gone/phone",), "/missing answered HTTP 404; check that the page exists")),
    case("page-http-500", lambda w: w.url_page("broken", w.site + "/broken"),
         CHECK, shot_error(("broken/phone",), "/broken answered HTTP 500;", "the server is healthy")),
    case("page-url-unreachable", lambda w: w.url_page("offline", f"http://127.0.0.1:{closed_port()}/"),
         WAITING, shot_error(("offline/phone",), "nothing answers there (connection refused); start the server or fix the url")),
    case("page-throws-on-load", lambda w: w.page("throws", html("<script>null.boom()</script>"), "[phone]"),
         CHECK, captured("throws/phone", "new", 1, console_errors="uncaught: Cannot read properties of null")),
    case("page-load-never-finishes", lambda w: w.url_page("stalls", w.site + "/stalls"),
         WAITING, shot_error(("stalls/phone",), f"step 'load' timed out after {TIMEOUT} s", "raise --timeout")),
    case("page-busy-loop-before-load", lambda w: w.page("busy", html("<script>while (true) {}</script>")),
         WAITING, shot_error(("busy/tablet", "busy/desktop"), f"step 'load' timed out after {TIMEOUT} s")),
    case("page-busy-loop-after-load", lambda w: w.page("busy", busy_after_load()),
         WAITING, shot_error(("busy/tablet", "busy/desktop"), f"timed out after {TIMEOUT} s", "a script that never yields")),
    case("page-navigates-away-same-origin", lambda w: w.page("leaves", navigate_after_load("/home.html")),
         CHECK, shot_error(("leaves/tablet", "leaves/desktop"), "the page navigated away to http://127.0.0.1:", "/home.html",
                           "test that URL itself")),
    case("page-navigates-away-other-origin", lambda w: w.page("leaves", navigate_after_load("https://news.example.com/")),
         CHECK, shot_error(("leaves/tablet", "leaves/desktop"), "navigated away to https://news.example.com/")),
    case("page-redirects-itself-while-loading", lambda w: w.page("moved", html("<script>location.replace('/home.html')</script>")),
         CHECK, shot_error(("moved/tablet", "moved/desktop"), "navigated away to http://127.0.0.1:", "during step 'load'")),
    case("page-opens-dialogs", lambda w: w.page("asks", dialogs(), "[phone]"),
         CHECK, captured("asks/phone", "new", 1, notes="alert dialog dismissed: 'Subscribe now!'")),
    case("page-beforeunload", lambda w: w.page("clingy", BEFOREUNLOAD), CHECK, captured("clingy/desktop", "new", 1)),
    # baselines
    case("baseline-truncated", lambda w: w.baseline().write_bytes(w.baseline().read_bytes()[:300]),
         CHECK, shot_error(("home/phone",), "phone.png: baseline is not a readable PNG", "restore it from git")),
    case("baseline-not-a-png", lambda w: w.baseline().write_text("<html>Sign in to continue</html>"),
         CHECK, shot_error(("home/phone",), "phone.png: baseline is not a PNG file (it is text or HTML); restore it")),
    case("baseline-palette-png", lambda w: flat_baseline(w, "P"), PHONE, captured("flat/phone", "pass", 0)),
    case("baseline-greyscale-png", lambda w: flat_baseline(w, "L"), PHONE, captured("flat/phone", "pass", 0)),
    case("baseline-greyscale-alpha-png", lambda w: flat_baseline(w, "LA"), PHONE, captured("flat/phone", "pass", 0)),
    case("baseline-rgb-png", lambda w: flat_baseline(w, "RGB"), PHONE, captured("flat/phone", "pass", 0)),
    case("baseline-16-bit-png", lambda w: flat_baseline(w, "I;16"),
         PHONE, shot_error(("flat/phone",), "phone.png: baseline has pixel mode I;16; save it as an 8-bit RGB or RGBA PNG")),
    case("baseline-decompression-bomb", _bomb, ("check", "--breakpoint", "phone", "--breakpoint", "tablet"),
         shot_error(("home/phone",), "baseline is 30000x30000 px (900 MP), over the 100 MP limit", "delete it")),
    case("baselines-read-only-with-update", _read_only_baselines, ("check", "--breakpoint", "phone", "--update", "missing"),
         _read_only_expect),
    case("baselines-path-is-a-file", _baselines_is_a_file, ("check", "--update", "missing"),
         usage("baselines: is a file, not the baselines folder; move it away, or pass --baselines-dir DIR")),
    # approve and review
    *[
        case(f"{command}-results-missing", lambda w: shutil.rmtree(w.root / OUTPUT),
             (command,), usage("results.json: no results found; run 'harness check' first"))
        for command in ("approve", "review")
    ],
    *[
        case(f"{command}-results-corrupt", lambda w: w.write(f"{OUTPUT}/results.json", '{"format": 1, "shots": ['),
             (command,), usage("results.json: not a results file this version can read", "run 'harness check' again"),
             base="checked")
        for command in ("approve", "review")
    ],
    *[
        case(f"{command}-results-wrong-shape", lambda w: w.results(lambda d: d["shots"][1].update(status="maybe")),
             (command,), usage("results.json: not a results file this version can read (shots[1].status is 'maybe'"),
             base="checked")
        for command in ("approve", "review")
    ],
    *[
        case(f"{command}-results-of-another-project", lambda w: w.results(_another_project),
             (command,), usage("results.json: from another project (/somewhere/else/news-site): its page 'sport-front' "
                               "is not a page here"), base="checked")
        for command in ("approve", "review")
    ],
    *CONFIGS,
    *HOSTILE,
    case("approve-actual-image-of-another-run",
         lambda w: (w.root / OUTPUT / "shots/home/tablet.actual.png").write_bytes(w.baseline("tablet").read_bytes()),
         ("approve",), usage("tablet.actual.png: changed since the run recorded it; run 'harness check' again"), base="checked"),
]


@pytest.mark.parametrize("spec", CASES)
def test_bad_input(spec: Case, request: pytest.FixtureRequest, site: str, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(request.getfixturevalue(spec.base), root)
    spec.arrange(World(root, site))
    before = snapshot(root / "baselines")
    done = run_cli(*spec.argv, cwd=root, timeout=90)
    assert "Traceback" not in done.stdout + done.stderr
    spec.expect(done, root)
    assert snapshot(root / "baselines") == before


def snapshot(path: Path) -> dict[str, bytes]:
    """The baselines folder's files (or the bytes of a file in its place)."""
    return {"": path.read_bytes()} if path.is_file() else snapshot_tree(path)


# -- cases that need more than one command ------------------------------------------------------


def test_review_refuses_to_approve_from_results_of_another_run(checked: Path, tmp_path: Path) -> None:
    """The report was opened, then another run replaced results.json: its Approve must not write."""
    root = tmp_path / "proj"
    shutil.copytree(checked, root)
    before = snapshot_tree(root / "baselines")
    review = subprocess.Popen(
        [sys.executable, "-m", "harness", "review"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert review.stdout is not None
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", review.stdout.readline()).group(1))  # type: ignore[union-attr]
        page = _http(port, "GET", "/")[1]
        token = re.search(r'name="harness-review-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        World(root, "").results(lambda d: d.update(run_id="a-later-run"))
        status, body = _http(port, "POST", "/api/approve", {"shots": ["home/tablet"]}, token)
    finally:
        review.terminate()
        _, err = review.communicate(timeout=30)
    assert status == 409 and "a newer run replaced these results; reload the report" in json.loads(body)["error"]
    assert "Traceback" not in err
    assert snapshot_tree(root / "baselines") == before


def _http(port: int, method: str, path: str, body: object = None, token: str = "") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json", "X-Harness-Token": token, "Origin": f"http://127.0.0.1:{port}"}  # as the report sends
    conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, text


def test_results_from_a_copy_of_the_same_project_can_be_approved(checked: Path, tmp_path: Path) -> None:
    """The other side of 'another project': a CI artifact or a moved checkout has another path
    in results.json, but the same pages and breakpoints, and its approval goes through."""
    root = tmp_path / "elsewhere" / "proj"
    shutil.copytree(checked, root)
    assert read_results(root)["project"] != str(root)
    old = (root / "baselines/home/tablet.png").read_bytes()
    done = run_cli("approve", cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "approved home/tablet (baseline replaced)"
    assert (root / "baselines/home/tablet.png").read_bytes() != old
