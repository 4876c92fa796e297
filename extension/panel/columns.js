// The request list's columns, as in DevTools' Network panel: what each shows for an exchange, how it sorts, and
// its header (click to sort, with aria-sort; drag its right edge to resize; widths kept in storage.local).
// URL parsing into Name and Domain is generic; every CORS word (status, type, reason, badge) is the engine's `view`.
import { $, el, fill } from './dom.js';
import { consoleLine, state } from './state.js';
import { api, inDevtools } from './transport.js';

const parse = (url) => { try { return new URL(url); } catch { return null; } };

/** The last path segment of a parsed URL (the host for the root). */
const lastSegment = (u) => u.pathname.split('/').filter(Boolean).pop() || `${u.host}/`;

/** Name (the last path segment and the query) and Domain (host and port) of an exchange's URL, as the Network
 * panel's columns; parsed once per report, as rows are redrawn on every scroll. */
export function urlParts(x) {
  if (!x.__parts) {
    const u = parse(x.url);
    x.__parts = { name: u ? lastSegment(u) + u.search : x.url, host: u?.host ?? '' };
  }
  return x.__parts;
}

/** A script as the Initiator column names it: its file and line. */
const scriptName = (s) => { const u = parse(s.url); return `${u ? lastSegment(u) : s.url}:${s.line}`; };

/** Shows a script's line ({url, line}, one-based) in DevTools' Sources panel, which counts from zero. */
export function openScript(s) {
  if (s && inDevtools) api.devtools.panels.openResource(s.url, s.line - 1, () => {});
}

const ms = (v) => (v == null ? '' : `${Math.round(v)} ms`);

function fillInitiator(c, x) {
  const s = x.initiator_script;
  if (!s) { c.textContent = x.initiator ?? ''; c.title = c.textContent; return; }
  const text = scriptName(s);
  c.title = `${s.url}:${s.line}`;
  if (!inDevtools) { c.textContent = text; return; }
  // A link only where it can open Sources; not a tab stop: the row's menu offers the same from the keyboard.
  // Kept across re-renders (rows refresh as the report does), or a click spanning one would be lost.
  let a = c.firstChild;
  if (!(a instanceof HTMLAnchorElement)) {
    a = el('a', { href: '#', class: 'initiator', tabindex: '-1', onclick: (e) => { e.preventDefault(); e.stopPropagation(); openScript(a.script); } });
    fill(c, a);
  }
  a.script = s;
  a.textContent = text;
}

function fillBadges(c, x) {
  const b = x.view?.badge;
  fill(c,
    b ? el('span', { class: `badge pf${b.bad ? ' bad' : ''}${b.cached ? ' cached' : ''}`, title: b.title, text: b.text }) : null,
    x.view?.source_mark ? el('span', { class: 'badge imported', title: x.view.source_mark.text, text: x.view.source_mark.badge }) : null,
    x.truncated ? el('span', { class: 'badge cut', title: 'A URL or header value was cut at 8 KiB when captured', text: '✂' }) : null);
}

const text = (c, value, title = value) => { c.textContent = value; c.title = title; };

/** `fill(cell, x)` draws one cell; `key(x)` is what it sorts by; `width` in px (the last column takes the rest). */
export const COLUMNS = [
  { id: 'name', title: 'Name', width: 200, key: (x) => urlParts(x).name, fill: (c, x) => text(c, urlParts(x).name, x.url) },
  { id: 'domain', title: 'Domain', width: 130, key: (x) => urlParts(x).host, fill: (c, x) => text(c, urlParts(x).host) },
  { id: 'status', title: 'Status', width: 110, key: (x) => x.view?.status ?? '',
    fill: (c, x) => { text(c, x.view?.status ?? ''); c.classList.toggle('bad', !!x.failed); c.classList.toggle('good', !x.failed); } },
  { id: 'method', title: 'Method', width: 64, key: (x) => x.method, fill: (c, x) => text(c, x.method) },
  { id: 'type', title: 'Type', width: 70, key: (x) => x.view?.type ?? '', fill: (c, x) => text(c, x.view?.type ?? '') },
  { id: 'initiator', title: 'Initiator', width: 120, key: (x) => (x.initiator_script ? scriptName(x.initiator_script) : x.initiator ?? ''), fill: fillInitiator },
  { id: 'time', title: 'Time', width: 64, key: (x) => x.timings?.total_ms ?? -1, fill: (c, x) => text(c, ms(x.timings?.total_ms)) },
  { id: 'preflight', title: 'Preflight', width: 72, key: (x) => x.view?.badge?.text ?? '', fill: fillBadges },
  { id: 'reason', title: 'Reason', width: 200, key: (x) => x.view?.reason ?? '',
    fill: (c, x) => { text(c, x.view?.reason ?? '', consoleLine(x.verdict) || x.view?.reason || ''); c.classList.toggle('bad', !!x.failed); } },
];

const MIN_WIDTH = 36;
const widths = Object.fromEntries(COLUMNS.map((c) => [c.id, c.width]));

/** Sets the grid of the header and every row from the widths. */
function applyWidths() {
  const list = $('list');
  const last = COLUMNS.at(-1).id;
  list.style.setProperty('--cols', COLUMNS.map((c) => (c.id === last ? `minmax(${widths[c.id]}px, 1fr)` : `${widths[c.id]}px`)).join(' '));
  list.style.setProperty('--cols-min', `${COLUMNS.reduce((s, c) => s + widths[c.id], 0) + 12 + 6 * COLUMNS.length}px`);
}

function startResize(e, id) {
  e.preventDefault();
  e.stopPropagation();
  const handle = e.currentTarget;
  const x0 = e.clientX;
  const w0 = widths[id];
  handle.setPointerCapture(e.pointerId);
  const move = (m) => { widths[id] = Math.max(MIN_WIDTH, Math.round(w0 + m.clientX - x0)); applyWidths(); };
  const up = () => {
    handle.removeEventListener('pointermove', move);
    handle.removeEventListener('pointerup', up);
    api.storage.local.set({ columnWidths: { ...widths } }).catch?.(() => {});
  };
  handle.addEventListener('pointermove', move);
  handle.addEventListener('pointerup', up);
}

/** Next sort of a column: ascending, descending, then back to time order. */
function nextSort(id) {
  const s = state.sort;
  if (s?.column !== id) return { column: id, dir: 1 };
  return s.dir === 1 ? { column: id, dir: -1 } : null;
}

function renderSort() {
  for (const h of $('list-head').querySelectorAll('[role="columnheader"]')) {
    const s = state.sort;
    h.setAttribute('aria-sort', s?.column === h.dataset.col ? (s.dir === 1 ? 'ascending' : 'descending') : 'none');
  }
}

/** Orders `items` in place by the current sort; without one they stay in time order. */
export function sortItems(items) {
  const s = state.sort;
  const col = s && COLUMNS.find((c) => c.id === s.column);
  if (!col) return items;
  const keyed = items.map((x, i) => ({ x, i, k: col.key(x) }));
  keyed.sort((a, b) => (a.k < b.k ? -s.dir : a.k > b.k ? s.dir : a.i - b.i));
  for (let i = 0; i < keyed.length; i++) items[i] = keyed[i].x;
  return items;
}

/** Builds the header; `onSort()` re-orders the list. Header buttons are one tab stop (Left/Right move between them). */
export function initColumns({ onSort }) {
  const head = $('list-head');
  const buttons = [];
  const cells = COLUMNS.map((c, i) => {
    const button = el('button', { type: 'button', class: 'sort', tabindex: i === 0 ? '0' : '-1', text: c.title,
      title: `Sort by ${c.title}`, onclick: () => { state.sort = nextSort(c.id); renderSort(); onSort(); } });
    buttons.push(button);
    const handle = el('span', { class: 'resizer', 'aria-hidden': 'true', onpointerdown: (e) => startResize(e, c.id) });
    return el('div', { class: `c-${c.id}`, role: 'columnheader', 'aria-sort': 'none', dataset: { col: c.id } }, button, handle);
  });
  head.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (i < 0 || j == null || !buttons[j]) return;
    e.preventDefault();
    buttons[i].tabIndex = -1;
    buttons[j].tabIndex = 0;
    buttons[j].focus();
  });
  fill(head, el('div', { class: 'row', role: 'row' }, cells));
  applyWidths();
  api.storage.local.get('columnWidths').then((r) => {
    for (const [id, w] of Object.entries(r?.columnWidths || {})) if (id in widths && Number.isFinite(w)) widths[id] = Math.max(MIN_WIDTH, w);
    applyWidths();
  }).catch(() => {});
}
