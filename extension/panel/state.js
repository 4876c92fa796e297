// What the panel shows, shared by its modules; main.js exposes a JSON-safe snapshot as window.__corsLens.state().
export const state = {
  report: null, // the last report from the session (docs/session-api.md)
  items: [], // report.exchanges after filter + search, in list order (time order: newest at the bottom)
  view: 'failures',
  filter: 'failed', // 'failed' (the Failed only toggle) or 'all'
  types: 'all', // the type chips: 'all', 'fetch' (fetch and XHR) or 'other'
  search: '',
  sort: null, // {column, dir: 1 | -1} from a column header; null: time order
  selectedId: null, // the exchange the detail shows
  evidenceTab: 'explanation', // the detail's evidence sub-tab, kept from one request to the next
  cursorId: null, // the list's selected row (the detail follows it while open)
  preserve: false,
  recording: null, // {tab, every_tab} once the background reports it
  dismissedNotice: null,
  framework: null,
  error: null,
  refreshes: 0,
  lastExport: null,
  lastProbe: null,
  lastVerify: null,
  lastCopied: null,
};

/** Bumped by each toolbar setting sent to the background: a report asked for before it must not undo it. */
export const settings = { clicks: 0 };

/** The console line of the browser whose rules made the verdict (the one the panel runs in), or null. */
export const consoleLine = (verdict) => verdict?.console?.[verdict?.browser ?? 'chromium'] ?? null;
