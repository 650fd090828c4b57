// The in-page half of the responsive lint: one script that measures, nothing that judges.
// Loaded by harness/inspect/lint_probe.py; see its docstring for what "visible" means here.
(arg) => {
  const started = performance.now();
  const rules = new Set(arg.rules);
  const TOL = 2;  // px of slack before two boxes overlap or a box counts as cut
  const LIST = 10;  // items answered per rule (with the total): the message names fewer
  const root = document.documentElement;
  const body = document.body || root;
  const scroller = document.scrollingElement || root;
  const sx = window.scrollX, sy = window.scrollY;
  const vw = scroller.clientWidth, vh = scroller.clientHeight;
  const docW = scroller.scrollWidth, docH = scroller.scrollHeight;

  const styles = new Map();
  const css = el => { let s = styles.get(el); if (!s) { s = getComputedStyle(el); styles.set(el, s); } return s; };
  const hides = v => v === 'hidden' || v === 'clip';
  const clipKind = v => v === 'visible' ? 0 : hides(v) ? 2 : 1;  // 1 scrolls, 2 hides
  const transparent = c => c === 'transparent' || /^rgba\(([^,]+,){3}\s*0(\.0*)?\)$|\/\s*0(\.0*)?\)$/.test(c);

  // Whose overflow the viewport takes: html's, or body's when html's is visible.
  const rootOwner = css(root).overflowX === 'visible' && css(root).overflowY === 'visible' ? body : root;
  const zoomedOut = window.innerWidth > vw + 0.5;  // a mobile browser zooms out to show a too-wide page
  const rootClipsX = hides(css(rootOwner).overflowX) && !zoomedOut;
  const rtl = css(body).direction === 'rtl';
  const docX0 = rtl ? vw - docW : 0;
  const docBox = [docX0, 0, rootClipsX ? docX0 + vw : docX0 + docW, docH];

  // ---- labels, text and boxes -------------------------------------------------------
  const WORD = /^[A-Za-z_][\w-]{0,40}$/;
  const ownName = el => {
    const tag = el.localName;
    if (el.id && WORD.test(el.id)) return tag + '#' + el.id;
    const cls = Array.from(el.classList).filter(c => WORD.test(c)).slice(0, 2);
    return cls.length ? tag + '.' + cls.join('.') : tag;
  };
  const label = el => {  // "figure.lead-photo"; a bare tag gets its nearest named ancestor, or its parent
    const own = ownName(el);
    if (own !== el.localName) return own;
    const parent = el.parentElement;
    for (let a = parent; a && a !== body && a !== root; a = a.parentElement) {
      const name = ownName(a);
      if (name !== a.localName) return name + ' ' + own;
    }
    return parent && parent !== body && parent !== root ? parent.localName + ' ' + own : own;
  };
  const snippet = text => {
    const t = text.replace(/\s+/g, ' ').trim();
    return t.length > 32 ? t.slice(0, 31) + '\u2026' : t;
  };
  const docRect = r => [r.left + sx, r.top + sy, r.right + sx, r.bottom + sy];
  const meet = (a, b) => [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  const join = (a, b) => a ? [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])] : b.slice();
  const wide = (r, px) => r[2] - r[0] > px && r[3] - r[1] > px;
  const xywh = r => [Math.round(r[0]), Math.round(r[1]), Math.round(r[2] - r[0]), Math.round(r[3] - r[1])];

  // ---- per element: the clip that applies to its content ---------------------------------
  // Style reads are the cost on a big page, so each element pays for two (overflow,
  // position); the rest is read only where it matters. clip: the element's own padding box
  // when it clips or scrolls (kx/ky: 0 no, 1 scrolls, 2 hides); box: what shows of its
  // content; outerBox: what shows of the element itself; near: the nearest info with a clip
  // (itself included), above: the same for the element's own box; helper: inside a
  // visually-hidden helper.
  const ROOT = {helper: false, fixed: false, box: docBox, near: null, above: null, pos: 'static'};
  const FIXED_ROOT = {box: [sx, sy, sx + vw, sy + vh], near: null, above: null};
  const infos = new Map();
  const tinyClip = s => {  // the clip and clip-path halves of the screen-reader-only patterns
    if (/^inset\(\s*(50|100)%/.test(s.clipPath)) return true;
    const c = s.clip;
    if (!c || c === 'auto') return false;
    const n = (c.match(/-?[\d.]+px/g) || []).map(parseFloat);  // rect(top, right, bottom, left)
    return n.length === 4 && (n[1] - n[3] <= TOL || n[2] - n[0] <= TOL);
  };
  const makesBlock = i => {  // a containing block even for position: fixed descendants
    if (i.block === undefined) {
      const s = css(i.el);
      i.block = s.transform !== 'none' || s.filter !== 'none' || s.perspective !== 'none'
        || /paint|layout|strict|content/.test(s.contain) || s.willChange.includes('transform');
    }
    return i.block;
  };
  const blockFor = (el, fixed) => {  // the info whose content box an absolute/fixed element lives in
    for (let a = el.parentElement; a; a = a.parentElement) {
      const ai = info(a);
      if ((!fixed && ai.pos !== 'static') || makesBlock(ai)) return ai;
    }
    return fixed ? FIXED_ROOT : ROOT;
  };
  const info = el => {
    let i = infos.get(el);
    if (i) return i;
    const parent = el.parentElement;
    const p = parent ? info(parent) : ROOT;
    const s = css(el);
    const pos = s.position;
    const placed = pos === 'absolute' || pos === 'fixed';
    const outer = placed ? blockFor(el, pos === 'fixed') : p;
    i = {el, pos, helper: p.helper || (placed && tinyClip(s)), fixed: p.fixed || pos === 'fixed',
      outerBox: outer.box, box: outer.box, near: outer.near, above: outer.near, clip: null};
    const ov = s.overflow;
    if (ov !== 'visible' && el !== root && !(el === body && rootOwner === body) && s.display !== 'inline') {
      const [ox, oy = ox] = ov.split(' ');
      const kx = clipKind(ox), ky = clipKind(oy);
      const r = el.getBoundingClientRect();
      const x0 = r.left + sx + el.clientLeft, y0 = r.top + sy + el.clientTop;
      const c = {el, kx, ky, x0, y0, x1: x0 + el.clientWidth, y1: y0 + el.clientHeight};
      i.clip = c;
      i.near = i;
      i.box = [kx ? Math.max(i.box[0], c.x0) : i.box[0], ky ? Math.max(i.box[1], c.y0) : i.box[1],
        kx ? Math.min(i.box[2], c.x1) : i.box[2], ky ? Math.min(i.box[3], c.y1) : i.box[3]];
      if (c.x1 - c.x0 <= TOL || c.y1 - c.y0 <= TOL) i.helper = true;  // 1 px clip box, collapsed panel
    }
    infos.set(el, i);
    return i;
  };
  const VIS = {opacityProperty: true, visibilityProperty: true};
  const shows = (el, i) => {
    if (i.shows === undefined) i.shows = !i.helper && el.checkVisibility(VIS);
    return i.shows;
  };
  const inkSize = (el, i) => {  // the font size of its visible text, 0 if its text does not show
    if (i.ink === undefined) {
      const s = css(el), fs = parseFloat(s.fontSize);
      i.ink = shows(el, i) && fs > 0 && !(transparent(s.webkitTextFillColor) && s.backgroundClip !== 'text') ? fs : 0;
    }
    return i.ink;
  };

  // ---- overflow: the document wider than the viewport ---------------------------------
  // Every box past the edge (geometry only, no style reads), then those whose overflow
  // reaches the page: not fixed, not held by a container that clips or scrolls sideways,
  // not inside another one of them (elements come in document order: ancestors first).
  const overflow = () => {
    if (docW <= vw + 1 || (hides(css(rootOwner).overflowX) && !zoomedOut)) return null;  // 1 px: rounding
    const counted = new Set(), groups = new Map();
    for (const el of body.getElementsByTagName('*')) {
      const r = el.getBoundingClientRect();
      const over = rtl ? -(r.left + sx) : r.right + sx - vw;
      if (!(over > 0.5) || (r.width === 0 && r.height === 0)) continue;
      let inner = false;
      for (let a = el.parentElement; a && a !== body && !inner; a = a.parentElement) inner = counted.has(a);
      const i = info(el);
      if (inner || i.fixed) continue;
      let held = false;
      for (let c = i.above; c && !held; c = c.above) held = c.clip.kx !== 0;
      if (held) continue;
      counted.add(el);
      const name = label(el), g = groups.get(name);
      if (!g) groups.set(name, {label: name, count: 1, px: Math.round(over), box: xywh(docRect(r))});
      else { g.count += 1; if (over > g.px) { g.px = Math.round(over); g.box = xywh(docRect(r)); } }
    }
    const elements = Array.from(groups.values()).sort((a, b) => b.px - a.px);
    return {width: docW, viewport: vw, side: rtl ? 'left' : 'right', elements: elements.slice(0, LIST), total: elements.length};
  };

  // ---- text: every visible glyph box ----------------------------------------------------
  const SKIP = new Set(['script', 'style', 'noscript', 'template', 'title', 'textarea', 'option', 'select', 'datalist']);
  const texts = [];  // {el, i, fs, text, rects: [[x0, y0, x1, y1] raw], shown: [...] clipped}
  const scanText = () => {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!/\S/.test(n.data)) continue;
      const el = n.parentElement;
      if (!(el instanceof HTMLElement) || SKIP.has(el.localName)) continue;
      const i = info(el), fs = inkSize(el, i);
      if (!fs) continue;
      range.selectNodeContents(n);
      const list = range.getClientRects();
      const rects = [], shown = [];
      const [bx0, by0, bx1, by1] = i.box;
      for (let k = 0; k < list.length; k++) {
        const r = list[k];
        if (r.width < 0.5 || r.height < 0.5) continue;
        const x0 = r.left + sx, y0 = r.top + sy, x1 = r.right + sx, y1 = r.bottom + sy;
        rects.push([x0, y0, x1, y1]);
        const v = [Math.max(x0, bx0), Math.max(y0, by0), Math.min(x1, bx1), Math.min(y1, by1)];
        if (v[2] - v[0] > 1 && v[3] - v[1] > 1) shown.push(v);
      }
      if (rects.length) texts.push({el, i, fs, node: n, rects, shown});
    }
  };

  // ---- overlap: text boxes of different elements on top of each other ------------------
  const overlap = () => {
    const items = [];
    for (const t of texts) {
      if (t.i.fixed) continue;  // floats over the content by design; where depends on the scroll
      for (const v of t.shown) {  // the glyphs' core: the middle 70% of the font size
        const core = Math.min(v[3] - v[1], 0.7 * t.fs), mid = (v[1] + v[3]) / 2;
        items.push({t, r: [v[0], mid - core / 2, v[2], mid + core / 2]});
      }
    }
    const CELL = 64, grid = new Map(), pairs = new Map(), related = new Map();
    const ids = new Map();
    const id = el => { let k = ids.get(el); if (k === undefined) { k = ids.size; ids.set(el, k); } return k; };
    items.forEach((a, ai) => {
      const [x0, y0, x1, y1] = a.r;
      for (let cx = Math.floor(x0 / CELL); cx <= Math.floor(x1 / CELL); cx++) {
        for (let cy = Math.floor(y0 / CELL); cy <= Math.floor(y1 / CELL); cy++) {
          const key = cx * 1048576 + cy;
          let cell = grid.get(key);
          if (!cell) grid.set(key, cell = []);
          for (const bi of cell) {
            const b = items[bi];
            if (b.t.el === a.t.el) continue;
            const r = meet(a.r, b.r);
            if (!wide(r, TOL)) continue;
            const ka = id(a.t.el), kb = id(b.t.el);
            const key2 = ka < kb ? ka + ',' + kb : kb + ',' + ka;
            let rel = related.get(key2);
            if (rel === undefined) related.set(key2, rel = a.t.el.contains(b.t.el) || b.t.el.contains(a.t.el));
            if (rel) continue;
            const pairKey = key2 + ':' + Math.min(ai, bi) + ',' + Math.max(ai, bi);
            if (pairs.has(pairKey)) continue;
            pairs.set(pairKey, {key2, a: b.t, b: a.t, r, area: (r[2] - r[0]) * (r[3] - r[1])});
          }
          cell.push(ai);
        }
      }
    });
    const byElements = new Map();
    for (const p of pairs.values()) {
      const g = byElements.get(p.key2);
      if (g) { g.area += p.area; g.box = join(g.box, p.r); } else byElements.set(p.key2, {a: p.a, b: p.b, area: p.area, box: p.r.slice()});
    }
    const worst = Array.from(byElements.values()).sort((x, y) => y.area - x.area);
    return worst.length ? {total: worst.length, pairs: worst.slice(0, LIST).map(g => ({
      a: label(g.a.el), b: label(g.b.el), a_text: snippet(g.a.node.data), b_text: snippet(g.b.node.data),
      box: xywh(g.box), width: Math.round(g.box[2] - g.box[0]), height: Math.round(g.box[3] - g.box[1]),
    }))} : null;
  };

  // ---- clipped: text cut through by a container that hides its overflow ----------------
  const moving = (el, holder) => {  // slides behind a window: a ticker, a carousel track
    if (holder.localName === 'marquee') return true;
    for (let a = el; a && a !== holder; a = a.parentElement) {
      const s = css(a);
      if (s.animationName !== 'none' || s.transform !== 'none') return true;
    }
    return false;
  };
  const clipped = () => {
    const cut = new Map();
    for (const t of texts) {
      const holder = t.i.near;
      const c = holder && holder.clip;
      if (!c || (c.kx !== 2 && c.ky !== 2) || holder.helper) continue;
      const cbox = [c.x0, c.y0, c.x1, c.y1];
      if (!t.rects.some(r => wide(meet(r, cbox), 1))) continue;  // whole items out of view: a carousel or ticker
      let sideX = c.kx === 2 && t.rects.some(r => r[2] > c.x1 + TOL || r[0] < c.x0 - TOL);
      let sideY = c.ky === 2 && t.rects.some(r => r[3] > c.y1 + TOL || r[1] < c.y0 - TOL);
      if (!sideX && !sideY) continue;
      const s = css(c.el);  // intentional truncation: an ellipsis, a line clamp
      sideX = sideX && s.textOverflow !== 'ellipsis';
      sideY = sideY && !(s.webkitLineClamp && s.webkitLineClamp !== 'none');
      if ((!sideX && !sideY) || moving(t.el, c.el)) continue;
      const el = c.el;
      const moreX = sideX && el.scrollWidth > el.clientWidth + 1, moreY = sideY && el.scrollHeight > el.clientHeight + 1;
      if (!moreX && !moreY) continue;
      const g = cut.get(el) || {el, x: false, y: false, text: snippet(t.node.data), nodes: 0};
      g.x = g.x || moreX; g.y = g.y || moreY; g.nodes += 1;
      cut.set(el, g);
    }
    const cuts = Array.from(cut.values());
    return cuts.length ? {total: cuts.length, cuts: cuts.slice(0, LIST).map(g => ({
      label: label(g.el), text: g.text, axis: g.x && g.y ? 'both' : g.x ? 'x' : 'y',
      client: [g.el.clientWidth, g.el.clientHeight], scroll: [g.el.scrollWidth, g.el.scrollHeight],
      box: xywh(docRect(g.el.getBoundingClientRect())),
    }))} : null;
  };

  // ---- tap-targets: interactive elements under the minimum size ------------------------
  const TAPS = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [role=checkbox], [role=radio], [role=tab], [role=switch]';
  const letters = text => text.replace(/[\s\p{P}\p{S}]+/gu, '').length;
  const prose = new Map();  // block -> letters of its text outside links and buttons
  const inSentence = el => {  // WCAG 2.5.8 inline exception: a link within running text
    if (css(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && block !== body && css(block).display === 'inline') block = block.parentElement;
    block = block || body;
    let other = prose.get(block);
    if (other === undefined) {
      other = letters(block.textContent);
      for (const a of block.querySelectorAll('a[href], button')) other -= letters(a.textContent);
      prose.set(block, other);
    }
    return other >= 12;
  };
  const labelled = el => el.localName === 'input' && /^(checkbox|radio)$/.test(el.type)
    && Array.from(el.labels || []).some(l => { const r = l.getBoundingClientRect(); return r.width >= arg.min_target && r.height >= arg.min_target; });
  const tapTargets = () => {
    const all = [];
    for (const el of document.querySelectorAll(TAPS)) {
      if (el.disabled || el.closest('[inert]')) continue;
      const i = info(el);
      if (!shows(el, i)) continue;
      const r = docRect(el.getBoundingClientRect());
      if (!wide(meet(r, i.outerBox), TOL)) continue;  // clipped away, off-screen or a 1 px helper
      all.push({el, r});
    }
    const min = arg.min_target, small = all.filter(t => (t.r[2] - t.r[0] < min - 0.5 || t.r[3] - t.r[1] < min - 0.5) && !inSentence(t.el) && !labelled(t.el));
    // WCAG spacing exception: a circle of the minimum size centred on the target touches no other target.
    const CELL = 64, grid = new Map();
    all.forEach((t, k) => {
      for (let cx = Math.floor(t.r[0] / CELL); cx <= Math.floor(t.r[2] / CELL); cx++)
        for (let cy = Math.floor(t.r[1] / CELL); cy <= Math.floor(t.r[3] / CELL); cy++) {
          const key = cx * 1048576 + cy;
          (grid.get(key) || grid.set(key, []).get(key)).push(k);
        }
    });
    const rad = min / 2, isSmall = new Set(small);
    const crowded = t => {
      const cx = (t.r[0] + t.r[2]) / 2, cy = (t.r[1] + t.r[3]) / 2;
      for (let gx = Math.floor((cx - min) / CELL); gx <= Math.floor((cx + min) / CELL); gx++)
        for (let gy = Math.floor((cy - min) / CELL); gy <= Math.floor((cy + min) / CELL); gy++)
          for (const k of grid.get(gx * 1048576 + gy) || []) {
            const o = all[k];
            if (o === t || o.el.contains(t.el) || t.el.contains(o.el)) continue;
            const dx = Math.max(o.r[0] - cx, 0, cx - o.r[2]), dy = Math.max(o.r[1] - cy, 0, cy - o.r[3]);
            if (dx * dx + dy * dy < rad * rad - 0.01) return true;
            if (isSmall.has(o)) {
              const ox = (o.r[0] + o.r[2]) / 2, oy = (o.r[1] + o.r[3]) / 2;
              if ((ox - cx) ** 2 + (oy - cy) ** 2 < min * min - 0.01) return true;
            }
          }
      return false;
    };
    const groups = new Map();
    let box = null, total = 0;
    for (const t of small.filter(crowded)) {
      const name = label(t.el), w = Math.round(t.r[2] - t.r[0]), h = Math.round(t.r[3] - t.r[1]);
      const g = groups.get(name) || groups.set(name, {label: name, count: 0, w: [w, w], h: [h, h]}).get(name);
      g.count += 1;
      g.w = [Math.min(g.w[0], w), Math.max(g.w[1], w)];
      g.h = [Math.min(g.h[0], h), Math.max(g.h[1], h)];
      box = join(box, t.r);
      total += 1;
    }
    const most = Array.from(groups.values()).sort((a, b) => b.count - a.count);
    return total ? {total, groups: most.slice(0, LIST), kinds: most.length, box: xywh(box)} : null;
  };

  // ---- small-text: text under the minimum font size -----------------------------------
  const smallText = () => {
    const groups = new Map();
    let box = null;
    for (const t of texts) {
      if (t.fs >= arg.min_font || !t.shown.length || !/[\p{L}\p{N}]/u.test(t.node.data)) continue;
      const name = label(t.el), size = Math.round(t.fs * 10) / 10, key = name + '|' + size;
      const g = groups.get(key) || groups.set(key, {label: name, size, count: 0, text: snippet(t.node.data)}).get(key);
      g.count += 1;
      for (const v of t.shown) box = join(box, v);
    }
    const most = Array.from(groups.values()).sort((a, b) => b.count - a.count);
    return box ? {kinds: most.length, groups: most.slice(0, LIST), box: xywh(box)} : null;
  };

  const answer = {ms: {}};
  const timed = (name, work) => { const t = performance.now(); const out = work(); answer.ms[name] = Math.round(performance.now() - t); return out; };
  if (rules.has('overflow')) answer.overflow = timed('overflow', overflow);
  if (rules.has('overlap') || rules.has('clipped') || rules.has('small-text')) timed('text', scanText);
  if (rules.has('overlap')) answer.overlap = timed('overlap', overlap);
  if (rules.has('clipped')) answer.clipped = timed('clipped', clipped);
  if (rules.has('tap-targets')) answer['tap-targets'] = timed('tap-targets', tapTargets);
  if (rules.has('small-text')) answer['small-text'] = timed('small-text', smallText);
  answer.ms.all = Math.round(performance.now() - started);
  return answer;
}
