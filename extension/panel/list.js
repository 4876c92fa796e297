// The request list, as DevTools' Network panel has it: rows in time order with the newest at the bottom (or sorted
// by a column), a selection that stays put while rows arrive, auto-scroll only when already at the bottom, the
// keyboard of a listbox, and a context menu. Virtualised: only the rows in view exist (10,000 stay responsive).
// Every word in a row comes from the engine (`view`); captured values go in as text.
import { COLUMNS, initColumns, sortItems } from './columns.js';
import { closeMenu, openMenu } from './contextMenu.js';
import { closeDetail } from './detail/index.js';
import { $, el, fill } from './dom.js';
import { compileQuery } from './filterQuery.js';
import { state } from './state.js';

const ROW_H = 22;
const viewport = $('viewport');
const spacer = $('spacer');
const pool = [];
let rafPending = false;
let onSelect = () => {};

const FETCH_TYPES = new Set(['fetch', 'xhr', 'fetch/xhr']);
const isFetch = (x) => FETCH_TYPES.has(x.view?.type);

function matchesFilter(x) {
  if (state.filter !== 'all' && !x.failed) return false;
  if (state.types === 'fetch') return isFetch(x);
  if (state.types === 'other') return !isFetch(x);
  return true;
}

const atBottom = () => viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_H / 2;

/** Recomputes the listed rows; keeps the selected row where it was on screen, or follows the bottom. */
export function applyFilter() {
  const all = state.report?.exchanges || [];
  const wasAtBottom = atBottom();
  const anchorId = state.cursorId;
  const anchorAt = anchorId ? state.items.findIndex((x) => x.id === anchorId) * ROW_H - viewport.scrollTop : 0;
  const query = compileQuery(state.search);
  // The report lists newest first; the list shows time order, newest at the bottom.
  const items = [];
  for (let i = all.length - 1; i >= 0; i--) if (matchesFilter(all[i]) && query(all[i])) items.push(all[i]);
  state.items = sortItems(items);
  if (state.selectedId && !all.some((x) => x.id === state.selectedId)) state.selectedId = null;
  if (state.cursorId && !all.some((x) => x.id === state.cursorId)) state.cursorId = null;
  spacer.style.height = `${state.items.length * ROW_H}px`;
  const index = anchorId ? state.items.findIndex((x) => x.id === anchorId) : -1;
  if (wasAtBottom) viewport.scrollTop = viewport.scrollHeight;
  else if (index >= 0) viewport.scrollTop = index * ROW_H - anchorAt;
}

export function scheduleRows() {
  if (rafPending) return;
  rafPending = true;
  requestAnimationFrame(() => { rafPending = false; renderRows(); });
}

export const renderedRows = () => viewport.querySelectorAll('.row:not([hidden])').length;

function makeRow() {
  const cells = COLUMNS.map((c) => el('span', { class: `c-${c.id}` }));
  const row = el('div', { class: 'row', role: 'option' }, cells);
  row.cells = cells;
  row.addEventListener('click', () => choose(row.dataset.id));
  row.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    state.cursorId = row.dataset.id;
    scheduleRows();
    showMenu(row.dataset.id, { x: e.clientX, y: e.clientY });
  });
  return row;
}

function fillRow(row, x, i, n) {
  row.id = `row-${x.id}`;
  row.dataset.id = x.id;
  row.dataset.index = String(i);
  row.style.transform = `translateY(${i * ROW_H}px)`;
  row.setAttribute('aria-selected', String(x.id === state.cursorId));
  row.setAttribute('aria-posinset', String(i + 1));
  row.setAttribute('aria-setsize', String(n));
  row.classList.toggle('failed', !!x.failed);
  COLUMNS.forEach((c, k) => c.fill(row.cells[k], x));
}

function renderEmpty(n) {
  const empty = $('empty');
  empty.hidden = n > 0;
  if (n) return;
  const all = state.report?.exchanges || [];
  const succeeded = all.filter((x) => !x.failed).length;
  if (state.error) fill(empty, `Cannot reach the background: ${state.error}`);
  else if (!all.length) fill(empty, 'Nothing recorded yet for this tab. Reload the page or make the request again.');
  else if (state.filter !== 'all' && succeeded === all.length) {
    fill(empty, `No failed requests; ${succeeded} succeeded \u2014 `,
      el('button', { type: 'button', id: 'show-all', text: 'Show all', onclick: () => $('failed-only').click() }));
  } else fill(empty, 'Nothing matches the filter.');
}

function renderEvicted() {
  const evicted = state.report?.evicted || 0;
  const failures = state.report?.evicted_failures || 0;
  const box = $('evicted');
  box.hidden = !evicted;
  box.textContent = evicted
    ? `${evicted} older request${evicted === 1 ? '' : 's'} dropped to stay within the per-tab limit${failures ? ` (${failures} of them failed)` : ''}`
    : '';
}

export function renderRows() {
  const n = state.items.length;
  // An exchange opened from elsewhere (the cost view's links) becomes the list's selection, brought into view.
  if (state.selectedId && state.selectedId !== state.cursorId) {
    state.cursorId = state.selectedId;
    const i = state.items.findIndex((x) => x.id === state.cursorId);
    if (i >= 0) scrollIntoView(i);
  }
  spacer.style.height = `${n * ROW_H}px`;
  const top = viewport.scrollTop;
  const h = viewport.clientHeight || 400;
  const first = Math.max(0, Math.floor(top / ROW_H) - 5);
  const last = Math.min(n, Math.ceil((top + h) / ROW_H) + 5);
  const need = Math.max(0, last - first);
  while (pool.length < need) { const r = makeRow(); pool.push(r); viewport.append(r); }
  for (let k = 0; k < pool.length; k++) {
    const row = pool[k];
    if (k < need) {
      row.hidden = false;
      fillRow(row, state.items[first + k], first + k, n);
    } else if (!row.hidden) {
      row.hidden = true;
      row.removeAttribute('id');
      row.dataset.id = '';
    }
  }
  // Points at the selected row only while it exists (the list is virtualised).
  const active = state.cursorId && document.getElementById(`row-${state.cursorId}`);
  if (active && !active.hidden) viewport.setAttribute('aria-activedescendant', active.id);
  else viewport.removeAttribute('aria-activedescendant');
  $('list-head').scrollLeft = viewport.scrollLeft;
  renderEmpty(n);
  renderEvicted();
}

/** Selects a row and opens its detail. */
function choose(id) {
  state.cursorId = id;
  onSelect(id);
}

function scrollIntoView(i) {
  const y = i * ROW_H;
  if (y < viewport.scrollTop) viewport.scrollTop = y;
  else if (y + ROW_H > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = y + ROW_H - viewport.clientHeight;
}

function showMenu(id, at) {
  const x = state.items.find((e) => e.id === id);
  if (x) openMenu(x, at, { openDetail: choose, returnFocus: viewport });
}

/** Moves the selection to row `j`; the detail follows while it is open, as in the Network panel. */
function moveTo(j) {
  const x = state.items[Math.max(0, Math.min(state.items.length - 1, j))];
  if (!x) return;
  scrollIntoView(state.items.indexOf(x));
  if (state.selectedId) choose(x.id);
  else state.cursorId = x.id;
  renderRows();
}

function onKey(e) {
  const i = state.items.findIndex((x) => x.id === state.cursorId);
  const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_H) - 1);
  const target = { ArrowDown: i + 1, ArrowUp: i < 0 ? 0 : i - 1, Home: 0, End: state.items.length - 1, PageDown: i + page, PageUp: i - page }[e.key];
  if (target != null) { e.preventDefault(); moveTo(target); return; }
  if (e.key === 'Enter' && state.cursorId) { e.preventDefault(); choose(state.cursorId); return; }
  if ((e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) && state.cursorId) {
    e.preventDefault();
    const row = document.getElementById(`row-${state.cursorId}`);
    const r = (row || viewport).getBoundingClientRect();
    showMenu(state.cursorId, { x: r.left + 24, y: r.bottom });
  }
}

/** Wires the header, scrolling, resizing, keys and the context menu; `select(id)` opens an exchange's detail. */
export function initList({ select }) {
  onSelect = select;
  initColumns({ onSort: () => { applyFilter(); renderRows(); } });
  viewport.addEventListener('scroll', () => { closeMenu({ refocus: false }); scheduleRows(); }, { passive: true });
  new ResizeObserver(scheduleRows).observe(viewport);
  viewport.addEventListener('keydown', onKey);
  // Escape closes the detail from anywhere but an open menu (which handles its own), and returns to the list.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || !state.selectedId) return;
    e.preventDefault();
    closeDetail();
    viewport.focus();
  });
  // Keyboard users land on a row: the selected one, else the newest.
  viewport.addEventListener('focus', () => {
    if (!state.cursorId && state.items.length) moveTo(state.items.length - 1);
  });
}
