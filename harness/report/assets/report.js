/* Layout report: overview grid, filters, shot viewer, keyboard, review mode. Plain JS, no network. */
(function () {
  'use strict';

  // ---- data and constants -------------------------------------------------------------
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var data = JSON.parse($('#report-data').textContent);
  var tokenMeta = $('meta[name="harness-review-token"]');
  var token = tokenMeta ? (tokenMeta.getAttribute('content') || '').trim() : '';
  var reviewMode = token !== '';

  var CORE = ['fail', 'new', 'error', 'pass'];
  var ICON = { pass: '✓', fail: '✕', new: '+', error: '!', unstable: '≈', approved: '✓', rejected: '⊘', layout: '✕' };
  var WORD = { pass: 'pass', fail: 'fail', new: 'new', error: 'error', approved: 'approved', rejected: 'rejected', layout: 'layout' };
  var SEVERITY = { fail: { icon: '✕', word: 'fails' }, warn: { icon: '⚠', word: 'warning' } };
  var CHIP_WORD = { pass: 'passed', fail: 'failed', new: 'new', error: 'errors' };
  var VIEWS = ['side', 'swipe', 'onion', 'blink', 'diff'];
  function icon(st) { return ICON[st] || '•'; }
  function word(st) { return WORD[st] || String(st); }
  var BLINK_MS = 500;
  var reducedMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  var bps = data.breakpoints || [];
  var shots = data.shots || [];
  var bpIndex = new Map(bps.map(function (b, i) { return [b.name, i]; }));
  var byId = new Map();
  function box4(b) {
    if (!Array.isArray(b) || b.length < 4) return null;
    var v = b.slice(0, 4).map(Number);
    return v.every(isFinite) && v[2] >= 0 && v[3] >= 0 ? v : null;
  }
  shots.forEach(function (s) {
    s.runStatus = s.status; // the pixels' verdict; review answers change what is shown
    s.rejected = !!s.rejected;
    s.images = s.images || {};
    s.findings = (Array.isArray(s.findings) ? s.findings : []).filter(function (f) { return f && typeof f === 'object'; });
    s.explanations = (Array.isArray(s.explanations) ? s.explanations : []).map(String);
    s.layoutFails = s.findings.filter(function (f) { return f.severity === 'fail'; }).length;
    s.layoutWarns = s.findings.filter(function (f) { return f.severity === 'warn'; }).length;
    // What changed, per element (causes first), and the rows of the page that only moved.
    var changes = (Array.isArray(s.changes) ? s.changes : []).filter(function (c) { return c && typeof c === 'object'; }).map(function (c) {
      return {
        kind: String(c.kind || 'changed'), selector: String(c.selector || 'an element'),
        baseline: box4(c.baseline), actual: box4(c.actual),
        dx: Math.round(Number(c.dx) || 0), dy: Math.round(Number(c.dy) || 0), cause: c.cause !== false
      };
    }).filter(function (c) { return c.baseline || c.actual; });
    s.changes = changes.filter(function (c) { return c.cause; }).concat(changes.filter(function (c) { return !c.cause; }));
    s.alignment = (Array.isArray(s.alignment) ? s.alignment : []).filter(function (a) {
      return Array.isArray(a) && a.length >= 3 && a.slice(0, 3).every(function (v) { return isFinite(Number(v)); }) && Number(a[2]) > 0;
    }).map(function (a) { return a.slice(0, 3).map(Number); });
    s.shared = []; // the findings this shot shares with other breakpoints
    // Filters, counts and navigation follow the run's verdict: pixels that match do not make
    // a shot pass when a layout check fails it (it fails the run's exit code too).
    s.group = s.runStatus === 'pass' && s.layoutFails ? 'fail' : s.runStatus;
    byId.set(s.id, s);
  });
  // Pages with something to look at first; the rest in name order.
  var pages = (data.pages || []).slice();
  var needsLook = new Set(shots.filter(function (s) { return s.group !== 'pass'; }).map(function (s) { return s.page; }));
  pages = pages.filter(function (p) { return needsLook.has(p); }).concat(pages.filter(function (p) { return !needsLook.has(p); }));
  var pageIndex = new Map(pages.map(function (p, i) { return [p, i]; }));
  // The same cause at several breakpoints: one finding, shown once, approved in one go.
  var groups = (Array.isArray(data.groups) ? data.groups : []).filter(function (g) { return g && Array.isArray(g.shots); }).map(function (g) {
    var members = g.shots.map(function (id) { return byId.get(id); }).filter(Boolean);
    return { id: String(g.id || ''), text: String(g.text || ''), kind: String(g.kind || ''), selector: String(g.selector || ''), members: members };
  }).filter(function (g) { return g.id && g.members.length; });
  groups.forEach(function (g) { g.members.forEach(function (s) { s.shared.push(g); }); });
  var ordered = shots.slice().sort(function (a, b) {
    return (pageIndex.get(a.page) - pageIndex.get(b.page)) || (bpIndex.get(a.breakpoint) - bpIndex.get(b.breakpoint));
  });
  // Everything that did not pass needs a look; a status this page does not know is shown by name.
  var toReview = ordered.filter(function (s) { return s.group !== 'pass'; });
  var counts = {};
  CORE.forEach(function (st) { counts[st] = 0; });
  shots.forEach(function (s) { counts[s.group] = (counts[s.group] || 0) + 1; });
  var layoutTally = {
    failing: shots.filter(function (s) { return s.layoutFails; }).length,
    only: shots.filter(function (s) { return s.layoutFails && s.runStatus === 'pass'; }).length,
    warnings: shots.reduce(function (n, s) { return n + s.layoutWarns; }, 0),
    warned: shots.filter(function (s) { return s.layoutWarns; }).length
  };
  var STATUS_ORDER = Object.keys(counts).filter(function (st) { return st !== 'pass'; }).concat(['pass']);
  var needsReview = toReview.length > 0;

  var state = {
    statuses: new Set(STATUS_ORDER.filter(function (st) { return st !== 'pass' || !needsReview; })),
    page: '',
    bp: '',
    only: '', // 'warn' | 'layout': the shots the layout tally's links stand for, whatever their status
    current: null,
    view: 'side',
    zoom: 'fit', // 'fit' | 'actual' | 'region'
    scale: 1,
    region: -1,
    finding: -1,
    change: -1, // a row of the shot's changes
    part: 0, // which element of that row (or of a finding's boxes) the panes are centred on
    overlay: false, // the diff drawn over the actual in side by side
    diffKind: 'diff', // 'diff' (pixelmatch's) or 'aligned'
    aligned: true, // panes follow moved content (the shot's alignment) rather than raw y
    swipe: 50,
    onion: 50,
    blinkPaused: reducedMotion,
    blinkTop: true,
    blinkTimer: null,
    gridScroll: 0,
    lastOpened: null,
    busy: false
  };
  var stage = { panes: [], width: 0, height: 0, layers: [], single: false, thumbOnly: false };

  // ---- small helpers -----------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : v);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function num(n) { return Number(n || 0).toLocaleString('en-US'); }
  function signed(n) { return (n > 0 ? '+' : n < 0 ? '−' : '±') + num(Math.abs(n)); }
  function pct(ratio) {
    var p = (ratio || 0) * 100;
    if (p === 0) return '0%';
    if (p < 0.001) return '< 0.001%';
    var digits = p >= 10 ? 1 : p >= 1 ? 2 : 3;
    return String(Number(p.toFixed(digits))) + '%';
  }
  function shortPct(ratio) {
    var p = (ratio || 0) * 100;
    if (p === 0) return '';
    if (p < 0.1) return '<0.1%';
    return (p >= 10 ? Math.round(p) : Number(p.toFixed(1))) + '%';
  }
  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
  function bpOf(s) { return bps[bpIndex.get(s.breakpoint)] || { name: s.breakpoint, range: '', viewport: { width: s.width, height: s.height } }; }
  function shown(s) {
    if (s.approved) return 'approved';
    if (s.rejected) return 'rejected';
    return s.status === 'pass' && s.layoutFails ? 'layout' : s.status;
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  function label(st) { return icon(st) + '\u00a0' + word(st); }
  function pending(s) { return (s.runStatus === 'fail' || s.runStatus === 'new') && !s.approved && !s.rejected && !s.updated; }
  function encodeId(id) { return id.split('/').map(encodeURIComponent).join('/'); }
  function nameWithBreaks(name) {
    // let long breakpoint names wrap after their hyphens
    var frag = document.createDocumentFragment();
    name.split('-').forEach(function (part, i, all) {
      frag.appendChild(document.createTextNode(part + (i < all.length - 1 ? '-' : '')));
      if (i < all.length - 1) frag.appendChild(el('wbr'));
    });
    return frag;
  }
  function sizeText(size) { return size ? size[0] + ' × ' + size[1] + ' px' : ''; }
  function sizeChange(b, a) {
    // the CLI's wording: "height 4120 → 4180 px (+60)"
    if (!b || !a) return '';
    var parts = [];
    if (b[0] !== a[0]) parts.push('width ' + b[0] + ' → ' + a[0] + ' px (' + signed(a[0] - b[0]) + ')');
    if (b[1] !== a[1]) parts.push('height ' + b[1] + ' → ' + a[1] + ' px (' + signed(a[1] - b[1]) + ')');
    return parts.join(', ');
  }

  // ---- geometry: changes, alignment, device pixels ------------------------------------
  // Boxes and alignment are in CSS px of the page; the screenshots are in device pixels.
  function dsf(s) { return Number(bpOf(s).device_scale_factor) || 1; }
  function scaled(s, b) { var k = dsf(s); return b ? [b[0] * k, b[1] * k, Math.max(1, b[2] * k), Math.max(1, b[3] * k)] : null; }
  // A few rows that match elsewhere (blank lines, a rule) say little about where content went:
  // the panes follow the bands of at least MIN_BAND CSS px where there are any.
  var MIN_BAND = 24;
  function segmentsOf(s) {
    if (!s._segs) {
      var k = dsf(s);
      var long = s.alignment.filter(function (a) { return a[2] >= MIN_BAND; });
      s._segs = (long.length ? long : s.alignment).map(function (a) { return [a[0] * k, a[1] * k, a[2] * k]; });
    }
    return s._segs;
  }
  function canAlign(s) { return !!s && s.alignment.length > 0; }
  // Where content at y (image px) of one image is in the other: 0 = baseline, 1 = actual.
  // Inside a matching segment exactly; between two, in proportion (that part changed).
  function mapY(s, y, from, to) {
    var segs = segmentsOf(s);
    if (from === to || !segs.length) return y;
    var below = null, above = null;
    for (var i = 0; i < segs.length; i++) {
      var g = segs[i], a = g[from], h = g[2];
      if (y >= a && y < a + h) return g[to] + (y - a);
      if (a + h <= y) { if (!below || a + h > below[from] + below[2]) below = g; }
      else if (!above || a < above[from]) above = g;
    }
    if (below && above) {
      var s0 = below[from] + below[2], s1 = above[from], t0 = below[to] + below[2], t1 = above[to];
      return t0 + (y - s0) * (t1 - t0) / Math.max(1, s1 - s0);
    }
    return below ? below[to] + (y - below[from]) : above[to] - (above[from] - y);
  }
  // How far the baseline's content is moved at actual y: that of the matching segment there,
  // or of the nearest one (in a changed band there is nothing to line up, and half a shift
  // matches neither side).
  function shiftAt(s, y) {
    var best = null, dist = Infinity;
    segmentsOf(s).forEach(function (g) {
      var d = y < g[1] ? g[1] - y : y >= g[1] + g[2] ? y - (g[1] + g[2]) + 1 : 0;
      if (d < dist) { dist = d; best = g; }
    });
    return best ? best[1] - best[0] : 0;
  }
  function moveWords(dx, dy) {
    var p = [];
    if (dy) p.push(Math.abs(dy) + ' px ' + (dy > 0 ? 'down' : 'up'));
    if (dx) p.push(Math.abs(dx) + ' px ' + (dx > 0 ? 'right' : 'left'));
    return p.join(', ');
  }
  function changeWords(c) {
    var b = c.baseline, a = c.actual;
    if (c.kind === 'resized' && b && a) {
      var size = b[2] !== a[2] && b[3] !== a[3] ? b[2] + '×' + b[3] + ' → ' + a[2] + '×' + a[3] + ' px'
        : b[2] !== a[2] ? 'width ' + b[2] + ' → ' + a[2] + ' px' : 'height ' + b[3] + ' → ' + a[3] + ' px';
      var mv = moveWords(c.dx, c.dy);
      return size + (mv ? ', moved ' + mv : '');
    }
    if (c.kind === 'moved') return 'moved ' + (moveWords(c.dx, c.dy) || 'a little');
    if (c.kind === 'added') return 'new' + (a ? ', ' + a[2] + '×' + a[3] + ' px' : '');
    if (c.kind === 'removed') return 'gone' + (b ? ', was ' + b[2] + '×' + b[3] + ' px' : '');
    if (c.kind === 'content') return 'pixels inside changed';
    if (c.kind === 'style') return 'colours changed';
    return c.kind;
  }
  // The rows the viewer lists: each cause on its own, every knock-on move in one row.
  function changeRows(s) {
    if (s._rows) return s._rows;
    var rows = s.changes.filter(function (c) { return c.cause; }).map(function (c) {
      return { changes: [c], kind: c.kind, title: c.selector, words: changeWords(c) };
    });
    var knock = s.changes.filter(function (c) { return !c.cause; });
    if (knock.length) {
      var same = knock.every(function (c) { return c.kind === 'moved' && c.dx === knock[0].dx && c.dy === knock[0].dy; });
      rows.push({
        changes: knock, kind: 'knock', knock: true,
        title: plural(knock.length, 'knock-on move', 'knock-on moves'),
        words: same ? (knock.length === 1 ? knock[0].selector + ' ' : 'elements ') + 'moved ' + moveWords(knock[0].dx, knock[0].dy)
          : knock.map(function (c) { return c.selector; }).slice(0, 3).join(', ') + (knock.length > 3 ? ' and ' + (knock.length - 3) + ' more' : '')
      });
    }
    s._rows = rows;
    return rows;
  }
  function shortBp(b) { return b.name + ' · ' + b.viewport.width; }
  // "aside.related width 300 → 360 px at a, b, c": the links beside it name a, b and c already.
  function groupWhat(g) {
    var at = ' at ' + g.members.map(function (s) { return s.breakpoint; }).join(', ');
    return g.text.slice(-at.length) === at ? g.text.slice(0, -at.length) : g.text;
  }

  // Messages: next to the review buttons while a shot is shown (never over the images), as a
  // toast over the overview; cleared when another shot is shown.
  var liveTimer = null;
  function announce(message, isError, undoIds, aside) {
    var live = $('#live');
    clearTimeout(liveTimer);
    placeLive();
    $('#status-box').classList.toggle('is-aside', !!aside && !!state.current);
    live.classList.toggle('is-error', !!isError);
    live.textContent = message;
    var undo = $('#undo-last');
    undo.hidden = !(undoIds && undoIds.length && reviewMode);
    undo.onclick = undo.hidden ? null : function () { review('undo', undoIds); };
    if (!undo.hidden) undo.textContent = undoIds.length === 1 ? 'Undo' : 'Undo all ' + undoIds.length;
    liveTimer = setTimeout(quiet, isError ? 12000 : undo.hidden ? 6000 : 20000);
  }
  function quiet() {
    clearTimeout(liveTimer);
    $('#live').textContent = '';
    $('#undo-last').hidden = true;
  }
  function placeLive() {
    var box = $('#status-box');
    var home = state.current ? $('#review-status') : $('#grid-status');
    if (box.parentNode !== home) home.appendChild(box);
  }

  // ---- header -------------------------------------------------------------------------
  function renderHeader() {
    $('#report-title').textContent = data.title || 'Layout report';
    var meta = clear($('#run-meta'));
    if (data.created) {
      var when = new Date(data.created);
      var text = isNaN(when) ? data.created : when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
      meta.appendChild(el('span', null, [el('time', { datetime: data.created, title: data.created }, [text])]));
    }
    var browser = data.browser || {};
    var bname = browser.name ? browser.name.charAt(0).toUpperCase() + browser.name.slice(1) : '';
    if (bname || browser.version) meta.appendChild(el('span', { title: browser.description || '' }, [(bname + ' ' + (browser.version || '')).trim()]));
    meta.appendChild(el('span', null, [pages.length + (pages.length === 1 ? ' page' : ' pages') + ' × ' + bps.length + ' breakpoints']));
    renderBrowserNote();

    var box = clear($('#summary'));
    STATUS_ORDER.forEach(function (st) {
      var n = counts[st] || 0;
      var why = st === 'fail' && layoutTally.only ? ' (' + layoutTally.only + ' on layout checks alone)' : '';
      var chip = el('button', {
        type: 'button', class: 'chip chip--' + st, 'data-status': st, 'data-count': String(n),
        'aria-pressed': String(state.statuses.has(st)),
        'aria-label': n + ' ' + (CHIP_WORD[st] || st) + why + ': show these',
        onclick: function () { toggleStatus(st); }
      }, [
        el('span', { class: 'chip__n' }, [String(n)]),
        el('span', { class: 'chip__label' }, [icon(st) + ' ' + (CHIP_WORD[st] || st)]),
        el('span', { class: 'chip__state', 'aria-hidden': 'true' }, [''])
      ]);
      box.appendChild(chip);
    });
    syncChips();
    renderLayoutTally();

    var hint = clear($('#review-hint'));
    if (reviewMode) {
      hint.appendChild(el('span', { class: 'review-pill', title: 'Approve or reject changes from this page' }, ['Review mode']));
    } else if (needsReview) {
      hint.appendChild(document.createTextNode('Run '));
      hint.appendChild(el('code', null, ['harness review']));
      hint.appendChild(document.createTextNode(' to approve from here.'));
    }
  }

  // The baselines came from another Chromium build: that alone can fail shots (the CLI says so too).
  function renderBrowserNote() {
    var note = clear($('#browser-note'));
    var theirs = Array.isArray(data.baseline_browsers) ? data.baseline_browsers.map(String) : [];
    var ours = data.browser && data.browser.version ? String(data.browser.version) : '';
    var failed = shots.some(function (s) { return s.runStatus === 'fail'; });
    note.hidden = !(failed && ours && theirs.length && theirs.indexOf(ours) < 0);
    if (note.hidden) return;
    note.appendChild(el('b', null, ['Another Chromium build: ']));
    note.appendChild(document.createTextNode('the baselines were approved with ' + theirs.join(', ') + ', this run used ' + ours + '. '));
    note.appendChild(el('span', { class: 'more' }, ['Builds render text differently, which alone can fail shots: use the same build (--browser PATH), or re-approve on this one.']));
  }

  // "Layout checks: ✕ 2 shots fail (1 with matching pixels) · ⚠ 5 warnings on 3 shots": each a filter.
  function renderLayoutTally() {
    var box = clear($('#layout-tally'));
    var t = layoutTally;
    box.hidden = !t.failing && !t.warnings;
    if (box.hidden) return;
    box.appendChild(el('span', { class: 'tally__label' }, ['Layout checks']));
    function item(kind, strong, rest, label) {
      box.appendChild(el('button', {
        type: 'button', class: 'tally__item is-' + kind, 'data-tally': kind, 'aria-pressed': 'false',
        'aria-label': label, onclick: function () { showOnly(state.only === kind ? '' : kind); }
      }, [el('b', null, [strong]), rest]));
    }
    if (t.failing) {
      item('fail', '✕ ' + plural(t.failing, 'shot fails', 'shots fail'), t.only ? ' (' + t.only + ' with matching pixels)' : '',
        'Show only the ' + plural(t.failing, 'shot', 'shots') + ' failing a layout check');
    }
    if (t.warnings) {
      item('warn', '⚠ ' + plural(t.warnings, 'warning', 'warnings'), ' on ' + plural(t.warned, 'shot', 'shots'),
        'Show only the ' + plural(t.warned, 'shot', 'shots') + ' with layout warnings');
    }
  }

  function showOnly(kind) {
    state.only = kind;
    $$('#layout-tally [data-tally]').forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-tally') === kind)); });
    applyFilters();
    if (kind && state.current) backToGrid();
  }

  // Answers given in this review, counted as they come: "2 of 6 answered · ✓ 2 approved · 4 to go".
  function reviewTally() {
    var t = { approved: 0, rejected: 0, left: 0, total: 0 };
    toReview.forEach(function (s) {
      if (s.runStatus !== 'fail' && s.runStatus !== 'new') return;
      t.total += 1;
      if (s.approved) t.approved += 1;
      else if (s.rejected) t.rejected += 1;
      else if (pending(s)) t.left += 1;
    });
    return t;
  }

  function renderProgress() {
    var t = reviewTally();
    var box = clear($('#progress'));
    box.hidden = !t.total || (!reviewMode && !t.approved && !t.rejected);
    if (box.hidden) return;
    box.appendChild(el('span', { class: 'progress__label' }, ['Review']));
    box.appendChild(el('span', { class: 'progress__bar', 'aria-hidden': 'true' }, [
      el('i', { class: 'is-approved', style: 'width:' + (100 * t.approved / t.total) + '%' }),
      el('i', { class: 'is-rejected', style: 'width:' + (100 * t.rejected / t.total) + '%' })
    ]));
    box.appendChild(el('span', { 'data-count': 'answered' }, [(t.approved + t.rejected) + ' of ' + t.total + ' answered']));
    if (t.approved) box.appendChild(el('span', { class: 'is-approved', 'data-count': 'approved' }, ['✓ ' + t.approved + ' approved']));
    if (t.rejected) box.appendChild(el('span', { class: 'is-rejected', 'data-count': 'rejected' }, ['⊘ ' + t.rejected + ' rejected']));
    box.appendChild(el('span', { 'data-count': 'left' }, [t.left ? t.left + ' to go' : 'all answered']));
  }

  function syncChips() {
    $$('.chip').forEach(function (chip) {
      var st = chip.getAttribute('data-status');
      var on = state.statuses.has(st) && !state.only;
      chip.setAttribute('aria-pressed', String(on));
      var answered = shots.filter(function (s) { return s.group === st && (s.approved || s.rejected); });
      var approved = answered.filter(function (s) { return s.approved; }).length;
      var text = chip.getAttribute('data-count') === '0' ? 'none' : on ? 'shown' : 'hidden';
      if (answered.length) text = (approved ? approved + ' approved' : '') + (approved && answered.length > approved ? ', ' : '') + (answered.length > approved ? (answered.length - approved) + ' rejected' : '');
      $('.chip__state', chip).textContent = text;
    });
  }

  function toggleStatus(st) {
    if (state.only) {
      showOnly('');
      state.statuses = new Set([st]);
    } else if (state.statuses.has(st)) state.statuses.delete(st); else state.statuses.add(st);
    syncChips();
    applyFilters();
  }

  // ---- filters ------------------------------------------------------------------------
  function renderFilters() {
    var pageSel = $('#filter-page');
    pages.forEach(function (p) { pageSel.appendChild(el('option', { value: p }, [p])); });
    var bpSel = $('#filter-bp');
    var compound = bps.some(function (b) { return b.base === false; });
    [true, false].forEach(function (base) {
      var some = bps.filter(function (b) { return compound ? !!b.base === base : base; });
      if (!some.length) return;
      var parent = compound ? bpSel.appendChild(el('optgroup', { label: base ? 'Base ranges' : 'Combined ranges' })) : bpSel;
      some.forEach(function (b) { parent.appendChild(el('option', { value: b.name }, [b.name + ' (' + b.viewport.width + ' px)'])); });
    });
    pageSel.addEventListener('change', function () { state.page = pageSel.value; applyFilters(); });
    bpSel.addEventListener('change', function () { state.bp = bpSel.value; applyFilters(); });
  }

  function matches(s) {
    var wanted = state.only === 'warn' ? s.layoutWarns > 0 : state.only === 'fail' ? s.layoutFails > 0 : state.statuses.has(s.group);
    return wanted && (!state.page || s.page === state.page) && (!state.bp || s.breakpoint === state.bp);
  }

  function applyFilters() {
    var colShown = bps.map(function () { return false; });
    var total = 0;
    $$('#grid tbody tr').forEach(function (row) {
      var any = false;
      $$('.slot', row).forEach(function (td) {
        var cell = td.firstElementChild;
        var s = cell && byId.get(cell.getAttribute('data-shot'));
        var show = !!s && matches(s);
        if (cell) cell.hidden = !show;
        if (show) { any = true; total += 1; colShown[Number(td.getAttribute('data-col'))] = true; }
      });
      row.hidden = !any;
    });
    $$('#grid [data-col]').forEach(function (node) { node.hidden = !colShown[Number(node.getAttribute('data-col'))]; });
    $$('#grid [data-cols]').forEach(function (th) { // the "Base ranges" / "Combined ranges" headings span what is left
      var n = th.getAttribute('data-cols').split(' ').filter(function (i) { return colShown[Number(i)]; }).length;
      th.hidden = n === 0;
      th.colSpan = Math.max(1, n);
    });
    $('#grid-empty').hidden = total > 0;
    $('#grid-scroll').hidden = total === 0;
    syncChips();
    var sub = clear($('#grid-sub'));
    if (state.only) {
      sub.appendChild(el('strong', { class: 'only' }, [state.only === 'warn' ? 'Only the shots with layout warnings' : 'Only the shots failing a layout check']));
      sub.appendChild(document.createTextNode(' · '));
      sub.appendChild(el('button', { type: 'button', class: 'linkish', 'data-show-all': '', onclick: function () { showOnly(''); } }, ['Show all']));
      sub.appendChild(document.createTextNode(' · '));
    }
    if (!toReview.length && shots.length) {
      sub.appendChild(el('strong', { class: 'all-good' }, ['✓ Every shot matches its baseline.']));
      sub.appendChild(document.createTextNode(' '));
    }
    sub.appendChild(document.createTextNode('Showing ' + total + ' of ' + shots.length + ' shots'));
    if (toReview.length) {
      sub.appendChild(document.createTextNode(' · press '));
      sub.appendChild(el('kbd', null, ['j']));
      sub.appendChild(document.createTextNode(' to review the first change'));
    }
  }

  // ---- overview grid --------------------------------------------------------------------
  function renderGrid() {
    var table = clear($('#grid'));
    var caption = el('caption', { class: 'sr-only' }, ['Shots by page (rows) and breakpoint (columns: the base ranges, then the names that combine them, each narrowest first)']);
    table.appendChild(caption);
    var compound = bps.some(function (b) { return b.base === false; });
    var head = el('thead');
    var corner = el('th', { class: 'corner', scope: 'col', rowspan: compound ? '2' : null }, ['Page ↓ · breakpoint →']);
    if (compound) { // the five base ranges set apart from the names that combine them
      var sets = el('tr', { class: 'sets' }, [corner]);
      [true, false].forEach(function (base) {
        var cols = [];
        bps.forEach(function (b, i) { if (!!b.base === base) cols.push(String(i)); });
        if (!cols.length) return;
        sets.appendChild(el('th', { class: 'sethead' + (base ? '' : ' is-combined'), scope: 'colgroup', colspan: String(cols.length), 'data-cols': cols.join(' ') }, [
          base ? 'Base ranges' : 'Combined ranges'
        ]));
        sets.lastChild.title = base ? 'The ranges that tile the widths: none of them contains another' : 'Names that span several base ranges';
      });
      head.appendChild(sets);
    }
    var headRow = el('tr', null, compound ? [] : [corner]);
    bps.forEach(function (b, i) {
      var first = compound && !b.base && (i === 0 || bps[i - 1].base);
      var th = el('th', {
        class: 'colhead' + (first ? ' is-first-combined' : '') + (b.base === false ? ' is-combined' : ''), scope: 'col', 'data-col': String(i), 'data-bp': b.name,
        title: b.name + (b.range ? ': ' + b.range : '') + ', rendered at ' + b.viewport.width + ' × ' + b.viewport.height
      }, [
        el('span', { class: 'colhead__name' }, [nameWithBreaks(b.name), ' ', el('span', { class: 'colhead__w' }, ['·\u00a0' + b.viewport.width])]),
        b.range ? el('span', { class: 'colhead__range' }, [b.range]) : null
      ]);
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    if (reviewMode) { // in their own row, so the headings above line up whatever is left to approve
      var approveRow = el('tr', { class: 'approve-row' }, [el('th', { class: 'corner corner--approve', scope: 'row' }, ['Approve a column'])]);
      bps.forEach(function (b, i) {
        approveRow.appendChild(el('td', { class: 'approve-cell' + (compound && !b.base && (i === 0 || bps[i - 1].base) ? ' is-first-combined' : ''), 'data-col': String(i) }, [approveAllButton('breakpoint', b.name)]));
      });
      head.appendChild(approveRow);
    }
    table.appendChild(head);

    var grid = new Map(shots.map(function (s) { return [s.page + '\u0000' + s.breakpoint, s]; }));
    var body = el('tbody');
    pages.forEach(function (p) {
      var th = el('th', { class: 'rowhead', scope: 'row', 'data-page': p }, [
        el('span', { class: 'rowhead__name' }, [p]),
        el('span', { class: 'rowhead__counts' })
      ]);
      if (reviewMode) th.appendChild(approveAllButton('page', p));
      var row = el('tr', { 'data-page': p }, [th]);
      bps.forEach(function (b, i) {
        var s = grid.get(p + '\u0000' + b.name);
        var first = compound && !b.base && (i === 0 || bps[i - 1].base);
        row.appendChild(el('td', { class: 'slot' + (first ? ' is-first-combined' : ''), 'data-col': String(i) }, [s ? makeCell(s) : null]));
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    updateRowHeads();
  }

  function makeCell(s) {
    var img = s.thumb
      ? el('img', { src: s.thumb.src, width: String(s.thumb.width), height: String(s.thumb.height), loading: 'lazy', decoding: 'async', alt: '' })
      : el('span', { class: 'noimg' }, [s.runStatus === 'error' ? 'no screenshot' : 'no image']);
    var a = el('a', {
      class: 'cell',
      href: '#shot=' + encodeId(s.id),
      'data-shot': s.id,
      'data-status': s.group,
      onclick: function (e) {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        go(s, false);
      }
    }, [
      el('span', { class: 'cell__img' }, [img, bandOf(s), el('span', { class: 'cell__marks', 'aria-hidden': 'true' })]),
      el('span', { class: 'cell__label' }, [el('span', { class: 'cell__status' }), el('span', { class: 'cell__pct' })])
    ]);
    paintCell(a, s);
    return a;
  }

  // Where on the whole page the change is: marks on the thumbnail's edge, top to bottom of the
  // page (the thumbnail itself shows only its top).
  function bandOf(s) {
    if (s.runStatus !== 'fail') return null;
    var k = dsf(s);
    var height = (s.actual_size && s.actual_size[1]) || (s.baseline_size && s.baseline_size[1]) || 0;
    var spans = s.changes.filter(function (c) { return c.cause; }).map(function (c) { var b = scaled(s, c.actual || c.baseline); return [b[1], b[3]]; });
    if (!spans.length) spans = (s.regions || []).map(function (r) { return [r[1], r[3]]; });
    if (!height || !spans.length) return null;
    var band = el('span', { class: 'cell__band', 'aria-hidden': 'true' });
    var top = Infinity, bottom = 0;
    spans.forEach(function (sp) {
      top = Math.min(top, sp[0]);
      bottom = Math.max(bottom, sp[0] + sp[1]);
      band.appendChild(el('i', { style: 'top:' + (100 * sp[0] / height).toFixed(2) + '%;height:max(2px,' + (100 * sp[1] / height).toFixed(2) + '%)' }));
    });
    s.bandText = 'changes at y ' + num(Math.round(top / k)) + '–' + num(Math.round(bottom / k)) + ' of ' + num(Math.round(height / k)) + ' px';
    band.title = s.bandText;
    return band;
  }

  function paintCell(a, s) {
    var st = shown(s);
    a.className = 'cell is-' + st + (state.lastOpened === s ? ' is-current' : '');
    $('.cell__status', a).textContent = label(st);
    $('.cell__pct', a).textContent = st === 'fail' ? shortPct(s.ratio) : ''; // an answer replaces the number
    var marks = clear($('.cell__marks', a));
    if (s.layoutFails && st !== 'layout') marks.appendChild(el('span', { class: 'mark mark--fail' }, ['✕ layout']));
    if (s.layoutWarns) marks.appendChild(el('span', { class: 'mark mark--warn', title: plural(s.layoutWarns, 'layout warning', 'layout warnings') }, ['⚠ ' + s.layoutWarns]));
    var extra = s.runStatus === 'fail' ? ', ' + pct(s.ratio) + ' of pixels differ' : '';
    if (st === 'layout') extra = ': the pixels match, ' + plural(s.layoutFails, 'layout check fails', 'layout checks fail');
    else if (s.layoutFails) extra += ', ' + plural(s.layoutFails, 'layout check fails', 'layout checks fail');
    if (s.layoutWarns) extra += ', ' + plural(s.layoutWarns, 'layout warning', 'layout warnings');
    if (s.bandText) extra += ', ' + s.bandText;
    a.setAttribute('aria-label', s.page + ' at ' + s.breakpoint + ': ' + word(st) + extra);
  }

  function cellOf(s) { return $('.cell[data-shot="' + CSS.escape(s.id) + '"]'); }

  function updateRowHeads() {
    pages.forEach(function (p) {
      var box = $('.rowhead[data-page="' + CSS.escape(p) + '"] .rowhead__counts');
      if (!box) return;
      clear(box);
      var c = {};
      shots.forEach(function (s) { if (s.page === p) c[shown(s)] = (c[shown(s)] || 0) + 1; });
      STATUS_ORDER.slice(0, -1).concat(['layout', 'approved', 'rejected', 'pass']).forEach(function (st) {
        if (!c[st]) return;
        box.appendChild(el('span', { class: 'mini is-' + st }, [c[st] + ' ' + (st === 'layout' ? 'layout fail' : word(st))]));
      });
    });
    $$('[data-approve-all]').forEach(function (btn) {
      var kind = btn.getAttribute('data-approve-all');
      var name = btn.getAttribute('data-name');
      var ids = pendingIds(kind, name);
      btn.hidden = ids.length === 0;
      btn.disabled = state.busy;
      if (kind === 'group') {
        var g = groups.filter(function (x) { return x.id === name; })[0];
        btn.textContent = g && ids.length < g.members.length ? 'Approve the ' + ids.length + ' left' : 'Approve all ' + ids.length;
        btn.setAttribute('aria-label', 'Approve this change at all ' + plural(ids.length, 'breakpoint', 'breakpoints') + ' still waiting');
        return;
      }
      btn.textContent = (kind === 'page' ? 'Approve all (' : 'Approve (') + ids.length + ')';
      btn.setAttribute('aria-label', 'Approve all ' + ids.length + ' changed shots of ' + (kind === 'page' ? 'page ' : 'breakpoint ') + name);
    });
    renderProgress();
  }

  function pendingIds(kind, name) {
    if (kind === 'group') {
      var g = groups.filter(function (x) { return x.id === name; })[0];
      return g ? g.members.filter(pending).map(function (s) { return s.id; }) : [];
    }
    return ordered.filter(function (s) { return pending(s) && (kind === 'page' ? s.page === name : s.breakpoint === name); })
      .map(function (s) { return s.id; });
  }

  function approveAllButton(kind, name) {
    return el('button', {
      type: 'button', class: 'btn btn--small', 'data-approve-all': kind, 'data-name': name,
      onclick: function () {
        if (kind === 'group') review('approve-group', [name]);
        else review('approve', pendingIds(kind, name));
      }
    }, ['Approve all']);
  }

  // ---- findings shared across breakpoints ------------------------------------------------
  function renderGroups() {
    var box = $('#groups');
    box.hidden = !groups.length;
    if (!groups.length) return;
    $('#groups-count').textContent = '(' + groups.length + ')';
    var list = clear($('#groups-list'));
    groups.forEach(function (g) {
      var links = el('ul', { class: 'group__shots' }, g.members.map(function (s) {
        return el('li', null, [el('a', {
          href: '#shot=' + encodeId(s.id), class: 'group__shot is-' + shown(s), 'data-shot': s.id,
          onclick: function (e) { if (e.button === 0 && !e.metaKey && !e.ctrlKey) { e.preventDefault(); go(s, false); } }
        }, [icon(shown(s)) + '\u00a0' + (pages.length > 1 ? s.page + ' @ ' : '') + shortBp(bpOf(s))])]);
      }));
      list.appendChild(el('li', { class: 'group', 'data-group': g.id }, [
        el('p', { class: 'group__text', title: g.text }, [el('span', { class: 'kind kind--' + g.kind }, [g.kind || 'change']), ' ', withElements(groupWhat(g)),
          el('span', { class: 'group__n' }, [' at ' + plural(g.members.length, 'breakpoint', 'breakpoints') + ':'])]),
        el('div', { class: 'group__row' }, [links, reviewMode ? approveAllButton('group', g.id) : null])
      ]));
    });
  }

  function syncGroups() {
    $$('#groups-list .group__shot').forEach(function (a) {
      var s = byId.get(a.getAttribute('data-shot'));
      if (!s) return;
      a.className = 'group__shot is-' + shown(s);
      a.firstChild.textContent = icon(shown(s)) + '\u00a0' + (pages.length > 1 ? s.page + ' @ ' : '') + shortBp(bpOf(s));
    });
  }

  // ---- routing ------------------------------------------------------------------------
  function parseHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ''));
    return { shot: params.get('shot'), view: params.get('view') };
  }

  function hashFor(s) { return '#shot=' + encodeId(s.id) + (state.view !== 'side' ? '&view=' + state.view : ''); }

  function setUrl(hash, push, extra) {
    var url = location.pathname + location.search + hash;
    try {
      if (push) history.pushState(extra || null, '', url); else history.replaceState(extra || history.state, '', url);
    } catch (err) {
      if (location.hash !== hash) location.hash = hash;
    }
  }

  function go(s, replace) {
    if (!s) return;
    var fromGrid = !state.current;
    if (replace || !fromGrid) setUrl(hashFor(s), false);
    else setUrl(hashFor(s), true, { fromGrid: true });
    route();
  }

  function backToGrid() {
    if (history.state && history.state.fromGrid) { history.back(); return; }
    setUrl('', false, {});
    route();
  }

  function route() {
    var h = parseHash();
    if (h.view && VIEWS.indexOf(h.view) >= 0) state.view = h.view;
    var s = h.shot ? byId.get(h.shot) : null;
    if (s) showShot(s); else showGrid();
  }

  // ---- grid view / shot view --------------------------------------------------------------
  function showGrid() {
    if (!state.current && !$('#grid-view').hidden) return;
    stopBlink();
    var was = state.current;
    state.current = null;
    quiet();
    placeLive();
    document.body.classList.remove('is-shot');
    $('#shot-view').hidden = true;
    $('#grid-view').hidden = false;
    clear($('#stage'));
    stage.panes = [];
    window.scrollTo(0, state.gridScroll);
    if (was) {
      $$('.cell.is-current').forEach(function (c) { c.classList.remove('is-current'); });
      var cell = cellOf(was);
      if (cell && !cell.hidden) { cell.classList.add('is-current'); cell.focus({ preventScroll: false }); }
    }
  }

  function showShot(s) {
    if (state.current === s) { syncViewButtons(); renderStage(); return; }
    if (!state.current) state.gridScroll = window.scrollY;
    stopBlink();
    state.current = s;
    state.lastOpened = s;
    state.region = -1;
    state.finding = -1;
    state.change = -1;
    state.part = 0;
    if (state.zoom === 'region') state.zoom = 'fit';
    quiet(); // a message about the last shot does not linger onto this one
    placeLive();
    document.body.classList.add('is-shot');
    $('#grid-view').hidden = true;
    $('#shot-view').hidden = false;
    renderShotHead(s);
    renderInfo(s);
    syncViewButtons();
    renderStage();
    window.scrollTo(0, 0);
    $('#shot-title').focus({ preventScroll: true });
    preload(neighbour(1));
  }

  function navList() {
    var list = toReview.filter(matches);
    return list.length ? list : toReview;
  }

  function neighbour(step) {
    var list = navList();
    if (!list.length) return null;
    var cur = state.current || state.lastOpened;
    if (!cur) return step > 0 ? list[0] : list[list.length - 1];
    var at = ordered.indexOf(cur);
    if (step > 0) {
      for (var i = 0; i < list.length; i++) if (ordered.indexOf(list[i]) > at) return list[i];
    } else {
      for (var j = list.length - 1; j >= 0; j--) if (ordered.indexOf(list[j]) < at) return list[j];
    }
    return null;
  }

  function step(dir) {
    if (!state.current && !toReview.length) { announce('Nothing to review: every shot passed.'); return; }
    if (!state.current) {
      var first = dir > 0 ? (neighbour(1) || navList()[0]) : (neighbour(-1) || navList()[navList().length - 1]);
      go(first, false);
      return;
    }
    var next = neighbour(dir);
    if (next) go(next, true);
    else announce(dir > 0 ? 'That was the last shot to review.' : 'This is the first shot to review.');
  }

  function renderShotHead(s) {
    var bp = bpOf(s);
    var title = clear($('#shot-title'));
    title.appendChild(el('span', { class: 'page' }, [s.page]));
    title.appendChild(el('span', { class: 'at', 'aria-hidden': 'true' }, ['@']));
    title.appendChild(el('span', { class: 'sr-only' }, [' at ']));
    title.appendChild(el('span', { class: 'bp', title: s.breakpoint }, [nameWithBreaks(s.breakpoint)]));
    renderPosition(s);
    $('#shot-prev').disabled = !neighbour(-1);
    $('#shot-next').disabled = !neighbour(1);
    document.title = s.page + ' @ ' + s.breakpoint + ' (' + bp.viewport.width + ' px) – ' + (data.title || 'Layout report');
  }

  function renderPosition(s) {
    var list = navList();
    var idx = list.indexOf(s);
    var pos = $('#shot-pos');
    pos.textContent = idx >= 0 ? (idx + 1) + ' of ' + list.length : (list.length ? list.length + ' to review' : 'nothing to review');
    pos.title = idx >= 0 ? 'shot ' + (idx + 1) + ' of the ' + list.length + ' to review' : '';
    var t = reviewTally();
    if (reviewMode && t.total && idx >= 0) {
      pos.appendChild(el('span', { class: 'shot__left' }, [' · ' + (t.left ? t.left + ' to go' : 'all answered')]));
    }
  }

  function renderBadge(s) {
    var st = shown(s);
    var badge = $('#shot-badge');
    badge.className = 'badge is-' + st;
    badge.textContent = label(st);
  }

  function renderInfo(s) {
    var bp = bpOf(s);
    renderBadge(s);
    var key = clear($('#shot-key'));
    if (s.runStatus === 'fail') {
      key.appendChild(el('span', { class: 'key__px' }, [el('b', null, [num(s.mismatched) + ' px']), ' differ (' + pct(s.ratio) + ')']));
      if (typeof s.changed_pixels === 'number' && s.changed_pixels < s.mismatched) {
        key.appendChild(el('span', { class: 'key__aligned', title: 'Pixels that still differ once the content that only moved is lined up' }, [
          el('b', null, [num(s.changed_pixels) + ' px']), ' changed, the rest only moved'
        ]));
      }
      var change = sizeChange(s.baseline_size, s.actual_size);
      if (change) key.appendChild(el('span', { class: 'key__size' }, [change]));
    } else if (s.runStatus === 'new') {
      key.appendChild(el('span', null, ['first screenshot' + (s.actual_size ? ' · ' + sizeText(s.actual_size) : '')]));
    } else if (s.runStatus === 'pass') {
      var same = s.layoutFails ? 'pixels match the baseline' : 'matches its baseline';
      key.appendChild(el('span', null, [same + (s.baseline_size ? ' · ' + sizeText(s.baseline_size) : '')]));
    } else if (s.runStatus === 'error') {
      key.appendChild(el('span', null, ['not captured']));
    } else if (s.mismatched) {
      key.appendChild(el('span', { class: 'key__px' }, [el('b', null, [num(s.mismatched) + ' px']), ' changed (' + pct(s.ratio) + ')']));
    }
    if (s.layoutFails) key.appendChild(el('span', { class: 'key__layout' }, ['✕ ' + plural(s.layoutFails, 'layout check fails', 'layout checks fail')]));
    var msg = $('#shot-message');
    msg.textContent = s.message || '';
    msg.hidden = !s.message;
    msg.classList.toggle('is-error', s.runStatus === 'error');
    msg.classList.toggle('is-fail', s.runStatus === 'fail'); // on a phone its numbers are shown above

    var facts = clear($('#shot-facts'));
    function fact(term, value, cls) {
      facts.appendChild(el('div', { class: 'fact' + (cls ? ' ' + cls : '') }, [el('dt', null, [term]), el('dd', null, [value])]));
    }
    fact('Viewport', bp.viewport.width + ' × ' + bp.viewport.height + (s.width !== bp.viewport.width ? ' (rendered ' + s.width + ' × ' + s.height + ')' : ''));
    if (bp.range) fact('Range', bp.range);
    if (bp.media) fact('Media', el('code', null, [bp.media]), 'fact--wide');
    var device = [];
    if (bp.device_scale_factor && bp.device_scale_factor !== 1) device.push(bp.device_scale_factor + '× pixels');
    if (bp.is_mobile) device.push('mobile');
    if (bp.has_touch) device.push('touch');
    if (device.length) fact('Device', device.join(', '));
    if (s.runStatus === 'fail') {
      fact('Baseline', sizeText(s.baseline_size));
      fact('Actual', sizeText(s.actual_size));
      fact('Regions', (s.regions || []).length >= 100 ? '100+' : String((s.regions || []).length));
    } else if (s.actual_size || s.baseline_size) {
      fact('Size', sizeText(s.actual_size || s.baseline_size));
    }
    if (s.seconds) fact('Time', s.seconds.toFixed(2) + ' s');

    renderChanges(s);
    renderChecks(s);
    renderRegions(s);
    renderLists(s);
    renderReview(s);
  }

  // An explanation names elements as tag.class or tag#id: set those apart so the sentence scans.
  var TAGS = 'a|abbr|article|aside|audio|b|blockquote|body|button|canvas|caption|cite|code|dd|details|dialog|div|dl|dt|em|embed|' +
    'fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|html|i|iframe|img|input|ins|label|legend|li|main|mark|menu|nav|' +
    'object|ol|p|picture|pre|q|s|section|select|small|source|span|strong|sub|summary|sup|svg|table|tbody|td|textarea|tfoot|th|' +
    'thead|time|tr|u|ul|video|[a-z][a-z0-9]*-[a-z0-9-]*';
  var ELEMENT = new RegExp('\\b(?:' + TAGS + ')(?:[.#][A-Za-z_][\\w-]*)+(?: #\\d+)?', 'g');
  function withElements(text) {
    var frag = document.createDocumentFragment();
    var at = 0;
    text.replace(ELEMENT, function (m, offset) {
      if (offset > at) frag.appendChild(document.createTextNode(text.slice(at, offset)));
      frag.appendChild(el('code', { class: 'elem' }, [m]));
      at = offset + m.length;
      return m;
    });
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  var CHANGES_SHOWN = 4; // a longer story shows its first lines and a button for the rest

  function renderChanges(s) {
    var box = $('#shot-changes');
    var list = clear($('#changes-list'));
    var old = $('.changes__more', box);
    if (old) old.remove();
    var shared = clear($('#shot-group'));
    shared.hidden = !s.shared.length;
    s.shared.forEach(function (g) {
      var others = g.members.filter(function (m) { return m !== s; });
      shared.appendChild(el('div', { class: 'shared', 'data-group': g.id }, [
        el('p', { class: 'shared__head' }, ['Same change at ' + plural(g.members.length, 'breakpoint', 'breakpoints') + ':']),
        el('p', { class: 'shared__text', title: g.text }, [withElements(groupWhat(g))]),
        el('p', { class: 'shared__others' }, others.map(function (m, i) {
          return el('span', null, [i ? ', ' : 'also ', el('a', {
            href: '#shot=' + encodeId(m.id), 'data-shot': m.id,
            onclick: function (e) { if (e.button === 0 && !e.metaKey && !e.ctrlKey) { e.preventDefault(); go(m, true); } }
          }, [icon(shown(m)) + '\u00a0' + m.breakpoint])]);
        })),
        reviewMode ? approveAllButton('group', g.id) : null
      ]));
    });
    if (reviewMode) updateRowHeads();
    box.hidden = !s.explanations.length && !s.shared.length;
    var cut = s.explanations.length > CHANGES_SHOWN + 1 ? CHANGES_SHOWN : s.explanations.length;
    var rest = [];
    s.explanations.forEach(function (t, i) {
      var li = el('li', { hidden: i >= cut }, [withElements(t)]);
      if (i >= cut) rest.push(li);
      list.appendChild(li);
    });
    if (!rest.length) return;
    var more = el('button', {
      type: 'button', class: 'changes__more', 'aria-expanded': 'false', 'aria-controls': 'changes-list',
      onclick: function () {
        var open = more.getAttribute('aria-expanded') !== 'true';
        rest.forEach(function (li) { li.hidden = !open; });
        more.setAttribute('aria-expanded', String(open));
        more.textContent = open ? 'Show fewer' : 'Show ' + rest.length + ' more';
      }
    }, ['Show ' + rest.length + ' more']);
    box.appendChild(more);
  }

  function sevOf(f) { return SEVERITY[f.severity] || { icon: '•', word: String(f.severity || 'note') }; }

  function renderChecks(s) {
    var box = $('#shot-checks');
    var body = clear($('#checks-body'));
    var fs = s.findings;
    box.hidden = !fs.length;
    var parts = [];
    if (s.layoutFails) parts.push(s.layoutFails + ' failing');
    if (s.layoutWarns) parts.push(plural(s.layoutWarns, 'warning', 'warnings'));
    var other = fs.length - s.layoutFails - s.layoutWarns;
    if (other) parts.push(other + ' other');
    $('#checks-count').textContent = parts.length ? '(' + parts.join(', ') + ')' : '';
    if (!fs.length) return;
    var order = fs.map(function (f, i) { return i; }).sort(function (a, b) {
      return ((fs[a].severity === 'fail' ? 0 : 1) - (fs[b].severity === 'fail' ? 0 : 1)) || a - b;
    });
    var failing = order.filter(function (i) { return fs[i].severity === 'fail'; });
    var rest = order.filter(function (i) { return fs[i].severity !== 'fail'; });
    var roomy = window.innerWidth > 600; // on a phone the images come first: many warnings fold away
    if (roomy || rest.length <= 2) body.appendChild(findingList(s, order));
    else {
      if (failing.length) body.appendChild(findingList(s, failing));
      body.appendChild(el('details', { class: 'checks__more' }, [
        el('summary', null, [plural(rest.length, 'warning', 'warnings') + ' ', el('span', { class: 'count' }, ['(show)'])]),
        findingList(s, rest)
      ]));
    }
    if (s.layoutFails && (s.runStatus === 'pass' || s.runStatus === 'fail')) {
      body.appendChild(el('p', { class: 'checks__note' }, ['Approving the screenshot does not clear a failing check: fix the page, or its spec or lint setting.']));
    }
  }

  function findingList(s, indexes) {
    var zoomable = hasFullImage(s);
    return el('ol', { class: 'findings' }, indexes.map(function (i) {
      var f = s.findings[i];
      var sev = sevOf(f);
      var box = findingBox(s, f);
      var head = el('span', { class: 'finding__head' }, [
        el('span', { class: 'sev sev--' + (SEVERITY[f.severity] ? f.severity : 'other') }, [sev.icon + '\u00a0' + sev.word]),
        el('span', { class: 'finding__rule' }, [[f.kind, f.rule].filter(Boolean).join(' · ')])
      ]);
      var msg = el('span', { class: 'finding__msg' }, [withElements(String(f.message || ''))]);
      var item;
      if (box && zoomable) {
        var all = findingBoxes(f);
        var b = all[0];
        item = el('button', {
          type: 'button', class: 'finding finding--zoom', 'data-finding': String(i), 'aria-pressed': 'false',
          'aria-label': sev.word + ', ' + [f.kind, f.rule].filter(Boolean).join(' ') + ': ' + (f.message || '') + '. Zoom to it on the screenshot',
          onclick: function () { zoomToFinding(i); }
        }, [head, msg, el('span', { class: 'finding__where', 'aria-hidden': 'true' }, [
          el('span', { class: 'finding__zoom' }, ['⤢ Show']),
          all.length > 1 ? plural(all.length, 'element', 'elements') + ', first at x ' + b[0] + ', y ' + b[1]
            : ' x ' + b[0] + ', y ' + b[1] + ' · ' + b[2] + '×' + b[3] + ' px'
        ])]);
      } else {
        item = el('div', { class: 'finding', 'data-finding': String(i) }, [head, msg]);
      }
      return el('li', { class: 'findings__item is-' + (SEVERITY[f.severity] ? f.severity : 'other') }, [item]);
    }));
  }

  // A finding's boxes, in CSS px: one per element where the finding names them ("boxes"),
  // else its one box.
  function findingBoxes(f) {
    var list = f && Array.isArray(f.boxes) ? f.boxes.map(box4).filter(Boolean) : [];
    if (list.length) return list;
    var one = f ? box4(f.box) : null;
    return one ? [one] : [];
  }
  // In device pixels, as the screenshots are.
  function findingBox(s, f) {
    var all = findingBoxes(f);
    return all.length ? scaled(s, all[0]) : null;
  }

  function hasFullImage(s) { return !!(s.images && (s.images.actual || s.images.baseline)); }

  // Above the images: the shot's changes by element (causes first, the knock-on moves in one
  // row), or, for results without them, pixelmatch's numbered regions.
  function renderRegions(s) {
    var box = $('#regions-box');
    var rows = changeRows(s);
    var regions = s.regions || [];
    var list = clear($('#regions-list'));
    list.scrollLeft = 0;
    box.classList.toggle('is-changes', rows.length > 0);
    box.hidden = !(rows.length || regions.length) || !(s.images.baseline || s.images.actual || s.images.diff);
    if (rows.length) {
      $('#regions-word').textContent = 'Changes';
      $('#regions-count').textContent = '(' + rows.length + ')';
      rows.forEach(function (row, i) {
        var n = row.changes.length;
        list.appendChild(el('li', null, [el('button', {
          type: 'button', class: 'change' + (row.knock ? ' change--knock' : ''), 'data-change': String(i), 'aria-pressed': 'false',
          'aria-label': (row.knock ? row.title + ': ' : row.kind + ' ' + row.title + ': ') + row.words + '. Outline ' + (n > 1 ? 'them' : 'it') + ' in both images',
          title: row.knock ? row.changes.map(function (c) { return c.selector + ': ' + changeWords(c); }).join('\n') : '',
          onclick: function () { zoomToChange(i); }
        }, [
          el('span', { class: 'kind kind--' + row.kind }, [row.knock ? '+' + n : row.kind]),
          row.knock ? null : el('code', { class: 'change__sel' }, [row.title]),
          el('span', { class: 'change__what' }, [row.knock ? row.title + ': ' + row.words : row.words])
        ])]));
      });
      return;
    }
    $('#regions-word').textContent = 'Zoom to a change';
    $('#regions-count').textContent = '(' + (regions.length >= 100 ? '100 largest' : regions.length) + ')';
    regions.forEach(function (r, i) {
      list.appendChild(el('li', null, [el('button', {
        type: 'button', class: 'region', 'data-region': String(i), 'aria-pressed': 'false',
        'aria-label': 'Zoom to region ' + (i + 1) + ': x ' + r[0] + ', y ' + r[1] + ', ' + r[2] + ' by ' + r[3] + ' px',
        onclick: function () { zoomToRegion(i); }
      }, [el('span', { class: 'region__n', 'aria-hidden': 'true' }, [String(i + 1)]), r[0] + ', ' + r[1] + ', ' + r[2] + '×' + r[3]])]));
    });
  }

  function renderLists(s) {
    var box = clear($('#shot-lists'));
    box.className = 'lists';
    [['Notes', s.notes], ['Blocked requests', s.blocked], ['Console errors', s.console_errors]].forEach(function (pair) {
      var items = pair[1] || [];
      if (!items.length) return;
      var roomy = window.innerWidth > 600; // on a phone the images come first
      var d = el('details', { open: items.length <= 3 && roomy }, [
        el('summary', null, [pair[0] + ' ', el('span', { class: 'count' }, ['(' + items.length + ')'])]),
        el('ul', null, items.map(function (t) { return el('li', null, [String(t)]); }))
      ]);
      box.appendChild(d);
    });
  }

  function renderReview(s) {
    var box = clear($('#review-box'));
    if (s.runStatus !== 'fail' && s.runStatus !== 'new') return;
    if (s.updated) {
      box.appendChild(el('p', { class: 'review__hint' }, ['This run already wrote its baseline (--update).']));
      return;
    }
    if (reviewMode) {
      var done = s.approved || s.rejected;
      var rejectWhat = 'Reject: mark this change as unwanted. The baseline stays as it is, and harness approve without names skips this shot; ' +
        'fix the page and run harness check again.';
      box.appendChild(el('div', { class: 'review__row' }, [
        el('button', { type: 'button', class: 'btn btn--primary', 'data-action': 'approve', disabled: done || state.busy,
          title: 'Make this screenshot the baseline, then go to the next shot', 'aria-describedby': 'approve-what',
          onclick: function () { review('approve', [s.id]); } }, [s.runStatus === 'new' ? 'Approve as baseline' : 'Approve']),
        el('button', { type: 'button', class: 'btn btn--danger', 'data-action': 'reject', disabled: done || state.busy,
          title: rejectWhat, 'aria-describedby': 'reject-what',
          onclick: function () { review('reject', [s.id]); } }, ['Reject'])
      ]));
      if (done) {
        box.appendChild(el('div', { class: 'review__done is-' + (s.approved ? 'approved' : 'rejected') }, [
          el('p', null, [s.approved ? '✓ Approved: this is the baseline now.' : '⊘ Rejected: the baseline stays.']),
          el('button', { type: 'button', class: 'btn btn--small', 'data-action': 'undo', disabled: state.busy,
            onclick: function () { review('undo', [s.id]); } }, [s.approved ? 'Undo approval' : 'Undo rejection'])
        ]));
      } else {
        box.appendChild(el('p', { class: 'review__explain' }, [
          el('span', { id: 'approve-what' }, [el('b', null, ['Approve']), ' makes this screenshot the baseline. ']),
          el('span', { id: 'reject-what' }, [el('b', null, ['Reject']), ' marks the change as unwanted: the baseline stays, and ',
            el('code', null, ['harness approve']), ' skips it. Fix the page, then check again.'])
        ]));
      }
      return;
    }
    if (s.approved) {
      box.appendChild(el('p', { class: 'review__hint' }, ['✓ Approved with harness approve.']));
      return;
    }
    var cmd = 'harness approve ' + s.id;
    var copy = el('button', { type: 'button', class: 'btn btn--small', 'aria-label': 'Copy the command ' + cmd, onclick: function () { copyText(cmd); } }, ['Copy']);
    box.appendChild(el('div', { class: 'review__hint' }, [
      el('div', { class: 'review__cmd' }, [el('code', null, [cmd]), copy]),
      el('p', { class: 'review__more' }, ['or run ', el('code', null, ['harness review']), ' to approve from here'])
    ]));
  }

  function copyText(text) {
    function fallback() {
      var area = el('textarea', { 'aria-hidden': 'true', style: 'position:fixed;left:-9999px;top:0' });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      announce(ok ? 'Copied: ' + text : 'Copy this command: ' + text);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { announce('Copied: ' + text); }, fallback);
    } else fallback();
  }

  // ---- the image stage ------------------------------------------------------------------
  function syncViewButtons() {
    var s = state.current;
    var full = s && s.images.baseline && s.images.actual;
    var anyDiff = !!s && !!(s.images.diff || s.images.aligned);
    $('#view-buttons').hidden = !full; // one image: nothing to switch between
    $$('#view-buttons button').forEach(function (b) {
      var v = b.getAttribute('data-view');
      var usable = !!full && (v !== 'diff' || anyDiff);
      b.disabled = !usable;
      b.setAttribute('aria-pressed', String(usable && v === state.view));
    });
    $$('.seg--zoom button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-zoom') === state.zoom));
    });
    // The diff over the actual (side by side), and which diff: pixelmatch's or the aligned one.
    var tools = $('#diff-tools');
    tools.hidden = !full || !anyDiff || (state.view !== 'side' && state.view !== 'diff');
    var over = $('#overlay-toggle');
    over.hidden = state.view !== 'side';
    over.setAttribute('aria-pressed', String(state.overlay));
    var both = !!s && !!s.images.diff && !!s.images.aligned;
    $$('#diff-tools [data-diff]').forEach(function (b) {
      b.hidden = !both;
      b.setAttribute('aria-pressed', String(diffKind(s) === b.getAttribute('data-diff')));
    });
    var align = $('#align-toggle');
    align.hidden = !full || !canAlign(s) || state.view === 'diff';
    align.setAttribute('aria-pressed', String(state.aligned));
  }

  function diffKind(s) {
    if (!s) return 'diff';
    if (state.diffKind === 'aligned' && s.images.aligned) return 'aligned';
    return s.images.diff ? 'diff' : 'aligned';
  }

  function setView(v) {
    if (!state.current || VIEWS.indexOf(v) < 0) return;
    var btn = $('#view-buttons [data-view="' + v + '"]');
    if (btn && btn.disabled) return;
    var focus = captureCenter();
    state.view = v;
    setUrl(hashFor(state.current), false);
    syncViewButtons();
    renderStage(focus);
  }

  function setOverlay(on) {
    var s = state.current;
    if (!s || !s.images.baseline || !s.images.actual || !(s.images.diff || s.images.aligned)) return;
    if (state.view !== 'side') { state.overlay = true; setView('side'); return; }
    state.overlay = on;
    syncViewButtons();
    renderStage(captureCenter());
  }

  function setDiffKind(kind) {
    state.diffKind = kind;
    syncViewButtons();
    if (state.view === 'diff' || state.overlay) renderStage(captureCenter());
  }

  function setAligned(on) {
    var s = state.current;
    if (!canAlign(s)) return;
    state.aligned = on;
    syncViewButtons();
    if (stage.overlay) updateOverlay();
    else if (stage.panes.length) syncFrom(stage.panes[0]);
    announce(on ? 'The panes follow the content that moved.' : 'The panes show the same y in both images.', false, null, true);
  }

  function layersFor(s) {
    var im = s.images;
    var b = s.baseline_size, a = s.actual_size;
    var union = b && a ? [Math.max(b[0], a[0]), Math.max(b[1], a[1])] : (a || b);
    var L = {
      baseline: im.baseline ? { src: im.baseline, size: b, name: 'Baseline' } : null,
      actual: im.actual ? { src: im.actual, size: a, name: 'Actual' } : null,
      diff: im.diff ? { src: im.diff, size: union, name: 'Diff', frame: 'raw' } : null,
      aligned: im.aligned ? { src: im.aligned, size: a, name: 'Aligned diff', frame: 'actual' } : null
    };
    L.shownDiff = diffKind(s) === 'aligned' ? L.aligned : L.diff;
    return L;
  }

  function renderStage(focus) {
    var s = state.current;
    var box = clear($('#stage'));
    stopBlink();
    stage = { panes: [], single: false, thumbOnly: false, overlay: null, shift: 0 };
    var L = layersFor(s);
    var notice = $('#viewer-notice');
    notice.hidden = true;
    notice.className = 'viewer__notice';
    $('#swipe-control').hidden = true;
    $('#onion-control').hidden = true;
    $('#blink-control').hidden = true;

    var full = L.baseline && L.actual;
    if (!full) {
      stage.single = true;
      var only = null;
      var text = '';
      var frame = 'actual';
      if (s.runStatus === 'new') {
        only = L.actual;
        text = 'No baseline yet: this is the first screenshot of this page at this breakpoint.' +
          (s.approved ? ' It is the baseline now.' : s.updated ? ' This run wrote it as the baseline.' : ' Approving it makes it the baseline.');
        if (s.approved) notice.classList.add('is-pass');
      } else if (s.runStatus === 'error') {
        only = L.actual || (L.baseline && { src: L.baseline.src, size: L.baseline.size, name: 'Baseline (last approved)' });
        frame = L.actual ? 'actual' : 'baseline';
        text = 'The page could not be captured, so there is nothing to compare.' + (only ? ' Shown: the last approved baseline.' : '');
        notice.classList.add('is-error');
      } else if (s.runStatus === 'pass') {
        if (L.baseline) only = { src: L.baseline.src, size: L.baseline.size, name: 'Screenshot' };
        else if (s.thumb) only = { src: s.thumb.src, size: [s.thumb.width, s.thumb.height], name: 'Thumbnail' };
        stage.thumbOnly = !L.baseline;
        if (s.layoutFails) {
          text = 'The pixels match the baseline, but ' + plural(s.layoutFails, 'layout check fails', 'layout checks fail') + ': see Layout checks.';
          notice.classList.add('is-fail');
        } else {
          text = 'Passed: it matches its baseline.' + (L.baseline ? '' : ' Full-size images are kept only for shots that need review or have layout findings.');
          notice.classList.add('is-pass');
        }
      } else {
        only = L.actual || L.baseline || L.diff;
        text = 'Some images of this shot are missing from the report folder.';
      }
      notice.textContent = text;
      notice.hidden = false;
      if (only) {
        var pane = makePane(only.name, sizeText(only.size), [{ layer: only, cls: 'base' }], only.size, frame);
        box.appendChild(el('div', { class: 'panes' }, [pane.el]));
      }
    } else if (state.view === 'side') {
      // Two panes, baseline | actual, each big enough to read at 100%; the diff is drawn over
      // the actual on request. Once approved here, the actual is the new baseline: say so.
      var union = unionSize([L.baseline.size, L.actual.size]);
      var fresh = s.approvedNow;
      var bpane = makePane(fresh ? 'Old baseline' : 'Baseline', sizeText(L.baseline.size), [{ layer: L.baseline, cls: 'base' }], union, 'baseline');
      var layers = [{ layer: L.actual, cls: 'base' }];
      var over = state.overlay ? L.shownDiff || L.diff || L.aligned : null;
      if (over) layers.push({ layer: over, cls: 'overlay' });
      var apane = makePane(fresh ? 'New baseline' : 'Actual',
        sizeText(L.actual.size) + (over ? ' · ' + over.name.toLowerCase() + ' over it' : ''), layers, union, 'actual');
      if (fresh) {
        notice.textContent = 'Approved: the actual screenshot is the baseline now. Undo puts the old one back.';
        notice.classList.add('is-pass');
        notice.hidden = false;
      }
      box.appendChild(el('div', { class: 'panes panes--2' }, [bpane.el, apane.el]));
    } else if (state.view === 'diff') {
      var d = L.shownDiff || L.diff || L.aligned;
      var sub = d === L.aligned && typeof s.changed_pixels === 'number'
        ? num(s.changed_pixels) + ' px changed once moved content is aligned (blue: moved)'
        : num(s.mismatched) + ' px differ (' + pct(s.ratio) + ')';
      var dp = makePane(d.name, sub, [{ layer: d, cls: 'base' }], d.size, d.frame);
      box.appendChild(el('div', { class: 'panes' }, [dp.el]));
    } else {
      // One pane, both images. The baseline is the layer that moves: it is shifted to line up
      // with the actual at the middle of the view, as the alignment says.
      var u = unionSize([L.baseline.size, L.actual.size]);
      var title = state.view === 'swipe' ? 'Swipe' : state.view === 'onion' ? 'Onion skin' : 'Blink';
      var specs = state.view === 'swipe'
        ? [{ layer: L.actual, cls: 'base' }, { layer: L.baseline, cls: 'top' }] // the baseline left of the divider, as side by side
        : [{ layer: L.baseline, cls: 'base' }, { layer: L.actual, cls: 'top' }];
      var sp = makePane(title, 'baseline ' + sizeText(L.baseline.size) + ' · actual ' + sizeText(L.actual.size), specs, u, 'actual');
      box.appendChild(el('div', { class: 'panes' }, [sp.el]));
      setupOverlay(sp, state.view === 'swipe' ? sp.layers[1] : sp.layers[0]);
    }
    sizeStage();
    layout(focus);
  }

  // The image panes fill the screen below the tools when that leaves them room (desktop,
  // tablet); on a phone they take a screen's height under the sticky bar and the page scrolls.
  function sizeStage() {
    var st = $('#stage');
    if (!stage.panes.length) return;
    var head = stage.panes[0].el.querySelector('.pane__head');
    var headH = head ? head.getBoundingClientRect().height : 30;
    var bar = $('.shot__bar').getBoundingClientRect().height;
    var top = st.getBoundingClientRect().top + window.scrollY;
    var vh = window.innerHeight;
    var below = vh - top - headH - 14;
    var h = below >= Math.max(320, vh * 0.55) ? below : vh - bar - headH - 24;
    st.style.setProperty('--stage-h', Math.max(240, Math.round(h)) + 'px');
  }

  // The part of a pane that is on screen, in its own coordinates (the page may hide some of it).
  function visiblePart(sc) {
    var r = sc.getBoundingClientRect();
    var barBottom = $('.shot__bar').getBoundingClientRect().bottom;
    var top = Math.max(r.top, barBottom, 0);
    var bottom = Math.min(r.bottom, window.innerHeight);
    return { top: top - r.top, height: Math.max(0, bottom - top), barBottom: barBottom, rectTop: r.top };
  }

  function unionSize(sizes) {
    var w = 0, h = 0;
    sizes.forEach(function (sz) { if (sz) { w = Math.max(w, sz[0]); h = Math.max(h, sz[1]); } });
    return [w || 1, h || 1];
  }

  // frame: whose coordinates the pane's image is in ('baseline', 'actual', or 'raw': the
  // pixel diff, where both images are compared at the same x and y).
  function makePane(title, sub, layers, size, frame) {
    var canvas = el('div', { class: 'canvas' });
    var pane = { layers: [], size: size ? size.slice() : [1, 1], canvas: canvas, frame: frame || 'actual', hl: el('div', { class: 'hl', hidden: true }), more: [] };
    layers.forEach(function (spec) {
      var img = el('img', { src: spec.layer.src, alt: spec.layer.name + ' screenshot', draggable: 'false', decoding: 'async', class: spec.cls });
      if (spec.cls === 'overlay') img.alt = spec.layer.name + ' over the actual';
      var entry = { img: img, size: spec.layer.size ? spec.layer.size.slice() : null, cls: spec.cls, name: spec.layer.name };
      img.addEventListener('load', function () {
        if (!entry.size || entry.size[0] !== img.naturalWidth || entry.size[1] !== img.naturalHeight) {
          entry.size = [img.naturalWidth, img.naturalHeight];
          pane.size = [Math.max(pane.size[0], img.naturalWidth), Math.max(pane.size[1], img.naturalHeight)];
          layout(captureCenter());
        }
      });
      if (spec.cls === 'top') {
        var wrap = el('div', { class: 'top-wrap', style: 'position:absolute;inset:0' }, [img]);
        canvas.appendChild(wrap);
        entry.wrap = wrap;
      } else {
        canvas.appendChild(img);
      }
      pane.layers.push(entry);
    });
    canvas.appendChild(pane.hl);
    var scroll = el('div', { class: 'pane__scroll', tabindex: '0', role: 'region', 'aria-label': title + ' image, scrollable' }, [canvas]);
    pane.scroll = scroll;
    pane.view = el('div', { class: 'pane__view' }, [scroll]);
    pane.sub = el('span', null, [sub || '']);
    pane.el = el('section', { class: 'pane', 'data-pane': title.toLowerCase().split(' ')[0], 'data-frame': pane.frame }, [
      el('header', { class: 'pane__head' }, [el('b', null, [title]), pane.sub]),
      pane.view
    ]);
    scroll.addEventListener('scroll', onPaneScroll, { passive: true });
    stage.panes.push(pane);
    return pane;
  }

  function paneOf(scroll) { return stage.panes.filter(function (p) { return p.scroll === scroll; })[0] || null; }

  // y (image px) in one pane's image, in another's: the same y, or where that content went.
  function frameY(y, from, to) {
    var s = state.current;
    if (!state.aligned || !canAlign(s) || from === to || from === 'raw' || to === 'raw') return y;
    return mapY(s, y, from === 'baseline' ? 0 : 1, to === 'baseline' ? 0 : 1);
  }

  function onPaneScroll(e) {
    var src = e.currentTarget;
    if (stage.overlay) scheduleOverlay();
    if (src._expect && Math.abs(src.scrollTop - src._expect.t) < 2 && Math.abs(src.scrollLeft - src._expect.l) < 2) {
      src._expect = null;
      return;
    }
    src._expect = null;
    var from = paneOf(src);
    if (from) syncFrom(from);
  }

  // The other panes show what this one shows in the middle of its view: the same content,
  // followed through the alignment where it moved.
  function syncFrom(from) {
    var src = from.scroll;
    var scale = stage.scale || 1;
    var mid = (src.scrollTop + src.clientHeight / 2 - from.canvas.offsetTop) / scale;
    stage.panes.forEach(function (p) {
      if (p === from) return;
      var o = p.scroll;
      var top = p.canvas.offsetTop + frameY(mid, from.frame, p.frame) * scale - o.clientHeight / 2;
      if (Math.abs(o.scrollTop - top) < 1 && Math.abs(o.scrollLeft - src.scrollLeft) < 1) return;
      o.scrollTop = top;
      o.scrollLeft = src.scrollLeft;
      o._expect = { t: o.scrollTop, l: o.scrollLeft };
    });
  }

  function fitScale() {
    var p = stage.panes[0];
    if (!p) return 1;
    var w = p.scroll.clientWidth || 1;
    return Math.min(1, w / p.size[0]);
  }

  function currentScale() {
    if (state.zoom === 'actual') return 1;
    if (state.zoom === 'region') return state.scale;
    return fitScale();
  }

  function captureCenter() {
    var p = stage.panes[0];
    if (!p || !stage.scale) return null;
    var sc = p.scroll;
    return {
      x: (sc.scrollLeft + sc.clientWidth / 2 - p.canvas.offsetLeft) / stage.scale,
      y: (sc.scrollTop - p.canvas.offsetTop) / stage.scale, // keep the top edge: pages are read top-down
      top: true
    };
  }

  function layout(focus) {
    if (!stage.panes.length) { updateZoomLabel(); return; }
    var scale = currentScale();
    stage.scale = scale;
    stage.panes.forEach(function (p) {
      var w = Math.max(1, Math.round(p.size[0] * scale));
      var h = Math.max(1, Math.round(p.size[1] * scale));
      p.canvas.style.width = w + 'px';
      p.canvas.style.height = h + 'px';
      p.canvas.style.marginLeft = p.canvas.style.marginRight = 'auto';
      p.canvas.classList.toggle('is-zoomed-in', scale > 1.5);
      p.layers.forEach(function (l) {
        var sz = l.size || p.size;
        l.img.style.width = Math.round(sz[0] * scale) + 'px';
        l.img.style.height = Math.round(sz[1] * scale) + 'px';
      });
    });
    placeHighlight();
    updateOverlay();
    if (focus) {
      var first = stage.panes[0];
      var sc = first.scroll;
      sc.scrollLeft = first.canvas.offsetLeft + focus.x * scale - sc.clientWidth / 2;
      sc.scrollTop = first.canvas.offsetTop + focus.y * scale - (focus.top ? 0 : sc.clientHeight / 2);
      sc._expect = { t: sc.scrollTop, l: sc.scrollLeft };
      syncFrom(first);
    }
    updateZoomLabel();
  }

  function updateZoomLabel() {
    var lab = $('#zoom-level');
    lab.textContent = stage.panes.length ? Math.round((stage.scale || 1) * 100) + '%' : '';
    $$('.seg--zoom button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-zoom') === state.zoom));
    });
  }

  function setZoom(mode) {
    var focus = captureCenter();
    state.zoom = mode;
    layout(focus);
  }

  // What to outline in a pane, in its image's pixels: one box per element. An element that
  // is not in this image is marked where its content would be (dashed).
  function focusMarks(p) {
    var s = state.current;
    if (!s) return [];
    if (state.change >= 0) {
      var row = changeRows(s)[state.change];
      return row ? row.changes.map(function (c) { return markFor(s, p.frame, scaled(s, c.baseline), scaled(s, c.actual)); }).filter(Boolean) : [];
    }
    if (state.region >= 0) {
      var r = (s.regions || [])[state.region];
      return r ? [{ r: r }] : [];
    }
    if (state.finding >= 0) { // measured on the actual render
      return findingBoxes(s.findings[state.finding]).map(function (b) {
        return p.frame === 'baseline' ? markFor(s, 'baseline', null, scaled(s, b)) : { r: scaled(s, b) };
      });
    }
    return [];
  }

  function markFor(s, frame, b, a) {
    var own = frame === 'baseline' ? b : a;
    if (own) return { r: own };
    var other = frame === 'baseline' ? a : b;
    if (!other) return null;
    var y = frameY(other[1], frame === 'baseline' ? 'actual' : 'baseline', frame);
    return { r: [other[0], y, other[2], other[3]], ghost: true };
  }

  function placeHighlight() {
    stage.panes.forEach(function (p) {
      var marks = stage.thumbOnly ? [] : focusMarks(p);
      var first = marks.length ? state.part % marks.length : 0;
      var order = marks.slice(first).concat(marks.slice(0, first)); // the one centred on gets the spotlight
      while (p.more.length < order.length - 1) p.more.push(p.canvas.appendChild(el('div', { class: 'hl hl--more' })));
      var sc = stage.scale;
      [p.hl].concat(p.more).forEach(function (node, i) {
        var m = order[i];
        node.hidden = !m;
        if (!m) return;
        node.classList.toggle('hl--ghost', !!m.ghost);
        node.style.left = (m.r[0] * sc) + 'px';
        node.style.top = (m.r[1] * sc) + 'px';
        node.style.width = Math.max(2, m.r[2] * sc) + 'px';
        node.style.height = Math.max(2, m.r[3] * sc) + 'px';
      });
    });
    $$('#regions-list .region').forEach(function (b) {
      b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-region')) === state.region));
    });
    $$('#regions-list .change').forEach(function (b) {
      b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-change')) === state.change));
    });
    $$('#checks-body .finding--zoom').forEach(function (b) {
      b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-finding')) === state.finding));
    });
  }

  function focusOn(kind, i) {
    var same = state[kind] === i && state.zoom === 'region';
    state.region = state.finding = state.change = -1;
    state[kind] = i;
    var n = stage.panes.length ? focusMarks(stage.panes[stage.panes.length - 1]).length : 0;
    state.part = same && n > 1 ? (state.part + 1) % n : 0; // clicking again: the next of its elements
    return n;
  }

  function zoomToRegion(i, quiet) {
    var s = state.current;
    var r = s && (s.regions || [])[i];
    if (!r || !stage.panes.length) return;
    focusOn('region', i);
    zoomToFocus();
    showButton('[data-region="' + i + '"]');
    if (!quiet) announce('Region ' + (i + 1) + ': x ' + r[0] + ', y ' + r[1] + ', ' + r[2] + '×' + r[3] + ' px', false, null, true);
  }

  function zoomToChange(i, quiet) {
    var s = state.current;
    var row = s && changeRows(s)[i];
    if (!row || !stage.panes.length || stage.thumbOnly) return;
    var n = focusOn('change', i);
    zoomToFocus();
    showButton('[data-change="' + i + '"]');
    if (quiet) return;
    var what = row.knock ? row.title + ': ' + row.words : row.title + ': ' + row.words;
    announce(n > 1 ? what + ' (' + (state.part + 1) + ' of ' + n + ' outlined; click again for the next)' : what, false, null, true);
  }

  function zoomToFinding(i, quiet) {
    var s = state.current;
    var f = s && s.findings[i];
    if (!findingBox(s, f) || !stage.panes.length || stage.thumbOnly) return;
    var n = focusOn('finding', i);
    zoomToFocus();
    if (!quiet) {
      announce((f.severity === 'fail' ? 'Failing check' : f.severity === 'warn' ? 'Warning' : 'Finding') + ': ' + (f.message || f.rule || '') +
        (n > 1 ? ' (element ' + (state.part + 1) + ' of ' + n + '; click again for the next)' : ''), false, null, true);
    }
  }

  function showButton(sel) {
    var btn = $('#regions-list ' + sel);
    if (btn && btn.scrollIntoView && document.activeElement !== btn) btn.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  function nextFinding() {
    var s = state.current;
    if (!s || stage.thumbOnly) return;
    var n = s.findings.length;
    for (var k = 1; k <= n; k++) {
      var i = ((state.finding < 0 ? -1 : state.finding) + k) % n;
      if (findingBox(s, s.findings[i])) { zoomToFinding(i); return; }
    }
  }

  // Each pane zoomed to the same scale and centred on its own box of the focused element.
  function zoomToFocus() {
    var targets = stage.panes.map(function (p) {
      var marks = focusMarks(p);
      return marks.length ? marks[state.part % marks.length].r : null;
    });
    if (!targets.some(Boolean)) return;
    var first = stage.panes[0].scroll;
    var last = stage.panes[stage.panes.length - 1].scroll;
    var vis = visiblePart(first);
    var stacked = last !== first && last.getBoundingClientRect().top >= first.getBoundingClientRect().bottom; // a phone
    if (vis.height < Math.min(240, first.clientHeight * 0.6) || (stacked && visiblePart(last).height < last.clientHeight * 0.6)) {
      window.scrollBy(0, vis.rectTop - vis.barBottom - 40); // bring the panes on screen first, with their headings
      vis = visiblePart(first);
    }
    var vw = first.clientWidth || 1, vh = vis.height || first.clientHeight || 1;
    var w = 1, h = 1;
    targets.forEach(function (r) { if (r) { w = Math.max(w, r[2]); h = Math.max(h, r[3]); } });
    state.zoom = 'region';
    state.scale = clamp(Math.min(vw * 0.7 / w, vh * 0.6 / h), 0.02, 6);
    layout(null);
    var scale = stage.scale;
    var middle = vis.height ? vis.top + vis.height / 2 : first.clientHeight / 2;
    stage.panes.forEach(function (p, i) {
      var r = targets[i];
      if (!r) return;
      var sc = p.scroll;
      sc.scrollLeft = p.canvas.offsetLeft + (r[0] + r[2] / 2) * scale - sc.clientWidth / 2;
      sc.scrollTop = p.canvas.offsetTop + (r[1] + r[3] / 2) * scale - middle;
      sc._expect = { t: sc.scrollTop, l: sc.scrollLeft };
    });
    if (stage.overlay) updateOverlay();
  }

  function nextRegion() {
    var s = state.current;
    if (!s) return;
    var rows = changeRows(s);
    if (rows.length) { zoomToChange(state.change + 1 < rows.length ? state.change + 1 : 0); return; }
    if (!(s.regions || []).length) return;
    zoomToRegion((state.region + 1) % s.regions.length);
  }

  // swipe / onion / blink: one pane, the actual and the baseline on top of each other
  function setupOverlay(pane, baselineLayer) {
    var top = pane.layers[1];
    stage.overlay = { pane: pane, top: top, baseline: baselineLayer };
    if (state.view === 'swipe') {
      $('#swipe-control').hidden = false;
      var divider = el('div', { class: 'divider', 'aria-hidden': 'true' });
      pane.canvas.appendChild(divider);
      stage.overlay.divider = divider;
      pane.view.appendChild(el('span', { class: 'tag', 'aria-hidden': 'true' }, ['◀ Baseline']));
      pane.view.appendChild(el('span', { class: 'tag tag--right', 'aria-hidden': 'true' }, ['Actual ▶']));
      pane.scroll.addEventListener('pointerdown', onSwipePointer);
    } else if (state.view === 'onion') {
      $('#onion-control').hidden = false;
    } else if (state.view === 'blink') {
      $('#blink-control').hidden = false;
      state.blinkTop = true;
      startBlink();
    }
    updateOverlay();
  }

  var overlayFrame = 0;
  function scheduleOverlay() {
    if (overlayFrame) return;
    overlayFrame = requestAnimationFrame(function () { overlayFrame = 0; updateOverlay(); });
  }

  // Shift the baseline so that the content in the middle of the view lines up with the actual.
  function alignOverlay(o) {
    var s = state.current;
    var sc = o.pane.scroll;
    var scale = stage.scale || 1;
    var shift = 0;
    if (state.aligned && canAlign(s)) shift = Math.round(shiftAt(s, (sc.scrollTop + sc.clientHeight / 2 - o.pane.canvas.offsetTop) / scale));
    stage.shift = shift;
    o.baseline.img.style.transform = shift ? 'translateY(' + (shift * scale) + 'px)' : '';
    var k = dsf(s);
    o.pane.sub.textContent = shift
      ? 'baseline shifted ' + signed(Math.round(shift / k)) + ' px to line up with the actual'
      : 'baseline ' + sizeText(s.baseline_size) + ' · actual ' + sizeText(s.actual_size);
  }

  function updateOverlay() {
    var o = stage.overlay;
    if (!o || !stage.panes.length || stage.panes[0] !== o.pane) return;
    alignOverlay(o);
    var wrap = o.top.wrap;
    if (state.view === 'swipe') {
      wrap.style.clipPath = 'inset(0 ' + (100 - state.swipe) + '% 0 0)';
      wrap.style.opacity = '';
      if (o.divider) o.divider.style.left = state.swipe + '%';
      $('#swipe').value = String(state.swipe);
    } else if (state.view === 'onion') {
      wrap.style.clipPath = '';
      wrap.style.opacity = String(state.onion / 100);
      $('#onion').value = String(state.onion);
    } else if (state.view === 'blink') {
      wrap.style.clipPath = '';
      wrap.style.opacity = '';
      wrap.style.visibility = state.blinkTop ? 'visible' : 'hidden';
      var st = clear($('#blink-state'));
      st.appendChild(document.createTextNode('Showing '));
      st.appendChild(el('b', null, [state.blinkTop ? 'Actual' : 'Baseline']));
      var tb = $('#blink-toggle');
      tb.textContent = state.blinkPaused ? '▶ Play' : '❚❚ Pause';
      tb.setAttribute('aria-pressed', String(state.blinkPaused));
      tb.setAttribute('aria-label', state.blinkPaused ? 'Play: alternate baseline and actual' : 'Pause blinking');
    }
  }

  function onSwipePointer(e) {
    if (e.pointerType !== 'mouse' || e.button !== 0) return;
    var o = stage.overlay;
    if (!o || state.view !== 'swipe') return;
    var canvas = o.pane.canvas;
    function move(ev) {
      var rect = canvas.getBoundingClientRect();
      state.swipe = clamp(((ev.clientX - rect.left) / rect.width) * 100, 0, 100);
      updateOverlay();
    }
    move(e);
    e.preventDefault();
    function up() { window.removeEventListener('pointermove', move); window.removeEventListener('pointerup', up); }
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  function startBlink() {
    stopBlink();
    if (state.view !== 'blink' || state.blinkPaused) { updateOverlay(); return; }
    state.blinkTimer = setInterval(function () {
      state.blinkTop = !state.blinkTop;
      updateOverlay();
    }, BLINK_MS);
    updateOverlay();
  }
  function stopBlink() {
    if (state.blinkTimer) clearInterval(state.blinkTimer);
    state.blinkTimer = null;
  }

  function preload(s) {
    if (!s || !s.images) return;
    ['actual', 'baseline', 'diff', 'aligned'].forEach(function (k) {
      if (s.images[k]) { var im = new Image(); im.decoding = 'async'; im.src = s.images[k]; }
    });
  }

  // ---- review mode -------------------------------------------------------------------
  // action: approve, reject, undo (shot ids) or approve-group (group ids). One request each.
  var VERB = { approve: 'Approve', reject: 'Reject', undo: 'Undo', 'approve-group': 'Approve' };
  function review(action, ids) {
    if (!reviewMode || !ids.length || state.busy) return;
    setBusy(true);
    var from = state.current;
    fetch('/api/' + action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Harness-Token': token },
      body: JSON.stringify(action === 'approve-group' ? { groups: ids } : { shots: ids }),
      cache: 'no-store',
      credentials: 'same-origin'
    }).then(function (res) {
      return res.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (!res.ok) {
          var why = body && body.error ? body.error : 'the server answered ' + res.status + (res.statusText ? ' ' + res.statusText : '');
          throw new Error(why);
        }
        return body || {};
      });
    }).then(function (body) {
      var updates = body.shots || [];
      updates.forEach(function (u) { applyUpdate(u, action); });
      setBusy(false);
      var answered = updates.filter(function (u) { return action !== 'undo' && (u.approved || u.rejected); }).map(function (u) { return u.id; });
      var lines = String(body.message || '').split('; ').filter(Boolean);
      var message = lines.length > 2 // many shots: say how many, not each one
        ? lines[0].split(' ')[0] + ' ' + lines.length + ' shots: ' + lines.slice(0, 2).map(function (l) { return l.split(' ').slice(1).join(' ').replace(/ \(.*\)$/, ''); }).join(', ') + ' and ' + (lines.length - 2) + ' more'
        : body.message || VERB[action] + 'd ' + plural(ids.length, 'shot', 'shots') + '.';
      // Answered the shot on screen: on to the next one that waits, and say what was done there.
      var next = from && state.current === from && answered.indexOf(from.id) >= 0 ? nextPending(from) : null;
      if (next) go(next, true);
      else if (state.current) { renderInfo(state.current); renderStage(captureCenter()); }
      announce(message, false, answered);
    }).catch(function (err) {
      setBusy(false);
      announce(VERB[action] + ' failed: ' + (err && err.message ? err.message : String(err)), true);
    });
  }

  function nextPending(cur) {
    var list = navList().filter(pending);
    if (!list.length) return null;
    var at = ordered.indexOf(cur);
    for (var i = 0; i < list.length; i++) if (ordered.indexOf(list[i]) > at) return list[i];
    return list[0];
  }

  function applyUpdate(u, action) {
    var s = u && byId.get(u.id);
    if (!s) return;
    if (typeof u.status === 'string' && u.status) s.status = u.status;
    if ('approved' in u) {
      s.approvedNow = !!u.approved && (s.approvedNow || !s.approved);
      s.approved = !!u.approved;
    }
    if ('rejected' in u) s.rejected = !!u.rejected;
    if (action === 'undo') s.approvedNow = false;
    var cell = cellOf(s);
    if (cell) paintCell(cell, s);
  }

  function setBusy(on) {
    state.busy = on;
    document.body.classList.toggle('is-busy', on);
    updateRowHeads(); // the counts, the Approve all buttons and the progress, live
    syncChips();
    syncGroups();
    if (state.current) { renderBadge(state.current); renderReview(state.current); renderPosition(state.current); renderChanges(state.current); }
  }

  // ---- keyboard ---------------------------------------------------------------------
  function onKey(e) {
    if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
    var help = $('#help');
    if (help.open) {
      if (e.key === '?') { e.preventDefault(); help.close(); }
      return;
    }
    var t = e.target;
    var tag = t && t.tagName;
    if (tag === 'SELECT' || tag === 'TEXTAREA' || (t && t.isContentEditable)) return;
    if (tag === 'INPUT' && t.type !== 'range' && t.type !== 'checkbox') return;
    var onRange = tag === 'INPUT' && t.type === 'range';
    var inShot = !!state.current;
    var k = e.key;
    if (k === '?') { e.preventDefault(); openHelp(); return; }
    if (k === 'j' || (k === 'ArrowRight' && inShot && !onRange)) { e.preventDefault(); step(1); return; }
    if (k === 'k' || (k === 'ArrowLeft' && inShot && !onRange)) { e.preventDefault(); step(-1); return; }
    if (k === 'Escape' && inShot) { e.preventDefault(); backToGrid(); return; }
    if (!inShot) return;
    if (k >= '1' && k <= '5') { e.preventDefault(); setView(VIEWS[Number(k) - 1]); return; }
    if (k === 'z') { e.preventDefault(); setZoom(state.zoom === 'fit' ? 'actual' : 'fit'); return; }
    if (k === 'r') { e.preventDefault(); nextRegion(); return; }
    if (k === 'f') { e.preventDefault(); nextFinding(); return; }
    if (k === 'd') { e.preventDefault(); setOverlay(!(state.overlay && state.view === 'side')); return; }
    if (k === 'a') { e.preventDefault(); setAligned(!state.aligned); return; }
    if (k === ' ' && state.view === 'blink' && tag !== 'BUTTON') { e.preventDefault(); toggleBlink(); }
  }

  function toggleBlink() {
    state.blinkPaused = !state.blinkPaused;
    if (state.blinkPaused) { stopBlink(); updateOverlay(); } else startBlink();
  }

  function openHelp() {
    var help = $('#help');
    if (typeof help.showModal === 'function') help.showModal(); else help.setAttribute('open', '');
  }

  // ---- wiring ----------------------------------------------------------------------
  function wire() {
    $$('[data-help]').forEach(function (b) { b.addEventListener('click', openHelp); });
    $('#shot-back').addEventListener('click', backToGrid);
    $('#shot-prev').addEventListener('click', function () { step(-1); });
    $('#shot-next').addEventListener('click', function () { step(1); });
    $$('#view-buttons button').forEach(function (b) {
      b.addEventListener('click', function () { setView(b.getAttribute('data-view')); });
    });
    $$('.seg--zoom button').forEach(function (b) {
      b.addEventListener('click', function () { setZoom(b.getAttribute('data-zoom')); });
    });
    $('#swipe').addEventListener('input', function (e) { state.swipe = Number(e.target.value); updateOverlay(); });
    $('#onion').addEventListener('input', function (e) { state.onion = Number(e.target.value); updateOverlay(); });
    $('#blink-toggle').addEventListener('click', toggleBlink);
    $('#overlay-toggle').addEventListener('click', function () { setOverlay(!state.overlay); });
    $$('#diff-tools [data-diff]').forEach(function (b) {
      b.addEventListener('click', function () { setDiffKind(b.getAttribute('data-diff')); });
    });
    $('#align-toggle').addEventListener('click', function () { setAligned(!state.aligned); });
    document.addEventListener('keydown', onKey);
    window.addEventListener('popstate', route);
    window.addEventListener('hashchange', route);
    var pending = false;
    function relayout() {
      if (pending || !state.current) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        var focus = captureCenter();
        sizeStage();
        if (state.zoom === 'region' && (state.region >= 0 || state.finding >= 0 || state.change >= 0)) zoomToFocus();
        else layout(focus);
      });
    }
    if (window.ResizeObserver) new ResizeObserver(relayout).observe($('#stage'));
    else window.addEventListener('resize', relayout);
  }

  renderHeader();
  renderFilters();
  renderGroups();
  renderGrid();
  applyFilters();
  wire();
  route();
})();
