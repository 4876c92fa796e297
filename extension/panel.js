// The CORS panel: renders what the engine's session reports (docs/session-api.md) for one tab. Runs inside
// DevTools (tab id from chrome.devtools.inspectedWindow) and as a normal tab (panel.html?tabId=N).
// No CORS logic here: the verdict, console line, explanation, preflight reasons, preflight cost and fixes all
// come from the engine. Every captured value is rendered as text (textContent), never as markup.
const api = globalThis.browser ?? globalThis.chrome;
const inDevtools = !!api.devtools?.inspectedWindow;
const params = new URLSearchParams(location.search);
const tabId = inDevtools ? api.devtools.inspectedWindow.tabId : Number(params.get('tabId'));

const $ = (id) => document.getElementById(id);
const ROW_H = 22;

const state = {
  report: null, // the last report from the session
  items: [], // report.exchanges after filter + search (newest first)
  view: 'failures',
  filter: 'failed',
  search: '',
  selectedId: null,
  preserve: false,
  framework: null,
  error: null,
  refreshes: 0,
  lastExport: null,
  lastProbe: null,
  lastVerify: null,
  lastCopied: null,
};

// ---- DOM helpers: text only ----

function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') n.className = v;
      else if (k === 'text') n.textContent = String(v);
      else if (k === 'dataset') Object.assign(n.dataset, v);
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return n;
}

/** Replace a node's children; null/false entries are skipped (replaceChildren would print "null"). */
function fill(n, ...children) {
  n.replaceChildren(...children.flat().filter((c) => c != null && c !== false));
}

function toast(text) {
  const t = el('div', { class: 'toast', text });
  document.body.append(t);
  setTimeout(() => t.remove(), 1400);
}

async function copyText(text, what) {
  state.lastCopied = text;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // DevTools panels may not get the async clipboard: fall back to a selection copy.
    const ta = el('textarea', { style: 'position:fixed;left:-9999px;top:0' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    ta.remove();
  }
  toast(ok ? `Copied ${what}` : `Could not copy ${what}`);
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

// ---- talking to the background ----

function send(msg, { timeout = msg.type === 'probe' ? 30000 : 10000 } = {}) {
  let timer;
  return Promise.race([
    Promise.resolve().then(() => api.runtime.sendMessage({ tabId, ...msg })).then((r) => {
      if (r && r.error) throw new Error(r.error);
      return r;
    }),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the background did not answer')), timeout); }),
  ]).finally(() => clearTimeout(timer));
}

let port = null;
let reconnectDelay = 100;
function connect() {
  try {
    port = api.runtime.connect({ name: `panel:${tabId}` });
  } catch {
    setTimeout(connect, reconnectDelay);
    return;
  }
  port.onMessage.addListener((m) => {
    reconnectDelay = 100;
    if (m && m.type === 'changed') scheduleRefresh();
  });
  port.onDisconnect.addListener(() => {
    // The service worker stopped: reconnecting wakes it (it restores its session from storage.session).
    port = null;
    setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 2000);
  });
}

let refreshTimer = null;
let refreshing = null;
let lastRefreshMs = 0;
// Under steady traffic the report is rebuilt at most every ~2x what the last one cost (min 120 ms),
// so a busy page cannot keep the background busy answering the panel.
function scheduleRefresh(delay = Math.max(120, 2 * lastRefreshMs)) {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => { refreshTimer = null; refresh(); }, delay);
}

// Bumped by each click on "Preserve log": a report asked for before the click must not undo it.
let preserveClicks = 0;

async function refresh() {
  if (refreshing) { scheduleRefresh(); return refreshing; }
  refreshing = (async () => {
    const t0 = performance.now();
    try {
      const clicks = preserveClicks;
      const r = await send({ type: 'report' });
      lastRefreshMs = Math.min(2000, performance.now() - t0);
      state.error = null;
      if (clicks !== preserveClicks && r) delete r.preserve_log;
      setReport(r);
    } catch (e) {
      state.error = String(e.message || e);
      renderStatus();
    } finally {
      state.refreshes++;
      document.body.dataset.ready = '1';
      document.body.dataset.refreshes = String(state.refreshes);
    }
  })();
  try { await refreshing; } finally { refreshing = null; }
}

function setReport(r) {
  state.report = r || { exchanges: [], preflight_stats: [], findings: [], evicted: 0 };
  if (typeof state.report.preserve_log === 'boolean') {
    state.preserve = state.report.preserve_log;
    $('preserve').checked = state.preserve;
  }
  applyFilter();
  renderAll();
}

// ---- plain words ----

// A short label for the engine's CorsError (its full explanation comes from the engine when present).
const REASONS = {
  MissingAllowOriginHeader: 'No Access-Control-Allow-Origin header',
  MultipleAllowOriginValues: 'Access-Control-Allow-Origin has several values',
  InvalidAllowOriginValue: 'Access-Control-Allow-Origin is not a valid origin',
  AllowOriginMismatch: 'Access-Control-Allow-Origin names another origin',
  WildcardOriginNotAllowed: 'Access-Control-Allow-Origin: * on a credentialed request',
  InvalidAllowCredentials: "Access-Control-Allow-Credentials is not 'true'",
  PreflightMissingAllowOriginHeader: 'Preflight: no Access-Control-Allow-Origin header',
  PreflightMultipleAllowOriginValues: 'Preflight: Access-Control-Allow-Origin has several values',
  PreflightInvalidAllowOriginValue: 'Preflight: Access-Control-Allow-Origin is not a valid origin',
  PreflightAllowOriginMismatch: 'Preflight: Access-Control-Allow-Origin names another origin',
  PreflightWildcardOriginNotAllowed: 'Preflight: Access-Control-Allow-Origin: * with credentials',
  PreflightInvalidAllowCredentials: "Preflight: Access-Control-Allow-Credentials is not 'true'",
  PreflightInvalidStatus: 'Preflight answered with a non-2xx status',
  PreflightDisallowedRedirect: 'Preflight was redirected',
  InvalidAllowMethodsPreflightResponse: 'Access-Control-Allow-Methods cannot be parsed',
  InvalidAllowHeadersPreflightResponse: 'Access-Control-Allow-Headers cannot be parsed',
  MethodDisallowedByPreflightResponse: 'Method not allowed by Access-Control-Allow-Methods',
  HeaderDisallowedByPreflightResponse: 'Header not allowed by Access-Control-Allow-Headers',
  RedirectContainsCredentials: 'Redirect to a URL with user:password@',
  DisallowedByMode: "Cross-origin request in 'same-origin' mode",
  CorsDisabledScheme: 'The URL scheme does not support CORS',
  NoCorsRedirectModeNotFollow: "no-cors request whose redirect mode is not 'follow'",
  InsecureLocalNetwork: 'Blocked by Local Network Access',
  PreflightNetworkError: 'The preflight failed below HTTP',
  TooManyRedirects: 'Too many redirects',
  RedirectModeError: "Redirected while redirect mode is 'error'",
  InvalidRedirectLocation: 'Redirect Location is not a valid http(s) URL',
  NoCorsMethodNotSafelisted: 'no-cors with a method other than GET, HEAD, POST',
};

function reasonOf(item) {
  const v = item.verdict || {};
  if (v.error) {
    const base = REASONS[v.error] || v.error;
    if (v.failed_parameter && (v.error === 'MethodDisallowedByPreflightResponse' || v.error === 'HeaderDisallowedByPreflightResponse')) {
      return `${base}: ${v.failed_parameter}`;
    }
    if (v.error === 'PreflightInvalidStatus' && item.preflight?.status) return `Preflight answered ${item.preflight.status}, not 2xx`;
    return base;
  }
  if (v.allowed) return 'Allowed';
  if (v.undetermined) return 'Failed; cause undetermined';
  return item.failed ? 'Failed (not a CORS error)' : '';
}

// Which header a failure is about, so the header tables can mark it (presentation only).
function marksFor(v) {
  const e = v?.error || '';
  const m = { response: [], request: [], status: false };
  if (/AllowOrigin|WildcardOrigin/.test(e)) m.response.push('access-control-allow-origin');
  if (/AllowCredentials|WildcardOrigin/.test(e)) m.response.push('access-control-allow-credentials');
  if (/Method/.test(e) && /Preflight/.test(e)) {
    m.response.push('access-control-allow-methods');
    m.request.push('access-control-request-method');
  }
  if (/Header/.test(e) && /Preflight/.test(e)) {
    m.response.push('access-control-allow-headers');
    m.request.push('access-control-request-headers');
    for (const h of v.missing_allowed_headers?.length ? v.missing_allowed_headers : [v.failed_parameter]) {
      if (h) m.request.push(String(h).toLowerCase());
    }
  }
  if (e === 'PreflightInvalidStatus') m.status = true;
  if (/Redirect/.test(e)) m.response.push('location');
  return m;
}

// ---- filtering and the virtualised list ----

function matchesFilter(x) {
  if (state.filter === 'all') return true;
  if (!x.failed) return false;
  if (state.filter === 'failed-preflight') return !!(x.preflight || x.verdict?.preflight_required);
  return true;
}

function haystack(x) {
  if (!x.__hay) {
    x.__hay = `${x.method} ${x.url} ${x.status ?? ''} ${reasonOf(x)} ${x.verdict?.error || ''} ${x.verdict?.console?.chromium || ''}`.toLowerCase();
  }
  return x.__hay;
}

function applyFilter() {
  const all = state.report?.exchanges || [];
  const q = state.search.trim().toLowerCase();
  const terms = q ? q.split(/\s+/) : [];
  state.items = all.filter((x) => matchesFilter(x) && terms.every((t) => haystack(x).includes(t)));
  if (state.selectedId && !all.some((x) => x.id === state.selectedId)) state.selectedId = null;
}

const viewport = $('viewport');
const spacer = $('spacer');
const pool = [];
let rafPending = false;

function scheduleRows() {
  if (rafPending) return;
  rafPending = true;
  requestAnimationFrame(() => { rafPending = false; renderRows(); });
}

function makeRow() {
  const badge = el('span', { class: 'c-badge' });
  const method = el('span', { class: 'c-method' });
  const url = el('span', { class: 'c-url' });
  const status = el('span', { class: 'c-status' });
  const reason = el('span', { class: 'c-reason' });
  const row = el('div', { class: 'row', role: 'option' }, badge, method, url, status, reason);
  row.cells = { badge, method, url, status, reason };
  row.addEventListener('click', () => select(row.dataset.id));
  return row;
}

function fillRow(row, x, i) {
  row.dataset.id = x.id;
  row.dataset.index = String(i);
  row.style.transform = `translateY(${i * ROW_H}px)`;
  row.setAttribute('aria-selected', String(x.id === state.selectedId));
  const c = row.cells;
  fill(c.badge);
  if (x.preflight) {
    const bad = x.preflight.status != null && (x.preflight.status < 200 || x.preflight.status > 299);
    c.badge.append(el('span', { class: `badge pf${bad ? ' bad' : ''}`, title: `Preflight OPTIONS ${x.preflight.status ?? ''} (matched by ${x.preflight.match || '?'})`, text: 'OPTIONS' }));
  } else if (x.verdict?.preflight_required) {
    c.badge.append(el('span', { class: 'badge pf', title: 'Needs a preflight; none observed (cached?)', text: 'OPT?' }));
  }
  c.method.textContent = x.method;
  c.url.textContent = x.url;
  c.url.title = x.url;
  const st = x.status;
  c.status.textContent = st == null || st === 0 ? '(failed)' : String(st);
  c.status.className = `c-status ${x.failed ? 'bad' : 'good'}`;
  const reason = reasonOf(x);
  c.reason.textContent = reason;
  c.reason.title = x.verdict?.console?.chromium || reason;
  c.reason.className = `c-reason ${x.failed ? 'bad' : ''}`;
}

function renderRows() {
  const n = state.items.length;
  spacer.style.height = `${n * ROW_H}px`;
  const top = viewport.scrollTop;
  const h = viewport.clientHeight || 400;
  const first = Math.max(0, Math.floor(top / ROW_H) - 5);
  const last = Math.min(n, Math.ceil((top + h) / ROW_H) + 5);
  const need = Math.max(0, last - first);
  while (pool.length < need) { const r = makeRow(); pool.push(r); viewport.append(r); }
  for (let k = 0; k < pool.length; k++) {
    const row = pool[k];
    const i = first + k;
    if (k < need) {
      row.hidden = false;
      fillRow(row, state.items[i], i);
    } else if (!row.hidden) {
      row.hidden = true;
      row.dataset.id = '';
    }
  }
  const empty = $('empty');
  empty.hidden = n > 0;
  if (!n) {
    const total = state.report?.exchanges?.length || 0;
    empty.textContent = state.error
      ? `Cannot reach the background: ${state.error}`
      : total ? 'Nothing matches the filter.' : 'No failed cross-origin requests captured for this tab yet. Reload the page or make the request again.';
  }
}

viewport.addEventListener('scroll', scheduleRows, { passive: true });
new ResizeObserver(scheduleRows).observe(viewport);
viewport.addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  e.preventDefault();
  const i = state.items.findIndex((x) => x.id === state.selectedId);
  const j = Math.max(0, Math.min(state.items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
  if (state.items[j]) {
    select(state.items[j].id);
    const y = j * ROW_H;
    if (y < viewport.scrollTop) viewport.scrollTop = y;
    else if (y + ROW_H > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = y + ROW_H - viewport.clientHeight;
  }
});

// ---- toolbar, status, banner ----

const BANNER_FINDINGS_TEXT = { missing: 'missing', too_short: 'too short', zero: 'set to 0', unparsable: 'unparsable' };
const BANNER_FINDINGS = new Set(Object.keys(BANNER_FINDINGS_TEXT));

function renderStatus() {
  const r = state.report;
  const all = r?.exchanges || [];
  const failed = all.filter((x) => x.failed).length;
  $('count-failures').textContent = failed ? `(${failed})` : '';
  const stats = r?.preflight_stats || [];
  const preflights = stats.reduce((s, x) => s + (x.count || 0), 0);
  $('count-cost').textContent = preflights ? `(${preflights})` : '';
  const parts = [];
  if (state.error) parts.push(`error: ${state.error}`);
  parts.push(`${state.items.length} shown`, `${failed} failed`, `${all.length} cross-origin`);
  if (r?.evicted) parts.push(`${r.evicted} evicted`);
  $('status').textContent = parts.join(' · ');
  $('status').title = r?.evicted ? 'Evicted: oldest requests dropped to stay within the per-tab limit' : '';

  const banner = $('banner');
  const bad = stats.filter((s) => BANNER_FINDINGS.has(s.finding));
  if (bad.length) {
    const n = bad.reduce((s, x) => s + (x.count || 0), 0);
    const first = bad[0];
    fill(banner,
      el('span', { text: `Preflight cache: ${bad.length} request shape${bad.length > 1 ? 's' : ''} sent ${n} preflight${n > 1 ? 's' : ''} with Access-Control-Max-Age ${[...new Set(bad.map((b) => BANNER_FINDINGS_TEXT[b.finding]))].join(', ')}. ` }),
      el('span', { class: 'note', text: first.message || '' }),
      state.view !== 'cost' ? el('button', { type: 'button', text: 'Show preflight cost', onclick: () => setView('cost') }) : null,
    );
    banner.hidden = false;
  } else {
    banner.hidden = true;
    fill(banner);
  }
}

function renderAll() {
  renderStatus();
  renderRows();
  if (state.view === 'cost') renderCost();
  const sel = state.selectedId && (state.report?.exchanges || []).find((x) => x.id === state.selectedId);
  if (!sel) closeDetail();
  else if (detailSig(sel) !== shownSig) renderDetail(sel, { keepProbe: true });
}

// The detail is rebuilt only when what it shows changed (keeps scroll position and the probe result).
let shownSig = null;
function detailSig(x) {
  const v = x.verdict || {};
  return JSON.stringify([x.id, x.status, x.failed, x.preflight, v.error, v.console, v.explanation,
    x.exchange?.response, x.exchange?.preflight?.response, x.exchange?.redirects?.length]);
}

function setView(v) {
  state.view = v;
  for (const b of document.querySelectorAll('.view')) b.setAttribute('aria-selected', String(b.dataset.view === v));
  $('requests-view').hidden = v !== 'failures';
  $('cost-view').hidden = v !== 'cost';
  if (v === 'cost') renderCost(); else scheduleRows();
  renderStatus();
}

for (const b of document.querySelectorAll('.view')) b.addEventListener('click', () => setView(b.dataset.view));
$('filter').addEventListener('change', (e) => { state.filter = e.target.value; applyFilter(); renderAll(); });
let searchTimer = null;
$('search').addEventListener('input', (e) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { state.search = e.target.value; applyFilter(); viewport.scrollTop = 0; renderAll(); }, 80);
});
$('preserve').addEventListener('change', async (e) => {
  preserveClicks++;
  state.preserve = e.target.checked;
  await send({ type: 'preserve', value: state.preserve }).catch((err) => toast(String(err.message || err)));
});
$('clear').addEventListener('click', async () => {
  await send({ type: 'clear' }).catch((err) => toast(String(err.message || err)));
  state.selectedId = null;
  await refresh();
});
$('export-json').addEventListener('click', () => exportReport('json', null));
$('export-md').addEventListener('click', () => exportReport('markdown', null));

/** Export the redacted report: `ids` = one exchange, or null for every failure currently listed. */
async function exportReport(format, ids) {
  const list = ids || state.items.filter((x) => x.failed).map((x) => x.id);
  try {
    const r = await send({ type: 'export', format, ids: list });
    state.lastExport = { format, ids: list, text: r.text };
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    download(`cors-lens-${stamp}.${format === 'json' ? 'json' : 'md'}`, r.text, format === 'json' ? 'application/json' : 'text/markdown');
    toast(`Exported ${list.length} request${list.length === 1 ? '' : 's'}`);
  } catch (e) {
    toast(`Export failed: ${e.message || e}`);
  }
}

// ---- preflight cost ----

function renderCost() {
  const r = state.report || {};
  const stats = r.preflight_stats || [];
  const box = $('cost-view');
  const rows = stats.map((s) => el('tr', null,
    el('td', { class: 'num', text: s.count }),
    el('td', { text: s.method }),
    el('td', { class: 'url', text: s.url }),
    el('td', { class: 'mono', text: s.request_headers || '' }),
    el('td', { class: 'mono', text: s.max_age_header ?? '(none)' }),
    el('td', { class: 'num', text: s.max_age_seconds == null ? '' : `${s.max_age_seconds} s` }),
    el('td', { class: 'num', text: s.total_ms == null ? '' : `${Math.round(s.total_ms * 10) / 10} ms` }),
    el('td', null, el('span', { class: `finding ${s.finding === 'ok' ? 'ok' : 'warn'}`, text: s.finding }), ' ', el('span', { text: s.message || '' })),
  ));
  fill(box,
    el('p', { class: 'note', text: 'Every OPTIONS the browser sent for this tab, grouped by what the preflight cache keys on (origin, URL, method, request headers). The cache lifetime is what the browser reads from Access-Control-Max-Age.' }),
    (r.findings || []).length ? el('ul', { class: 'findings' }, r.findings.map((f) => el('li', { text: f.message || f.kind }))) : null,
    stats.length
      ? el('table', null,
        el('thead', null, el('tr', null, ['Preflights', 'Method', 'URL', 'Request headers', 'Max-Age header', 'Cached for', 'Time spent', 'Finding'].map((h) => el('th', { text: h })))),
        el('tbody', null, rows))
      : el('p', { class: 'note', text: 'No preflight requests captured for this tab.' }),
  );
}

// ---- detail ----

function closeDetail() {
  state.selectedId = null;
  shownSig = null;
  $('detail').hidden = true;
  fill($('detail'));
  $('requests-view').classList.remove('with-detail');
  scheduleRows();
}

function select(id) {
  const x = (state.report?.exchanges || []).find((e) => e.id === id);
  if (!x) return;
  state.selectedId = id;
  renderDetail(x, { keepProbe: false });
  scheduleRows();
}

function kvTable(rows, { statusLine, marks = [], markStatus = false, expectMissing = [] } = {}) {
  const set = new Set(marks);
  const body = [];
  if (statusLine) body.push(el('tr', { class: `status${markStatus ? ' mark' : ''}` }, el('td', { class: 'k', text: 'status' }), el('td', { class: 'v', text: statusLine })));
  const seen = new Set();
  for (const [k, v] of rows || []) {
    const lk = String(k).toLowerCase();
    seen.add(lk);
    body.push(el('tr', { class: set.has(lk) ? 'mark' : null, dataset: { header: lk } },
      el('td', { class: 'k', text: k }), el('td', { class: 'v', text: v })));
  }
  for (const name of expectMissing) {
    if (seen.has(name)) continue;
    body.push(el('tr', { class: 'mark missing', dataset: { header: name, missing: '1' } },
      el('td', { class: 'k', text: canonical(name) }), el('td', { class: 'v', text: '(missing)' })));
  }
  if (!body.length) body.push(el('tr', null, el('td', { class: 'k', text: '(none captured)' }), el('td')));
  return el('table', { class: 'kv' }, el('tbody', null, body));
}

const canonical = (name) => name.replace(/(^|-)([a-z])/g, (m, d, c) => d + c.toUpperCase());

function headerOf(list, name) {
  const hit = (list || []).filter(([k]) => String(k).toLowerCase() === name);
  return hit.length ? hit.map(([, v]) => v).join(', ') : null;
}

function section(title, ...content) {
  return el('section', { class: `sec sec-${title.toLowerCase().replace(/[^a-z]+/g, '-')}` }, el('h3', { text: title }), ...content);
}

// verdict.explanation (crate/src/explain.rs): summary, details, preflight_http {request, response},
// avoid_preflight, findings [{kind, message}], browser_differences, client_fix.
function renderExplanation(ex) {
  if (!ex) return null;
  if (typeof ex === 'string') return section('Explanation', el('div', { class: 'explanation' }, el('p', { text: ex })));
  const parts = [];
  if (ex.summary) parts.push(el('p', { class: 'summary', text: ex.summary }));
  for (const p of [ex.details, ex.paragraph].filter(Boolean)) parts.push(el('p', { text: p }));
  for (const f of ex.findings || []) {
    parts.push(el('p', { class: 'finding-line' }, el('span', { class: 'finding warn', text: (f.kind || 'note').replaceAll('_', ' ') }), ' ', el('span', { text: f.message || String(f) })));
  }
  if (ex.client_fix) parts.push(el('p', null, el('strong', { text: 'On the client: ' }), el('span', { text: ex.client_fix })));
  const diffs = ex.browser_differences || [];
  if (diffs.length) parts.push(el('details', null, el('summary', { text: 'Browser differences' }), el('ul', { class: 'reasons' }, diffs.map((d) => el('li', { text: d })))));
  for (const s of ex.sections || []) {
    if (typeof s === 'string') { parts.push(el('p', { text: s })); continue; }
    const title = s.title || s.heading;
    if (title) parts.push(el('h4', { text: title }));
    const body = s.body ?? s.text;
    if (body) parts.push(el('p', { text: body }));
  }
  return parts.length ? section('Explanation', el('div', { class: 'explanation' }, parts)) : null;
}

function renderPreflightHttp(ex) {
  const h = ex?.preflight_http;
  if (!h || !h.request) return null;
  return el('details', { class: 'preflight-http' }, el('summary', { text: 'The preflight as HTTP' }),
    el('pre', { text: h.response ? `${h.request}\n\n${h.response}` : h.request }));
}

function ms(v) { return v == null ? '' : `${Math.round(v * 10) / 10} ms`; }

function renderTimeline(x) {
  const v = x.verdict || {};
  const ex = x.exchange || {};
  const steps = [];
  if (x.preflight) {
    const st = x.preflight.status;
    const bad = v.stage === 'preflight' || (st != null && (st < 200 || st > 299));
    steps.push(el('div', { class: `step ${bad ? 'bad' : 'good'}` },
      el('div', { class: 'what', text: `OPTIONS ${st ?? '(no response)'}` }),
      el('div', { class: 'how', text: [x.preflight.duration_ms != null ? ms(x.preflight.duration_ms) : null, `matched by ${x.preflight.match}`].filter(Boolean).join(' · ') })));
  } else if (v.preflight_required) {
    steps.push(el('div', { class: 'step skipped' },
      el('div', { class: 'what', text: 'OPTIONS (not seen)' }),
      el('div', { class: 'how', text: 'needed; served from the preflight cache or hidden' })));
  }
  for (const r of ex.redirects || []) {
    if (steps.length) steps.push(el('span', { class: 'arrow', text: '→' }));
    steps.push(el('div', { class: `step ${v.stage === 'redirect' || v.stage === 'redirect_preflight' ? 'bad' : ''}` },
      el('div', { class: 'what', text: `${r.status} redirect` }),
      el('div', { class: 'how', text: r.location || '' })));
  }
  if (steps.length) steps.push(el('span', { class: 'arrow', text: '→' }));
  const sentActual = x.status != null && x.status !== 0;
  const blockedBefore = !sentActual && (v.stage === 'preflight' || v.stage === 'request' || v.stage === 'redirect_preflight');
  steps.push(el('div', { class: `step ${x.failed ? 'bad' : 'good'}${blockedBefore ? ' skipped' : ''}` },
    el('div', { class: 'what', text: `${x.method} ${sentActual ? x.status : blockedBefore ? '(never sent)' : '(failed)'}` }),
    el('div', { class: 'how', text: [x.timings?.total_ms != null ? `total ${ms(x.timings.total_ms)}` : null, x.failed ? 'blocked' : 'allowed'].filter(Boolean).join(' · ') })));
  return section('Timeline', el('div', { class: 'timeline' }, steps));
}

function renderHeaders(x) {
  const v = x.verdict || {};
  const ex = x.exchange || {};
  const req = ex.request || {};
  const m = marksFor(v);
  const missing = (names) => names.filter((n) => n.startsWith('access-control-allow-'));
  const blocks = [];
  const pf = ex.preflight;
  const pfStage = v.stage === 'preflight' || v.stage === 'redirect_preflight';
  if (pf) {
    const resp = pf.response;
    blocks.push(el('div', { class: 'headers', dataset: { part: 'preflight' } },
      el('div', { class: 'col' }, el('div', { class: 'title', text: 'Preflight request (OPTIONS)' }),
        kvTable(pf.request_headers, { marks: pfStage ? m.request : [] })),
      el('div', { class: 'col' }, el('div', { class: 'title', text: 'Preflight response' }),
        resp
          ? kvTable(resp.headers, { statusLine: String(resp.status), marks: pfStage ? m.response : [], markStatus: pfStage && m.status, expectMissing: pfStage ? missing(m.response) : [] })
          : el('p', { class: 'note', text: pf.net_error ? `No response: ${pf.net_error}` : 'No response captured.' }))));
  }
  const actualHeaders = [...(req.headers || [])];
  if (!headerOf(actualHeaders, 'origin') && req.origin) actualHeaders.unshift(['Origin', req.origin]);
  const resp = ex.response;
  const lastRedirect = (ex.redirects || [])[ex.redirects?.length - 1];
  const respStage = !pfStage;
  blocks.push(el('div', { class: 'headers', dataset: { part: 'actual' } },
    el('div', { class: 'col' }, el('div', { class: 'title', text: `Request (${req.method || x.method})` }),
      kvTable(actualHeaders, { marks: respStage ? m.request : [] })),
    el('div', { class: 'col' }, el('div', { class: 'title', text: 'Response' }),
      resp
        ? kvTable(resp.headers, { statusLine: String(resp.status), marks: respStage ? m.response : [], expectMissing: respStage ? missing(m.response) : [] })
        : lastRedirect
          ? kvTable(lastRedirect.headers, { statusLine: `${lastRedirect.status} (redirect)`, marks: respStage ? m.response : [], expectMissing: respStage ? missing(m.response) : [] })
          : el('p', { class: 'note', text: pfStage ? 'Never sent: the preflight failed.' : 'No response captured.' }))));
  return section('Headers', ...blocks);
}

// Fix slot: the background asks the engine's `fix(exchange, framework)` (and `frameworks()` for the
// picker). A Fix is {framework, framework_name, language, placement, snippet, notes, verified_live}.
const fixCode = (f) => f?.snippet ?? '';

function drawFix(container, { frameworks, fix, error }, onPick) {
  const current = fix?.framework || state.framework || frameworks[0].id;
  const select = el('select', { 'aria-label': 'Framework', id: 'framework' },
    frameworks.map((f) => el('option', { value: f.id, text: f.name || f.id, selected: f.id === current })));
  select.addEventListener('change', () => onPick(select.value));
  const body = [];
  if (error) body.push(el('p', { class: 'note', text: error }));
  if (fix) {
    if (fix.placement) body.push(el('p', { class: 'note', text: fix.placement }));
    body.push(el('pre', { class: 'fix-code', dataset: { language: fix.language || '' }, text: fixCode(fix) }));
    for (const n of fix.notes || []) body.push(el('p', { class: 'note', text: n }));
    if (fix.verified_live === false) body.push(el('p', { class: 'note', text: 'This template is checked by snapshot tests, not against a live server.' }));
  }
  fill(container,
    el('div', { class: 'actions' }, el('label', { text: 'Server: ' }), select,
      el('button', { type: 'button', id: 'copy-fix', text: 'Copy fix', disabled: !fix, onclick: () => copyText(fixCode(fix), 'the fix') })),
    ...body);
}

function renderFixSlot(x, container) {
  if (!x.failed) { fill(container, el('p', { class: 'note', text: 'Nothing to fix: CORS allowed this request.' })); return; }
  const pick = (framework) => {
    state.framework = framework;
    api.storage.local.set({ framework }).catch?.(() => {});
    load(framework);
  };
  const load = (framework) => {
    send({ type: 'fix', exchange: x.exchange, framework })
      .then((r) => { if (state.selectedId === x.id) drawFix(container, { frameworks: r?.frameworks || [], fix: r?.fix || null, error: r?.error || null }, pick); })
      .catch((e) => { if (state.selectedId === x.id) fill(container, el('p', { class: 'note', text: `No fix: ${e.message || e}` })); });
  };
  fill(container, el('p', { class: 'note', text: 'Loading fixes…' }));
  load(state.framework);
}

// "Copy as curl", from the redacted export of this exchange (secrets masked by the engine).
function shellQuote(s) { return `'${String(s).replace(/'/g, "'\\''")}'`; }
function curl(method, url, headers) {
  const parts = ['curl', '-i'];
  if (method !== 'GET') parts.push('-X', shellQuote(method));
  parts.push(shellQuote(url));
  for (const [k, v] of headers) parts.push('-H', shellQuote(`${k}: ${v}`));
  return parts.join(' ');
}
const SKIP_IN_CURL = new Set(['host', 'connection', 'content-length', 'accept-encoding']);

async function redactedExchange(x) {
  const r = await send({ type: 'export', format: 'json', ids: [x.id] });
  const rep = JSON.parse(r.text);
  const item = (rep.exchanges || []).find((e) => e.id === x.id) || (rep.exchanges || [])[0];
  return item?.exchange || null;
}

async function copyCurl(x, which) {
  try {
    const ex = await redactedExchange(x);
    if (!ex) throw new Error('no exchange');
    const req = ex.request;
    let text;
    if (which === 'preflight') {
      let hs = ex.preflight?.request_headers?.filter(([k]) => !SKIP_IN_CURL.has(String(k).toLowerCase()));
      if (!hs || !hs.length) {
        hs = [['Origin', req.origin], ['Access-Control-Request-Method', req.method]];
        const names = x.verdict?.unsafe_header_names || [];
        if (names.length) hs.push(['Access-Control-Request-Headers', names.join(',')]);
      }
      text = curl('OPTIONS', req.url, hs);
    } else {
      const hs = (req.headers || []).filter(([k]) => !SKIP_IN_CURL.has(String(k).toLowerCase()));
      if (!hs.some(([k]) => String(k).toLowerCase() === 'origin')) hs.unshift(['Origin', req.origin]);
      // A request blocked at its preflight was never sent: only the header names are known (from the
      // preflight's Access-Control-Request-Headers).
      for (const name of x.verdict?.unsafe_header_names || []) {
        if (!hs.some(([k]) => String(k).toLowerCase() === name)) hs.push([name, '<not captured>']);
      }
      text = curl(req.method, req.url, hs);
    }
    await copyText(text, `the ${which} as curl`);
  } catch (e) {
    toast(`Cannot build curl: ${e.message || e}`);
  }
}

async function liveProbe(x, box, button) {
  button.disabled = true;
  fill(box, el('p', { class: 'note', text: `Sending OPTIONS ${x.url} …` }));
  try {
    // The id lets the background re-send to the URL as captured (the panel's copy is redacted).
    const r = await send({ type: 'probe', id: x.id, exchange: x.exchange, unsafe_header_names: x.verdict?.unsafe_header_names || [] });
    state.lastProbe = { id: x.id, ...r };
    renderProbe(r, box);
  } catch (e) {
    state.lastProbe = { id: x.id, error: String(e.message || e) };
    fill(box, el('p', { class: 'verdict bad', text: `Probe failed: ${e.message || e}` }));
  } finally {
    button.disabled = false;
  }
}

// "Verify with Chrome": the optional debugger permission is asked for here, in the click's user gesture.
async function verifyWithChrome(x, box, button) {
  button.disabled = true;
  try {
    const granted = await api.permissions.request({ permissions: ['debugger'] });
    if (!granted) {
      fill(box, el('p', { class: 'note', text: 'Not verified: the debugger permission was declined.' }));
      return;
    }
    fill(box, el('p', { class: 'note', text: `Chrome is sending ${x.method} ${x.url} from the page (only its preflight can reach the server) …` }));
    const r = await send({ type: 'verify', id: x.id }, { timeout: 30000 });
    state.lastVerify = { id: x.id, ...r };
    renderVerify(r, box);
  } catch (e) {
    state.lastVerify = { id: x.id, error: String(e.message || e) };
    fill(box, el('p', { class: 'verdict bad', text: `Could not verify: ${e.message || e}` }));
  } finally {
    button.disabled = false;
  }
}

const VERIFY_OUTCOMES = {
  passed: 'Chrome now lets this request through CORS (the actual request was stopped before it was sent).',
  network_error: 'Chrome got no usable answer (a network error, not CORS).',
  page_moved: 'The tab has left the page this request came from: reload it, then verify again.',
  not_sent: 'Chrome did not send the request (a Content Security Policy or mixed-content block?).',
};

/** An error with its failed parameter, as both Chrome's and the engine's verdict are shown. */
const withParameter = (text, parameter) => `${text}${parameter ? ` (${parameter})` : ''}`;

function renderVerify(r, box) {
  const c = r.chrome || {};
  const e = r.engine || {};
  const blocked = c.outcome === 'blocked';
  const chromeSays = blocked ? withParameter(c.cors_error, c.failed_parameter) : null;
  const engineSays = e.error ? withParameter(e.error, e.failed_parameter) : 'allowed';
  fill(box,
    el('div', { class: `verdict ${blocked ? 'bad' : c.outcome === 'passed' ? 'good' : 'unknown'}`, dataset: { verifyOutcome: c.outcome || '' } },
      blocked ? `Chrome blocks it now: ${withParameter(REASONS[c.cors_error] || c.cors_error, c.failed_parameter)}` : VERIFY_OUTCOMES[c.outcome] || c.outcome),
    c.console ? el('pre', { class: 'console', text: c.console }) : null,
    el('p', { class: 'note', text: `Chrome's corsErrorStatus: ${chromeSays ?? 'none'}${c.preflight_status != null ? `; its preflight got ${c.preflight_status}` : ''}. `
      + `The engine on the captured exchange: ${engineSays}${chromeSays != null && chromeSays === engineSays ? ' (they agree).' : '.'}` }),
    el('p', { class: 'note', text: 'Chrome shows a "started debugging this browser" bar while it verifies; close it when you like.' }),
  );
}

function renderProbe(r, box) {
  const raw = r.raw || {};
  const v = r.verdict;
  const verdictBox = v
    ? el('div', { class: `verdict ${v.allowed ? 'good' : v.error ? 'bad' : 'unknown'}`, dataset: { probeVerdict: '1' } },
      v.error ? `Preflight fails today: ${REASONS[v.error] || v.error}${v.failed_parameter ? ` (${v.failed_parameter})` : ''}` : 'The preflight passes today.')
    : el('div', { class: 'verdict unknown', text: `No verdict: ${r.verdict_error || 'unknown'}` });
  fill(box,
    verdictBox,
    v?.console?.chromium ? el('pre', { class: 'console', text: v.console.chromium }) : null,
    el('div', { class: 'headers' },
      el('div', { class: 'col' }, el('div', { class: 'title', text: 'Sent (OPTIONS)' }), kvTable(raw.request_headers || [])),
      el('div', { class: 'col' }, el('div', { class: 'title', text: `Received${raw.duration_ms != null ? ` in ${ms(raw.duration_ms)}` : ''}` }),
        raw.status == null
          ? el('p', { class: 'note', text: raw.error ? `No response: ${raw.error}` : raw.redirected ? 'Redirected (status hidden)' : 'No response' })
          : kvTable(raw.headers || [], { statusLine: raw.status_line || String(raw.status) }))),
    el('p', { class: 'note', text: 'Only the OPTIONS was sent, with the page\u2019s Origin; the actual request was not.' }),
  );
}

function renderDetail(x, { keepProbe }) {
  const d = $('detail');
  const oldProbe = keepProbe ? d.querySelector('.probe-result') : null;
  const v = x.verdict || {};
  const chromium = v.console?.chromium;
  const others = [['Firefox', v.console?.firefox], ['Safari', v.console?.safari]].filter(([, t]) => t);
  const probeBox = oldProbe || el('div', { class: 'probe-result' });
  const probeBtn = el('button', { type: 'button', id: 'probe', text: 'Send a live preflight', disabled: !v.preflight_required,
    title: v.preflight_required ? 'Send one OPTIONS with this page\u2019s Origin, method and headers (not the actual request) and check the answer' : 'This request needs no preflight' });
  probeBtn.addEventListener('click', () => liveProbe(x, probeBox, probeBtn));
  // Chromium only: Firefox has no debugger API (runtime.getBrowserInfo is Firefox's own).
  const verifyBtn = el('button', { type: 'button', id: 'verify', text: 'Verify with Chrome', hidden: !api.permissions || !!api.runtime.getBrowserInfo,
    title: 'Chrome itself sends this request from the page under its debugger, stopping the actual request before it leaves: its own CORS verdict, no side effect. Asks for the debugger permission.' });
  verifyBtn.addEventListener('click', () => verifyWithChrome(x, probeBox, verifyBtn));
  const fixBox = el('div', { class: 'fix' });
  const verdictText = v.allowed ? 'Allowed by CORS' : v.error ? reasonOf(x) : v.undetermined ? 'Failed; the capture lacks what is needed to decide why' : 'Failed';

  fill(d,
    el('div', { class: 'top' },
      el('h2', { text: `${x.method} ${x.url}` }),
      el('button', { type: 'button', id: 'close-detail', text: '✕', title: 'Close', onclick: () => closeDetail() })),
    el('div', { class: 'meta', text: [x.status ? `status ${x.status}` : 'no response', x.type, x.initiator ? `from ${x.initiator}` : null, x.started ? new Date(x.started).toLocaleTimeString() : null].filter(Boolean).join(' · ') }),
    el('div', { class: `verdict ${v.allowed ? 'good' : v.error ? 'bad' : 'unknown'}`, text: verdictText }),
    chromium ? section('Console (Chromium)', el('pre', { class: 'console', id: 'console-line', text: chromium }),
      el('div', { class: 'actions' }, el('button', { type: 'button', text: 'Copy', onclick: () => copyText(chromium, 'the console line') }))) : null,
    others.length ? el('details', null, el('summary', { text: 'Other browsers' }), others.map(([b, t]) => el('div', null, el('div', { class: 'note', text: b }), el('pre', { text: t })))) : null,
    renderExplanation(v.explanation),
    renderTimeline(x),
    v.preflight_required && (v.preflight_reasons || []).length
      ? section('Why a preflight', el('ul', { class: 'reasons' }, v.preflight_reasons.map((r) => el('li', { text: r }))),
        v.explanation?.avoid_preflight ? el('p', { class: 'note', text: v.explanation.avoid_preflight }) : null)
      : null,
    renderPreflightHttp(v.explanation),
    renderHeaders(x),
    (v.warnings || []).length ? section('Warnings', el('ul', { class: 'reasons' }, v.warnings.map((w) => el('li', { text: w })))) : null,
    section('Fix', fixBox),
    section('Tools',
      el('div', { class: 'actions' },
        el('button', { type: 'button', id: 'curl-preflight', text: 'Copy preflight as curl', disabled: !v.preflight_required && !x.preflight, onclick: () => copyCurl(x, 'preflight') }),
        el('button', { type: 'button', id: 'curl-actual', text: 'Copy request as curl', onclick: () => copyCurl(x, 'request') }),
        probeBtn,
        verifyBtn,
        el('button', { type: 'button', text: 'Export JSON', onclick: () => exportReport('json', [x.id]) }),
        el('button', { type: 'button', text: 'Export Markdown', onclick: () => exportReport('markdown', [x.id]) })),
      probeBox),
  );
  renderFixSlot(x, fixBox);
  shownSig = detailSig(x);
  d.hidden = false;
  $('requests-view').classList.add('with-detail');
}

// ---- start ----

function applyTheme() {
  const name = api.devtools?.panels?.themeName;
  if (name) document.documentElement.dataset.theme = name === 'dark' ? 'dark' : 'light';
  else if (params.get('theme')) document.documentElement.dataset.theme = params.get('theme');
}

window.__corsLens = {
  get tabId() { return tabId; },
  get inDevtools() { return inDevtools; },
  /** A JSON-safe snapshot of what the panel shows. */
  state() {
    return {
      tabId,
      inDevtools,
      view: state.view,
      filter: state.filter,
      search: state.search,
      selectedId: state.selectedId,
      preserve: state.preserve,
      error: state.error,
      refreshes: state.refreshes,
      total: state.report?.exchanges?.length ?? 0,
      evicted: state.report?.evicted ?? 0,
      shown: state.items.length,
      ids: state.items.map((x) => x.id),
      renderedRows: viewport.querySelectorAll('.row:not([hidden])').length,
      theme: document.documentElement.dataset.theme || null,
      lastExport: state.lastExport,
      lastProbe: state.lastProbe,
      lastVerify: state.lastVerify,
      lastCopied: state.lastCopied,
    };
  },
  report: () => state.report,
  refresh,
  select,
  setView,
  /** Render a report without asking the background (tests: large lists). */
  load(report) { setReport(report); },
};

applyTheme();
if (!Number.isInteger(tabId)) {
  state.error = 'No tab: open this page as panel.html?tabId=N or from DevTools.';
  document.body.dataset.ready = '1';
  renderAll();
} else {
  api.storage.local.get('framework').then((r) => { if (r && r.framework) state.framework = r.framework; }).catch(() => {});
  connect();
  refresh();
}
