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
  var pages = data.pages || [];
  var shots = data.shots || [];
  var bpIndex = new Map(bps.map(function (b, i) { return [b.name, i]; }));
  var pageIndex = new Map(pages.map(function (p, i) { return [p, i]; }));
  var byId = new Map();
  shots.forEach(function (s) {
    s.runStatus = s.status; // the pixels' verdict; review answers change what is shown
    s.rejected = !!s.rejected;
    s.findings = (Array.isArray(s.findings) ? s.findings : []).filter(function (f) { return f && typeof f === 'object'; });
    s.explanations = (Array.isArray(s.explanations) ? s.explanations : []).map(String);
    s.layoutFails = s.findings.filter(function (f) { return f.severity === 'fail'; }).length;
    s.layoutWarns = s.findings.filter(function (f) { return f.severity === 'warn'; }).length;
    // Filters, counts and navigation follow the run's verdict: pixels that match do not make
    // a shot pass when a layout check fails it (it fails the run's exit code too).
    s.group = s.runStatus === 'pass' && s.layoutFails ? 'fail' : s.runStatus;
    byId.set(s.id, s);
  });
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
    current: null,
    view: 'side',
    zoom: 'fit', // 'fit' | 'actual' | 'region'
    scale: 1,
    region: -1,
    finding: -1,
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

  var liveTimer = null;
  function announce(message, isError) {
    var live = $('#live');
    clearTimeout(liveTimer);
    live.classList.toggle('is-error', !!isError);
    live.textContent = message;
    liveTimer = setTimeout(function () { live.textContent = ''; }, isError ? 12000 : 6000);
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

  // "Layout checks: ✕ 2 shots fail (1 with matching pixels) · ⚠ 5 warnings on 3 shots"
  function renderLayoutTally() {
    var box = clear($('#layout-tally'));
    var t = layoutTally;
    box.hidden = !t.failing && !t.warnings;
    if (box.hidden) return;
    box.appendChild(el('span', { class: 'tally__label' }, ['Layout checks']));
    if (t.failing) {
      box.appendChild(el('span', { class: 'tally__item is-fail', 'data-tally': 'fail' }, [
        el('b', null, ['✕ ' + plural(t.failing, 'shot fails', 'shots fail')]),
        t.only ? ' (' + t.only + ' with matching pixels)' : ''
      ]));
    }
    if (t.warnings) {
      box.appendChild(el('span', { class: 'tally__item is-warn', 'data-tally': 'warn' }, [
        el('b', null, ['⚠ ' + plural(t.warnings, 'warning', 'warnings')]),
        ' on ' + plural(t.warned, 'shot', 'shots')
      ]));
    }
  }

  function syncChips() {
    $$('.chip').forEach(function (chip) {
      var on = state.statuses.has(chip.getAttribute('data-status'));
      chip.setAttribute('aria-pressed', String(on));
      $('.chip__state', chip).textContent = chip.getAttribute('data-count') === '0' ? 'none' : on ? 'shown' : 'hidden';
    });
  }

  function toggleStatus(st) {
    if (state.statuses.has(st)) state.statuses.delete(st); else state.statuses.add(st);
    syncChips();
    applyFilters();
  }

  // ---- filters ------------------------------------------------------------------------
  function renderFilters() {
    var pageSel = $('#filter-page');
    pages.forEach(function (p) { pageSel.appendChild(el('option', { value: p }, [p])); });
    var bpSel = $('#filter-bp');
    bps.forEach(function (b) { bpSel.appendChild(el('option', { value: b.name }, [b.name + ' (' + b.viewport.width + ' px)'])); });
    pageSel.addEventListener('change', function () { state.page = pageSel.value; applyFilters(); });
    bpSel.addEventListener('change', function () { state.bp = bpSel.value; applyFilters(); });
  }

  function matches(s) {
    return state.statuses.has(s.group) && (!state.page || s.page === state.page) && (!state.bp || s.breakpoint === state.bp);
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
    $('#grid-empty').hidden = total > 0;
    $('#grid-scroll').hidden = total === 0;
    var sub = clear($('#grid-sub'));
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
    var caption = el('caption', { class: 'sr-only' }, ['Shots by page (rows) and breakpoint (columns, narrowest first)']);
    table.appendChild(caption);
    var headRow = el('tr', null, [el('th', { class: 'corner', scope: 'col' }, ['Page ↓ · breakpoint →'])]);
    bps.forEach(function (b, i) {
      var th = el('th', { class: 'colhead', scope: 'col', 'data-col': String(i), 'data-bp': b.name }, [
        el('span', { class: 'colhead__name' }, [nameWithBreaks(b.name)]),
        b.range ? el('span', { class: 'colhead__range' }, [b.range]) : null,
        el('span', { class: 'colhead__vp' }, [b.viewport.width + ' × ' + b.viewport.height])
      ]);
      if (reviewMode) th.appendChild(approveAllButton('breakpoint', b.name));
      headRow.appendChild(th);
    });
    table.appendChild(el('thead', null, [headRow]));

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
        row.appendChild(el('td', { class: 'slot', 'data-col': String(i) }, [s ? makeCell(s) : null]));
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
      el('span', { class: 'cell__img' }, [img, el('span', { class: 'cell__marks', 'aria-hidden': 'true' })]),
      el('span', { class: 'cell__label' }, [el('span', { class: 'cell__status' }), el('span', { class: 'cell__pct' })])
    ]);
    paintCell(a, s);
    return a;
  }

  function paintCell(a, s) {
    var st = shown(s);
    a.className = 'cell is-' + st + (state.lastOpened === s ? ' is-current' : '');
    $('.cell__status', a).textContent = label(st);
    $('.cell__pct', a).textContent = s.runStatus === 'fail' ? shortPct(s.ratio) : '';
    var marks = clear($('.cell__marks', a));
    if (s.layoutFails && st !== 'layout') marks.appendChild(el('span', { class: 'mark mark--fail' }, ['✕ layout']));
    if (s.layoutWarns) marks.appendChild(el('span', { class: 'mark mark--warn', title: plural(s.layoutWarns, 'layout warning', 'layout warnings') }, ['⚠ ' + s.layoutWarns]));
    var extra = s.runStatus === 'fail' ? ', ' + pct(s.ratio) + ' of pixels differ' : '';
    if (st === 'layout') extra = ': the pixels match, ' + plural(s.layoutFails, 'layout check fails', 'layout checks fail');
    else if (s.layoutFails) extra += ', ' + plural(s.layoutFails, 'layout check fails', 'layout checks fail');
    if (s.layoutWarns) extra += ', ' + plural(s.layoutWarns, 'layout warning', 'layout warnings');
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
      btn.textContent = (kind === 'page' ? 'Approve all (' : 'Approve (') + ids.length + ')';
      btn.setAttribute('aria-label', 'Approve all ' + ids.length + ' changed shots of ' + (kind === 'page' ? 'page ' : 'breakpoint ') + name);
    });
  }

  function pendingIds(kind, name) {
    return ordered.filter(function (s) { return pending(s) && (kind === 'page' ? s.page === name : s.breakpoint === name); })
      .map(function (s) { return s.id; });
  }

  function approveAllButton(kind, name) {
    return el('button', {
      type: 'button', class: 'btn btn--small', 'data-approve-all': kind, 'data-name': name,
      onclick: function () { review('approve', pendingIds(kind, name)); }
    }, ['Approve all']);
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
    if (state.zoom === 'region') state.zoom = 'fit';
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
    var list = navList();
    var idx = list.indexOf(s);
    var pos = $('#shot-pos');
    pos.textContent = idx >= 0 ? (idx + 1) + ' of ' + list.length : (list.length ? list.length + ' to review' : 'nothing to review');
    pos.title = idx >= 0 ? 'shot ' + (idx + 1) + ' of the ' + list.length + ' to review' : '';
    $('#shot-prev').disabled = !neighbour(-1);
    $('#shot-next').disabled = !neighbour(1);
    document.title = s.page + ' @ ' + s.breakpoint + ' (' + bp.viewport.width + ' px) – ' + (data.title || 'Layout report');
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
    box.hidden = !s.explanations.length;
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
        var b = f.box;
        item = el('button', {
          type: 'button', class: 'finding finding--zoom', 'data-finding': String(i), 'aria-pressed': 'false',
          'aria-label': sev.word + ', ' + [f.kind, f.rule].filter(Boolean).join(' ') + ': ' + (f.message || '') + '. Zoom to it on the screenshot',
          onclick: function () { zoomToFinding(i); }
        }, [head, msg, el('span', { class: 'finding__where', 'aria-hidden': 'true' }, [
          el('span', { class: 'finding__zoom' }, ['⤢ Show']),
          ' x ' + b[0] + ', y ' + b[1] + ' · ' + b[2] + '×' + b[3] + ' px'
        ])]);
      } else {
        item = el('div', { class: 'finding', 'data-finding': String(i) }, [head, msg]);
      }
      return el('li', { class: 'findings__item is-' + (SEVERITY[f.severity] ? f.severity : 'other') }, [item]);
    }));
  }

  // A finding's box is in CSS px of the page; the screenshots are in device pixels.
  function findingBox(s, f) {
    var b = f && f.box;
    if (!Array.isArray(b) || b.length < 4 || !b.every(function (v) { return isFinite(Number(v)); })) return null;
    var k = Number(bpOf(s).device_scale_factor) || 1;
    return [b[0] * k, b[1] * k, Math.max(1, b[2] * k), Math.max(1, b[3] * k)];
  }

  function hasFullImage(s) { return !!(s.images && (s.images.actual || s.images.baseline)); }

  function renderRegions(s) {
    var box = $('#regions-box');
    var regions = s.regions || [];
    box.hidden = !regions.length || !(s.images.baseline || s.images.actual || s.images.diff);
    $('#regions-count').textContent = '(' + (regions.length >= 100 ? '100 largest' : regions.length) + ')';
    $('#regions-list').scrollLeft = 0;
    var list = clear($('#regions-list'));
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
      box.appendChild(el('div', { class: 'review__row' }, [
        el('button', { type: 'button', class: 'btn btn--primary', 'data-action': 'approve', disabled: done || state.busy,
          onclick: function () { review('approve', [s.id]); } }, [s.runStatus === 'new' ? 'Approve as baseline' : 'Approve']),
        el('button', { type: 'button', class: 'btn btn--danger', 'data-action': 'reject', disabled: done || state.busy,
          onclick: function () { review('reject', [s.id]); } }, ['Reject'])
      ]));
      if (done) box.appendChild(el('p', { class: 'review__done' }, [s.approved ? '✓ Approved: this is the baseline now.' : '⊘ Rejected: the baseline stays.']));
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
    $('#view-buttons').hidden = !full; // one image: nothing to switch between
    $$('#view-buttons button').forEach(function (b) {
      var v = b.getAttribute('data-view');
      var usable = !!full && (v !== 'diff' || !!s.images.diff);
      b.disabled = !usable;
      b.setAttribute('aria-pressed', String(usable && v === state.view));
    });
    $$('.seg--zoom button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-zoom') === state.zoom));
    });
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

  function layersFor(s) {
    var im = s.images;
    var b = s.baseline_size, a = s.actual_size;
    var union = b && a ? [Math.max(b[0], a[0]), Math.max(b[1], a[1])] : (a || b);
    var L = {
      baseline: im.baseline ? { src: im.baseline, size: b, name: 'Baseline' } : null,
      actual: im.actual ? { src: im.actual, size: a, name: 'Actual' } : null,
      diff: im.diff ? { src: im.diff, size: union, name: 'Diff' } : null
    };
    return L;
  }

  function renderStage(focus) {
    var s = state.current;
    var box = clear($('#stage'));
    stopBlink();
    stage = { panes: [], width: 0, height: 0, single: false, thumbOnly: false };
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
      if (s.runStatus === 'new') {
        only = L.actual;
        text = 'No baseline yet: this is the first screenshot of this page at this breakpoint.' +
          (s.updated ? ' This run wrote it as the baseline.' : ' Approving it makes it the baseline.');
      } else if (s.runStatus === 'error') {
        only = L.actual || (L.baseline && { src: L.baseline.src, size: L.baseline.size, name: 'Baseline (last approved)' });
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
        var pane = makePane(only.name, sizeText(only.size), [{ layer: only, cls: 'base' }], only.size);
        box.appendChild(el('div', { class: 'panes' }, [pane.el]));
      }
    } else if (state.view === 'side') {
      var panes = [L.baseline, L.actual, L.diff].filter(Boolean);
      var wrap = el('div', { class: 'panes panes--' + panes.length });
      var union = unionSize([L.baseline.size, L.actual.size, L.diff && L.diff.size]);
      panes.forEach(function (layer) {
        var sub = layer === L.diff ? num(s.mismatched) + ' px differ' : sizeText(layer.size);
        var p = makePane(layer.name, sub, [{ layer: layer, cls: 'base' }], union);
        wrap.appendChild(p.el);
      });
      box.appendChild(wrap);
    } else if (state.view === 'diff') {
      var dp = makePane('Diff', num(s.mismatched) + ' px differ (' + pct(s.ratio) + ')', [{ layer: L.diff, cls: 'base' }], L.diff.size);
      box.appendChild(el('div', { class: 'panes' }, [dp.el]));
    } else {
      var u = unionSize([L.baseline.size, L.actual.size]);
      var title = state.view === 'swipe' ? 'Swipe' : state.view === 'onion' ? 'Onion skin' : 'Blink';
      var sp = makePane(title, 'baseline ' + sizeText(L.baseline.size) + ' · actual ' + sizeText(L.actual.size),
        [{ layer: L.baseline, cls: 'base' }, { layer: L.actual, cls: 'top' }], u);
      box.appendChild(el('div', { class: 'panes' }, [sp.el]));
      setupOverlay(sp);
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

  function makePane(title, sub, layers, size) {
    var canvas = el('div', { class: 'canvas' });
    var pane = { layers: [], size: size ? size.slice() : [1, 1], canvas: canvas, hl: el('div', { class: 'hl', hidden: true }) };
    layers.forEach(function (spec) {
      var img = el('img', { src: spec.layer.src, alt: spec.layer.name + ' screenshot', draggable: 'false', decoding: 'async', class: spec.cls });
      var entry = { img: img, size: spec.layer.size ? spec.layer.size.slice() : null, cls: spec.cls };
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
    pane.el = el('section', { class: 'pane', 'data-pane': title.toLowerCase().split(' ')[0] }, [
      el('header', { class: 'pane__head' }, [el('b', null, [title]), el('span', null, [sub || ''])]),
      pane.view
    ]);
    scroll.addEventListener('scroll', onPaneScroll, { passive: true });
    stage.panes.push(pane);
    return pane;
  }

  function onPaneScroll(e) {
    var src = e.currentTarget;
    if (src._expect && Math.abs(src.scrollTop - src._expect.t) < 2 && Math.abs(src.scrollLeft - src._expect.l) < 2) {
      src._expect = null;
      return;
    }
    src._expect = null;
    stage.panes.forEach(function (p) {
      var o = p.scroll;
      if (o === src) return;
      if (Math.abs(o.scrollTop - src.scrollTop) < 1 && Math.abs(o.scrollLeft - src.scrollLeft) < 1) return;
      o._expect = { t: src.scrollTop, l: src.scrollLeft };
      o.scrollTop = src.scrollTop;
      o.scrollLeft = src.scrollLeft;
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
      stage.panes.forEach(function (p) {
        var sc = p.scroll;
        sc._expect = null;
        sc.scrollLeft = p.canvas.offsetLeft + focus.x * scale - sc.clientWidth / 2;
        sc.scrollTop = p.canvas.offsetTop + focus.y * scale - (focus.top ? 0 : sc.clientHeight / 2);
      });
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

  function focusBox() {
    var s = state.current;
    if (!s) return null;
    if (state.region >= 0) return (s.regions || [])[state.region] || null;
    if (state.finding >= 0) return findingBox(s, s.findings[state.finding]);
    return null;
  }

  function placeHighlight() {
    var r = focusBox();
    stage.panes.forEach(function (p) {
      if (!r || stage.thumbOnly) { p.hl.hidden = true; return; }
      var sc = stage.scale;
      p.hl.hidden = false;
      p.hl.style.left = (r[0] * sc) + 'px';
      p.hl.style.top = (r[1] * sc) + 'px';
      p.hl.style.width = Math.max(2, r[2] * sc) + 'px';
      p.hl.style.height = Math.max(2, r[3] * sc) + 'px';
    });
    $$('#regions-list .region').forEach(function (b) {
      b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-region')) === state.region));
    });
    $$('#checks-body .finding--zoom').forEach(function (b) {
      b.setAttribute('aria-pressed', String(Number(b.getAttribute('data-finding')) === state.finding));
    });
  }

  function zoomToRegion(i, quiet) {
    var s = state.current;
    var r = s && (s.regions || [])[i];
    if (!r || !stage.panes.length) return;
    state.region = i;
    state.finding = -1;
    zoomTo(r);
    var btn = $('#regions-list [data-region="' + i + '"]');
    if (btn && btn.scrollIntoView && document.activeElement !== btn) btn.scrollIntoView({ block: 'nearest' });
    if (!quiet) announce('Region ' + (i + 1) + ': x ' + r[0] + ', y ' + r[1] + ', ' + r[2] + '×' + r[3] + ' px');
  }

  function zoomToFinding(i, quiet) {
    var s = state.current;
    var f = s && s.findings[i];
    var r = findingBox(s, f);
    if (!r || !stage.panes.length || stage.thumbOnly) return;
    state.finding = i;
    state.region = -1;
    zoomTo(r);
    if (!quiet) announce((f.severity === 'fail' ? 'Failing check' : f.severity === 'warn' ? 'Warning' : 'Finding') + ': ' + (f.message || f.rule || ''));
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

  // Zoom so the box [x, y, w, h] (image pixels) fills most of the pane, centred in its visible part.
  function zoomTo(r) {
    var sc = stage.panes[0].scroll;
    var vis = visiblePart(sc);
    if (vis.height < Math.min(240, sc.clientHeight * 0.6)) { // bring the pane on screen first
      window.scrollBy(0, vis.rectTop - vis.barBottom - 8);
      vis = visiblePart(sc);
    }
    var vw = sc.clientWidth || 1, vh = vis.height || sc.clientHeight || 1;
    var scale = Math.min(vw * 0.7 / Math.max(r[2], 1), vh * 0.6 / Math.max(r[3], 1));
    state.zoom = 'region';
    state.scale = clamp(scale, 0.02, 6);
    layout(null);
    var scaleNow = stage.scale;
    var first = stage.panes[0];
    var middle = vis.height ? vis.top + vis.height / 2 : sc.clientHeight / 2;
    var left = first.canvas.offsetLeft + (r[0] + r[2] / 2) * scaleNow - sc.clientWidth / 2;
    var top = first.canvas.offsetTop + (r[1] + r[3] / 2) * scaleNow - middle;
    stage.panes.forEach(function (p) {
      p.scroll.scrollLeft = left;
      p.scroll.scrollTop = top;
      p.scroll._expect = { t: p.scroll.scrollTop, l: p.scroll.scrollLeft };
    });
  }

  function nextRegion() {
    var s = state.current;
    if (!s || !(s.regions || []).length) return;
    zoomToRegion((state.region + 1) % s.regions.length);
  }

  // swipe / onion / blink
  function setupOverlay(pane) {
    var top = pane.layers[1];
    stage.overlay = { pane: pane, top: top };
    if (state.view === 'swipe') {
      $('#swipe-control').hidden = false;
      var divider = el('div', { class: 'divider', 'aria-hidden': 'true' });
      pane.canvas.appendChild(divider);
      stage.overlay.divider = divider;
      pane.view.appendChild(el('span', { class: 'tag', 'aria-hidden': 'true' }, ['◀ Actual']));
      pane.view.appendChild(el('span', { class: 'tag tag--right', 'aria-hidden': 'true' }, ['Baseline ▶']));
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

  function updateOverlay() {
    var o = stage.overlay;
    if (!o || !stage.panes.length || stage.panes[0] !== o.pane) return;
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
    ['actual', 'baseline', 'diff'].forEach(function (k) {
      if (s.images[k]) { var im = new Image(); im.decoding = 'async'; im.src = s.images[k]; }
    });
  }

  // ---- review mode -------------------------------------------------------------------
  function review(action, ids) {
    if (!reviewMode || !ids.length || state.busy) return;
    setBusy(true);
    fetch('/api/' + action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Harness-Token': token },
      body: JSON.stringify({ shots: ids }),
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
      (body.shots || []).forEach(applyUpdate);
      var verb = action === 'approve' ? 'Approved' : 'Rejected';
      announce(body.message || verb + ' ' + ids.length + (ids.length === 1 ? ' shot.' : ' shots.'));
    }).catch(function (err) {
      announce((action === 'approve' ? 'Approve' : 'Reject') + ' failed: ' + (err && err.message ? err.message : String(err)), true);
    }).then(function () {
      setBusy(false);
    });
  }

  function applyUpdate(u) {
    var s = u && byId.get(u.id);
    if (!s) return;
    if (typeof u.status === 'string' && u.status) s.status = u.status;
    if ('approved' in u) s.approved = !!u.approved;
    if ('rejected' in u) s.rejected = !!u.rejected;
    var cell = cellOf(s);
    if (cell) paintCell(cell, s);
  }

  function setBusy(on) {
    state.busy = on;
    document.body.classList.toggle('is-busy', on);
    updateRowHeads();
    if (state.current) { renderBadge(state.current); renderReview(state.current); }
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
        if (state.zoom === 'region' && state.region >= 0) zoomToRegion(state.region, true);
        else if (state.zoom === 'region' && state.finding >= 0) zoomToFinding(state.finding, true);
        else layout(focus);
      });
    }
    if (window.ResizeObserver) new ResizeObserver(relayout).observe($('#stage'));
    else window.addEventListener('resize', relayout);
  }

  renderHeader();
  renderFilters();
  renderGrid();
  applyFilters();
  wire();
  route();
})();
