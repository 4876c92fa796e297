// The toolbar (views, search, the Failed only toggle and type chips, keep log, clear with Ctrl+L, export), the status
// line and the banner area (the engine's preflight-cache banner, the background's capture notice).
import { renderCost } from './cost.js';
import { $, download, el, fill, toast } from './dom.js';
import { applyFilter, scheduleRows } from './list.js';
import { renderRecording } from './record.js';
import { onShortcut } from './shortcuts.js';
import { settings, state } from './state.js';
import { send } from './transport.js';

export function setView(v) {
  state.view = v;
  for (const b of document.querySelectorAll('.view')) {
    b.setAttribute('aria-selected', String(b.dataset.view === v));
    b.tabIndex = b.dataset.view === v ? 0 : -1; // one tab stop; arrows move between the tabs
  }
  $('requests-view').hidden = v !== 'failures';
  $('cost-view').hidden = v !== 'cost';
  if (v === 'cost') renderCost(); else scheduleRows();
  renderStatus();
}

function renderNotice() {
  const text = state.report?.capture_notice;
  const box = $('notice');
  if (!text || text === state.dismissedNotice) {
    box.hidden = true;
    fill(box);
    return;
  }
  fill(box,
    el('span', { text }),
    el('button', { type: 'button', text: 'Dismiss', onclick: () => { state.dismissedNotice = text; renderNotice(); } }));
  box.hidden = false;
}

function renderBanner() {
  const b = state.report?.banner;
  const banner = $('banner');
  if (!b) {
    banner.hidden = true;
    fill(banner);
    return;
  }
  fill(banner,
    el('span', { text: b.text }),
    el('span', { class: 'note', text: b.note || '' }),
    state.view !== 'cost' ? el('button', { type: 'button', text: 'Show preflight cost', onclick: () => setView('cost') }) : null);
  banner.hidden = false;
}

export function renderStatus() {
  const r = state.report;
  const all = r?.exchanges || [];
  const failed = all.filter((x) => x.failed).length;
  $('count-failures').textContent = failed ? `(${failed})` : '';
  const preflights = (r?.preflight_stats || []).reduce((s, x) => s + (x.count || 0), 0);
  $('count-cost').textContent = preflights ? `(${preflights})` : '';
  const parts = [];
  if (state.error) parts.push(`error: ${state.error}`);
  parts.push(`${state.items.length} shown`, `${failed} failed`, `${all.length} cross-origin`);
  if (r?.evicted) parts.push(`${r.evicted} evicted`);
  $('status').textContent = parts.join(' · ');
  $('status').title = r?.evicted ? 'Evicted: oldest requests dropped to stay within the per-tab limit' : '';
  renderRecording();
  renderNotice();
  renderBanner();
}

/** Export the redacted report: `ids` = one exchange, or null for every failure currently listed. */
export async function exportReport(format, ids) {
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

/** Wires the toolbar; `rerender()` redraws everything from the state, `refresh()` asks for a new report. */
export function initToolbar({ rerender, refresh }) {
  const tabs = [...document.querySelectorAll('.view')];
  for (const b of tabs) b.addEventListener('click', () => setView(b.dataset.view));
  $('views').addEventListener('keydown', (e) => {
    const i = tabs.indexOf(document.activeElement);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (i < 0 || !step) return;
    e.preventDefault();
    const next = tabs[(i + step + tabs.length) % tabs.length];
    setView(next.dataset.view);
    next.focus();
  });
  $('failed-only').addEventListener('change', (e) => { state.filter = e.target.checked ? 'failed' : 'all'; applyFilter(); rerender(); });
  const chips = [...document.querySelectorAll('.chip')];
  for (const chip of chips) {
    chip.addEventListener('click', () => {
      state.types = chip.dataset.types;
      for (const c of chips) c.setAttribute('aria-pressed', String(c === chip));
      applyFilter();
      rerender();
    });
  }
  let searchTimer = null;
  $('search').addEventListener('input', (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.search = e.target.value; applyFilter(); rerender(); }, 80);
  });
  $('preserve').addEventListener('change', async (e) => {
    settings.clicks++;
    state.preserve = e.target.checked;
    await send({ type: 'preserve', value: state.preserve }).catch((err) => toast(String(err.message || err)));
  });
  $('clear').addEventListener('click', async () => {
    await send({ type: 'clear' }).catch((err) => toast(String(err.message || err)));
    state.selectedId = null;
    await refresh();
  });
  onShortcut('l', () => $('clear').click());
  $('export-json').addEventListener('click', () => exportReport('json', null));
  $('export-md').addEventListener('click', () => exportReport('markdown', null));
  $('import-har').addEventListener('click', () => $('import-har-file').click());
  $('import-har-file').addEventListener('change', async (e) => {
    const file = e.target.files?.[0];
    e.target.value = ''; // the same file can be picked again
    if (file) await importHar(file, refresh);
  });
}

/** "Import HAR": the file's text goes to the engine as it is; what it found comes back in its words. */
export async function importHar(file, refresh) {
  try {
    const r = await send({ type: 'import_har', text: await file.text() }, { timeout: 60000 });
    toast([`Imported ${r.added} cross-origin request${r.added === 1 ? '' : 's'} from ${file.name}.`, ...(r.notes || [])].join(' '));
    await refresh();
  } catch (e) {
    toast(`Import failed: ${e.message || e}`);
  }
}
