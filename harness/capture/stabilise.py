"""What the harness does inside a page before the screenshot, so that it holds still.

Kept apart from the capture flow so each trick can be read (and tested) on its own.
"""

from __future__ import annotations

# Animations end at once, transitions do not run, the caret is invisible.
STILL_CSS = """
*, *::before, *::after {
  animation-delay: -1ms !important; animation-duration: 0s !important;
  animation-iteration-count: 1 !important; animation-play-state: paused !important;
  transition: none !important; caret-color: transparent !important; scroll-behavior: auto !important;
}
"""

# Resolve once fonts are loaded and every due <img> has loaded (or failed) and is decoded.
# Frames: ``before`` (after a resize: one rendering update applies the media queries,
# so that ``srcset`` has chosen again before the images are looked at) and ``after`` (after
# a load: layout and paint catch up). Returns the page height, and the addresses of the
# images that failed (refused, missing, not an image): the capture has Chromium refuse
# those at once from then on (``screenshot.refuse``), as a screenshot asks for them again.
READY_JS = """async (frames) => {
  const { before = 0, after = 2 } = frames || {};
  const frame = () => new Promise(done => requestAnimationFrame(done));
  for (let i = 0; i < before; i++) await frame();
  await document.fonts.ready;
  // A lazy image outside the viewport is not requested (full-page shots made them eager).
  const due = img => !(img.loading === 'lazy' && img.getBoundingClientRect().top > window.innerHeight);
  // An image can also become complete without an event (srcset chose again, back to the
  // source it had), so each frame looks at ``complete`` too.
  const loaded = img => new Promise(done => {
    img.addEventListener('load', done);
    img.addEventListener('error', done);
    const look = () => (img.complete ? done() : requestAnimationFrame(look));
    requestAnimationFrame(look);
  });
  await Promise.all(Array.from(document.images).filter(due).map(img => (img.complete ? Promise.resolve() : loaded(img))
    .then(() => img.decode ? img.decode().catch(() => {}) : null)));
  for (let i = 0; i < after; i++) await frame();
  const broken = [];
  for (const img of document.images) {
    if (img.complete && img.naturalWidth === 0 && /^https?:/.test(img.currentSrc)) broken.push(img.currentSrc);
  }
  return { height: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0), broken };
}"""
AFTER_LOAD = {"before": 0, "after": 2}
AFTER_RESIZE = {"before": 1, "after": 0}

# Runs before any script of the page: counts what could load content as the reader
# scrolls (IntersectionObservers, scroll listeners on the window or document), so that
# LAZY_JS scrolls only pages that have something to wake up. Subclassing keeps
# ``instanceof`` and the observers' behaviour as they were.
SCROLL_HOOKS_JS = """(() => {
  let hooks = 0;
  Object.defineProperty(window, '__harnessScrollHooks', { get: () => hooks + (window.onscroll || document.onscroll ? 1 : 0) });
  const Observer = window.IntersectionObserver;
  if (Observer) {
    window.IntersectionObserver = class IntersectionObserver extends Observer {
      constructor(...args) { super(...args); hooks += 1; }
    };
  }
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (type === 'scroll' && (this === window || this === document)) hooks += 1;
    return add.call(this, type, ...rest);
  };
})();"""

# Lazy content, before a full-page shot: native lazy images and iframes are made eager,
# and, if the page has anything that loads as the reader scrolls (SCROLL_HOOKS_JS), it
# is scrolled through one screen at a time so that those loaders fire; then back to the
# top. Returns what it did, for the shot's log.
LAZY_JS = """async (maxHeight) => {
  const lazy = Array.from(document.querySelectorAll('img[loading="lazy"], iframe[loading="lazy"]'));
  lazy.forEach(el => { el.loading = 'eager'; });
  if (window.__harnessScrollHooks === 0) return {eager: lazy.length, screens: 0};
  const step = Math.max(200, Math.floor(window.innerHeight * 0.9));
  const limit = Math.min(maxHeight, document.documentElement.scrollHeight);
  let screens = 0;
  for (let y = 0; y < limit; y += step) {
    window.scrollTo(0, y);
    screens += 1;
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  window.scrollTo(0, 0);
  await new Promise(done => requestAnimationFrame(done));
  return {eager: lazy.length, screens};
}"""

# Video and audio stop on their first frame. (Animated GIFs are held on their first
# frame by the browser flag --blink-settings=imageAnimationPolicy=2.)
MEDIA_JS = """() => {
  const media = Array.from(document.querySelectorAll('video, audio'));
  media.forEach(m => { m.autoplay = false; m.pause(); try { m.currentTime = 0; } catch (e) {} });
  return media.length;
}"""


def bounded(script: str, ms: int) -> str:
    """``script`` (a JS function) raced against a timer, so no wait inside a page is endless.

    The error message starts with "Timeout" so the capture reports the step as timed out.
    """
    return (
        f"async (arg) => await Promise.race([({script})(arg), new Promise((_, reject) => "
        f"setTimeout(() => reject(new Error('Timeout {ms} ms exceeded')), {ms}))])"
    )


def hide_remove_css(hide: tuple[str, ...], remove: tuple[str, ...]) -> str:
    """``hide`` keeps the space (visibility), ``remove`` takes it away (display)."""
    # One rule per selector: an invalid selector drops only its own rule, not the others.
    rules = [f"{sel} {{ visibility: hidden !important; }}" for sel in hide]
    rules += [f"{sel} {{ display: none !important; }}" for sel in remove]
    return "\n".join(rules)


def call(script: str) -> str:
    """A user's script as a function, so that ``await`` works in it; its value is ignored."""
    return f"async () => {{ {script}\n}}"
