// The CORS panel: renders what the engine's session reports (docs/session-api.md) for one tab. Runs inside
// DevTools (tab id from chrome.devtools.inspectedWindow) and as a normal tab (panel.html?tabId=N).
// No CORS rule, wording or header knowledge here: labels, marks, the timeline, what to replay as curl, the
// verdict, console lines, explanation, preflight cost and fixes all come from the engine as data.
// Every captured value is rendered as text (textContent), never as markup.
import { renderCost } from './cost.js';
import { $ } from './dom.js';
import { select, syncDetail } from './detail/index.js';
import { applyFilter, initList, renderedRows, renderRows } from './list.js';
import { initRecording } from './record.js';
import { settings, state } from './state.js';
import { initToolbar, renderStatus, setView } from './toolbar.js';
import { api, connect, inDevtools, params, send, tabId } from './transport.js';

let refreshTimer = null;
let refreshing = null;
let lastRefreshMs = 0;
// Under steady traffic the report is rebuilt at most every ~2x what the last one cost (min 120 ms),
// so a busy page cannot keep the background busy answering the panel.
function scheduleRefresh(delay = Math.max(120, 2 * lastRefreshMs)) {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => { refreshTimer = null; refresh(); }, delay);
}

async function refresh() {
  if (refreshing) { scheduleRefresh(); return refreshing; }
  refreshing = (async () => {
    const t0 = performance.now();
    try {
      const clicks = settings.clicks;
      const r = await send({ type: 'report' });
      lastRefreshMs = Math.min(2000, performance.now() - t0);
      state.error = null;
      // A setting changed while this report was on its way: the report's copy of it is stale.
      if (clicks !== settings.clicks && r) { delete r.preserve_log; delete r.recording; }
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
  if (state.report.recording) state.recording = state.report.recording;
  applyFilter();
  renderAll();
}

function renderAll() {
  renderStatus();
  renderRows();
  if (state.view === 'cost') renderCost();
  syncDetail();
}

function setTheme(name) {
  document.documentElement.dataset.theme = name === 'dark' ? 'dark' : 'light';
}

/** DevTools' theme, followed when the user changes it; as a tab, `?theme=` or else the OS setting (panel.css). */
function followTheme() {
  const panels = api.devtools?.panels;
  if (panels?.themeName) {
    setTheme(panels.themeName);
    if (panels.setThemeChangeHandler) panels.setThemeChangeHandler(setTheme); // Chromium
    else panels.onThemeChanged?.addListener(setTheme); // Firefox
  } else if (params.get('theme')) setTheme(params.get('theme'));
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
      renderedRows: renderedRows(),
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

initList({ select });
initToolbar({ rerender: renderAll, refresh });
initRecording();
followTheme();
if (!Number.isInteger(tabId)) {
  state.error = 'No tab: open this page as panel.html?tabId=N or from DevTools.';
  document.body.dataset.ready = '1';
  renderAll();
} else {
  connect(() => scheduleRefresh());
  refresh();
}
