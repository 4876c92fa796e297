// The request list: filter + search over the report's exchanges, and a virtualised list that renders only
// the rows in view (10,000 exchanges stay responsive). Every word in a row comes from the engine (`view`).
import { $, el, fill } from './dom.js';
import { state } from './state.js';

const ROW_H = 22;
const viewport = $('viewport');
const spacer = $('spacer');
const pool = [];
let rafPending = false;
let onSelect = () => {};

function matchesFilter(x) {
  if (state.filter === 'all') return true;
  if (!x.failed) return false;
  if (state.filter === 'failed-preflight') return !!(x.preflight || x.verdict?.preflight_required);
  return true;
}

function haystack(x) {
  if (!x.__hay) {
    x.__hay = `${x.method} ${x.url} ${x.status ?? ''} ${x.view?.reason ?? ''} ${x.verdict?.error || ''} ${x.verdict?.console?.chromium || ''}`.toLowerCase();
  }
  return x.__hay;
}

export function applyFilter() {
  const all = state.report?.exchanges || [];
  const q = state.search.trim().toLowerCase();
  const terms = q ? q.split(/\s+/) : [];
  state.items = all.filter((x) => matchesFilter(x) && terms.every((t) => haystack(x).includes(t)));
  if (state.selectedId && !all.some((x) => x.id === state.selectedId)) state.selectedId = null;
}

export function scheduleRows() {
  if (rafPending) return;
  rafPending = true;
  requestAnimationFrame(() => { rafPending = false; renderRows(); });
}

export const renderedRows = () => viewport.querySelectorAll('.row:not([hidden])').length;

export function scrollToTop() { viewport.scrollTop = 0; }

function makeRow() {
  const badge = el('span', { class: 'c-badge' });
  const method = el('span', { class: 'c-method' });
  const url = el('span', { class: 'c-url' });
  const status = el('span', { class: 'c-status' });
  const reason = el('span', { class: 'c-reason' });
  const row = el('div', { class: 'row', role: 'option' }, badge, method, url, status, reason);
  row.cells = { badge, method, url, status, reason };
  row.addEventListener('click', () => onSelect(row.dataset.id));
  return row;
}

function fillRow(row, x, i) {
  row.dataset.id = x.id;
  row.dataset.index = String(i);
  row.style.transform = `translateY(${i * ROW_H}px)`;
  row.setAttribute('aria-selected', String(x.id === state.selectedId));
  const c = row.cells;
  const b = x.view?.badge;
  fill(c.badge,
    b ? el('span', { class: `badge pf${b.bad ? ' bad' : ''}`, title: b.title, text: b.text }) : null,
    x.truncated ? el('span', { class: 'badge cut', title: 'A URL or header value was cut at 8 KiB when captured', text: '✂' }) : null);
  c.method.textContent = x.method;
  c.url.textContent = x.url;
  c.url.title = x.url;
  c.status.textContent = x.view?.status ?? '';
  c.status.className = `c-status ${x.failed ? 'bad' : 'good'}`;
  const reason = x.view?.reason ?? '';
  c.reason.textContent = reason;
  c.reason.title = x.verdict?.console?.chromium || reason;
  c.reason.className = `c-reason ${x.failed ? 'bad' : ''}`;
}

export function renderRows() {
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

/** Wires scrolling, resizing and arrow keys; `select(id)` opens an exchange. */
export function initList({ select }) {
  onSelect = select;
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
}
